package dev.craft.service.bench;

import dev.craft.api.Tensor;
import dev.craft.service.VlmProperties;
import dev.craft.service.classset.ClassPrompts;
import dev.craft.service.classset.DefaultTemplatePrompts;
import dev.craft.service.dataset.ImageDecoder;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.model.EmbeddedBundle;
import dev.craft.service.testsupport.VlmHttp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Service overhead: the predict arithmetic done directly with DJL in this process ({@link RawForward})
 * against the full {@code POST /v1/predict} round trip to the real service jar running as a separate
 * process, for the same P x K prompts and N images, interleaved in one run; then the binary wire
 * format against JSON, and the service's heap and RSS growth with concurrent largest predicts.
 * Run it with {@code scripts/bench-service.sh} (see docs/benchmarks-service.md for the options).
 */
public final class ServiceOverheadBenchmark {

    private static final VlmProperties.Limits LIMITS = new VlmProperties.Limits(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private static final VlmProperties.Compute COMPUTE = new VlmProperties.Compute(0, 0, 0, 0, 0, 0);
    private static final int SEED = 7;

    private final BenchOptions options;
    private final Path work;
    private final Path bundleDir;
    private final List<String> notes = new ArrayList<>();
    private final Map<Integer, String> datasets = new HashMap<>();
    private final Map<Integer, String> classSets = new HashMap<>();
    private final Map<Integer, ClassPrompts> prompts = new HashMap<>();

    private ServiceOverheadBenchmark(BenchOptions options, Path work) {
        this.options = options;
        this.work = work;
        this.bundleDir = bundleDir(options.bundle());
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("vlm-service-bench");
        try {
            BenchReport report = new ServiceOverheadBenchmark(options, work).run();
            report.printAll(System.out);
            if (options.out() != null) {
                writeJson(report, options.out());
            }
        } finally {
            deleteTree(work);
        }
        System.exit(0);
    }

    private BenchReport run() throws Exception {
        String loadBefore = loadAverage();
        Path jar = copyJar(options.serviceJar(), work);
        Path dataDir = work.resolve("data");
        Path clientBundle = bundleDir != null ? bundleDir : EmbeddedBundle.extractTo(work.resolve("embedded-bundle"));
        List<BenchReport.Overhead> overhead = new ArrayList<>();
        List<BenchReport.Wire> wire = new ArrayList<>();
        List<BenchReport.Memory> memory = new ArrayList<>();
        String modelId;
        try (RawForward raw = new RawForward(clientBundle, threads(), COMPUTE.textBatch())) {
            DualEncoderModel model = raw.model();
            modelId = model.manifest().modelId();
            System.out.printf("bundle %s (%s), grid P=%s K=%s N=%s%n", options.bundle(), modelId,
                    Arrays.toString(options.prompts()), Arrays.toString(options.classes()), Arrays.toString(options.images()));
            try (ServiceProcess service = ServiceProcess.start(jar, options.serviceJvm(), dataDir, bundleDir)) {
                PredictCalls calls = new PredictCalls(service.http());
                prepare(calls, model);
                verify(calls, raw);
                warmUp(calls, raw);
                if (options.runs("overhead")) {
                    BenchReport.overheadHeader(System.out);
                    for (int p : options.prompts()) {
                        for (int k : options.classes()) {
                            for (int n : options.images()) {
                                BenchReport.Overhead row = overhead(service, calls, raw, p, k, n);
                                BenchReport.print(System.out, row);
                                overhead.add(row);
                            }
                        }
                    }
                }
                if (options.runs("wire")) {
                    wire(calls, model, wire);
                }
            }
            if (options.runs("memory")) {
                memory(jar, dataDir, model, memory);
            }
        }
        notes.add("The raw forward and the round trip run alternately in one process (the client) against the service "
                + "jar in another; both use " + threads() + " engine thread(s). The machine was shared with other work.");
        BenchReport.Machine machine = new BenchReport.Machine(Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " " + System.getProperty("os.arch"), threads(), loadBefore, loadAverage());
        return new BenchReport(options.bundle(), modelId, options.label(), Instant.now().toString(), machine,
                options.serviceJvm(), LIMITS.maxLogitsPerRequest(), LIMITS.maxPromptsPerRequest(), options.minSeconds(),
                notes, overhead, wire, memory);
    }

    /** Uploads one dataset per N and creates one class set per K, each also built in this process. */
    private void prepare(PredictCalls calls, DualEncoderModel model) {
        for (int n : allImages()) {
            long start = System.nanoTime();
            datasets.put(n, calls.uploadDataset(n, SEED * 100_000));
            System.out.printf("uploaded %d images in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
        }
        for (int k : options.classes()) {
            List<String> names = classNames(k);
            classSets.put(k, calls.createClassSet(names));
            prompts.put(k, DefaultTemplatePrompts.build(model, names));
        }
    }

    /**
     * Checks that both paths compute the same thing: the service's logits for the smallest cell equal the
     * raw forward's on the same images, encoded here as the service encodes them.
     */
    private void verify(PredictCalls calls, RawForward raw) {
        int n = options.images()[0];
        int k = options.classes()[0];
        int p = 2;
        ClassPrompts classes = prompts.get(k);
        float[] offsets = promptOffsets(p, classes.promptSize());
        float[] served = calls.binary(datasets.get(n), classSets.get(k), offsets, p, classes.promptSize()).logits().data();
        float[] local;
        try (RawForward.Cell cell = raw.cell(classes, encodeHere(raw.model(), n), n)) {
            local = raw.logits(cell, offsets, p, true);
        }
        double worst = 0;
        for (int i = 0; i < local.length; i++) {
            worst = Math.max(worst, Math.abs(local[i] - served[i]));
        }
        System.out.printf("check: service and raw forward logits (P=%d, K=%d, N=%d) differ by at most %.2e%n", p, k, n, worst);
        if (worst > 1e-3) {
            throw new IllegalStateException("the raw forward does not compute what the service does: max diff " + worst);
        }
        notes.add(String.format("Same work: the service's logits and the raw forward's (P=%d, K=%d, N=%d, same images) "
                + "differ by at most %.1e.", p, k, n, worst));
    }

    /** Small predicts and forwards (at most a minute of them) so that the JIT has compiled the request path of both. */
    private void warmUp(PredictCalls calls, RawForward raw) {
        int n = options.images()[0];
        int k = options.classes()[0];
        ClassPrompts classes = prompts.get(k);
        float[] offsets = promptOffsets(1, classes.promptSize());
        long start = System.nanoTime();
        try (RawForward.Cell cell = raw.cell(classes, raw.randomFeatures(n, SEED), n)) {
            for (int i = 0; i < options.warmupRequests() && System.nanoTime() - start < 60e9; i++) {
                calls.binary(datasets.get(n), classSets.get(k), offsets, 1, classes.promptSize());
                raw.logits(cell, offsets, 1, false);
            }
        }
        System.out.printf("warm-up: %d small predicts in %.1f s%n", options.warmupRequests(), (System.nanoTime() - start) / 1e9);
    }

    private BenchReport.Overhead overhead(ServiceProcess service, PredictCalls calls, RawForward raw, int p, int k, int n)
            throws Exception {
        ClassPrompts classes = prompts.get(k);
        int perRequest = promptsPerRequest(p, k, n);
        float[] offsets = promptOffsets(p, classes.promptSize());
        List<float[]> chunks = chunks(offsets, p, perRequest, classes.promptSize());
        CellMeters meters = new CellMeters(service);
        try (RawForward.Cell cell = raw.cell(classes, raw.randomFeatures(n, SEED), n)) {
            Interleaved.Series[] series = Interleaved.time(options, meters::start,
                    () -> meters.forward(() -> {
                        for (float[] chunk : chunks) {
                            raw.logits(cell, chunk, chunk.length / classes.promptSize(), false);
                        }
                    }),
                    () -> meters.roundTrip(() -> {
                        for (float[] chunk : chunks) {
                            Tensor logits = calls.binary(datasets.get(n), classSets.get(k), chunk,
                                    chunk.length / classes.promptSize(), classes.promptSize()).logits();
                            if (logits.shape()[1] != n || logits.shape()[2] != k) {
                                throw new IllegalStateException("logits of shape " + Arrays.toString(logits.shape()));
                            }
                        }
                    }));
            Interleaved.Series forward = series[0];
            Interleaved.Series roundTrip = series[1];
            CellMeters.Result m = meters.stop(roundTrip.repeats());
            if (options.threadCpu()) {
                System.out.println("    service CPU ms per round trip by thread: " + m.serviceThreadsCpuMs().entrySet().stream()
                        .map(e -> String.format("%s=%.0f", e.getKey(), e.getValue())).collect(Collectors.joining(" ")));
            }
            return new BenchReport.Overhead(p, k, n, chunks.size(), forward.median(), forward.p90(), roundTrip.median(),
                    roundTrip.p90(), m.serverMs(), roundTrip.median() / forward.median(), roundTrip.repeats(),
                    m.forwardCpuMs(), m.serviceCpuMs(), m.clientCpuMs());
        }
    }

    private void wire(PredictCalls calls, DualEncoderModel model, List<BenchReport.Wire> rows) throws Exception {
        BenchReport.wireHeader(System.out);
        for (int p : options.prompts()) {
            for (int k : options.classes()) {
                for (int n : options.images()) {
                    long logits = (long) p * k * n;
                    if (logits > options.wireMaxLogits() || promptsPerRequest(p, k, n) < p) {
                        continue;
                    }
                    int size = prompts.get(k).promptSize();
                    float[] offsets = promptOffsets(p, size);
                    long[] bytes = new long[2];
                    Interleaved.Series[] series = Interleaved.time(options, () -> { },
                            () -> bytes[0] = calls.binary(datasets.get(n), classSets.get(k), offsets, p, size).wireBytes(),
                            () -> bytes[1] = calls.json(datasets.get(n), classSets.get(k), offsets, p, size).wireBytes());
                    BenchReport.Wire row = new BenchReport.Wire(p, k, n, series[0].median(), series[0].p90(),
                            series[1].median(), series[1].p90(), bytes[0], bytes[1], series[0].repeats());
                    BenchReport.print(System.out, row);
                    rows.add(row);
                }
            }
        }
        notes.add("Wire: cells up to " + options.wireMaxLogits() + " logits that one request holds; bytes are request "
                + "plus response bodies; both times include the client's encoding and decoding.");
    }

    /**
     * For each concurrency, a fresh service process on the same data: one small predict to warm it, a full GC,
     * then that many of the largest single predicts at once; peak heap and RSS against the state before.
     */
    private void memory(Path jar, Path dataDir, DualEncoderModel model, List<BenchReport.Memory> rows) throws Exception {
        int p = Arrays.stream(options.prompts()).max().orElseThrow();
        int k = Arrays.stream(options.classes()).max().orElseThrow();
        int n = Arrays.stream(options.images()).max().orElseThrow();
        int perRequest = promptsPerRequest(p, k, n);
        int size = prompts.get(k).promptSize();
        float[] offsets = promptOffsets(perRequest, size);
        BenchReport.memoryHeader(System.out);
        for (int concurrency : options.concurrency()) {
            try (ServiceProcess service = ServiceProcess.start(jar, options.serviceJvm(), dataDir, bundleDir)) {
                PredictCalls calls = new PredictCalls(service.http());
                calls.binary(datasets.get(options.images()[0]), classSets.get(k), Arrays.copyOf(offsets, size), 1, size);
                long heapBefore = service.gcAndHeapUsed();
                ServiceProcess.sleep(500);
                long rssBefore = service.rss(false);
                service.resetPeakHeap();
                service.resetPeakRss();
                ExecutorService pool = Executors.newFixedThreadPool(concurrency);
                try {
                    List<Future<PredictCalls.Answer>> answers = new ArrayList<>();
                    for (int i = 0; i < concurrency; i++) {
                        answers.add(pool.submit(() -> calls.binary(datasets.get(n), classSets.get(k), offsets,
                                perRequest, size)));
                    }
                    for (Future<PredictCalls.Answer> answer : answers) {
                        answer.get();
                    }
                } finally {
                    pool.shutdown();
                }
                BenchReport.Memory row = new BenchReport.Memory(concurrency, perRequest, k, n,
                        service.peakHeapUsed() - heapBefore, service.rss(true) - rssBefore, 4L * perRequest * k * n,
                        heapBefore, rssBefore);
                BenchReport.print(System.out, row);
                rows.add(row);
            }
        }
        notes.add("Memory: each concurrency level runs on a fresh service process (JVM options " + options.serviceJvm()
                + ") warmed by one small predict; heap delta = sum of the heap pools' JMX peaks minus the heap after a "
                + "full GC; RSS delta = VmHWM (reset through /proc/PID/clear_refs) minus VmRSS before.");
    }

    /** Prompts per request the way a client must split a cell: within maxPromptsPerRequest and maxLogitsPerRequest. */
    static int promptsPerRequest(int p, int k, int n) {
        long perPrompt = (long) k * n;
        if (perPrompt > LIMITS.maxLogitsPerRequest()) {
            throw new IllegalArgumentException("one prompt on " + n + " images x " + k + " classes exceeds the "
                    + LIMITS.maxLogitsPerRequest() + " logits of one request; the client would need index subsets");
        }
        return (int) Math.min(p, Math.min(LIMITS.maxPromptsPerRequest(), LIMITS.maxLogitsPerRequest() / perPrompt));
    }

    private static List<float[]> chunks(float[] offsets, int p, int perRequest, int size) {
        List<float[]> chunks = new ArrayList<>();
        for (int first = 0; first < p; first += perRequest) {
            int count = Math.min(perRequest, p - first);
            chunks.add(Arrays.copyOfRange(offsets, first * size, (first + count) * size));
        }
        return chunks;
    }

    static float[] promptOffsets(int p, int size) {
        Random random = new Random(SEED);
        float[] offsets = new float[p * size];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = (float) random.nextGaussian() * 0.02f;
        }
        return offsets;
    }

    static List<String> classNames(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            names.add("class number " + i);
        }
        return names;
    }

