package dev.craft.client.report;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table: a header row, then rows of the same width; the first column left-aligned. */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private boolean left;

    Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    Table(String... header) {
        this(List.of(header));
    }

    /** Every column left-aligned (for tables of text values). */
    Table leftAligned() {
        left = true;
        return this;
    }

    Table row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("a row of " + cells.size() + " cells in a table of " + header.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    Table row(String... cells) {
        return row(List.of(cells));
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String markdown() {
        StringBuilder md = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            md.append(i == 0 || left ? ":---|" : "---:|");
        }
        md.append('\n');
        for (List<String> row : rows) {
            md.append("| ").append(String.join(" | ", row.stream().map(Table::escape).toList())).append(" |\n");
        }
        return md.toString();
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
