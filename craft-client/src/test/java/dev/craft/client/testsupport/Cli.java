package dev.craft.client.testsupport;

import dev.craft.client.CraftCli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the craft CLI in-process, as a user would call it, capturing what it prints. */
public final class Cli {

    private Cli() {
    }

    public record Outcome(int exitCode, String out, String err) {
    }

    public static Outcome run(String... args) {
        CommandLine commandLine = CraftCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
