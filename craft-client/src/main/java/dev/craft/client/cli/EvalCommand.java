package dev.craft.client.cli;

import dev.craft.client.data.DatasetLoader;
import dev.craft.client.data.LabeledImage;
import dev.craft.client.data.TaskData;
import dev.craft.client.service.VlmClient;
import dev.craft.client.tuned.TunedClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a tuned artefact on another dataset's test images (one query per view of the artefact).",
                "The dataset's classes must be the tuned classes or a subset (distribution shift: tune on ImageNet,",
                "test on -V2, -Sketch, -A, -R); for a subset the prediction is restricted to its classes."})
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatasetOptions data;

    @Mixin
    TunedModelOption model;

    @Override
    public Integer call() throws Exception {
        TaskData task = DatasetLoader.load(data.dataset(), data.split());
        VlmClient client = data.service().client();
        try (TunedClassifier classifier = model.open(client)) {
            int[] toTuned = mapClasses(task.classNames(), classifier.classNames());
            List<LabeledImage> test = task.test();
            String datasetId = data.uploadCache().uploadOnce(client, test.stream().map(LabeledImage::file).toList());
            float[] logits = classifier.logitsOfDataset(datasetId);
            int k = classifier.classNames().size();
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                int best = -1;
                for (int target : toTuned) {
                    if (best < 0 || logits[i * k + target] > logits[i * k + best]) {
                        best = target;
                    }
                }
                if (best == toTuned[test.get(i).label()]) {
                    correct++;
                }
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "{\"accuracy\": %.6f, \"images\": %d, \"classes\": %d, \"evalQueries\": %d}%n",
                    test.isEmpty() ? Double.NaN : (double) correct / test.size(), test.size(), toTuned.length,
                    classifier.views());
        }
        return 0;
    }

    /** For each class of the dataset, its index among the tuned classes; every class must be known. */
    static int[] mapClasses(List<String> datasetClasses, List<String> tunedClasses) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < tunedClasses.size(); i++) {
            index.put(tunedClasses.get(i).toLowerCase(Locale.ROOT), i);
        }
        int[] map = new int[datasetClasses.size()];
        for (int i = 0; i < map.length; i++) {
            Integer target = index.get(datasetClasses.get(i).toLowerCase(Locale.ROOT));
            if (target == null) {
                throw new IllegalArgumentException("class '" + datasetClasses.get(i)
                        + "' of the dataset is not among the tuned model's " + tunedClasses.size() + " classes");
            }
            map[i] = target;
        }
        return map;
    }
}
