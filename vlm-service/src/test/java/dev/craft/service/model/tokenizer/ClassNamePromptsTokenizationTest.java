package dev.craft.service.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.craft.service.testsupport.SharedAssets;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Every class name of CLIP's prompt list and of the CoOp splits tokenises into a sane prompt sequence. */
class ClassNamePromptsTokenizationTest {

    private static final String TEMPLATE = "a photo of a %s.";
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'|\"([^\"]*)\"");

    @Test
    void clipPaperClassNamesTokenize() throws IOException {
        Set<String> names = classNamesFromPromptsMarkdown(
                SharedAssets.require("assets/tokenizer/clip_data_prompts.md"));

        int checked = checkAll(ClipTokenizerAssets.tokenizer(), names);

        // 2,806 distinct names in 26 datasets (Birdsnap 500 and Kinetics700 700 among them).
        assertThat(checked).isGreaterThan(2_700);
    }

    @Test
    void coopSplitClassNamesTokenize() throws IOException {
        Path splits = SharedAssets.require("assets/coop-splits");
        Set<String> names = new LinkedHashSet<>();
        ObjectMapper json = new ObjectMapper();
        int files = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(splits, "split_zhou_*.json")) {
            for (Path file : dir) {
                files++;
                JsonNode root = json.readTree(file.toFile());
                for (JsonNode part : root) {
                    for (JsonNode entry : part) {
                        String name = entry.get(2).asString();
                        names.add(name);
                        names.add(name.replace('_', ' '));
                    }
                }
            }
        }

        int checked = checkAll(ClipTokenizerAssets.tokenizer(), names);

        assertThat(files).isGreaterThanOrEqualTo(7);
        // 705 distinct names: 7 datasets, 593 classes, plus the "_"-free variants.
        assertThat(checked).isGreaterThan(680);
    }

    private static int checkAll(TextTokenizer tokenizer, Set<String> names) {
        int checked = 0;
        for (String name : names) {
            String prompt = String.format(TEMPLATE, name);
            int[] ids = tokenizer.encode(prompt);
            int[] sequence = ClipTokenSequences.tokenize(tokenizer, prompt, 77);

            assertThat(tokenizer.encode(name)).as(name).isNotEmpty()
                    .hasSizeGreaterThanOrEqualTo(name.strip().split("\\s+").length);
            assertThat(java.util.Arrays.stream(ids).boxed().toList()).as(prompt)
                    .allSatisfy(id -> assertThat(id).isBetween(0, tokenizer.vocabularySize() - 1))
                    .doesNotContain(tokenizer.startToken(), tokenizer.endToken());
            assertThat(ids.length).as(prompt).isLessThanOrEqualTo(75);
            assertThat(sequence[0]).isEqualTo(tokenizer.startToken());
            assertThat(sequence[ids.length + 1]).as(prompt).isEqualTo(tokenizer.endToken());
            for (int i = ids.length + 2; i < sequence.length; i++) {
                assertThat(sequence[i]).isZero();
            }
            checked++;
        }
        return checked;
    }

    /** Quoted strings inside the {@code classes = [ ... ]} blocks; nested lists (FER2013 synonyms) included. */
    static Set<String> classNamesFromPromptsMarkdown(Path markdown) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        boolean inClasses = false;
        List<String> blockNames = new ArrayList<>();
        int blocks = 0;
        for (String line : Files.readAllLines(markdown)) {
            if (line.startsWith("classes = [")) {
                inClasses = true;
                blockNames.clear();
            } else if (inClasses && line.strip().equals("]")) {
                inClasses = false;
                blocks++;
                assertThat(blockNames).as("class block %d", blocks).isNotEmpty();
                names.addAll(blockNames);
            } else if (inClasses) {
                Matcher quoted = QUOTED.matcher(line);
                while (quoted.find()) {
                    blockNames.add(quoted.group(1) != null ? quoted.group(1) : quoted.group(2));
                }
            }
        }
        assertThat(blocks).isEqualTo(26);
        return names;
    }
}
