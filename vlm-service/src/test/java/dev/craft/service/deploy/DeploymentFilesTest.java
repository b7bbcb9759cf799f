package dev.craft.service.deploy;

import dev.craft.service.VlmProperties;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
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
import java.util.Properties;
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
                "PersistentVolumeClaim", "Deployment", "StatefulSet", "Service", "PodDisruptionBudget", "ServiceMonitor",
                "PrometheusRule", "Job");
        for (Map<String, Object> doc : docs) {
            String where = doc.get("kind") + " in " + doc.get("#file");
            assertThat(doc.get("apiVersion")).as(where).isInstanceOf(String.class);
            Map<String, Object> metadata = map(doc, "metadata");
            assertThat(metadata.get("name") != null || metadata.get("generateName") != null).as(where + " has a name").isTrue();
            if (!CLUSTER_SCOPED.contains((String) doc.get("kind"))) {
                assertThat(metadata.get("namespace")).as(where + " namespace").isEqualTo("craft");
            }
            switch ((String) doc.get("kind")) {
                case "Deployment", "StatefulSet", "Job" -> {
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
                case "PodDisruptionBudget" -> assertThat(map(doc, "spec", "selector", "matchLabels")).as(where).isNotEmpty();
                default -> {
                }
            }
        }
    }

    @Test
    void theDeploymentIsTwoGpuReplicasRolledOutWithoutDowntimeProbedAndScraped() throws IOException {
        Map<String, Object> deployment = k8sDocument("Deployment", "vlm-service");
        Map<String, Object> spec = map(deployment, "spec");
        assertThat(spec.get("replicas")).as("replicas sharing PostgreSQL and the features volume").isEqualTo(2);
        assertThat(map(spec, "strategy").get("type")).isEqualTo("RollingUpdate");
        assertThat(map(spec, "strategy", "rollingUpdate")).as("a new pod is ready before an old one stops")
                .containsEntry("maxUnavailable", 0).containsEntry("maxSurge", 1);
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

        // every volume is mounted; the data dir is per pod, the features dir the shared ReadWriteMany claim
        Map<String, String> mounts = new LinkedHashMap<>();
        maps(list(container, "volumeMounts")).forEach(m -> mounts.put((String) m.get("name"), (String) m.get("mountPath")));
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        maps(list(pod, "volumes")).forEach(v -> volumes.put((String) v.get("name"), v));
        assertThat(mounts.keySet()).containsExactlyInAnyOrderElementsOf(volumes.keySet());
        Map<String, Object> config = map(k8sDocument("ConfigMap",
                (String) map(maps(list(container, "envFrom")).get(0), "configMapRef").get("name")), "data");
        assertThat(config).containsEntry("VLM_STORE", "postgres");
        assertThat(mounts).containsValues((String) config.get("VLM_DATA_DIR"), "/tmp");
        assertThat(volumes.get(volumeMountedAt(mounts, (String) config.get("VLM_DATA_DIR")))).as("the data dir")
                .containsKey("emptyDir");
        Map<String, Object> features = volumes.get(volumeMountedAt(mounts, (String) config.get("VLM_STORAGE_FEATURES_DIR")));
        assertThat(features).as("the features dir").containsKey("persistentVolumeClaim");
        Map<String, Object> claim = k8sDocument("PersistentVolumeClaim", (String) map(features, "persistentVolumeClaim").get("claimName"));
        assertThat(strings(list(map(claim, "spec"), "accessModes"))).containsExactly("ReadWriteMany");

        String keysFile = (String) config.get("VLM_API_KEYS_FILE");
        String keysDir = keysFile.substring(0, keysFile.lastIndexOf('/'));
        assertThat(mounts).containsValue(keysDir);
        assertThat(map(k8sDocument("Secret", "vlm-api-keys"), "stringData"))
                .containsKey(keysFile.substring(keysFile.lastIndexOf('/') + 1));
        assertThat(maps(list(container, "env"))).as("the database password comes from a Secret").anySatisfy(e -> {
            assertThat(e.get("name")).isEqualTo("SPRING_DATASOURCE_PASSWORD");
            assertThat(map(e, "valueFrom", "secretKeyRef")).containsKeys("name", "key");
        });
        assertThat(config).containsKeys("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME")
                .doesNotContainKey("SPRING_DATASOURCE_PASSWORD");

        Map<String, Object> budget = k8sDocument("PodDisruptionBudget", "vlm-service");
        assertThat(map(template, "metadata", "labels")).containsAllEntriesOf(map(budget, "spec", "selector", "matchLabels"));
        assertThat(map(budget, "spec").get("minAvailable")).isEqualTo(1);
    }

    @Test
    void everyReferenceOfTheKustomizedWorkloadsResolvesWithinTheKustomization() throws IOException {
        List<Map<String, Object>> docs = kustomizedDocuments(K8S);
        List<Map<String, Object>> workloads = docs.stream()
                .filter(d -> Set.of("Deployment", "StatefulSet").contains(d.get("kind"))).toList();
        assertThat(workloads).extracting(d -> map(d, "metadata").get("name")).contains("vlm-service", "vlm-postgres");
        Set<String> referenced = new TreeSet<>();
        for (Map<String, Object> workload : workloads) {
            String where = workload.get("kind") + " " + map(workload, "metadata").get("name");
            Map<String, Object> pod = map(workload, "spec", "template", "spec");
            for (String[] reference : podReferences(pod)) {
                referenced.add(reference[0] + " " + reference[1]);
                Map<String, Object> target = resource(docs, reference[0], reference[1]);
                assertThat(target).as(where + " refers to " + reference[0] + " " + reference[1] + " of the kustomization").isNotNull();
                if (reference[2] != null) {
                    String field = reference[0].equals("Secret") ? "stringData" : "data";
                    assertThat(map(target, field)).as(where + ": key " + reference[2] + " of " + reference[1]).containsKey(reference[2]);
                }
            }
            if (workload.get("kind").equals("StatefulSet")) {
                assertThat(resource(docs, "Service", (String) map(workload, "spec").get("serviceName")))
                        .as(where + " serviceName").isNotNull();
            }
        }
        assertThat(referenced).containsExactlyInAnyOrder("ConfigMap vlm-service-config", "Secret vlm-api-keys",
                "Secret vlm-postgres", "PersistentVolumeClaim vlm-features");
        for (Map<String, Object> service : docs.stream().filter(d -> "Service".equals(d.get("kind"))).toList()) {
            Map<String, Object> selector = map(service, "spec", "selector");
            assertThat(workloads).as("Service " + map(service, "metadata").get("name") + " selects a workload's pods")
                    .anySatisfy(w -> assertThat(map(w, "spec", "template", "metadata", "labels")).containsAllEntriesOf(selector));
        }
    }

    @Test
    void thePostgresStatefulSetIsProbedKeepsItsDataOnClaimsAndSharesTheServicesCredentials() throws IOException {
        Map<String, Object> postgres = k8sDocument("StatefulSet", "vlm-postgres");
        Map<String, Object> spec = map(postgres, "spec");
        Map<String, Object> container = maps(list(map(spec, "template", "spec"), "containers")).get(0);
        assertThat((String) container.get("image")).startsWith("postgres:16");
        assertThat(String.join(" ", strings(list(map(container, "readinessProbe", "exec"), "command")))).contains("pg_isready");
        List<Map<String, Object>> claims = maps(list(spec, "volumeClaimTemplates"));
        assertThat(claims).isNotEmpty();
        assertThat(maps(list(container, "volumeMounts"))).anySatisfy(m -> {
            assertThat(m.get("mountPath")).isEqualTo("/var/lib/postgresql/data");
            assertThat(claims).extracting(c -> map(c, "metadata").get("name")).contains(m.get("name"));
        });
        Map<String, Object> service = k8sDocument("Service", (String) spec.get("serviceName"));
        assertThat(map(service, "spec").get("clusterIP")).as("headless").isEqualTo("None");

        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        maps(list(container, "env")).forEach(e -> env.put((String) e.get("name"), e));
        Map<String, Object> deployment = maps(list(map(k8sDocument("Deployment", "vlm-service"), "spec", "template", "spec"),
                "containers")).get(0);
        Map<String, Object> servicePassword = maps(list(deployment, "env")).stream()
                .filter(e -> "SPRING_DATASOURCE_PASSWORD".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat(map(env.get("POSTGRES_PASSWORD"), "valueFrom", "secretKeyRef"))
                .isEqualTo(map(servicePassword, "valueFrom", "secretKeyRef"));
        assertThat(map(env.get("POSTGRES_USER"), "valueFrom", "configMapKeyRef"))
                .containsEntry("name", "vlm-service-config").containsEntry("key", "SPRING_DATASOURCE_USERNAME");
        String url = (String) map(k8sDocument("ConfigMap", "vlm-service-config"), "data").get("SPRING_DATASOURCE_URL");
        assertThat(url).as("the service's database is this StatefulSet's Service and database")
                .isEqualTo("jdbc:postgresql://" + map(service, "metadata").get("name") + ":5432/" + env.get("POSTGRES_DB").get("value"));
    }

    @Test
    void theSingleH2OverlayGoesBackToOneReplicaOnItsOwnVolume() throws IOException {
        Path overlay = ROOT.resolve("deploy/k8s-single-h2");
        Map<String, Object> kustomization = yaml(overlay.resolve("kustomization.yaml"));
        assertThat(strings(list(kustomization, "resources"))).contains("../k8s");
        Map<String, Map<String, Object>> patches = new LinkedHashMap<>();
        Set<String> deleted = new TreeSet<>();
        for (Map<String, Object> entry : maps(list(kustomization, "patches"))) {
            Map<String, Object> patch = new Yaml().load((String) entry.get("patch"));
            String id = patch.get("kind") + " " + map(patch, "metadata").get("name");
            if ("delete".equals(patch.get("$patch"))) {
                deleted.add(id);
                k8sDocument((String) patch.get("kind"), (String) map(patch, "metadata").get("name")); // exists in the base
            } else {
                patches.put(id, patch);
            }
        }
        assertThat(deleted).contains("StatefulSet vlm-postgres", "Service vlm-postgres", "Secret vlm-postgres",
                "PersistentVolumeClaim vlm-features", "PodDisruptionBudget vlm-service");

        Map<String, Object> spec = map(patches.get("Deployment vlm-service"), "spec");
        assertThat(spec.get("replicas")).isEqualTo(1);
        assertThat(map(spec, "strategy").get("type")).isEqualTo("Recreate");
        assertThat(map(patches.get("ConfigMap vlm-service-config"), "data")).containsEntry("VLM_STORE", "h2")
                .containsEntry("SPRING_DATASOURCE_URL", null).containsEntry("VLM_STORAGE_FEATURES_DIR", null);
        Map<String, Object> data = maps(list(map(spec, "template", "spec"), "volumes")).stream()
                .filter(v -> "data".equals(v.get("name"))).findFirst().orElseThrow();
        String claimName = (String) map(data, "persistentVolumeClaim").get("claimName");
        assertThat(strings(list(kustomization, "resources"))).contains("pvc.yaml");
        Map<String, Object> claim = yaml(overlay.resolve("pvc.yaml"));
        assertThat(map(claim, "metadata")).containsEntry("name", claimName).containsEntry("namespace", "craft");
        assertThat(strings(list(map(claim, "spec"), "accessModes"))).containsExactly("ReadWriteOnce");
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
        Path overlay = ROOT.resolve("deploy/k8s-single-h2");
        for (String resource : strings(list(yaml(overlay.resolve("kustomization.yaml")), "resources"))) {
            assertThat(overlay.resolve(resource)).exists();
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
        Map<String, Object> discovery = maps(list(job, "dns_sd_configs")).get(0);
        assertThat(discovery).containsEntry("type", "A").containsEntry("port", 8080);
        assertThat(strings(list(discovery, "names"))).as("each instance of every profile by its own name, both replicas included")
                .containsExactlyInAnyOrderElementsOf(composeInstanceNames()).contains("vlm-a", "vlm-b");
        Map<String, Object> services = map(yaml(ROOT.resolve("docker-compose.yml")), "services");
        assertThat(strings(list(discovery, "names"))).as("never the balancer, which would reach a replica at random")
                .doesNotContainAnyElementsOf(networkNames("vlm-lb", map(services, "vlm-lb")));
        assertThat(maps(list(job, "relabel_configs"))).anySatisfy(r -> {
            assertThat(strings(list(r, "source_labels"))).containsExactly("__meta_dns_name");
            assertThat(r.get("target_label")).isEqualTo("instance");
        });

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

    /** Issue 13: several replicas on PostgreSQL and one feature volume, behind nginx. */
    @Test
    void composeRunsTwoReplicasOnPostgresWithASharedFeatureVolumeBehindNginx() throws IOException {
        Map<String, Object> compose = yaml(ROOT.resolve("docker-compose.yml"));
        Map<String, Object> services = map(compose, "services");
        List<String> replicas = List.of("vlm-a", "vlm-b");
        Map<String, Object> postgres = map(services, "postgres");
        assertThat(strings(list(postgres, "profiles"))).containsExactly("replicas");
        assertThat((String) postgres.get("image")).startsWith("postgres:16");
        assertThat(String.join(" ", strings(list(map(postgres, "healthcheck"), "test")))).contains("pg_isready");
        Map<String, Object> postgresEnv = map(postgres, "environment");
        String passwordSecret = strings(list(postgres, "secrets")).get(0);
        assertThat(postgresEnv).containsEntry("POSTGRES_PASSWORD_FILE", "/run/secrets/" + passwordSecret)
                .doesNotContainKey("POSTGRES_PASSWORD");
        String postgresVolume = strings(list(postgres, "volumes")).get(0);
        assertThat(postgresVolume).endsWith(":/var/lib/postgresql/data");
        assertThat(map(compose, "volumes")).containsKey(postgresVolume.substring(0, postgresVolume.indexOf(':')));
        String secretFile = (String) map(compose, "secrets", passwordSecret).get("file");
        Matcher hostDefault = Pattern.compile("\\$\\{\\w+:-\\./(.+)}").matcher(secretFile);
        assertThat(hostDefault.matches()).as(secretFile).isTrue();
        assertThat(ROOT.resolve(hostDefault.group(1) + ".example")).as("an example secret file to copy").isRegularFile();

        Set<String> featureVolumes = new TreeSet<>();
        for (String name : replicas) {
            Map<String, Object> replica = map(services, name);
            Map<String, Object> env = map(replica, "environment");
            assertThat(strings(list(replica, "profiles"))).as(name).containsExactly("replicas");
            assertThat((String) replica.get("image")).as(name).startsWith("craft/vlm-service:");
            assertThat(env).as(name).containsEntry("VLM_STORE", "postgres")
                    .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/" + postgresEnv.get("POSTGRES_DB"))
                    .containsEntry("SPRING_DATASOURCE_USERNAME", postgresEnv.get("POSTGRES_USER"))
                    .doesNotContainKey("SPRING_DATASOURCE_PASSWORD");
            assertThat(map(replica, "depends_on", "postgres")).as(name).containsEntry("condition", "service_healthy");
            assertThat(replica.get("ports")).as(name + " is reached through nginx only").isNull();

            // the password: the same secret file, read by Spring Boot's config tree as spring.datasource.password
            Map<String, Object> secret = maps(list(replica, "secrets").stream().filter(Map.class::isInstance).toList()).stream()
                    .filter(x -> passwordSecret.equals(x.get("source"))).findFirst().orElseThrow();
            String target = (String) secret.get("target");
            assertThat(target).as(name).endsWith("/spring.datasource.password");
            assertThat((String) env.get("SPRING_CONFIG_IMPORT")).as(name)
                    .isEqualTo("configtree:" + target.substring(0, target.lastIndexOf('/') + 1));

            // the data dir is the replica's own; the features dir one named volume for all
            assertThat(strings(list(replica, "tmpfs"))).as(name).contains((String) env.get("VLM_DATA_DIR"));
            String features = strings(list(replica, "volumes")).stream()
                    .filter(v -> v.endsWith(":" + env.get("VLM_STORAGE_FEATURES_DIR"))).findFirst().orElseThrow();
            featureVolumes.add(features.substring(0, features.indexOf(':')));
            assertThat(String.join(" ", strings(list(map(replica, "healthcheck"), "test")))).contains("/actuator/health/readiness");
        }
        assertThat(featureVolumes).as("one shared features volume").hasSize(1);
        assertThat(map(compose, "volumes")).containsKey(featureVolumes.iterator().next());
        assertThat(Files.readString(ROOT.resolve("deploy/docker/vlm-service.Dockerfile")))
                .as("the image owns the features mount point, so a new named volume is writable by the service")
                .contains("chown vlm:vlm /var/lib/vlm /var/lib/vlm-features");

        Map<String, Object> balancer = map(services, "vlm-lb");
        assertThat(strings(list(balancer, "profiles"))).containsExactly("replicas");
        assertThat((String) balancer.get("image")).matches("nginx:\\d+\\.\\d+\\.\\d+");
        assertThat(strings(list(balancer, "volumes"))).contains("./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
                "./deploy/nginx/vlm-proxy.conf:/etc/nginx/vlm-proxy.conf:ro");
        assertThat(strings(list(balancer, "ports"))).as("published where the single service is")
                .isEqualTo(strings(list(map(services, "vlm-service"), "ports")));
        for (String name : replicas) {
            assertThat(map(balancer, "depends_on", name)).containsEntry("condition", "service_healthy");
        }
        assertThat(strings(list(map(balancer, "networks", "default"), "aliases")))
                .as("the craft client's http://vlm-service:8080 reaches the balancer").contains("vlm-service");
    }

    @Test
    void nginxBalancesTheComposeReplicasWithTheSharedProxySettings() throws IOException {
        String conf = withoutComments(Files.readString(ROOT.resolve("deploy/nginx/nginx.conf")));
        Matcher upstream = Pattern.compile("upstream vlm \\{([^}]*)}").matcher(conf);
        assertThat(upstream.find()).as("upstream vlm in nginx.conf").isTrue();
        List<String> servers = new ArrayList<>();
        Matcher server = Pattern.compile("\\bserver\\s+([^\\s;]+)").matcher(upstream.group(1));
        while (server.find()) {
            servers.add(server.group(1));
        }
        Map<String, Object> services = map(yaml(ROOT.resolve("docker-compose.yml")), "services");
        List<String> replicas = services.entrySet().stream()
                .filter(e -> ((Map<?, ?>) e.getValue()).get("image").toString().startsWith("craft/vlm-service:"))
                .filter(e -> strings(list(map(services, e.getKey()), "profiles")).contains("replicas"))
                .map(e -> e.getKey() + ":8080").toList();
        assertThat(servers).as("the upstream names the compose replicas").containsExactlyInAnyOrderElementsOf(replicas).hasSize(2);
        assertThat(conf).containsPattern("location / \\{\\s*include vlm-proxy\\.conf;\\s*}");
        assertThat(conf).containsPattern("listen 8080;");

        String proxy = withoutComments(Files.readString(ROOT.resolve("deploy/nginx/vlm-proxy.conf")));
        assertThat(proxy).as("only directives, valid inside a location block").doesNotContain("{", "}")
                .doesNotContainPattern("(?m)^\\s*(upstream|server|location|http|events|include)\\b");
        Map<String, String> directives = new LinkedHashMap<>();
        for (String statement : proxy.split(";")) {
            String[] words = statement.strip().split("\\s+", 2);
            if (!words[0].isEmpty()) {
                directives.merge(words[0], words.length > 1 ? words[1] : "", (x, y) -> x + "\n" + y);
            }
        }
        assertThat(directives).containsEntry("proxy_pass", "http://vlm").containsEntry("proxy_http_version", "1.1");
        assertThat(directives.get("proxy_set_header")).contains("Host $host", "X-Forwarded-For $proxy_add_x_forwarded_for",
                "X-Forwarded-Proto $scheme");
        assertThat(directives.get("proxy_next_upstream")).as("POST is never resent by nginx")
                .contains("error", "timeout").doesNotContain("non_idempotent");
        assertThat(nginxSeconds(directives.get("proxy_read_timeout"))).as("big predicts").isGreaterThanOrEqualTo(300);
        Properties application = new Properties();
        try (var in = Files.newInputStream(ROOT.resolve("vlm-service/src/main/resources/application.properties"))) {
            application.load(in);
        }
        long uploadLimit = DataSize.parse(application.getProperty("spring.servlet.multipart.max-request-size")).toBytes();
        assertThat(nginxBytes(directives.get("client_max_body_size"))).as("the service's upload limit passes nginx")
                .isGreaterThanOrEqualTo(uploadLimit);
    }

    /**
     * With several replicas, a counter is summed over instances and a tenant gauge (read from the
     * shared database, equal on every replica) taken with max, in the dashboard and the alert rules;
     * the dashboard shows a per-process value per instance (an alert on the raw series already is).
     */
    @Test
    void dashboardAndAlertsSumCountersTakeTheMaxOfSharedGaugesAndShowProcessesPerInstance() throws IOException {
        List<String> dashboard = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(ROOT.resolve("deploy/grafana/dashboards/vlm-service.json").toFile()).get("panels")) {
            if (panel.get("targets") != null) {
                panel.get("targets").forEach(t -> dashboard.add(t.get("expr").asString()));
            }
        }
        List<String> alerts = new ArrayList<>();
        for (Map<String, Object> group : maps(list(yaml(ROOT.resolve("deploy/prometheus/rules/vlm-alerts.yml")), "groups"))) {
            maps(list(group, "rules")).forEach(r -> alerts.add(((String) r.get("expr")).strip()));
        }
        String byTenant = "max by \\([^)]*\\btenant\\b[^)]*\\) \\($";
        Map<String, String> shared = Map.of(
                "vlm_queries_total", "sum by \\([^)]*\\) \\((rate\\()?$",
                "vlm_usage_queries", byTenant,
                "vlm_quota_remaining", byTenant,
                "vlm_quota_limit", byTenant);
        String byInstance = "(sum|max) by \\([^)]*\\binstance\\b[^)]*\\) \\($";
        Map<String, String> perProcess = Map.of(
                "vlm_compute_queue", byInstance,
                "vlm_compute_answer_memory_bytes", byInstance,
                "jvm_", byInstance,
                "process_", byInstance,
                "system_", byInstance);
        Set<String> seen = new TreeSet<>();
        for (String expression : dashboard) {
            seen.addAll(checkAggregations(expression, shared));
            seen.addAll(checkAggregations(expression, perProcess));
        }
        for (String expression : alerts) {
            seen.addAll(checkAggregations(expression, shared));
        }
        assertThat(seen).as("every metric kind is checked somewhere").containsAll(shared.keySet()).containsAll(perProcess.keySet());
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

    /**
     * Asserts that every metric of the expression named by a key (a name, or a prefix ending in _)
     * is directly inside the key's aggregation (a pattern matching the text before the name).
     * Returns the keys that matched.
     */
    private static Set<String> checkAggregations(String expression, Map<String, String> aggregations) {
        Set<String> matched = new TreeSet<>();
        Matcher name = Pattern.compile("\\b(vlm_[a-z_]+|jvm_[a-z_]+|process_[a-z_]+|system_[a-z_0-9]+)(?=[{\\s)\\[])").matcher(expression);
        while (name.find()) {
            String metric = name.group(1);
            String before = expression.substring(0, name.start());
            aggregations.forEach((key, aggregation) -> {
                if (metric.equals(key) || (key.endsWith("_") && metric.startsWith(key))) {
                    matched.add(key);
                    assertThat(Pattern.compile(aggregation).matcher(before).find())
                            .as("%s is aggregated as %s in: %s", metric, aggregation, expression).isTrue();
                }
            });
        }
        return matched;
    }

    /** The name of the volume mounted at that path. */
    private static String volumeMountedAt(Map<String, String> mounts, String path) {
        assertThat(path).as("a configured path").isNotNull();
        return mounts.entrySet().stream().filter(m -> m.getValue().equals(path)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + path));
    }

    /** Kind, name and (or null) key of every ConfigMap, Secret and claim a pod spec refers to. */
    private static List<String[]> podReferences(Map<String, Object> pod) {
        List<String[]> references = new ArrayList<>();
        for (Map<String, Object> volume : maps(list(pod, "volumes"))) {
            if (volume.get("persistentVolumeClaim") != null) {
                references.add(new String[]{"PersistentVolumeClaim", (String) map(volume, "persistentVolumeClaim").get("claimName"), null});
            }
            if (volume.get("secret") != null) {
                references.add(new String[]{"Secret", (String) map(volume, "secret").get("secretName"), null});
            }
            if (volume.get("configMap") != null) {
                references.add(new String[]{"ConfigMap", (String) map(volume, "configMap").get("name"), null});
            }
        }
        for (Map<String, Object> container : maps(list(pod, "containers"))) {
            for (Map<String, Object> source : container.get("envFrom") == null ? List.<Map<String, Object>>of() : maps(list(container, "envFrom"))) {
                if (source.get("configMapRef") != null) {
                    references.add(new String[]{"ConfigMap", (String) map(source, "configMapRef").get("name"), null});
                }
                if (source.get("secretRef") != null) {
                    references.add(new String[]{"Secret", (String) map(source, "secretRef").get("name"), null});
                }
            }
            for (Map<String, Object> variable : container.get("env") == null ? List.<Map<String, Object>>of() : maps(list(container, "env"))) {
                if (variable.get("valueFrom") instanceof Map<?, ?> from) {
                    if (from.get("secretKeyRef") instanceof Map<?, ?> ref) {
                        references.add(new String[]{"Secret", (String) ref.get("name"), (String) ref.get("key")});
                    }
                    if (from.get("configMapKeyRef") instanceof Map<?, ?> ref) {
                        references.add(new String[]{"ConfigMap", (String) ref.get("name"), (String) ref.get("key")});
                    }
                }
            }
        }
        return references;
    }

    /** The resource of that kind and name among the documents, or null. */
    private static Map<String, Object> resource(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(map(d, "metadata").get("name")))
                .findFirst().orElse(null);
    }

    /** The documents of the files a kustomization lists (directories of other kustomizations not followed). */
    private static List<Map<String, Object>> kustomizedDocuments(Path dir) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String resource : strings(list(yaml(dir.resolve("kustomization.yaml")), "resources"))) {
            for (Object doc : new Yaml().loadAll(Files.readString(dir.resolve(resource)))) {
                if (doc != null) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> map = (Map<String, Object>) doc;
                    docs.add(map);
                }
            }
        }
        return docs;
    }

    /**
     * The DNS names of the compose services that run vlm-service, one per service, as Prometheus
     * finds them: the service's own name or aliases, but not "vlm-service", which with the replicas
     * profile is the balancer's.
     */
    private static Set<String> composeInstanceNames() throws IOException {
        Map<String, Object> services = map(yaml(ROOT.resolve("docker-compose.yml")), "services");
        Set<String> names = new TreeSet<>();
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> service = (Map<String, Object>) entry.getValue();
            if (((String) service.get("image")).startsWith("craft/vlm-service:")) {
                List<String> own = networkNames(entry.getKey(), service).stream().filter(n -> !n.equals("vlm-service")).toList();
                assertThat(own).as(entry.getKey() + " has a name of its own").isNotEmpty();
                names.add(own.contains(entry.getKey()) ? entry.getKey() : own.get(0));
            }
        }
        return names;
    }

    /** A compose service's name and its aliases on the default network. */
    private static List<String> networkNames(String name, Map<String, Object> service) {
        List<String> names = new ArrayList<>(List.of(name));
        if (service.get("networks") instanceof Map<?, ?> networks && networks.get("default") instanceof Map<?, ?> network
                && network.get("aliases") instanceof List<?> aliases) {
            names.addAll(strings(aliases));
        }
        return names;
    }

    private static String withoutComments(String nginxConfig) {
        return nginxConfig.replaceAll("(?m)#.*$", "");
    }

    /** nginx sizes: 1100m, 1g, 512k, bytes. */
    private static long nginxBytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(size.strip());
        assertThat(m.matches()).as("nginx size " + size).isTrue();
        int shift = switch (m.group(2).toLowerCase()) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** nginx times: 600s, 10m, 1h, seconds. */
    private static long nginxSeconds(String time) {
        Matcher m = Pattern.compile("(\\d+)([smh]?)").matcher(time.strip());
        assertThat(m.matches()).as("nginx time " + time).isTrue();
        int factor = switch (m.group(2)) {
            case "m" -> 60;
            case "h" -> 3600;
            default -> 1;
        };
        return Long.parseLong(m.group(1)) * factor;
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
