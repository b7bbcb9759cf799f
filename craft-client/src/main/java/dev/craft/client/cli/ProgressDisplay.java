package dev.craft.client.cli;

import dev.craft.client.tune.ProgressListener;
import dev.craft.client.tune.RoundMetrics;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/** A progress bar over queries used / budget with the current fitness and train accuracy (none with --quiet), and notes. */
final class ProgressDisplay implements ProgressListener, AutoCloseable {

    private final boolean quiet;
    private final String task;
    private ProgressBar bar;

    private ProgressDisplay(boolean quiet, String task) {
        this.quiet = quiet;
        this.task = task;
    }

    static ProgressDisplay create(boolean quiet, String task) {
        return new ProgressDisplay(quiet, task);
    }

    @Override
    public void roundDone(RoundMetrics metrics, int rounds, long budget) {
        if (quiet) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(budget, 1))
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" q", 1).continuousUpdate().build();
        }
        bar.stepTo(metrics.trainQueries());
        bar.setExtraMessage(String.format(Locale.ROOT, "r%d/%d fit %.3f acc %.2f", metrics.round(), rounds,
                metrics.bestFitness(), metrics.trainAccuracy()));
    }

    void log(String message) {
        System.err.println(message);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
