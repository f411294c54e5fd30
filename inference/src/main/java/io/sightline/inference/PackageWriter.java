package io.sightline.inference;

import io.sightline.natives.Natives;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.op.Ops;

/**
 * Writes a model package: the {@link InspectionCnn} with given weights (and, for an anomaly model,
 * its {@link FeatureDensity}) as a SavedModel, then {@code model.json} sealed with the SHA-256 of
 * every file written ({@link PackageDigests}).
 */
final class PackageWriter {
    private PackageWriter() {}

    /**
     * @param density an anomaly model's score (null: the decision head's)
     * @throws IllegalArgumentException if {@code info} and {@code weights} disagree on channels or classes
     * @throws ModelException if the folder is not empty or cannot be written
     */
    static void write(Path dir, ModelInfo info, InspectionCnn.Weights weights, FeatureDensity.Calibration density) {
        if (info.inputChannels() != weights.channels() || info.numClasses() != weights.numClasses()) {
            throw new IllegalArgumentException("model.json describes " + info.inputChannels() + " channels and "
                    + info.numClasses() + " classes " + info.classes() + " but the weights have "
                    + weights.channels() + " channels and " + weights.numClasses() + " classes");
        }
        prepareEmptyFolder(dir);
        Natives.tensorflow();
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            InspectionCnn cnn = InspectionCnn.define(Ops.create(graph), info.inputWidth(), info.inputHeight(), info.okIndex(), weights, density);
            session.initialize();
            SavedModelBundle.exporter(dir.toString())
                    .withFunction(SessionFunction.create(cnn.servingSignature(), session))
                    .export();
        } catch (IOException e) {
            throw new ModelException("cannot write the SavedModel into " + dir + ": " + e, e);
        }
        info.withFiles(PackageDigests.compute(dir)).write(dir.resolve(ModelInfo.FILE_NAME));
    }

    private static void prepareEmptyFolder(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new ModelException("export folder " + dir + " is not empty (a model package is written into a new or empty folder)");
                    }
                }
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new ModelException("cannot create export folder " + dir + ": " + e, e);
        }
    }
}
