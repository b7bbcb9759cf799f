package dev.craft.service.classset;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/** Class sets in the embedded database; every lookup is scoped to a tenant. */
@Repository
class ClassSetRepository {

    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ClassSetRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(StoredClassSet set) {
        jdbc.sql("INSERT INTO class_set (id, tenant, template, class_names, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(set.id(), set.tenant(), set.template(), json.writeValueAsString(set.classNames()),
                        OffsetDateTime.ofInstant(set.createdAt(), ZoneOffset.UTC))
                .update();
    }

    Optional<StoredClassSet> find(String tenant, String id) {
        return jdbc.sql("SELECT id, tenant, template, class_names, created_at FROM class_set WHERE tenant = ? AND id = ?")
                .params(tenant, id)
                .query((rs, row) -> new StoredClassSet(rs.getString(1), rs.getString(2), rs.getString(3),
                        json.readValue(rs.getString(4), NAMES), rs.getObject(5, OffsetDateTime.class).toInstant()))
                .optional();
    }

    boolean exists(String tenant, String id) {
        return jdbc.sql("SELECT COUNT(*) FROM class_set WHERE tenant = ? AND id = ?")
                .params(tenant, id).query(Integer.class).single() > 0;
    }

    List<StoredClassSet> list(String tenant) {
        return jdbc.sql("SELECT id, tenant, template, class_names, created_at FROM class_set WHERE tenant = ? ORDER BY created_at, id")
                .param(tenant)
                .query((rs, row) -> new StoredClassSet(rs.getString(1), rs.getString(2), rs.getString(3),
                        json.readValue(rs.getString(4), NAMES), rs.getObject(5, OffsetDateTime.class).toInstant()))
                .list();
    }

    boolean delete(String tenant, String id) {
        return jdbc.sql("DELETE FROM class_set WHERE tenant = ? AND id = ?").params(tenant, id).update() > 0;
    }
}
