package dev.craft.client.service;

import dev.craft.api.DatasetInfo;

import java.nio.file.Path;
import java.util.List;

/** The part of the service that {@link UploadCache} needs. */
public interface DatasetUploader {

    UploadTarget uploadTarget();

    DatasetInfo upload(List<Path> images);

    boolean datasetExists(String datasetId);
}
