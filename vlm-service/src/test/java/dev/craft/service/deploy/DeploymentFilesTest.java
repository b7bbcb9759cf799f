package dev.craft.service.deploy;

import dev.craft.service.VlmProperties;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files (docker-compose.yml, deploy/docker, deploy/k8s, deploy/prometheus,
 * deploy/grafana) are consistent with each other and with the service: required Kubernetes
 * fields, probes on the health groups, selectors and references that resolve, pinned images,
 * environment variables that are real {@code vlm.*} properties, and docs/operations.md naming every
 * property. No Docker engine or cluster needed; .ci/run lints the compose file with docker-compose
 * v1 and dclint and checks the Prometheus files with promtool.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path K8S = ROOT.resolve("deploy/k8s");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void everyKubernetesManifestHasTheRequiredFields() throws IOException {
        List<Map<String, Object>> docs = k8sDocuments();
        assertThat(docs).extracting(d -> d.get("kind")).contains("Namespace", "ConfigMap", "Secret",
                "PersistentVolumeClaim", "Deployment", "Service", "ServiceMonitor", "PrometheusRule", "Job");
        for (Map<String, Object> doc : docs) {
            String where = doc.get("kind") + " in " + doc.get("#file");
            assertThat(doc.get("apiVersion")).as(where).isInstanceOf(String.class);
            Map<String, Object> metadata = map(doc, "metadata");
            assertThat(metadata.get("name") != null || metadata.get("generateName") != null).as(where + " has a name").isTrue();
            if (!CLUSTER_SCOPED.contains((String) doc.get("kind"))) {
                assertThat(metadata.get("namespace")).as(where + " namespace").isEqualTo("craft");
            }
            switch ((String) doc.get("kind")) {
                case "Deployment", "Job" -> {
                    Map<String, Object> pod = map(map(doc, "spec", "template"), "spec");
                    assertThat(list(pod, "containers")).as(where).isNotEmpty();
                    for (Map<String, Object> container : maps(list(pod, "containers"))) {
                        assertThat(container.get("name")).as(where).isNotNull();
                        assertThat((String) container.get("image")).as(where + " image is pinned").matches("[^:]+:[^:]+")
                                .doesNotEndWith(":latest");
                        assertThat(map(container, "resources", "requests")).as(where + " requests").containsKeys("cpu", "memory");
                        assertThat(map(container, "securityContext").get("readOnlyRootFilesystem")).as(where).isEqualTo(true);
                        assertThat(map(container, "securityContext").get("allowPrivilegeEscalation")).as(where).isEqualTo(false);
                    }
                    assertThat(map(pod, "securityContext").get("runAsNonRoot")).as(where).isEqualTo(true);
                }
                case "Service" -> assertThat(list(map(doc, "spec"), "ports")).as(where).isNotEmpty();
                case "PersistentVolumeClaim" -> {
                    assertThat(list(map(doc, "spec"), "accessModes")).as(where).isNotEmpty();
                    assertThat(map(doc, "spec", "resources", "requests")).as(where).containsKey("storage");
                }
                case "ConfigMap" -> assertThat(map(doc, "data")).as(where).isNotEmpty();
                case "Secret" -> assertThat(map(doc, "stringData")).as(where).isNotEmpty();
                default -> {
                }
            }
        }
    }

    @Test
    void theDeploymentIsOneGpuPodProbedOnTheHealthGroupsAndScraped() throws IOException {
        Map<String, Object> deployment = k8sDocument("Deployment", "vlm-service");
        Map<String, Object> spec = map(deployment, "spec");
        assertThat(spec.get("replicas")).as("one replica until dataset store and metering are shared").isEqualTo(1);
        assertThat(map(spec, "strategy").get("type")).isEqualTo("Recreate");
        Map<String, Object> template = map(spec, "template");
        assertThat(map(template, "metadata", "labels")).containsAllEntriesOf(map(spec, "selector", "matchLabels"));
        assertThat(map(template, "metadata", "annotations")).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", "/actuator/prometheus").containsEntry("prometheus.io/port", "8080");

        Map<String, Object> pod = map(template, "spec");
        assertThat(map(pod, "nodeSelector")).containsKey("nvidia.com/gpu.present");
        assertThat(maps(list(pod, "tolerations"))).anySatisfy(t -> assertThat(t.get("key")).isEqualTo("nvidia.com/gpu"));
        Map<String, Object> container = maps(list(pod, "containers")).get(0);
        assertThat(map(container, "resources", "limits")).containsEntry("nvidia.com/gpu", "1");
        assertThat(map(container, "resources", "requests")).containsEntry("nvidia.com/gpu", "1");
        assertThat(map(container, "livenessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/liveness");
        assertThat(map(container, "readinessProbe", "httpGet").get("path")).isEqualTo("/actuator/health/readiness");
        assertThat(map(container, "startupProbe", "httpGet").get("path")).isEqualTo("/actuator/health/liveness");
        String portName = (String) map(container, "livenessProbe", "httpGet").get("port");
        assertThat(maps(list(container, "ports"))).anySatisfy(p -> {
            assertThat(p.get("name")).isEqualTo(portName);
            assertThat(p.get("containerPort")).isEqualTo(8080);
        });

        // every volume resolves: claims, secrets and config maps exist among the manifests
        Map<String, String> mounts = new LinkedHashMap<>();
        maps(list(container, "volumeMounts")).forEach(m -> mounts.put((String) m.get("name"), (String) m.get("mountPath")));
        for (Map<String, Object> volume : maps(list(pod, "volumes"))) {
            assertThat(mounts).containsKey((String) volume.get("name"));
            if (volume.get("persistentVolumeClaim") != null) {
                k8sDocument("PersistentVolumeClaim", (String) map(volume, "persistentVolumeClaim").get("claimName"));
            }
            if (volume.get("secret") != null) {
                k8sDocument("Secret", (String) map(volume, "secret").get("secretName"));
            }
        }
        Map<String, Object> config = map(k8sDocument("ConfigMap",
                (String) map(maps(list(container, "envFrom")).get(0), "configMapRef").get("name")), "data");
        assertThat(mounts).containsValues((String) config.get("VLM_DATA_DIR"), "/tmp");
        String keysFile = (String) config.get("VLM_API_KEYS_FILE");
        String keysDir = keysFile.substring(0, keysFile.lastIndexOf('/'));
        assertThat(mounts).containsValue(keysDir);
        assertThat(map(k8sDocument("Secret", "vlm-api-keys"), "stringData"))
                .containsKey(keysFile.substring(keysFile.lastIndexOf('/') + 1));
    }

    @Test
    void theServiceAndTheServiceMonitorSelectTheDeploymentsPods() throws IOException {
        Map<String, Object> podLabels = map(k8sDocument("Deployment", "vlm-service"), "spec", "template", "metadata", "labels");
        Map<String, Object> service = k8sDocument("Service", "vlm-service");
        assertThat(podLabels).containsAllEntriesOf(map(service, "spec", "selector"));
        Map<String, Object> port = maps(list(map(service, "spec"), "ports")).get(0);
        assertThat(port.get("targetPort")).isEqualTo("http");
        Map<String, Object> monitor = k8sDocument("ServiceMonitor", "vlm-service");
        assertThat(map(service, "metadata", "labels")).containsAllEntriesOf(map(monitor, "spec", "selector", "matchLabels"));
        Map<String, Object> endpoint = maps(list(map(monitor, "spec"), "endpoints")).get(0);
        assertThat(endpoint).containsEntry("port", port.get("name")).containsEntry("path", "/actuator/prometheus");
    }

    @Test
    void theTuningJobIsAnIndexedJobThatResumesOnRetry() throws IOException {
        Map<String, Object> job = k8sDocument("Job", null);
        assertThat(map(job, "spec")).containsEntry("completionMode", "Indexed");
        Map<String, Object> pod = map(job, "spec", "template", "spec");
        assertThat(pod.get("restartPolicy")).isEqualTo("Never");
        Map<String, Object> container = maps(list(pod, "containers")).get(0);
        assertThat(container.get("image")).isEqualTo("craft/craft:0.1.0");
        String script = String.join("\n", strings(list(container, "args")));
        assertThat(script).contains("--resume", "JOB_COMPLETION_INDEX", "craft.jar tune");
        assertThat(maps(list(container, "env"))).anySatisfy(e -> {
            assertThat(e.get("name")).isEqualTo("CRAFT_API_KEY");
            assertThat(map(e, "valueFrom", "secretKeyRef")).containsKeys("name", "key");
        });
        assertThat(maps(list(container, "env"))).anySatisfy(e -> assertThat((String) e.get("value"))
                .isEqualTo("http://vlm-service.craft.svc:8080"));
    }

    @Test
    void theKustomizationListsExistingFilesAndThePrometheusRuleEqualsTheRulesFile() throws IOException {
        Map<String, Object> kustomization = yaml(K8S.resolve("kustomization.yaml"));
        for (String resource : strings(list(kustomization, "resources"))) {
            assertThat(K8S.resolve(resource)).isRegularFile();
        }
        Map<String, Object> rule = k8sDocument("PrometheusRule", "vlm-service");
        Map<String, Object> rules = yaml(ROOT.resolve("deploy/prometheus/rules/vlm-alerts.yml"));
        assertThat(map(rule, "spec").get("groups")).as("deploy/k8s/monitoring/prometheusrule.yaml is a copy of the rules file")
                .isEqualTo(rules.get("groups"));
    }

    // ---------------------------------------------------------------- properties and docs

    @Test
    void everyVlmVariableInComposeKubernetesAndImagesIsARealProperty() throws IOException {
        Set<String> known = propertyEnvironmentVariables();
        Set<String> used = new TreeSet<>();
        Map<String, Object> services = map(yaml(ROOT.resolve("docker-compose.yml")), "services");
        for (Object service : services.values()) {
            Object environment = ((Map<?, ?>) service).get("environment");
            if (environment instanceof Map<?, ?> env) {
                env.keySet().forEach(k -> used.add((String) k));
            }
        }
        map(k8sDocument("ConfigMap", "vlm-service-config"), "data").keySet().forEach(used::add);
        for (String dockerfile : List.of("vlm-service.Dockerfile", "craft.Dockerfile")) {
            Matcher m = Pattern.compile("\\b(VLM_[A-Z0-9_]+)=").matcher(Files.readString(ROOT.resolve("deploy/docker").resolve(dockerfile)));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        Set<String> vlm = new TreeSet<>();
        used.stream().filter(v -> v.startsWith("VLM_")).forEach(vlm::add);
        assertThat(vlm).isNotEmpty();
        assertThat(known).as("environment variables of the vlm.* properties").containsAll(vlm);
    }

    @Test
    void operationsDocNamesEveryPropertyAndItsEnvironmentVariable() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/operations.md"));
        for (String property : propertyNames()) {
            assertThat(doc).as("docs/operations.md names " + property).contains("`" + property + "`");
            assertThat(doc).as("docs/operations.md names the variable of " + property).contains("`" + envName(property) + "`");
        }
        assertThat(doc).contains("Scaling", "more than one replica", "NVIDIA Container Toolkit", "Rotate API keys", "Back up");
    }

    // ---------------------------------------------------------------- compose, images, monitoring

    @Test
    void composeHasAGpuServiceACpuVariantMonitoringAndAClientProfile() throws IOException {
        Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
        Map<String, Object> services = map(compose, "services");
        assertThat(services).containsKeys("vlm-service", "vlm-service-cpu", "prometheus", "grafana", "craft", "dcgm-exporter");

        Map<String, Object> gpu = map(services, "vlm-service");
        assertThat(strings(list(gpu, "profiles"))).containsExactly("gpu");
        Map<String, Object> device = maps(list(map(gpu, "deploy", "resources", "reservations"), "devices")).get(0);
        assertThat(device).containsEntry("driver", "nvidia");
        assertThat(strings(list(device, "capabilities"))).contains("gpu");
        assertThat(map(gpu, "environment")).containsEntry("VLM_MODEL_DEVICE", "gpu");

        Map<String, Object> cpu = map(services, "vlm-service-cpu");
        assertThat(strings(list(cpu, "profiles"))).containsExactly("cpu");
        assertThat(cpu.get("deploy")).isNull();
        assertThat(strings(list(map(cpu, "networks", "default"), "aliases"))).contains("vlm-service");
        assertThat(map(cpu, "environment")).containsEntry("VLM_MODEL_DEVICE", "cpu");

        for (Map<String, Object> service : List.of(gpu, cpu)) {
            Map<String, Object> env = map(service, "environment");
            assertThat(strings(list(service, "volumes"))).anySatisfy(v -> assertThat(v).endsWith(":" + env.get("VLM_DATA_DIR")))
                    .anySatisfy(v -> assertThat(v).contains(":/models"));
            assertThat(env.get("VLM_API_KEYS_FILE")).isEqualTo("/run/secrets/vlm_api_keys");
            assertThat(strings(list(service, "secrets"))).contains("vlm_api_keys");
            assertThat(String.join(" ", strings(list(map(service, "healthcheck"), "test")))).contains("/actuator/health/readiness");
            assertThat(service.get("read_only")).isEqualTo(true);
            Map<String, Object> build = map(service, "build");
            String dockerfile = Files.readString(ROOT.resolve((String) build.get("dockerfile")));
            assertThat(dockerfile).contains(" AS " + build.get("target") + "\n");
        }
        assertThat(strings(list(map(services, "craft"), "profiles"))).containsExactly("tune");
        assertThat(map(map(services, "craft"), "environment")).containsEntry("CRAFT_SERVICE", "http://vlm-service:8080");
        assertThat(map(compose, "secrets")).containsKey("vlm_api_keys");

        for (Map.Entry<String, Object> entry : services.entrySet()) {
            String image = (String) ((Map<?, ?>) entry.getValue()).get("image");
            assertThat(image).as(entry.getKey() + " image").matches(".+:[^:/]+").doesNotEndWith(":latest");
            Object volumes = ((Map<?, ?>) entry.getValue()).get("volumes");
            for (String volume : volumes == null ? List.<String>of() : strings((List<?>) volumes)) {
                if (volume.startsWith("./")) {
                    assertThat(ROOT.resolve(volume.substring(0, volume.indexOf(':')))).as(volume).exists();
                }
            }
        }
    }

    @Test
    void imagesRunAsNonRootWithHealthChecksAndPinnedBaseImages() throws IOException {
        String service = Files.readString(ROOT.resolve("deploy/docker/vlm-service.Dockerfile"));
        String client = Files.readString(ROOT.resolve("deploy/docker/craft.Dockerfile"));
        for (String target : List.of("runtime-cpu", "runtime-gpu")) {
            String stage = stage(service, target);
            assertThat(stage).as(target).contains("USER 10001:10001", "HEALTHCHECK", "/actuator/health/readiness",
                    "VLM_MODEL_OFFLINE=true", "DJL_CACHE_DIR=");
        }
        assertThat(stage(service, "runtime-gpu")).contains("PYTORCH_LIBRARY_PATH=", "PYTORCH_FLAVOR=");
        assertThat(stage(service, "libtorch-cuda")).contains("fetch-libtorch.sh");
        assertThat(stage(service, "clip-bundle")).contains("export_clip.py");
        assertThat(ROOT.resolve("deploy/models/export_clip.py")).isRegularFile();
        assertThat(stage(client, "runtime")).contains("USER 10001:10001");
        Matcher from = Pattern.compile("^ARG (\\w+_IMAGE)=(\\S+)$", Pattern.MULTILINE).matcher(service + "\n" + client);
        int images = 0;
        while (from.find()) {
            images++;
            assertThat(from.group(2)).as(from.group(1)).matches(".+:[^:/]+").doesNotEndWith(":latest");
        }
        assertThat(images).isGreaterThanOrEqualTo(6);
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("**/target/", ".git");
    }

    /** Issue 12: one package list (deploy/deps/packages.txt), one installer (scripts/setup.sh), images included. */
    @Test
    void imagesInstallSystemPackagesOnlyFromTheOneListWithItsInstaller() throws IOException {
        String service = Files.readString(ROOT.resolve("deploy/docker/vlm-service.Dockerfile"));
        String client = Files.readString(ROOT.resolve("deploy/docker/craft.Dockerfile"));
        for (String dockerfile : List.of(service, client)) {
            assertThat(dockerfile).doesNotContain("apt-get install", "pip install", "apk add");
        }
        Set<String> groups = new TreeSet<>();
        for (String line : Files.readAllLines(ROOT.resolve("deploy/deps/packages.txt"))) {
            String[] fields = line.replaceAll("#.*", "").trim().split("\\s+");
            if (fields.length >= 4) {
                groups.addAll(List.of(fields[1].split(",")));
            }
        }
        Matcher setup = Pattern.compile("bash /opt/setup/scripts/setup\\.sh (\\S+)").matcher(service);
        List<String> used = new ArrayList<>();
        while (setup.find()) {
            used.add(setup.group(1));
        }
        assertThat(used).as("stages installing with setup.sh").hasSize(4).allSatisfy(g -> assertThat(groups).contains(g));
        for (String target : List.of("runtime-cpu", "runtime-gpu", "libtorch-cuda", "clip-bundle")) {
            assertThat(stage(service, target)).as(target)
                    .contains("COPY scripts/setup.sh /opt/setup/scripts/setup.sh",
                            "COPY deploy/deps/packages.txt /opt/setup/deploy/deps/packages.txt");
        }
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).doesNotContain("scripts", "deploy/deps");
    }

    @Test
    void prometheusScrapesTheServiceAndGrafanaUsesTheProvisionedDatasource() throws IOException {
        Map<String, Object> prometheus = yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        Map<String, Object> job = maps(list(prometheus, "scrape_configs")).stream()
                .filter(j -> "vlm-service".equals(j.get("job_name"))).findFirst().orElseThrow();
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(strings(list(maps(list(job, "static_configs")).get(0), "targets"))).containsExactly("vlm-service:8080");

        Map<String, Object> datasource = maps(list(yaml(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")),
                "datasources")).get(0);
        assertThat(datasource).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
        Map<String, Object> provider = maps(list(yaml(ROOT.resolve("deploy/grafana/provisioning/dashboards/craft.yml")),
                "providers")).get(0);
        String dashboards = (String) map(provider, "options").get("path");
        assertThat(strings(list(map(map(yaml(ROOT.resolve("docker-compose.yml")), "services"), "grafana"), "volumes")))
                .contains("./deploy/grafana/dashboards:" + dashboards + ":ro");

        JsonNode dashboard = JSON.readTree(ROOT.resolve("deploy/grafana/dashboards/vlm-service.json").toFile());
        assertThat(dashboard.get("uid").asString()).isNotBlank();
        Set<Integer> ids = new HashSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt())).as("unique panel id " + panel.get("id")).isTrue();
            if (panel.get("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.get("datasource").get("uid").asString()).isEqualTo(datasource.get("uid"));
            assertThat(panel.get("targets")).as(panel.get("title").asString()).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                assertThat(target.get("expr").asString()).isNotBlank();
                assertThat(target.get("datasource").get("uid").asString()).isEqualTo(datasource.get("uid"));
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(15);
    }

    // ---------------------------------------------------------------- helpers

    /** {@code vlm.data-dir}, {@code vlm.model.bundle}, ... from the VlmProperties record. */
    static List<String> propertyNames() {
        List<String> names = new ArrayList<>();
        collect("vlm", VlmProperties.class, names);
        return names;
    }

    private static void collect(String prefix, Class<?> type, List<String> names) {
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + "." + component.getName().replaceAll("([A-Z])", "-$1").toLowerCase();
            if (component.getType().isRecord()) {
                collect(name, component.getType(), names);
            } else {
                names.add(name);
            }
        }
    }

    private static Set<String> propertyEnvironmentVariables() {
        Set<String> env = new TreeSet<>();
        propertyNames().forEach(p -> env.add(envName(p)));
        return env;
    }

    /** The environment variable docs and deployment files use: dots and dashes become underscores. */
    static String envName(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase();
    }

    private static String stage(String dockerfile, String name) {
        int start = dockerfile.indexOf(" AS " + name + "\n");
        assertThat(start).as("stage " + name).isPositive();
        int end = dockerfile.indexOf("\nFROM ", start);
        return dockerfile.substring(start, end < 0 ? dockerfile.length() : end);
    }

    private static List<Map<String, Object>> k8sDocuments() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                    // kustomization.yaml configures kustomize; it is not a cluster resource
                    if (doc != null && !"Kustomization".equals(((Map<?, ?>) doc).get("kind"))) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> map = new LinkedHashMap<>((Map<String, Object>) doc);
                        map.put("#file", K8S.relativize(file).toString());
                        docs.add(map);
                    }
                }
            }
        }
        return docs;
    }

    /** The manifest of that kind and name (any name when null); fails when there is none. */
    private static Map<String, Object> k8sDocument(String kind, String name) throws IOException {
        return k8sDocuments().stream()
                .filter(d -> kind.equals(d.get("kind")))
                .filter(d -> name == null || name.equals(map(d, "metadata").get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " under deploy/k8s"));
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            assertThat(current).as("parent of " + key).isInstanceOf(Map.class);
            current = ((Map<String, Object>) current).get(key);
            assertThat(current).as(key).isNotNull();
        }
        return (Map<String, Object>) current;
    }

    private static List<?> list(Map<String, Object> node, String key) {
        Object value = node.get(key);
        assertThat(value).as(key).isInstanceOf(List.class);
        return (List<?>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(List<?> list) {
        return (List<Map<String, Object>>) list;
    }

    private static List<String> strings(List<?> list) {
        return list.stream().map(String::valueOf).toList();
    }
}
