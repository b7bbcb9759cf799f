package dev.craft.service.classset;

import dev.craft.api.ClassSetInfo;
import dev.craft.api.ClassSetRequest;
import dev.craft.service.auth.CurrentTenant;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

@RestController
@RequestMapping("/v1/classsets")
class ClassSetController {

    private final ClassSetService service;

    ClassSetController(ClassSetService service) {
        this.service = service;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ClassSetInfo> create(@RequestBody ClassSetRequest request) {
        ClassSetInfo created = service.create(CurrentTenant.get(), request);
        return ResponseEntity.created(URI.create("/v1/classsets/" + created.classSetId())).body(created);
    }

    @GetMapping
    List<ClassSetInfo> list() {
        return service.list(CurrentTenant.get());
    }

    @GetMapping("/{id}")
    ClassSetInfo get(@PathVariable String id) {
        return service.get(CurrentTenant.get(), id);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        service.delete(CurrentTenant.get(), id);
        return ResponseEntity.noContent().build();
    }
}