    /** The dataset's images decoded, preprocessed and encoded here exactly as the service does at upload. */
    private static float[] encodeHere(DualEncoderModel model, int n) {
        ImageDecoder decoder = new ImageDecoder(LIMITS.maxImagePixels());
        int batch = COMPUTE.imageBatch();
        int pixels = 3 * model.imageSize() * model.imageSize();
        List<byte[]> images = PredictCalls.datasetImages(n, SEED * 100_000);
        float[] features = new float[n * model.embedDim()];
        for (int first = 0; first < n; first += batch) {
            int count = Math.min(batch, n - first);
            float[] input = new float[count * pixels];
            for (int i = 0; i < count; i++) {
                model.preprocessor().preprocessInto(decoder.decode("img", images.get(first + i)), input, i * pixels);
            }
            float[] encoded = model.encodeImages(input, count);
            System.arraycopy(encoded, 0, features, first * model.embedDim(), encoded.length);
        }
        return features;
    }

    private int[] allImages() {
        return Arrays.stream(options.images()).distinct().toArray();
    }

    /** tiny: the service's embedded bundle (null); a directory; or a built bundle under $CRAFT_CACHE/bundles. */
    static Path bundleDir(String bundle) {
        if (bundle.equals("tiny")) {
            return null;
        }
        Path dir = Path.of(bundle);
        if (!Files.isRegularFile(dir.resolve("bundle.json"))) {
            String cache = System.getenv("CRAFT_CACHE");
            Path root = cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "craft")
                    : Path.of(cache);
            dir = root.resolve("bundles").resolve(bundle);
        }
        if (!Files.isRegularFile(dir.resolve("bundle.json"))) {
            throw new IllegalArgumentException("no bundle '" + bundle + "': neither a bundle directory nor built under "
                    + dir.getParent() + " (build it: deploy/models/build_bundle.sh " + bundle + ")");
        }
        return dir.toAbsolutePath();
    }

    static int threads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        return omp != null && omp.matches("\\d+") && Integer.parseInt(omp) > 0 ? Integer.parseInt(omp) : 1;
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Copies the service jar into the work dir, so that a rebuild during the run cannot disturb it. */
    static Path copyJar(Path serviceJar, Path work) throws IOException {
        if (!Files.isRegularFile(serviceJar)) {
            throw new IllegalStateException("no service jar at " + serviceJar
                    + "; build it: mvn -B -ntp -q -pl vlm-service -am -DskipTests package");
        }
        Path jar = work.resolve("vlm-service.jar");
        Files.copy(serviceJar, jar, StandardCopyOption.REPLACE_EXISTING);
        return jar;
    }

    static void writeJson(Object report, Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        VlmHttp.JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), report);
        System.out.println("wrote " + out);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
