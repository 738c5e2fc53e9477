package dev.sublayer.storage;

import dev.sublayer.trial.Origin;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.WorkerUtilisation;
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
                StrictJson.stringAt(n, path, "name"),
                StrictJson.stringAt(n, path, "description"),
                StrictJson.longAt(n, path, "seed"),
                StrictJson.stringAt(n, path, "config_as_given"),
                StrictJson.stringAt(n, path, "config_resolved"),
                StrictJson.stringAt(n, path, "status"),
                instantAt(n, path, "created"),
                nullableInstantAt(n, path, "finished"),
                StrictJson.stringAt(n, path, "command"),
                TrialJson.provenanceFromNode(StrictJson.field(n, path, "provenance"), path + "/provenance"));
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
                    StrictJson.stringAt(n, path, "key"),
                    StrictJson.stringAt(n, path, "architecture"),
                    StrictJson.intAt(n, path, "rung"),
                    StrictJson.longAt(n, path, "seed"),
                    TrialJson.budgetFromNode(StrictJson.field(n, path, "budget"), path + "/budget"),
                    StrictJson.intAt(n, path, "generation"),
                    Origin.parse(StrictJson.stringAt(n, path, "strategy")),
                    StrictJson.stringAt(n, path, "worker"),
                    instantAt(n, path, "started"),
                    nullableInstantAt(n, path, "finished"),
                    TrialJson.resultFromNode(StrictJson.field(n, path, "result"), path + "/result"));
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
                    StrictJson.addFigure(f, v);
                }
            }
            i.put("rung", ind.rung());
        }
        n.put("rng_seed", g.rngSeed());
        StrictJson.putFigure(n, "hypervolume", g.hypervolume());
        StrictJson.putFigure(n, "best_bits_per_byte", g.bestBitsPerByte());
        n.put("trials_done", g.trialsDone());
        n.put("time", g.time().toString());
        g.front().ifPresent(f -> n.set("front", TrialJson.toNode(f)));
        g.budgetUse().ifPresent(b -> n.set("budget_use", TrialJson.toNode(b)));
        g.utilisation().ifPresent(u -> {
            ObjectNode w = n.putObject("worker_utilisation");
            StrictJson.putFigure(w, "busy_seconds", u.busySeconds());
            StrictJson.putFigure(w, "available_seconds", u.availableSeconds());
            w.put("slots", u.slots());
        });
        return n;
    }

    static GenerationRecord generationFromNode(JsonNode n, String path) {
        checkVersion(n, path);
        JsonNode pop = StrictJson.arrayAt(n, path, "population", "an array");
        List<Individual> population = new ArrayList<>(pop.size());
        for (int k = 0; k < pop.size(); k++) {
            String ip = path + "/population/" + k;
            JsonNode i = pop.get(k);
            JsonNode genotype = StrictJson.arrayAt(i, ip, "genotype", "an array of integer arrays");
            int[][] chromosomes = new int[genotype.size()][];
            for (int c = 0; c < genotype.size(); c++) {
                JsonNode chromosome = StrictJson.array(genotype.get(c), ip + "/genotype/" + c, "an array of integers");
                chromosomes[c] = new int[chromosome.size()];
                for (int j = 0; j < chromosome.size(); j++) {
                    chromosomes[c][j] = StrictJson.intValue(chromosome.get(j), ip + "/genotype/" + c + "/" + j);
                }
            }
            JsonNode f = StrictJson.field(i, ip, "fitness");
            double[] fitness = null;
            if (!f.isNull()) {
                StrictJson.array(f, ip + "/fitness", "an array of numbers or null");
                fitness = new double[f.size()];
                for (int j = 0; j < f.size(); j++) {
                    fitness[j] = StrictJson.figure(f.get(j), ip + "/fitness/" + j);
                }
            }
            population.add(new Individual(chromosomes, StrictJson.stringAt(i, ip, "architecture"), fitness,
                    StrictJson.intAt(i, ip, "rung")));
        }
        return new GenerationRecord(
                StrictJson.intAt(n, path, "generation"),
                population,
                StrictJson.longAt(n, path, "rng_seed"),
                StrictJson.figureAt(n, path, "hypervolume"),
                StrictJson.figureAt(n, path, "best_bits_per_byte"),
                StrictJson.intAt(n, path, "trials_done"),
                instantAt(n, path, "time"),
                optional(n, "front").map(f -> TrialJson.studyFrontFromNode(f, path + "/front")),
                optional(n, "budget_use").map(b -> TrialJson.budgetUseFromNode(b, path + "/budget_use")),
                optional(n, "worker_utilisation").map(u -> utilisationFromNode(u, path + "/worker_utilisation")));
    }

    private static WorkerUtilisation utilisationFromNode(JsonNode u, String path) {
        try {
            return new WorkerUtilisation(StrictJson.figureAt(u, path, "busy_seconds"),
                    StrictJson.figureAt(u, path, "available_seconds"), StrictJson.intAt(u, path, "slots"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
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
        return new StudyEvent(instantAt(n, path, "time"), StrictJson.stringAt(n, path, "type"),
                StrictJson.stringAt(n, path, "message"));
    }

    // ---------------------------------------------------------------- helpers

    private static ObjectNode versioned() {
        ObjectNode n = NODES.objectNode();
        n.put("v", VALUE_VERSION);
        return n;
    }

    /** Refuses a document of another value version: a newer one would be misread, an older one is unknown. */
    static void checkVersion(JsonNode n, String path) {
        long v = StrictJson.longAt(n, path, "v");
        if (v != VALUE_VERSION) {
            throw new IllegalArgumentException(path + "/v: value version " + v + " is not supported (this Sublayer "
                    + "reads version " + VALUE_VERSION + (v > VALUE_VERSION ? "; upgrade Sublayer)" : ")"));
        }
    }

    static Instant instantAt(JsonNode n, String path, String key) {
        String s = StrictJson.stringAt(n, path, key);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(path + "/" + key + ": must be an ISO-8601 instant such as "
                    + "2026-01-31T12:00:00Z, got \"" + s + "\"", e);
        }
    }

    static Instant nullableInstantAt(JsonNode n, String path, String key) {
        return StrictJson.field(n, path, key).isNull() ? null : instantAt(n, path, key);
    }
}
