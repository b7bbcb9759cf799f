package dev.craft.client.tune;

import dev.craft.client.cli.PresetOption;
import dev.craft.client.refine.RefinerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The two presets resolve to the values ALGORITHM.md lists. */
class PresetTest {

    @Test
    void paperPresetFollowsThePapersText() {
        TuneSettings s = Preset.PAPER.settings(DatasetProfile.DTD, 10);
        assertThat(s.lambdaKl()).isCloseTo(0.01, within(1e-12));
        assertThat(s.betaKl()).isCloseTo(0.01, within(1e-12));
        assertThat(s.refiner().layers()).isEqualTo(3);
        assertThat(s.refiner().hidden()).isEqualTo(512);
        assertThat(s.refiner().optimizer()).isEqualTo(RefinerConfig.OptimizerKind.ADAMW);
        assertThat(s.refiner().batchSize()).isEqualTo(256);
        assertThat(s.projectionRule()).isEqualTo(Preset.ProjectionRule.BBT);
        assertThat(s.popsize()).isEqualTo(40);
        assertThat(s.intrinsicDim()).isEqualTo(512);
        // BBT's rule: alpha * stdHat / (sqrt(D) * sigma0)
        assertThat(s.projectionStd(0.02)).isCloseTo(0.02 / Math.sqrt(512), within(1e-12));
    }

    @Test
    void referencePresetUsesPerDatasetValues() {
        TuneSettings dtd = Preset.REFERENCE.settings(DatasetProfile.recognise("split_zhou_DescribableTextures.json"), 10);
        assertThat(dtd.sigma0()).isEqualTo(0.02);
        assertThat(dtd.projectionStd(123)).isEqualTo(1.0);
        assertThat(dtd.lambdaKl()).isEqualTo(0.001);
        assertThat(dtd.bound()).isEqualTo(5.0);
        assertThat(dtd.refiner().layers()).isEqualTo(2);
        assertThat(dtd.refiner().hidden()).isEqualTo(256);
        assertThat(dtd.refiner().optimizer()).isEqualTo(RefinerConfig.OptimizerKind.ADAM);

        TuneSettings imagenet = Preset.REFERENCE.settings(DatasetProfile.recognise("imagenet"), 1000);
        assertThat(imagenet.bound()).isZero();
        assertThat(imagenet.lambdaKl()).isZero();
        assertThat(imagenet.refiner().hidden()).isEqualTo(512);
        assertThat(Preset.REFERENCE.settings(DatasetProfile.recognise("split_zhou_OxfordPets.json"), 37)
                .refiner().batchSize()).isEqualTo(64);
        assertThat(Preset.REFERENCE.settings(DatasetProfile.recognise("caltech101"), 100).projectionStd(1)).isEqualTo(0.2);
    }

    @Test
    void aConsistencyOverrideReplacesOnlyTheKlWeightsAndCutoffItNames() {
        TuneSettings paper = Preset.PAPER.settings(DatasetProfile.DTD, 10);
        assertThat(ConsistencyOverride.NONE.applyTo(paper)).isEqualTo(paper);

        TuneSettings both = new ConsistencyOverride(1.0, 1).applyTo(paper);
        assertThat(both.lambdaKl()).isEqualTo(1.0);
        assertThat(both.betaKl()).isEqualTo(1.0);
        assertThat(both.klCutoffDivisor()).isEqualTo(1);
        assertThat(both.withConsistency(paper.lambdaKl(), paper.betaKl(), paper.klCutoffDivisor())).isEqualTo(paper);

        TuneSettings cutoffOnly = new ConsistencyOverride(null, 2).applyTo(paper);
        assertThat(cutoffOnly.lambdaKl()).isEqualTo(paper.lambdaKl());
        assertThat(cutoffOnly.klCutoffDivisor()).isEqualTo(2);
    }

