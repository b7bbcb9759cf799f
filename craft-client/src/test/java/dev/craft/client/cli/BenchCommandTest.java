package dev.craft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.craft.client.testsupport.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What craft bench checks before it contacts the service (the end-to-end runs need a real one). */
class BenchCommandTest {

    @TempDir
    Path tmp;

    private Cli.Outcome bench(String... extra) {
        String[] base = {"bench", "--service", "http://127.0.0.1:9", "--api-key", "k", "--dataset",
                tmp.resolve("data").toString(), "--out", tmp.resolve("bench").toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void badOptionsFailWithOneLine() {
        assertThat(bench("--methods", "zs,foo").err()).isEqualTo(
                "craft: error: --methods: 'foo' is not one of [zs, bbt, pr, pgpr, craft]" + System.lineSeparator());
        assertThat(bench("--shots", "1,x").err()).startsWith("craft: error: --shots: 'x' is not a whole number");
        assertThat(bench("--seeds", "1,1").err()).startsWith("craft: error: --seeds lists 1 twice");
        assertThat(bench("--preset", "fast").err()).startsWith("craft: error: --preset 'fast' is not one of");
        assertThat(bench("--final-refit", "x").err()).startsWith("craft: error: --final-refit 'x' is not one of [none, cv, cv-kl]");
        assertThat(bench("--eval-every", "-1").err()).startsWith("craft: error: --eval-every must not be negative");
        assertThat(bench("--budget-rule", "paper").err()).startsWith(
                "craft: error: --budget-rule 'paper' is not one of fixed, reference");
        // 1 shot under the reference rule gets a quarter of 120: below one generation, refused before any query
        Cli.Outcome quarter = bench("--methods", "craft", "--shots", "1,8", "--budget", "120", "--budget-rule", "reference");
        assertThat(quarter.err()).startsWith("craft: error: --budget 30 is below one CMA-ES generation");
        Cli.Outcome lowBudget = bench("--methods", "zs,bbt", "--budget", "10");
        assertThat(lowBudget.exitCode()).isEqualTo(1);
        assertThat(lowBudget.err()).startsWith("craft: error: --budget 10 is below one CMA-ES generation");
        assertThat(tmp.resolve("bench")).doesNotExist();
    }

    @Test
    void anEarlierRunIsNotOverwrittenWithoutResume() throws IOException {
        Path cell = tmp.resolve("bench/craft-4shot-seed2");
        Files.createDirectories(cell);
        Files.writeString(cell.resolve("config.json"), "{}");
        Cli.Outcome r = bench("--methods", "craft", "--shots", "4", "--seeds", "1,2");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("craft: error: " + cell + " already holds a started run; use --resume to keep "
                + "it, or choose another --out" + System.lineSeparator());
        assertThat(tmp.resolve("bench/craft-4shot-seed1")).doesNotExist();
    }

    @Test
    void helpListsTheGridOptions() {
        Cli.Outcome help = Cli.run("bench", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--methods", "zs,bbt,pr,pgpr,craft", "--shots", "1,2,4,8,16", "--seeds",
                "--budget", "--budget-rule", "--resume", "--eval-every", "--preset", "--service", "--api-key");
    }
}
