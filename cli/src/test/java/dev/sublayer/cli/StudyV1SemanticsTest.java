package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The study written by Sublayer 0.1.0 ({@code fixtures/study-v1}, see its README) shows one front and one set of
 * budget figures everywhere. That release's terminal printed the front {@code A2 F16 F32 F32}, {@code A2 A2 F32}
 * (the search's ranking), but its report recomputed another one over means, {@code A2 A2 F32},
 * {@code A2 A2 F32 F32}, and counted 614.2M training FLOPs, adding promoted trials' FLOPs to those of the lower
 * rung they continued.
 */
class StudyV1SemanticsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private Path fixture;

    @BeforeEach
    void locate() throws URISyntaxException {
        fixture = Path.of(StudyV1SemanticsTest.class.getResource("/fixtures/study-v1/README.md").toURI()).getParent();
    }

    /** A fresh copy of the fixture's study directory (the fixture itself is never opened). */
    private Path copy(String name) throws IOException {
        Path target = tmp.resolve(name);
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(fixture.resolve("study"))) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    /** The member rows of the terminal's front table: "architecture | values... | origin" per line. */
    private static List<String> frontTable(String terminal) {
        List<String> rows = new ArrayList<>();
        boolean in = false;
        for (String line : terminal.split("\n")) {
            if (line.startsWith("#  architecture")) {
                in = true;
            } else if (in && line.isBlank()) {
                break;
            } else if (in) {
                rows.add(line.replaceFirst("^\\d+ +", "").replaceAll(" {2,}", " | ").strip());
            }
        }
        return rows;
    }

    @Test
    void terminalFrontJsonReportAndStudyInfoShowTheSameFront() throws IOException {
        String before = Files.readString(fixture.resolve("search-output.txt"));
        String beforeReport = Files.readString(fixture.resolve("report.md"));
        // What 0.1.0 showed: the terminal's front, and a report that disagreed with it.
        assertThat(frontTable(before)).containsExactly("A2 F16 F32 F32 | 7.2074 +- 0.0698 | 3,936 | nsga2",
                "A2 A2 F32 | 7.1701 | 3,376 | nsga2");
        assertThat(beforeReport).contains("| 2 | `A2 A2 F32 F32` |");

        // The search on a copy trains nothing and prints the front as 0.1.0 did.
        Path searched = copy("searched");
        CliRunner search = CliRunner.run("search", fixture.resolve("config.yaml").toString(), "--dir",
                searched.toString());
        assertThat(search.exitCode()).as(search.err()).isZero();
        assertThat(search.out()).contains("was already finished").contains("front at rung 1 (2 members, hypervolume "
                + "0.0263), best valid_bits_per_byte first");
        assertThat(frontTable(search.out())).isEqualTo(frontTable(before));

        // front.json: the same members, single-seed values, and the re-evaluated member's mean and std.
        JsonNode front = JSON.readTree(Files.readString(searched.resolve("front.json")));
        assertThat(front.get("front")).hasSize(2);
        JsonNode first = front.get("front").get(0);
        JsonNode second = front.get("front").get(1);
        assertThat(first.get("architecture").stringValue()).isEqualTo("A2 F16 F32 F32");
        assertThat(second.get("architecture").stringValue()).isEqualTo("A2 A2 F32");
        assertThat(fixed(first.get("reevaluation").get("mean").get("valid_bits_per_byte").doubleValue()))
                .isEqualTo("7.2074");
        assertThat(fixed(first.get("reevaluation").get("std").get("valid_bits_per_byte").doubleValue()))
                .isEqualTo("0.0698");
        assertThat(fixed(second.get("values").get("valid_bits_per_byte").doubleValue())).isEqualTo("7.1701");
        assertThat(front.get("hypervolume").doubleValue()).isEqualTo(0.02631085813588325);

        // The report, from an untouched copy opened read-only: the same members, order and numbers.
        Path pristine = copy("pristine");
        CliRunner report = CliRunner.run("report", pristine.toString(), "--format", "md", "--out", "-");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("| front size | 2 |")
                .contains("| 1 | `A2 F16 F32 F32` | 3.94k | 16.38k | 7.2074 ± 0.0698 | 2 | nsga2 |")
                .contains("| 2 | `A2 A2 F32` | 3.38k | 16.38k | 7.1701 | 1 | nsga2 |")
                .doesNotContain("| 2 | `A2 A2 F32 F32` |");
        // The report the search wrote when it ended agrees too.
        assertThat(Files.readString(searched.resolve("report.html")))
                .contains("<code>A2 F16 F32 F32</code>").contains("<code>A2 A2 F32</code>")
                .doesNotContain("<tr class=\"front-row pickable\" data-trial=\"4\"");

        // study info: the same front with the search's single-seed values.
        JsonNode info = JSON.readTree(CliRunner.run("study", "info", pristine.toString(), "--json").out());
        assertThat(info.get("front_rung").intValue()).isEqualTo(1);
        assertThat(info.get("front_hypervolume").doubleValue()).isEqualTo(0.02631085813588325);
        assertThat(info.get("front")).extracting(m -> m.get("architecture").stringValue())
                .containsExactly("A2 F16 F32 F32", "A2 A2 F32");
        assertThat(info.get("front").get(0).get("values").get("valid_bits_per_byte").doubleValue())
                .isEqualTo(first.get("values").get("valid_bits_per_byte").doubleValue());
        assertThat(info.get("front").get(1).get("values").get("non_embedding_params").doubleValue()).isEqualTo(3376);
    }

    @Test
    void trainingFlopsAreCountedOncePerArchitectureAndSeed() throws IOException {
        Path pristine = copy("pristine");
        // By hand from the records: a promoted trial continues the checkpoint of its lower rung, so per
        // architecture and seed the highest count is what was spent.
        Map<String, Double> most = new TreeMap<>();
        double sumOfAll = 0;
        try (StudyStore store = StudyStore.openReadOnly(pristine)) {
            for (TrialRecord t : store.trials()) {
                double f = t.result().metrics().trainingFlops();
                most.merge(t.architecture() + " seed " + t.seed(), f, Math::max);
                sumOfAll += f;
            }
        }
        double spent = most.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(most).hasSize(9);
        assertThat(spent).isEqualTo(480_509_952.0);
        assertThat(String.format(Locale.ROOT, "%.1fM", sumOfAll / 1e6)).isEqualTo("614.2M");
        assertThat(Files.readString(fixture.resolve("report.md"))).contains("614.2M training FLOPs");

        CliRunner report = CliRunner.run("report", pristine.toString(), "--format", "md", "--out", "-");
        assertThat(report.out()).contains("| compute | 8 of 8 candidates trained at rung 0, 14 trials in all, "
                + "480.5M training FLOPs, ").doesNotContain("614.2M");
        JsonNode info = JSON.readTree(CliRunner.run("study", "info", pristine.toString(), "--json").out());
        assertThat(info.get("training_flops").doubleValue()).isEqualTo(spent);
        assertThat(info.get("candidates_trained").longValue()).isEqualTo(8);
    }

    private static String fixed(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
