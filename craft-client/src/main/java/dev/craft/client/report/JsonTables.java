package dev.craft.client.report;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tables from arrays of flat JSON objects (the service benchmark's file, written by another tool):
 * the columns are the fields found, known ones first in a fixed order with readable names, unknown
 * ones after them, so that a field added later still shows.
 */
final class JsonTables {

    private JsonTables() {
    }

    /** @param known field name -> column title, in the order wanted */
    static Table render(JsonNode array, Map<String, String> known) {
        Set<String> fields = new LinkedHashSet<>();
        for (String name : known.keySet()) {
            for (JsonNode row : array) {
                if (row.has(name)) {
                    fields.add(name);
                    break;
                }
            }
        }
        for (JsonNode row : array) {
            row.propertyNames().forEach(name -> {
                JsonNode value = row.get(name);
                if (value.isValueNode()) {
                    fields.add(name);
                }
            });
        }
        List<String> header = fields.stream().map(f -> known.getOrDefault(f, f)).toList();
        Table table = new Table(header);
        for (JsonNode row : array) {
            List<String> cells = new ArrayList<>();
            for (String field : fields) {
                cells.add(cell(row.get(field)));
            }
            table.row(cells);
        }
        return table;
    }

    static String cell(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "–";
        }
        if (value.isNumber()) {
            return Fmt.number(value.asDouble());
        }
        return value.asString();
    }
}
