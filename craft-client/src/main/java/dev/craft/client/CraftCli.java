package dev.craft.client;

import dev.craft.client.cli.BenchCommand;
import dev.craft.client.cli.BenchPerfCommand;
import dev.craft.client.cli.ClassifyCommand;
import dev.craft.client.cli.EvalCommand;
import dev.craft.client.cli.PlotCommand;
import dev.craft.client.cli.ReportCommand;
import dev.craft.client.cli.TuneCommand;
import dev.craft.client.cmaes.CmaesCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Top-level {@code craft} command; subcommands do the work. */
@Command(name = "craft", mixinStandardHelpOptions = true, versionProvider = CraftVersion.class,
        description = "CraFT: black-box VLM prompt tuning client.",
        subcommands = {TuneCommand.class, EvalCommand.class, ClassifyCommand.class, BenchCommand.class,
                BenchPerfCommand.class, PlotCommand.class, ReportCommand.class, CmaesCommand.class})
public final class CraftCli {

    /** The JDK HttpClient's read buffer; its 16 KiB default doubles the client CPU of large predict answers. */
    static final String HTTP_BUFFER_PROPERTY = "jdk.httpclient.bufsize";
    static final String HTTP_BUFFER_BYTES = "262144";

    public static void main(String[] args) {
        useLargeHttpBuffers();
        System.exit(commandLine().execute(args));
    }

    /**
     * The JDK reads the property once, when its HttpClient classes load, so this runs before the first
     * client exists; a value given with {@code -D} is kept.
     */
    static void useLargeHttpBuffers() {
        if (System.getProperty(HTTP_BUFFER_PROPERTY) == null) {
            System.setProperty(HTTP_BUFFER_PROPERTY, HTTP_BUFFER_BYTES);
        }
    }

    /**
     * The configured command line: execution errors print {@code craft: error: <message>} and
     * exit 1 (this includes option values that a command checks when it runs, such as an unknown
     * method); options picocli itself rejects (unknown, missing, malformed) print the message and a
     * usage hint and exit 2.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CraftCli());
        giveVersion(cl, new CraftVersion());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            cmd.getErr().println("craft: error: " + msg.replace('\n', ' '));
            cmd.getErr().flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("craft: error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return 2;
        });
        return cl;
    }

    private static void giveVersion(CommandLine command, CraftVersion version) {
        command.getCommandSpec().versionProvider(version);
        command.getSubcommands().values().forEach(sub -> giveVersion(sub, version));
    }
}
