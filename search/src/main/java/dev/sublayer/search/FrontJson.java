package dev.sublayer.search;

import dev.sublayer.search.moea.Objective;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.StrictJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a study's front as {@code front.json} next to its store, atomically (write, then rename), so a reader
 * never sees half a file:
 *
 * <pre>
 * {"v": 1, "study": "quickstart", "status": "finished", "rung": 1, "hypervolume": 0.41,
 *  "objectives": [{"name": "valid_bits_per_byte", "reference": 8.0, "ideal": 0.0}, ...],
 *  "front": [{"architecture": "A4 F128 ...", "canonical": "d64 n64 pre: A4 F128 ...", "key": "...",
 *             "strategy": "template:interleaved", "rung": 1, "values": {"valid_bits_per_byte": 2.41, ...},
 *             "reevaluation": {"n": 4, "mean": {...}, "std": {...}}}, ...]}
 * </pre>
 */
public final class FrontJson {

    /** The file name inside the study directory. */
    public static final String FILE = "front.json";

    private FrontJson() {
    }

    /** The front document. */
    public static ObjectNode toNode(StudyContext context, String status, StudyResults.Front front, FrontStats stats) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("v", 1);
        root.put("study", context.config().name());
        root.put("status", status);
        root.put("rung", front.rung());
        root.put("hypervolume", front.hypervolume());
        List<Objective> objectives = context.objectives();
        ArrayNode obj = root.putArray("objectives");
        for (Objective o : objectives) {
            ObjectNode n = obj.addObject();
            n.put("name", o.kind().configName());
            n.put("reference", o.reference());
            n.put("ideal", o.ideal());
        }
        root.put("reevaluation_seeds", stats.seeds());
        ArrayNode members = root.putArray("front");
        for (StudyResults.FrontEntry e : front.entries()) {
            TrialRecord t = e.trial();
            ObjectNode m = members.addObject();
            m.put("architecture", e.architecture().notation());
            m.put("canonical", e.architecture().canonical());
            m.put("key", t.key());
            m.put("strategy", t.strategy());
            m.put("generation", t.generation());
            m.put("rung", t.rung());
            ObjectNode values = m.putObject("values");
            for (int i = 0; i < objectives.size(); i++) {
                StrictJson.putFigure(values, objectives.get(i).kind().configName(), e.fitness().value(i));
            }
            FrontStats.Stats s = stats.members().get(e.architecture().canonical());
            if (s != null) {
                ObjectNode re = m.putObject("reevaluation");
                re.put("n", s.n());
                ObjectNode mean = re.putObject("mean");
                ObjectNode std = re.putObject("std");
                for (int i = 0; i < objectives.size(); i++) {
                    StrictJson.putFigure(mean, objectives.get(i).kind().configName(), s.mean()[i]);
                    StrictJson.putFigure(std, objectives.get(i).kind().configName(), s.std()[i]);
                }
            }
        }
        return root;
    }

    /** Writes the front document to {@code directory/front.json} atomically; returns the file. */
    public static Path write(Path directory, ObjectNode document) {
        Path target = directory.resolve(FILE);
        Path tmp = directory.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, StrictJson.prettyText(document) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }
}
