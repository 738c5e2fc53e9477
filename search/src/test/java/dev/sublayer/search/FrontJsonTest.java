package dev.sublayer.search;

import dev.sublayer.trial.StrictJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.trial.TrialJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** {@code front.json} is replaced atomically: a reader sees the old or the new front, and nothing else is left. */
class FrontJsonTest {

    @TempDir
    Path dir;

    private static ObjectNode document(String status) {
        ObjectNode n = StrictJson.mapper().createObjectNode();
        n.put("v", 1);
        n.put("status", status);
        return n;
    }

    @Test
    void writesAndReplacesTheFrontLeavingOnlyIt() throws IOException {
        Path f = FrontJson.write(dir, document("running"));
        assertThat(f).isEqualTo(dir.resolve(FrontJson.FILE));
        assertThat(StrictJson.parse(Files.readString(f)).get("status").stringValue()).isEqualTo("running");
        FrontJson.write(dir, document("finished"));
        assertThat(Files.readString(f)).endsWith("}\n");
        assertThat(StrictJson.parse(Files.readString(f)).get("status").stringValue()).isEqualTo("finished");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void aFailedWriteNamesTheFileAndLeavesNoTemporaryFile() throws IOException {
        // A directory in front.json's place cannot be replaced by the new file.
        Path blocked = Files.createDirectories(dir.resolve(FrontJson.FILE).resolve("inner"));
        assertThatThrownBy(() -> FrontJson.write(dir, document("running")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot write " + dir.resolve(FrontJson.FILE) + ": ");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve(FrontJson.FILE));
        }
        assertThat(blocked).isEmptyDirectory();
    }
}
