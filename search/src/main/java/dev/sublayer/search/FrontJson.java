package dev.sublayer.search;

import dev.sublayer.io.AtomicFiles;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Objective;
import dev.sublayer.trial.SeedStatistics;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.StudyStatus;
import dev.sublayer.trial.StrictJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a study's front ({@link StudyFront}, as the search computed and stored it) as {@code front.json} next to
 * its store, atomically (write, then rename), so a reader never sees half a file. A member's {@code strategy} is
 * its origin's text; {@code values} are the search's single-seed values, and {@code reevaluation} adds the
 * statistics over seeds where the member was re-evaluated:
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
    public static ObjectNode toNode(StudyContext context, StudyStatus status, StudyFront front, FrontStats stats) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("v", 1);
        root.put("study", context.config().name());
        root.put("status", status.configName());
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
        for (StudyFront.Member e : front.members()) {
            ObjectNode m = members.addObject();
            m.put("architecture", Notation.parse(e.architecture()).notation());
            m.put("canonical", e.architecture());
            m.put("key", e.key());
            m.put("strategy", e.origin().text());
            m.put("generation", e.generation());
            m.put("rung", e.rung());
            ObjectNode values = m.putObject("values");
            for (int i = 0; i < objectives.size(); i++) {
                StrictJson.putFigure(values, objectives.get(i).kind().configName(), e.value(i));
            }
            SeedStatistics s = stats.members().get(e.architecture());
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

    /** Writes the front document to {@code directory/front.json} atomically ({@link AtomicFiles}); returns the file. */
    public static Path write(Path directory, ObjectNode document) {
        Path target = directory.resolve(FILE);
        try {
            AtomicFiles.writeString(target, StrictJson.prettyText(document) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }
}
