package dev.craft.client.data;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the optional {@code classnames.txt} of an ImageFolder dataset (UTF-8; blank lines and lines
 * starting with {@code #} are ignored). Two forms:
 * <ul>
 *   <li>Mapping: every line is {@code folder_name class name}, its first word one of the class folders.
 *       Folders without a line keep their folder-derived name.</li>
 *   <li>Positional: otherwise, exactly one class name per line, in sorted folder order.</li>
 * </ul>
 */
final class ClassNamesFile {

    static final String FILE_NAME = "classnames.txt";

    private ClassNamesFile() {
    }

    /**
     * @param file    the classnames.txt
     * @param folders the class folder names, sorted (label order)
     * @return one class name per folder, in the same order
     */
    static List<String> read(Path file, List<String> folders) {
        List<String> lines = contentLines(file);
        if (lines.isEmpty()) {
            throw new DatasetException(file + " holds no class names; delete it to use the folder names");
        }
        Map<String, String> mapping = asMapping(lines, folders, file);
        if (mapping != null) {
            return folders.stream().map(f -> mapping.getOrDefault(f, ClassNames.fromIdentifier(f))).toList();
        }
        if (lines.size() != folders.size()) {
            throw new DatasetException(file + " has " + lines.size() + " names for " + folders.size()
                    + " class folders; write one 'folder_name class name' line per folder, or exactly one"
                    + " class name per line in sorted folder order");
        }
        return lines.stream().map(ClassNames::normalize).toList();
    }

    /** The folder-to-name map when every line starts with a class folder name, else null. */
    private static Map<String, String> asMapping(List<String> lines, List<String> folders, Path file) {
        Set<String> known = new HashSet<>(folders);
        Map<String, String> mapping = new HashMap<>();
        for (String line : lines) {
            String[] words = line.split("\\s+", 2);
            if (words.length < 2 || !known.contains(words[0])) {
                return null;
            }
            if (mapping.put(words[0], ClassNames.normalize(words[1])) != null) {
                throw new DatasetException(file + " names folder '" + words[0] + "' more than once");
            }
        }
        return mapping;
    }

    private static List<String> contentLines(Path file) {
        List<String> all;
        try {
            all = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DatasetException(file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!all.isEmpty() && all.get(0).startsWith("\uFEFF")) {
            all.set(0, all.get(0).substring(1));
        }
        List<String> lines = new ArrayList<>();
        for (String raw : all) {
            String line = raw.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                lines.add(line);
            }
        }
        return lines;
    }
}
