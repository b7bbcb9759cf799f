package dev.craft.service.dataset;

import dev.craft.api.DatasetInfo;
import dev.craft.api.DatasetSummary;
import dev.craft.service.auth.CurrentTenant;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import java.net.URI;
import java.util.List;

@RestController
@RequestMapping("/v1/datasets")
class DatasetController {

    private final DatasetService service;

    DatasetController(DatasetService service) {
        this.service = service;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<DatasetInfo> upload(@RequestPart(name = "images", required = false) List<MultipartFile> images) {
        DatasetInfo created = service.upload(CurrentTenant.get(), images);
        return ResponseEntity.created(URI.create("/v1/datasets/" + created.datasetId())).body(created);
    }

    @GetMapping
    List<DatasetSummary> list() {
        return service.list(CurrentTenant.get());
    }

    @GetMapping("/{id}")
    DatasetInfo get(@PathVariable String id) {
        return service.get(CurrentTenant.get(), id);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        service.delete(CurrentTenant.get(), id);
        return ResponseEntity.noContent().build();
    }
}
