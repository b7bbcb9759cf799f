package dev.craft.service.deploy;

import org.testcontainers.images.builder.ImageFromDockerfile;

import java.nio.file.Path;

/**
 * Builds an image from deploy/docker/ with the repository root as build context, sending only what
 * the Dockerfiles copy (sources, poms, the tiny bundle, the model tools) rather than target/ folders.
 */
final class DockerBuildContext {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private DockerBuildContext() {
    }

    @SuppressWarnings("deprecation") // withDockerfilePath: the context is assembled here, not a folder's .dockerignore
    static ImageFromDockerfile image(String name, String dockerfile, String target) {
        ImageFromDockerfile image = new ImageFromDockerfile(name, true)
                .withDockerfilePath("deploy/docker/" + dockerfile)
                .withTarget(target);
        for (String path : new String[] {"pom.xml", "shared-api/pom.xml", "shared-api/src", "vlm-service/pom.xml",
                "vlm-service/src/main", "craft-client/pom.xml", "craft-client/src/main", "deploy/models/bundles/tiny",
                "deploy/models/bundle_export.py", "deploy/models/clip_modules.py", "deploy/models/clip_bpe.py",
                "deploy/models/export_clip.py",
                "deploy/docker"}) {
            image.withFileFromPath(path, ROOT.resolve(path));
        }
        return image;
    }
}
