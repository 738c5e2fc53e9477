package dev.sublayer.search.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A fake {@code nvidia-smi} for tests: a shell script in a folder of its own that answers the GPU query with
 * the given CSV lines, as the real one does with {@code --format=csv,noheader,nounits}. With
 * {@code knowsComputeCap} false it rejects {@code compute_cap} like drivers before 510.
 */
final class FakeNvidiaSmi {

    private FakeNvidiaSmi() {
    }

    /** Writes the script into {@code dir} (created) and returns {@code nvidia-smi} as found on a PATH of just it. */
    static NvidiaSmi in(Path dir, boolean knowsComputeCap, String... lines) {
        try {
            Files.createDirectories(dir);
            Path script = dir.resolve(NvidiaSmi.BINARY);
            StringBuilder b = new StringBuilder("#!/bin/sh\n");
            if (!knowsComputeCap) {
                b.append("case \"$1\" in *compute_cap*) echo 'Field \"compute_cap\" is not a valid field to query.'; "
                        + "exit 2;; esac\n");
            }
            b.append("cat <<'EOF'\n");
            for (String l : lines) {
                String shown = knowsComputeCap ? l : String.join(",", List.of(l.split(",")).subList(0, 3));
                b.append(shown).append('\n');
            }
            b.append("EOF\n");
            Files.writeString(script, b.toString());
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return NvidiaSmi.onPath(dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two Hopper GPUs (compute capability 9.0). */
    static NvidiaSmi twoH100(Path dir) {
        return in(dir, true, "0, NVIDIA H100 80GB HBM3, 81559, 9.0", "1, NVIDIA H100 80GB HBM3, 81559, 9.0");
    }

    /** Two Ampere GPUs (compute capability 8.6), which DL4J's CUDA build can use. */
    static NvidiaSmi twoA6000(Path dir) {
        return in(dir, true, "0, NVIDIA RTX A6000, 49140, 8.6", "1, NVIDIA RTX A6000, 49140, 8.6");
    }
}
