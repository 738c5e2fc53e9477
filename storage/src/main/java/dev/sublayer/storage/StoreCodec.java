package dev.sublayer.storage;

import dev.sublayer.trial.Origin;
import dev.sublayer.trial.TrialJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The versioned JSON form of every value in the store and in JSONL exports. Each document carries
 * {@code "v": 1}; a reader refuses a document with a version it does not know rather than misread it.
 * Instants are ISO-8601 strings ({@link Instant#toString()}), which round-trip to the nanosecond.
 */
final class StoreCodec {

    /** The version of each value document this code writes and reads. */
    static final int VALUE_VERSION = 1;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StoreCodec() {
    }

    // ---------------------------------------------------------------- StudyInfo

    static ObjectNode toNode(StudyInfo info) {
        ObjectNode n = versioned();
        n.put("name", info.name());
        n.put("description", info.description());
        n.put("seed", info.seed());
        n.put("config_as_given", info.configAsGiven());
        n.put("config_resolved", info.configResolved());
        n.put("status", info.status());
        n.put("created", info.created().toString());
        n.put("finished", info.finished() == null ? null : info.finished().toString());
        n.put("command", info.command());
        n.set("provenance", TrialJson.toNode(info.provenance()));
        return n;
    }

    static StudyInfo infoFromNode(JsonNode n, String path) {
        checkVersion(n, path);
        return new StudyInfo(
                TrialJson.stringAt(n, path, "name"),
                TrialJson.stringAt(n, path, "description"),
                TrialJson.longAt(n, path, "seed"),
                TrialJson.stringAt(n, path, "config_as_given"),
                TrialJson.stringAt(n, path, "config_resolved"),
                TrialJson.stringAt(n, path, "status"),
                instantAt(n, path, "created"),
                nullableInstantAt(n, path, "finished"),
                TrialJson.stringAt(n, path, "command"),
                TrialJson.provenanceFromNode(TrialJson.field(n, path, "provenance"), path + "/provenance"));
    }

    // ---------------------------------------------------------------- TrialRecord

    static ObjectNode toNode(TrialRecord t) {
        ObjectNode n = versioned();
        n.put("key", t.key());
        n.put("architecture", t.architecture());
        n.put("rung", t.rung());
        n.put("seed", t.seed());
        n.set("budget", TrialJson.toNode(t.budget()));
        n.put("generation", t.generation());
        n.put("strategy", t.origin().text());
        n.put("worker", t.worker());
        n.put("started", t.started().toString());
        n.put("finished", t.finished() == null ? null : t.finished().toString());
        n.set("result", TrialJson.toNode(t.result()));
        return n;
    }

    static TrialRecord trialFromNode(JsonNode n, String path) {
        checkVersion(n, path);
        return new TrialRecord(
                    TrialJson.stringAt(n, path, "key"),
                    TrialJson.stringAt(n, path, "architecture"),
                    intAt(n, path, "rung"),
                    TrialJson.longAt(n, path, "seed"),
                    TrialJson.budgetFromNode(TrialJson.field(n, path, "budget"), path + "/budget"),
                    intAt(n, path, "generation"),
                    Origin.parse(TrialJson.stringAt(n, path, "strategy")),
                    TrialJson.stringAt(n, path, "worker"),
                    instantAt(n, path, "started"),
                    nullableInstantAt(n, path, "finished"),
                    TrialJson.resultFromNode(TrialJson.field(n, path, "result"), path + "/result"));
    }

    // ---------------------------------------------------------------- GenerationRecord

    static ObjectNode toNode(GenerationRecord g) {
        ObjectNode n = versioned();
        n.put("generation", g.generation());
        ArrayNode pop = n.putArray("population");
        for (Individual ind : g.population()) {
            ObjectNode i = pop.addObject();
            ArrayNode genotype = i.putArray("genotype");
            for (int[] chromosome : ind.genotype()) {
                ArrayNode c = genotype.addArray();
                for (int v : chromosome) {
                    c.add(v);
                }
            }
            i.put("architecture", ind.architecture());
            double[] fitness = ind.fitness();
            if (fitness == null) {
                i.putNull("fitness");
            } else {
                ArrayNode f = i.putArray("fitness");
                for (double v : fitness) {
                    addFigure(f, v);
                }
            }
            i.put("rung", ind.rung());
        }
        n.put("rng_seed", g.rngSeed());
        TrialJson.putFigure(n, "hypervolume", g.hypervolume());
        TrialJson.putFigure(n, "best_bits_per_byte", g.bestBitsPerByte());
        n.put("trials_done", g.trialsDone());
        n.put("time", g.time().toString());
        g.front().ifPresent(f -> n.set("front", TrialJson.toNode(f)));
        g.budgetUse().ifPresent(b -> n.set("budget_use", TrialJson.toNode(b)));
        return n;
    }

    static GenerationRecord generationFromNode(JsonNode n, String path) {
        checkVersion(n, path);
        JsonNode pop = TrialJson.field(n, path, "population");
        if (!pop.isArray()) {
            throw new IllegalArgumentException(path + "/population: must be an array, got " + pop);
        }
        List<Individual> population = new ArrayList<>(pop.size());
        for (int k = 0; k < pop.size(); k++) {
            String ip = path + "/population/" + k;
            JsonNode i = pop.get(k);
            JsonNode genotype = TrialJson.field(i, ip, "genotype");
            if (!genotype.isArray()) {
                throw new IllegalArgumentException(ip + "/genotype: must be an array of integer arrays, got "
                        + genotype);
            }
            int[][] chromosomes = new int[genotype.size()][];
            for (int c = 0; c < genotype.size(); c++) {
                JsonNode chromosome = genotype.get(c);
                if (!chromosome.isArray()) {
                    throw new IllegalArgumentException(ip + "/genotype/" + c + ": must be an array of integers, got "
                            + chromosome);
                }
                chromosomes[c] = new int[chromosome.size()];
                for (int j = 0; j < chromosome.size(); j++) {
                    JsonNode v = chromosome.get(j);
                    if (!v.isInt()) {
                        throw new IllegalArgumentException(ip + "/genotype/" + c + "/" + j
                                + ": must be a 32-bit integer, got " + v);
                    }
                    chromosomes[c][j] = v.intValue();
                }
            }
            JsonNode f = TrialJson.field(i, ip, "fitness");
            double[] fitness = null;
            if (!f.isNull()) {
                if (!f.isArray()) {
                    throw new IllegalArgumentException(ip + "/fitness: must be an array of numbers or null, got " + f);
                }
                fitness = new double[f.size()];
                for (int j = 0; j < f.size(); j++) {
                    fitness[j] = figure(f.get(j), ip + "/fitness/" + j);
                }
            }
            population.add(new Individual(chromosomes, TrialJson.stringAt(i, ip, "architecture"), fitness,
                    intAt(i, ip, "rung")));
        }
        return new GenerationRecord(
                intAt(n, path, "generation"),
                population,
                TrialJson.longAt(n, path, "rng_seed"),
                TrialJson.figureAt(n, path, "hypervolume"),
                TrialJson.figureAt(n, path, "best_bits_per_byte"),
                intAt(n, path, "trials_done"),
                instantAt(n, path, "time"),
                optional(n, "front").map(f -> TrialJson.studyFrontFromNode(f, path + "/front")),
                optional(n, "budget_use").map(b -> TrialJson.budgetUseFromNode(b, path + "/budget_use")));
    }

    /** The value under {@code key}, empty where a document written before the key existed has none. */
    private static Optional<JsonNode> optional(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.isMissingNode() ? Optional.empty() : Optional.of(v);
    }

    // ---------------------------------------------------------------- StudyEvent

    static ObjectNode toNode(StudyEvent e) {
        ObjectNode n = versioned();
        n.put("time", e.time().toString());
        n.put("type", e.type());
        n.put("message", e.message());
        return n;
    }

    static StudyEvent eventFromNode(JsonNode n, String path) {
        checkVersion(n, path);
        return new StudyEvent(instantAt(n, path, "time"), TrialJson.stringAt(n, path, "type"),
                TrialJson.stringAt(n, path, "message"));
    }

    // ---------------------------------------------------------------- helpers

    private static ObjectNode versioned() {
        ObjectNode n = NODES.objectNode();
        n.put("v", VALUE_VERSION);
        return n;
    }

    /** Refuses a document of another value version: a newer one would be misread, an older one is unknown. */
    static void checkVersion(JsonNode n, String path) {
        long v = TrialJson.longAt(n, path, "v");
        if (v != VALUE_VERSION) {
            throw new IllegalArgumentException(path + "/v: value version " + v + " is not supported (this Sublayer "
                    + "reads version " + VALUE_VERSION + (v > VALUE_VERSION ? "; upgrade Sublayer)" : ")"));
        }
    }

    static int intAt(JsonNode n, String path, String key) {
        JsonNode v = TrialJson.field(n, path, key);
        if (!v.isInt()) {
            throw new IllegalArgumentException(path + "/" + key + ": must be a 32-bit integer, got " + v);
        }
        return v.intValue();
    }

    static Instant instantAt(JsonNode n, String path, String key) {
        String s = TrialJson.stringAt(n, path, key);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(path + "/" + key + ": must be an ISO-8601 instant such as "
                    + "2026-01-31T12:00:00Z, got \"" + s + "\"", e);
        }
    }

    static Instant nullableInstantAt(JsonNode n, String path, String key) {
        return TrialJson.field(n, path, key).isNull() ? null : instantAt(n, path, key);
    }

    private static void addFigure(ArrayNode a, double v) {
        if (Double.isNaN(v)) {
            a.addNull();
        } else if (Double.isInfinite(v)) {
            a.add(v > 0 ? "Infinity" : "-Infinity");
        } else {
            a.add(v);
        }
    }

    private static double figure(JsonNode v, String path) {
        ObjectNode holder = NODES.objectNode();
        holder.set("x", v);
        try {
            return TrialJson.figureAt(holder, "", "x");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": must be a number, null, \"Infinity\" or \"-Infinity\", got "
                    + v, e);
        }
    }
}
