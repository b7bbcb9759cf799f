# The craft client image (tuning jobs in compose or as Kubernetes Jobs). Build context: the
# repository root.
#
#   docker build -f deploy/docker/craft.Dockerfile -t craft/craft:0.1.0 .
#   docker run --rm -e CRAFT_SERVICE=http://vlm:8080 -e CRAFT_API_KEY=... \
#     -v "$PWD/datasets:/data:ro" -v "$PWD/runs:/runs" craft/craft:0.1.0 tune --dataset /data/dtd ...
#
# Not built in CI (no Docker engine there); ClientImageTest builds it where an engine exists.

ARG MAVEN_IMAGE=maven:3.9.9-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17.0.15_6-jre-jammy

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY shared-api/pom.xml shared-api/pom.xml
COPY vlm-service/pom.xml vlm-service/pom.xml
COPY craft-client/pom.xml craft-client/pom.xml
COPY shared-api/src shared-api/src
COPY craft-client/src/main craft-client/src/main
RUN mvn -B -ntp -pl craft-client -am -Dmaven.test.skip=true package \
 && cp craft-client/target/craft.jar /craft.jar

FROM ${JRE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 craft \
 && useradd --system --uid 10001 --gid craft --home-dir /runs --no-create-home --shell /usr/sbin/nologin craft \
 && mkdir -p /opt/craft /runs /data \
 && chown craft:craft /runs
COPY --from=build /craft.jar /opt/craft/craft.jar
# The refinement MLP runs on DJL's CPU libtorch, extracted from the jar at first use into
# DJL_CACHE_DIR (about 430 MB, about 3 s); /tmp is a tmpfs when the root filesystem is read-only.
ENV DJL_CACHE_DIR=/tmp/djl-cache \
    CRAFT_HOME=/runs/.craft \
    CRAFT_SERVICE=http://vlm-service:8080
USER 10001:10001
WORKDIR /runs
VOLUME ["/runs"]
# A client runs to completion; there is no server to probe.
HEALTHCHECK NONE
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/craft/craft.jar"]
CMD ["--help"]
