package dev.craft.service.model;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default bundle shipped inside the service jar under {@code bundles/default/}. TorchScript
 * needs real files, so it is copied to a directory at start-up.
 */
public final class EmbeddedBundle {

    static final String LOCATION = "classpath*:bundles/default/*";

    private EmbeddedBundle() {
    }

    public static Path extractTo(Path dir) throws IOException {
        Resource[] resources = new PathMatchingResourcePatternResolver().getResources(LOCATION);
        if (resources.length == 0) {
            throw new InvalidBundleException("no embedded bundle in this build; set vlm.model.bundle to demo, bench or a bundle directory");
        }
        Files.createDirectories(dir);
        for (Resource resource : resources) {
            String name = resource.getFilename();
            if (name == null || name.isEmpty()) {
                continue;
            }
            Path tmp = dir.resolve(name + ".tmp");
            try (InputStream in = resource.getInputStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return dir;
    }
}
