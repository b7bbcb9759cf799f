package dev.craft.client.refine;

import dev.craft.client.DjlRuntime;
import java.util.SplittableRandom;

/**
 * Measures training steps per second of the refinement MLP (paper preset, batch 256) and
 * inference rows per second. Prints, asserts nothing.
 *
 * <p>Usage: {@code RefinerBenchmark [K ...]} (default 10 1000). Thread count as
 * {@link DjlRuntime} sets it ({@code -Dcraft.torch.threads=N} to override).
 */
public final class RefinerBenchmark {

    private static final int WARMUP_STEPS = 5;
    private static final double MIN_SECONDS = 3.0;

    private RefinerBenchmark() {
    }

    public static void main(String[] args) {
        DjlRuntime.configure();
        int[] classes = args.length == 0 ? new int[] {10, 1000} : parse(args);
        System.out.printf("threads=%s cores=%d%n", System.getProperty("ai.djl.pytorch.num_threads", "default"),
                Runtime.getRuntime().availableProcessors());
        for (int k : classes) {
            run(RefinerConfig.paper(k));
        }
    }

    private static void run(RefinerConfig config) {
        int k = config.classes();
        int batch = config.batchSize();
        int n = batch * 8;
        SplittableRandom random = new SplittableRandom(k);
        float[] logits = new float[n * k];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (3 * (random.nextDouble() - 0.5));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(k);
        }
        TrainLoss loss = new TrainLoss(0.1, true);
        try (RefinementMlp mlp = new RefinementMlp(config, 1)) {
            float[] warm = java.util.Arrays.copyOf(logits, WARMUP_STEPS * batch * k);
            mlp.trainEpoch(warm, java.util.Arrays.copyOf(labels, WARMUP_STEPS * batch), loss, 0);
            long steps = 0;
            long start = System.nanoTime();
            double seconds;
            long epoch = 1;
            do {
                steps += mlp.trainEpoch(logits, labels, loss, epoch++).steps();
                seconds = (System.nanoTime() - start) / 1e9;
            } while (seconds < MIN_SECONDS);
            double stepsPerSecond = steps / seconds;

            mlp.refine(logits, n);
            int passes = 0;
            start = System.nanoTime();
            do {
                mlp.refine(logits, n);
                passes++;
                seconds = (System.nanoTime() - start) / 1e9;
            } while (seconds < MIN_SECONDS / 2);
            double rowsPerSecond = (double) passes * n / seconds;
            System.out.printf("K=%d hidden=%d layers=%d params=%d batch=%d: %.1f train steps/s (%.1f ms/step), "
                    + "refine %.0f rows/s%n", k, config.hidden(), config.layers(), config.parameterCount(), batch,
                    stepsPerSecond, 1000 / stepsPerSecond, rowsPerSecond);
        }
    }

    private static int[] parse(String[] args) {
        int[] out = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = Integer.parseInt(args[i]);
        }
        return out;
    }
}
