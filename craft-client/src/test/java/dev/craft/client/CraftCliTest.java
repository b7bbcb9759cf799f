package dev.craft.client;

import dev.craft.client.testsupport.Cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class CraftCliTest {

    private final ObjectMapper mapper = JsonMapper.builder().build();

    private static Cli.Outcome run(String... args) {
        return Cli.run(args);
    }

    @Test
    void largeHttpBuffersUnlessTheUserChoseASize() {
        String before = System.getProperty(CraftCli.HTTP_BUFFER_PROPERTY);
        try {
            System.clearProperty(CraftCli.HTTP_BUFFER_PROPERTY);
            CraftCli.useLargeHttpBuffers();
            assertThat(System.getProperty(CraftCli.HTTP_BUFFER_PROPERTY)).isEqualTo("262144");

            System.setProperty(CraftCli.HTTP_BUFFER_PROPERTY, "65536");
            CraftCli.useLargeHttpBuffers();
            assertThat(System.getProperty(CraftCli.HTTP_BUFFER_PROPERTY)).isEqualTo("65536");
        } finally {
            if (before == null) {
                System.clearProperty(CraftCli.HTTP_BUFFER_PROPERTY);
            } else {
                System.setProperty(CraftCli.HTTP_BUFFER_PROPERTY, before);
            }
        }
    }

    @Test
    void cmaesPrintsOneJsonLine() {
        Cli.Outcome r = run("cmaes", "--function", "sphere", "--dim", "10", "--seed", "3");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().strip().lines()).hasSize(1);
        JsonNode j = mapper.readTree(r.out());
        assertThat(j.get("function").asString()).isEqualTo("sphere");
        assertThat(j.get("dim").asInt()).isEqualTo(10);
        assertThat(j.get("evals").asLong()).isBetween(500L, 2500L);
        assertThat(j.get("best").asDouble()).isLessThanOrEqualTo(1e-8);
        assertThat(j.get("reached").asBoolean()).isTrue();
        assertThat(j.propertyNames()).containsExactly("function", "dim", "evals", "best", "reached");
    }

    @Test
    void cmaesWithAllOptions() {
        Cli.Outcome r = run("cmaes", "--function", "elli", "--dim", "5", "--popsize", "12", "--sigma0", "0.3",
                "--x0", "0.2", "--max-evals", "600", "--target", "1e-30", "--seed", "9", "--separable",
                "--bounds", "-1,1");
        assertThat(r.exitCode()).isZero();
        JsonNode j = mapper.readTree(r.out());
        assertThat(j.get("reached").asBoolean()).isFalse();
        assertThat(j.get("evals").asLong()).isEqualTo(600);
        assertThat(j.get("best").asDouble()).isPositive();
    }

    @Test
    void badInputExitsNonZeroWithOneLineError() {
        for (String[] args : new String[][] {
                {"cmaes", "--dim", "0"},
                {"cmaes", "--function", "nope"},
                {"cmaes", "--popsize", "1"},
                {"cmaes", "--sigma0", "-1"},
                {"cmaes", "--bounds", "1"},
                {"cmaes", "--bounds", "0,1", "--x0", "2"},
                {"cmaes", "--x0", "1,2"},
                {"cmaes", "--dim", "x"},
                {"cmaes", "--no-such-option"},
                {}}) {
            Cli.Outcome r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith("craft: error: ").contains("--help");
        }
        assertThat(run("cmaes", "--dim", "0").err()).startsWith("craft: error: --dim must be >= 1, got 0");
    }

    @Test
    void helpExitsZero() {
        Cli.Outcome r = run("cmaes", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--function", "--separable", "--bounds");
    }

    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("it broke\nbadly");
        }
    }

    @Test
    void executionErrorPrintsOneLineAndExitsOne() {
        CommandLine cl = CraftCli.commandLine();
        cl.addSubcommand(new CommandLine(new Boom()));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("boom")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("craft: error: it broke badly" + System.lineSeparator());
    }
}