    @Test
    void roundsFollowTheBudget() {
        TuneSettings s = Preset.PAPER.settings(DatasetProfile.OTHER, 10);
        assertThat(config(Method.CRAFT, 8000, "best", s).rounds()).isEqualTo(200);
        assertThat(config(Method.CRAFT, 8000, "mean", s).rounds()).isEqualTo(195);
        assertThat(config(Method.PR, 8000, "best", s).rounds()).isEqualTo(199);
        assertThat(config(Method.ZS, 8000, "best", s).rounds()).isZero();
    }

    @Test
    void presetsKeepTheLoopsNetworkAndAnOldConfigReadsAsNoRefit() {
        assertThat(Preset.PAPER.settings(DatasetProfile.DTD, 10).finalRefit()).isEqualTo(FinalRefit.NONE);
        assertThat(Preset.REFERENCE.settings(DatasetProfile.DTD, 10).finalRefit()).isEqualTo(FinalRefit.NONE);
        TuneSettings cv = Preset.PAPER.settings(DatasetProfile.DTD, 10).withFinalRefit(FinalRefit.CV);
        assertThat(cv.finalRefit()).isEqualTo(FinalRefit.CV);
        assertThat(cv.withFinalRefit(FinalRefit.NONE)).isEqualTo(Preset.PAPER.settings(DatasetProfile.DTD, 10));

        String json = RunDirectory.JSON.writeValueAsString(cv);
        assertThat(json).contains("\"finalRefit\":\"cv\"");
        assertThat(RunDirectory.JSON.readValue(json, TuneSettings.class)).isEqualTo(cv);
        // config.json of a run made before the option existed
        String old = json.replace(",\"finalRefit\":\"cv\"", "");
        assertThat(old).doesNotContain("finalRefit");
        assertThat(RunDirectory.JSON.readValue(old, TuneSettings.class).finalRefit()).isEqualTo(FinalRefit.NONE);
    }

    @Test
    void craftPlusIsThePapersSettingsWithTheLdaFitnessAndTheRefitAndOldConfigsReadAsCe() {
        TuneSettings paper = Preset.PAPER.settings(DatasetProfile.DTD, 10);
        TuneSettings plus = Preset.CRAFT_PLUS.settings(DatasetProfile.DTD, 10);
        assertThat(plus.promptFitness()).isEqualTo(PromptFitness.LDA);
        assertThat(plus.finalRefit()).isEqualTo(FinalRefit.CV_KL);
        assertThat(FinalRefit.fromId("cv-kl")).isEqualTo(FinalRefit.CV_KL);
        assertThat(FinalRefit.CV_KL.id()).isEqualTo("cv-kl");
        assertThat(paper.promptFitness()).isEqualTo(PromptFitness.CE);
        assertThat(Preset.REFERENCE.settings(DatasetProfile.DTD, 10).promptFitness()).isEqualTo(PromptFitness.CE);
        // everything else is the paper's
        assertThat(new TuneSettings(Preset.PAPER, plus.intrinsicDim(), plus.popsize(), plus.sigma0(), plus.bound(),
                plus.projectionRule(), plus.projectionValue(), plus.lambdaKl(), plus.betaKl(), plus.klCutoffDivisor(),
                plus.refiner(), FinalRefit.NONE, PromptFitness.CE)).isEqualTo(paper);
        assertThat(Preset.fromId("craft+")).isEqualTo(Preset.CRAFT_PLUS);

        String json = RunDirectory.JSON.writeValueAsString(plus);
        assertThat(json).contains("\"preset\":\"craft+\"", "\"promptFitness\":\"lda\"");
        assertThat(RunDirectory.JSON.readValue(json, TuneSettings.class)).isEqualTo(plus);
        String old = RunDirectory.JSON.writeValueAsString(paper).replace(",\"promptFitness\":\"ce\"", "");
        assertThat(old).doesNotContain("promptFitness");
        assertThat(RunDirectory.JSON.readValue(old, TuneSettings.class).promptFitness()).isEqualTo(PromptFitness.CE);
    }

