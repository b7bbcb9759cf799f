package dev.craft.client.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FewShotSamplerTest {

    /** Three classes of 20 images, listed in a scrambled order. */
    private static List<LabeledImage> pool() {
        List<LabeledImage> images = new ArrayList<>();
        for (int label = 0; label < 3; label++) {
            for (int i = 0; i < 20; i++) {
                images.add(new LabeledImage(Path.of("c" + label, String.format("img%02d.png", i)), label));
            }
        }
        Collections.shuffle(images, new java.util.Random(99));
        return images;
    }

    @Test
    void sameSeedGivesTheSameSetWhateverTheInputOrder() {
        List<LabeledImage> pool = pool();
        List<LabeledImage> reordered = new ArrayList<>(pool);
        Collections.reverse(reordered);

        assertThat(FewShotSampler.sample(pool, 4, 7)).isEqualTo(FewShotSampler.sample(reordered, 4, 7));
    }

    @Test
    void takesShotsPerClassOrderedByClassThenPath() {
        List<LabeledImage> sample = FewShotSampler.sample(pool(), 4, 1);

        Map<Integer, Long> counts = sample.stream().collect(Collectors.groupingBy(LabeledImage::label, Collectors.counting()));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(0, 4L, 1, 4L, 2, 4L));
        List<LabeledImage> sorted = new ArrayList<>(sample);
        sorted.sort(java.util.Comparator.comparingInt(LabeledImage::label).thenComparing(i -> i.file().toString()));
        assertThat(sample).isEqualTo(sorted).doesNotHaveDuplicates();
        assertThat(pool()).containsAll(sample);
    }

    @Test
    void differentSeedsGiveDifferentSets() {
        assertThat(FewShotSampler.sample(pool(), 4, 1)).isNotEqualTo(FewShotSampler.sample(pool(), 4, 2));
    }

    @Test
    void pinnedDrawStaysTheSameAcrossJvms() {
        // java.util.Random and Collections.shuffle are specified algorithms, so this draw must never change.
        // Expected values were computed by an independent Python re-implementation of both.
        List<String> names = FewShotSampler.sample(pool(), 2, 1).stream().map(i -> i.file().toString()).toList();

        assertThat(names).containsExactly("c0/img02.png", "c0/img17.png", "c1/img01.png", "c1/img06.png",
                "c2/img03.png", "c2/img04.png");
    }

    @Test
    void shortClassContributesAllItsImagesWithAWarning() {
        List<LabeledImage> pool = new ArrayList<>(pool().stream().filter(i -> i.label() != 1).toList());
        pool.add(new LabeledImage(Path.of("c1/only.png"), 1));
        List<String> warnings = new ArrayList<>();

        List<LabeledImage> sample = FewShotSampler.sample(pool, 3, 5, warnings::add);

        assertThat(sample).filteredOn(i -> i.label() == 1).containsExactly(new LabeledImage(Path.of("c1/only.png"), 1));
        assertThat(sample).hasSize(7);
        assertThat(warnings).containsExactly("class 1 has only 1 training image(s) for 3 shots; using all of them");
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThatThrownBy(() -> FewShotSampler.sample(pool(), 0, 1)).hasMessage("shots must be at least 1, got 0");
        assertThatThrownBy(() -> FewShotSampler.sample(List.of(), 1, 1))
                .hasMessage("cannot sample a few-shot set from an empty training set");
    }
}
