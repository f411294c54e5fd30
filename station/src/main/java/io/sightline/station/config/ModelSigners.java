package io.sightline.station.config;

import static io.sightline.station.config.YamlSection.got;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code model-signers}: the public keys (PEM, as {@code sightline model keygen} writes them) of
 * whoever may sign the station's model. With the key present, the station loads only a model
 * signed by one of them ({@link io.sightline.inference.PackageSignature}).
 */
final class ModelSigners {
    private ModelSigners() {}

    static List<Path> read(YamlSection root, YamlProblems problems, Path folder) {
        if (!root.present("model-signers")) return List.of();
        Node n = root.get("model-signers");
        List<Node> items = n instanceof SequenceNode seq ? seq.getValue() : List.of(n);
        List<Path> keys = new ArrayList<>();
        if (items.isEmpty() || items.stream().anyMatch(i -> !(i instanceof ScalarNode))) {
            root.problem("model-signers", "expected a list of public key files (NAME.pub), got " + got(n));
            return keys;
        }
        for (Node item : items) {
            Path key = folder.resolve(((ScalarNode) item).getValue().trim()).normalize();
            String text;
            try {
                text = Files.isRegularFile(key) ? Files.readString(key) : null;
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                text = null;
            }
            if (text == null || !text.contains("-----BEGIN PUBLIC KEY-----")) {
                problems.problem(item, root.key("model-signers"), "expected a PEM public key file (sightline model keygen writes NAME.pub), got "
                        + key + (text == null ? ", which does not exist" : ", which holds no public key"));
            } else {
                keys.add(key);
            }
        }
        return keys;
    }
}
