package dev.craft.service.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import dev.craft.service.VlmProperties;
import dev.craft.service.model.selection.BuildScript;
import dev.craft.service.model.selection.BundleChoice;
import dev.craft.service.model.selection.BundleResolver;
import dev.craft.service.model.selection.ResolvedBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** Loads the served model once at start-up. */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ModelConfiguration.class);

    /** The bundle {@code vlm.model.bundle} selects, built first when it is a missing demo or bench bundle. */
    @Bean
    ResolvedBundle servedBundle(VlmProperties properties) {
        VlmProperties.Model settings = properties.model();
        if (settings.bundleDir() != null && !settings.bundleDir().toString().isBlank()) {
            log.warn("vlm.model.bundle-dir (VLM_MODEL_BUNDLE_DIR) is deprecated; use vlm.model.bundle (VLM_MODEL_BUNDLE)");
        }
        Path home = BundleChoice.bundlesHome(settings.bundlesHome(), System.getenv(), System.getProperty("user.home"));
        BundleChoice choice = BundleChoice.parse(settings.bundle(), settings.bundleDir(), home);
        return new BundleResolver(properties.dataDir().resolve("embedded-bundle"), settings.buildScript(),
                BuildScript.defaultCandidates()).resolve(choice);
    }

    @Bean(destroyMethod = "close")
    DualEncoderModel dualEncoderModel(VlmProperties properties, ResolvedBundle bundle) {
        VlmProperties.Model settings = properties.model();
        configureEngine(settings);
        Device device = chooseDevice(settings.device());
        long start = System.nanoTime();
        DualEncoderModel model = BundleLoader.load(bundle.directory(), device);
        log.info("Loaded model bundle {} ({}, vlm.model.bundle={}) from {} on {} in {} ms", model.manifest().modelId(),
                model.manifest().name(), bundle.choice().name(), bundle.source(), device,
                (System.nanoTime() - start) / 1_000_000);
        return model;
    }

    private static void configureEngine(VlmProperties.Model settings) {
        System.setProperty("ai.djl.offline", String.valueOf(settings.offline()));
        int threads = settings.threads() > 0 ? settings.threads() : defaultThreads();
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.pytorch.graph_optimizer", System.getProperty("ai.djl.pytorch.graph_optimizer", "false"));
    }

    /** OMP_NUM_THREADS when set; else 1 on small CPUs, where 2 intra-op threads measured 5-10x slower. */
    static int defaultThreads() {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp != null && omp.matches("\\d+") && Integer.parseInt(omp) > 0) {
            return Integer.parseInt(omp);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 2 ? 1 : cores / 2;
    }

    private static boolean cudaAvailable() {
        Engine engine = Engine.getEngine("PyTorch");
        return engine.getGpuCount() > 0 && engine.hasCapability(StandardCapabilities.CUDA);
    }

    private static Device chooseDevice(String setting) {
        return switch (setting) {
            case "cpu" -> Device.cpu();
            case "gpu" -> Device.gpu();
            // A GPU alone is not enough: the loaded libtorch must be a CUDA build (the CPU natives are the default).
            case "auto" -> cudaAvailable() ? Device.gpu() : Device.cpu();
            default -> throw new InvalidBundleException("vlm.model.device must be auto, cpu or gpu, got " + setting);
        };
    }
}
