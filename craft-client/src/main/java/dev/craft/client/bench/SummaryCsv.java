package dev.craft.client.bench;

import dev.craft.client.tune.TuneReport;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * summary.csv: a header of every {@link TuneReport} field, in the record's order, then one row per
 * report. Numbers are written with {@link Double#toString}/{@link Long#toString} (a NaN is an empty
 * field, as in metrics.csv); text is quoted per RFC 4180 when it needs to be. Columns are read by
 * name, so reordered or extra columns are accepted.
 *
 * <p>The final refit is one column, {@value #REFIT_COLUMN}: the chosen epochs, empty when there was
 * none (its cross-validation scores stay in each run's report.json). It is informative only: it
 * may be missing (summaries written before it existed) and reads back as no refit.
 */
final class SummaryCsv {

    private static final RecordComponent[] COLUMNS = TuneReport.class.getRecordComponents();

    /** The column of the {@link TuneReport.Refit} field. */
    static final String REFIT_COLUMN = "finalRefitEpochs";

    private SummaryCsv() {
    }

    static List<String> header() {
        return Arrays.stream(COLUMNS).map(SummaryCsv::name).toList();
    }

    private static String name(RecordComponent column) {
        return column.getType() == TuneReport.Refit.class ? REFIT_COLUMN : column.getName();
    }

    static String write(List<TuneReport> reports) {
        StringBuilder csv = new StringBuilder(String.join(",", header())).append('\n');
        for (TuneReport report : reports) {
            for (int i = 0; i < COLUMNS.length; i++) {
                if (i > 0) {
                    csv.append(',');
                }
                csv.append(field(value(COLUMNS[i], report)));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** @throws IllegalArgumentException naming {@code source} when the text is not a summary */
    static List<TuneReport> parse(String text, String source) {
        List<List<String>> rows = records(text, source);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(source + " is empty");
        }
        List<String> header = rows.get(0);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            index.put(header.get(i).trim(), i);
        }
        for (String name : header()) {
            if (!index.containsKey(name) && !name.equals(REFIT_COLUMN)) {
                throw new IllegalArgumentException(source + " is not a bench summary: column '" + name + "' is missing");
            }
        }
        Constructor<TuneReport> constructor = canonicalConstructor();
        List<TuneReport> reports = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            Object[] args = new Object[COLUMNS.length];
            for (int c = 0; c < COLUMNS.length; c++) {
                if (COLUMNS[c].getType() == TuneReport.Refit.class) {
                    args[c] = null;
                    continue;
                }
                int at = index.get(COLUMNS[c].getName());
                String field = at < row.size() ? row.get(at) : "";
                try {
                    args[c] = convert(COLUMNS[c].getType(), field);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + " row " + (r + 1) + ": " + COLUMNS[c].getName() + " '"
                            + field + "' is not a number");
                }
            }
            try {
                reports.add(constructor.newInstance(args));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot build a TuneReport", e);
            }
        }
        return reports;
    }

    private static Object value(RecordComponent column, TuneReport report) {
        try {
            return column.getAccessor().invoke(report);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read TuneReport." + column.getName(), e);
        }
    }

    private static String field(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return d.isNaN() ? "" : Double.toString(d);
        }
        if (value instanceof TuneReport.Refit refit) {
            return Integer.toString(refit.epochs());
        }
        String text = value.toString();
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    private static Object convert(Class<?> type, String field) {
        String t = field.trim();
        if (type == String.class) {
            return field;
        }
        if (type == int.class) {
            return Integer.parseInt(t);
        }
        if (type == long.class) {
            return Long.parseLong(t);
        }
        if (type == double.class) {
            return t.isEmpty() ? Double.NaN : Double.parseDouble(t);
        }
        throw new IllegalStateException("TuneReport field type " + type + " is not supported by summary.csv");
    }

    private static Constructor<TuneReport> canonicalConstructor() {
        Class<?>[] types = Arrays.stream(COLUMNS).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return TuneReport.class.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
    private static List<List<String>> records(String text, String source) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(source + " ends inside a quoted field");
        }
        if (any) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
