package dev.craft.client.perf;

import java.util.Locale;

/** The human-readable form of a {@link PerfReport}, as craft bench-perf prints it. */
public final class PerfTable {

    private PerfTable() {
    }

    public static String render(PerfReport r) {
        StringBuilder t = new StringBuilder();
        PerfReport.Setup s = r.setup();
        MachineInfo m = r.machine();
        line(t, "model %s (%s) at %s", r.bundle(), r.modelId(), r.service());
        line(t, "task: %s, %d shots, seed %d, K = %d classes, N = %d training images, %d test images; CMA-ES "
                + "N = %d, population %d", s.method(), s.shots(), s.seed(), s.classes(), s.trainImages(), s.testImages(),
                s.intrinsicDim(), s.candidatesPerRound());
        line(t, "machine: %d cores, %s, load average %.2f at start, %.2f at end (this benchmark keeps 1-2 cores busy; "
                + "more means other work shared the machine)",
                m.cores(), m.cpuModel(), m.loadAverageAtStart(), m.loadAverageAtEnd());
        RoundProfile p = r.round();
        line(t, "");
        line(t, "One round, mean of %d rounds after %d warm-up rounds        ms/round   share", p.rounds(),
                p.warmupRounds());
        row(t, "query (one request, %d candidates)".formatted(s.candidatesPerRound()), p.queryMs(), p.queryShare());
        row(t, "CMA-ES ask/tell + projection, critical path", p.cmaesMs(), p.cmaesShare());
        sub(t, "CMA-ES CPU time, both threads", p.cmaesCpuMs());
        sub(t, "eigendecomposition CPU on the background thread", p.cmaesBackgroundMs());
        sub(t, "waiting for it (part of the critical path)", p.cmaesWaitMs());
        line(t, "      background eigendecompositions per round %.2f", p.eigenDecompositionsPerRound());
        row(t, "refinement MLP", p.mlpMs(), p.mlpShare());
        sub(t, "forward pass over the candidates (fitness)", p.mlpFitnessMs());
        sub(t, "epoch", p.mlpEpochMs());
        row(t, "other", p.otherMs(), p.otherShare());
        sub(t, "checkpoint and metrics.csv", p.checkpointMs());
        row(t, "round", p.roundMs(), 1.0);
        PerfReport.EndToEnd e = r.endToEnd();
        line(t, "");
        line(t, "End to end, budget %d training queries          production   one JSON request per candidate", e.budget());
        line(t, "  training loop, s                               %10.1f   %10.1f   speed-up %.2fx",
                e.productionSeconds(), e.referenceStyleSeconds(), e.speedup());
        line(t, "  whole job (with loading and writing), s        %10.1f   %10.1f", e.productionJobSeconds(),
                e.referenceStyleJobSeconds());
        line(t, "  predict requests                               %10d   %10d", e.requests().production().predictRequests(),
                e.requests().referenceStyle().predictRequests());
        line(t, "  queries charged                                %10d   %10d", e.requests().production().charged(),
                e.requests().referenceStyle().charged());
        line(t, "  test accuracy                                  %10.4f   %10.4f   equal: %s",
                e.productionAccuracy(), e.referenceStyleAccuracy(), e.accuracyMatches() ? "yes" : "NO");
        line(t, "  bit-identical learning: %s; same tuned prompt: %s; largest relative fitness difference %.2g",
                e.identicalLearning() ? "yes" : "no", e.samePrompt() ? "yes" : "no", e.maxFitnessRelDiff());
        PerfReport.Artefact a = r.artefact();
        line(t, "");
        line(t, "Artefact: tuned/ %,d bytes (prompt offset %,d, refinement MLP %,d)", a.tunedBytes(), a.promptBytes(),
                a.refinerBytes());
        if (a.modelParameters() == null) {
            line(t, "  model size: %s", a.modelParametersSource());
        } else {
            line(t, "  model: %,d parameters = %,d bytes as float32 (%s)", a.modelParameters(), a.modelBytes(),
                    a.modelParametersSource());
            line(t, "  tuned/ is %.4f of the model (1/%.1f)", a.ratio(), a.oneIn());
        }
        return t.toString();
    }

    private static void line(StringBuilder t, String format, Object... args) {
        t.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static void row(StringBuilder t, String what, double ms, double share) {
        line(t, "  %-56s %9.2f  %5.1f%%", what, ms, 100 * share);
    }

    private static void sub(StringBuilder t, String what, double ms) {
        line(t, "      %-52s %9.2f", what, ms);
    }
}
