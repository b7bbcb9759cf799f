package dev.craft.service.classset;

import dev.craft.api.ClassSetInfo;
import dev.craft.api.ClassSetRequest;
import dev.craft.api.ProblemTypes;
import dev.craft.service.VlmProperties;
import dev.craft.service.auth.Tenant;
import dev.craft.service.model.DualEncoderModel;
import dev.craft.service.problem.ApiException;
import dev.craft.service.support.Ids;
import org.springframework.stereotype.Service;

import java.text.Normalizer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Creates, finds and deletes class sets, and keeps their prompt embeddings ready for predict. */
@Service
public class ClassSetService {

    private final ClassSetRepository repository;
    private final DualEncoderModel model;
    private final VlmProperties.Limits limits;
    private final Map<String, ClassPrompts> prompts = new ConcurrentHashMap<>();

    ClassSetService(ClassSetRepository repository, DualEncoderModel model, VlmProperties properties) {
        this.repository = repository;
        this.model = model;
        this.limits = properties.limits();
    }

    public ClassSetInfo create(Tenant tenant, ClassSetRequest request) {
        if (request == null) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST, "the request body is empty");
        }
        PromptTemplate template = PromptTemplate.parse(
                request.template() == null ? ClassSetRequest.DEFAULT_TEMPLATE : request.template());
        List<String> names = validNames(request.classNames());
        ClassPrompts compiled = ClassPrompts.build(model, template, names);
        StoredClassSet stored = new StoredClassSet(Ids.next("cs"), tenant.name(), template.text(), names,
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        repository.insert(stored);
        prompts.put(stored.id(), compiled);
        return info(stored, compiled);
    }

    public ClassSetInfo get(Tenant tenant, String id) {
        StoredClassSet stored = find(tenant, id);
        return info(stored, promptsOf(stored));
    }

    public List<ClassSetInfo> list(Tenant tenant) {
        return repository.list(tenant.name()).stream().map(s -> info(s, promptsOf(s))).toList();
    }

    public void delete(Tenant tenant, String id) {
        if (!repository.delete(tenant.name(), id)) {
            throw ApiException.notFound("class set", id);
        }
        prompts.remove(id);
    }

    /** The prompt embeddings of a class set the tenant owns; 404 for any other id. */
    public ClassPrompts prompts(Tenant tenant, String id) {
        ClassPrompts compiled = prompts.get(requireId(id));
        if (compiled != null) {
            // Compiled already: the database only has to confirm that the tenant still owns it (no class names read).
            if (!repository.exists(tenant.name(), id)) {
                throw ApiException.notFound("class set", id);
            }
            return compiled;
        }
        return promptsOf(find(tenant, id));
    }

    private StoredClassSet find(Tenant tenant, String id) {
        return repository.find(tenant.name(), requireId(id)).orElseThrow(() -> ApiException.notFound("class set", id));
    }

    private static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw ApiException.badRequest(ProblemTypes.MALFORMED_REQUEST, "classSetId is required");
        }
        return id;
    }

    private ClassPrompts promptsOf(StoredClassSet stored) {
        return prompts.computeIfAbsent(stored.id(),
                id -> ClassPrompts.build(model, PromptTemplate.parse(stored.template()), stored.classNames()));
    }

    private ClassSetInfo info(StoredClassSet stored, ClassPrompts compiled) {
        return new ClassSetInfo(stored.id(), stored.classNames(), stored.template(), compiled.contextTokens(),
                compiled.tokenWidth());
    }

    private List<String> validNames(List<String> classNames) {
        if (classNames == null || classNames.isEmpty()) {
            throw invalid("classNames must list at least one class");
        }
        if (classNames.size() > limits.maxClasses()) {
            throw invalid("a class set holds at most " + limits.maxClasses() + " classes, got " + classNames.size());
        }
        List<String> names = new ArrayList<>(classNames.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < classNames.size(); i++) {
            String raw = classNames.get(i);
            String name = raw == null ? "" : Normalizer.normalize(raw, Normalizer.Form.NFC).strip().replaceAll("\\s+", " ");
            if (name.isEmpty()) {
                throw invalid("class name #" + i + " is empty");
            }
            if (name.length() > limits.maxClassNameLength()) {
                throw invalid("class name #" + i + " is longer than " + limits.maxClassNameLength() + " characters");
            }
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw invalid("class name #" + i + " contains control characters");
            }
            // The tokenizer lower-cases, so names differing only in case would be the same prompt.
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw invalid("class name '" + name + "' appears more than once");
            }
            names.add(name);
        }
        return names;
    }

    private static ApiException invalid(String detail) {
        return ApiException.badRequest(ProblemTypes.INVALID_CLASS_SET, detail);
    }
}
