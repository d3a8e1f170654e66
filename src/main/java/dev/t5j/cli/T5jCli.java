package dev.t5j.cli;

import dev.t5j.common.IoErrors;
import dev.t5j.common.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code t5j} command: a thin shell over the library. Each subcommand lives in its own class. */
@Command(name = "t5j", mixinStandardHelpOptions = true, version = "t5j 0.1.0",
        description = "Pretrain, fine-tune, evaluate and serve T5-family text-to-text models on the JVM.",
        subcommands = {
                CommandLine.HelpCommand.class,
                QuickstartCommand.class,
                ModelCommand.class,
                GenerateCommand.class,
                ScoreCommand.class,
                ServeCommand.class,
                BenchCommand.class,
                SynthCommand.class,
                MetricsCommand.class,
                DataCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                TransferCommand.class,
                PredictCommand.class,
                TokenizeCommand.class,
                DetokenizeCommand.class,
                VocabCommand.class,
                IndexCommand.class,
                AtlasTasksCommand.class,
                RetrieveCommand.class,
                AtlasCommand.class,
                PromptsCommand.class,
                T0Command.class,
                RankCommand.class,
                AdaptersCommand.class,
        })
public final class T5jCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Builds the command line with t5j's error policy: user errors (and file-system failures the user causes, see
     * {@link IoErrors}) print one message and exit 2, no stack trace; anything else is a bug and says so.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new T5jCli());
        cl.setExecutionStrategy(pr -> {
            String bad = OptionChecks.firstProblem(pr);
            if (bad == null) return new CommandLine.RunLast().execute(pr);
            PrintWriter err = pr.commandSpec().commandLine().getErr();
            err.println("t5j: error: " + bad);
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof UserError) && t.getCause() != null && t.getCause() != t) t =
                    t.getCause();
            PrintWriter err = commandLine.getErr();
            UserError user = t instanceof UserError u ? u : IoErrors.translate(ex);
            if (user != null) {
                err.println("t5j: error: " + user.getMessage());
                err.flush();
                return 2;
            }
            err.println("t5j: internal error (please report): " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        // Jetty (serve) and Jinjava (prompts) log through SLF4J: warnings only, unless the user sets a level
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int rc = commandLine().execute(args);
        System.out.flush();
        System.exit(rc);
    }
}
