package dev.sublayer.search.exec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Lists the machine's GPUs with {@code nvidia-smi --query-gpu=index,name,memory.total,compute_cap} (falling back
 * to the query without {@code compute_cap}, which drivers before 510 do not know). Where the binary is looked up
 * is a seam: {@link #onPath(String)} searches a given {@code PATH} value, so tests can put a fake
 * {@code nvidia-smi} first.
 */
public final class NvidiaSmi {

    /** The binary's name. */
    public static final String BINARY = "nvidia-smi";

    private final Optional<Path> binary;
    private final String searched;

    private NvidiaSmi(Optional<Path> binary, String searched) {
        this.binary = binary;
        this.searched = searched;
    }

    /** {@code nvidia-smi} as found on this process's {@code PATH}. */
    public static NvidiaSmi onPath() {
        String path = System.getenv("PATH");
        return onPath(path == null ? "" : path);
    }

    /** {@code nvidia-smi} as found on {@code pathVariable} (a {@code PATH} value: folders split by ':'). */
    public static NvidiaSmi onPath(String pathVariable) {
        Objects.requireNonNull(pathVariable, "pathVariable");
        return new NvidiaSmi(find(BINARY, pathVariable), "PATH=" + pathVariable);
    }

    /** The first executable file {@code name} in the folders of {@code pathVariable}. */
    static Optional<Path> find(String name, String pathVariable) {
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The binary, where one was found. */
    public Optional<Path> binary() {
        return binary;
    }

    /** Where the binary was looked for, for messages. */
    public String searched() {
        return searched;
    }

    /**
     * The GPUs, in {@code nvidia-smi}'s order.
     *
     * @throws IOException when there is no binary, it fails, or its output is not the queried table
     */
    public List<Gpu> list() throws IOException {
        if (binary.isEmpty()) {
            throw new IOException(BINARY + " not found (" + searched + ")");
        }
        try {
            return parse(run("index,name,memory.total,compute_cap"));
        } catch (IOException e) {
            // Drivers before 510 reject compute_cap: the devices are still listed, their capability unknown.
            return parse(run("index,name,memory.total"));
        }
    }

    private String run(String fields) throws IOException {
        Process p = new ProcessBuilder(binary.get().toString(), "--query-gpu=" + fields,
                "--format=csv,noheader,nounits").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(binary.get() + " did not answer within 30 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + binary.get());
        }
        if (p.exitValue() != 0) {
            throw new IOException(binary.get() + " exited with " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    /** Parses {@code index, name, memory MiB[, compute capability]} lines. */
    static List<Gpu> parse(String csv) throws IOException {
        List<Gpu> out = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 3) {
                throw new IOException("unexpected " + BINARY + " line: " + line.strip());
            }
            try {
                int index = Integer.parseInt(f[0].strip());
                String memory = f[2].strip().replace(" MiB", "");
                long mib = memory.matches("[0-9]+") ? Long.parseLong(memory) : 0;
                String cc = f.length > 3 && f[3].strip().matches("[0-9]+\\.[0-9]+") ? f[3].strip() : "";
                out.add(new Gpu(index, f[1].strip(), mib, cc));
            } catch (NumberFormatException e) {
                throw new IOException("unexpected " + BINARY + " line: " + line.strip());
            }
        }
        return out;
    }
}
