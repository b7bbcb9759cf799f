package dev.craft.service.dataset;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Dataset metadata in the embedded database; every lookup is scoped to a tenant. */
@Repository
class DatasetRepository {

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, tenant, model_id, size, embed_dim, file_names, created_at";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final RowMapper<StoredDataset> rows;

    DatasetRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.rows = (rs, row) -> new StoredDataset(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                rs.getInt(5), json.readValue(rs.getString(6), NAMES), rs.getObject(7, OffsetDateTime.class).toInstant());
    }

    void insert(StoredDataset dataset) {
        jdbc.sql("INSERT INTO dataset (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(dataset.id(), dataset.tenant(), dataset.modelId(), dataset.size(), dataset.embedDim(),
                        json.writeValueAsString(dataset.fileNames()),
                        OffsetDateTime.ofInstant(dataset.createdAt(), ZoneOffset.UTC))
                .update();
    }

    Optional<StoredDataset> find(String tenant, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dataset WHERE tenant = ? AND id = ?")
                .params(tenant, id).query(rows).optional();
    }

    /** The model that encoded a dataset of the tenant, read without its file names. */
    Optional<String> modelId(String tenant, String id) {
        return jdbc.sql("SELECT model_id FROM dataset WHERE tenant = ? AND id = ?")
                .params(tenant, id).query(String.class).optional();
    }

    List<StoredDataset> list(String tenant) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dataset WHERE tenant = ? ORDER BY created_at, id")
                .param(tenant).query(rows).list();
    }

    boolean delete(String tenant, String id) {
        return jdbc.sql("DELETE FROM dataset WHERE tenant = ? AND id = ?").params(tenant, id).update() > 0;
    }

    Set<String> allIds() {
        return new HashSet<>(jdbc.sql("SELECT id FROM dataset").query(String.class).list());
    }
}