    @Test
    void craftPlusViewsIsCraftPlusWithTwoViewsAndTheCliDefault() {
        TuneSettings plus = Preset.CRAFT_PLUS.settings(DatasetProfile.DTD, 10);
        TuneSettings views = Preset.CRAFT_PLUS_VIEWS.settings(DatasetProfile.DTD, 10);
        assertThat(views.views()).isEqualTo(2);
        assertThat(plus.views()).isEqualTo(1);
        assertThat(Preset.PAPER.settings(DatasetProfile.DTD, 10).views()).isEqualTo(1);
        assertThat(Preset.REFERENCE.settings(DatasetProfile.DTD, 10).views()).isEqualTo(1);
        // everything else is craft+'s
        assertThat(new TuneSettings(Preset.CRAFT_PLUS, views.intrinsicDim(), views.popsize(), views.sigma0(), views.bound(),
                views.projectionRule(), views.projectionValue(), views.lambdaKl(), views.betaKl(), views.klCutoffDivisor(),
                views.refiner().withViews(1), views.finalRefit(), views.promptFitness())).isEqualTo(plus);
        assertThat(Preset.fromId("craft+views")).isEqualTo(Preset.CRAFT_PLUS_VIEWS);
        String json = RunDirectory.JSON.writeValueAsString(views);
        assertThat(json).contains("\"preset\":\"craft+views\"", "\"views\":2");
        assertThat(RunDirectory.JSON.readValue(json, TuneSettings.class)).isEqualTo(views);

        PresetOption option = new PresetOption();
        new picocli.CommandLine(option).parseArgs();
        assertThat(option.value()).isEqualTo(Preset.CRAFT_PLUS_VIEWS);
    }

    @Test
    void theLdaFitnessFallsBackToCrossEntropyWhenAClassHasOneShot() {
        assertThat(PromptFitness.LDA.usableFor(new int[] {0, 1, 0, 1}, 2)).isEqualTo(PromptFitness.LDA);
        assertThat(PromptFitness.LDA.usableFor(new int[] {0, 1, 0}, 2)).isEqualTo(PromptFitness.CE);
        assertThat(PromptFitness.CE.usableFor(new int[] {0, 1}, 2)).isEqualTo(PromptFitness.CE);
        // with the CE term the fitness is exactly the paper's
        float[] f = {2, 0, 0, 1};
        float[] r = {1, 1, 0, 2};
        int[] y = {0, 1};
        assertThat(PromptFitness.CE.of(f, r, y, 2, 0.3)).isEqualTo(dev.craft.client.refine.Losses.fitness(f, r, y, 2, 0.3));
        assertThat(PromptFitness.CE.of(f, null, y, 2, 0.3)).isEqualTo(dev.craft.client.refine.Losses.crossEntropy(f, y, 2));
    }

    @Test
    void aResumeWithAnotherFinalRefitNamesIt() {
        TuneSettings none = Preset.PAPER.settings(DatasetProfile.OTHER, 10);
        TuneConfig stored = config(Method.CRAFT, 8000, "best", none.withFinalRefit(FinalRefit.CV));
        assertThat(stored.differencesFrom(config(Method.CRAFT, 8000, "best", none)))
                .containsExactly("final-refit: cv vs none");
        assertThat(stored.differencesFrom(stored)).isEmpty();
        assertThat(stored.differencesFrom(config(Method.CRAFT, 8000, "best",
                none.withFinalRefit(FinalRefit.CV).withRefiner(none.refiner().asLinear()))))
                .singleElement().asString().startsWith("settings (preset and ablations)");
    }

    @Test
    void aResumeWithAnotherNumberOfViewsNamesIt() {
        TuneSettings plus = Preset.CRAFT_PLUS.settings(DatasetProfile.OTHER, 10);
        TuneConfig stored = config(Method.CRAFT, 8000, "best", plus.withRefiner(plus.refiner().withViews(2)));
        assertThat(stored.differencesFrom(config(Method.CRAFT, 8000, "best", plus))).containsExactly("views: 2 vs 1");
    }

    private static TuneConfig config(Method method, long budget, String current, TuneSettings settings) {
        return new TuneConfig("run", method, "data", DatasetProfile.OTHER, 16, 1, budget, 0, current, "http://x",
                "m", "a photo of a {}.", java.util.List.of("a", "b"), 128, 0.1, settings, "cs", "tr", "te");
    }
}
