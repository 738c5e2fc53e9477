package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.storage.StudyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @Test
    void writesAndReplacesAtomicallyLeavingNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("report.html");
        StudyView first = Trials.view(Trials.info("first", ""), List.of(Trials.completed("A2 F64", 0, 2, "nsga2")));
        ReportWriter.write(first, ReportFormat.HTML, out);
        assertThat(Files.readString(out)).contains("<h1 id=\"study-name\">first</h1>");
        // A new report is as readable as any new file (the umask decides), e.g. rw-r--r-- under umask 022.
        Path plain = Files.createFile(dir.resolve("plain"));
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
        Files.delete(plain);
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw----"));

        StudyView second = Trials.view(Trials.info("second", ""), List.of(Trials.completed("A2 F64", 0, 2, "nsga2")));
        ReportWriter.write(second, ReportFormat.HTML, out);
        assertThat(Files.readString(out)).contains("<h1 id=\"study-name\">second</h1>")
                .isEqualTo(ReportWriter.render(second, ReportFormat.HTML));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).as("kept").isEqualTo("rw-rw----");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(out);
        }
    }

    @Test
    void writesFromAnOpenStore(@TempDir Path dir) throws IOException {
        SyntheticStudy s = SyntheticStudy.generate(5, 60, "from-store", "", false);
        s.writeTo(dir.resolve("study"));
        try (StudyStore store = StudyStore.openForWriting(dir.resolve("study"))) {
            ReportWriter.write(SyntheticStudy.view(store, java.time.Instant.now()), ReportFormat.MARKDOWN,
                    dir.resolve("r.md"));
        }
        assertThat(Files.readString(dir.resolve("r.md"))).startsWith("# from-store — Sublayer study report")
                .contains("| status | running |");
    }

    @Test
    void clearErrorsForBadTargets(@TempDir Path dir) throws IOException {
        StudyView v = Trials.view(List.of());
        assertThatThrownBy(() -> ReportWriter.write(v, ReportFormat.HTML, dir.resolve("missing/report.html")))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot write report " + dir.resolve("missing/report.html") + ": directory "
                        + dir.resolve("missing") + " does not exist");
        Files.createDirectory(dir.resolve("adir"));
        assertThatThrownBy(() -> ReportWriter.write(v, ReportFormat.HTML, dir.resolve("adir")))
                .hasMessageEndingWith("it is a directory");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("adir"));
        }
    }
}
