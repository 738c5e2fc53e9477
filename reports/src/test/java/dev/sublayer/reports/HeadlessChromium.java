package dev.sublayer.reports;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Headless Chromium driven over the Chrome DevTools Protocol (a WebSocket, {@link java.net.http}), without
 * Selenium: starts the browser with a fresh profile, opens pages, evaluates expressions in them, collects
 * console errors and uncaught exceptions, and takes screenshots. Public, in this module's test jar, for the
 * browser tests of other modules (the CLI's dashboard).
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The Chromium binary: {@code $CHROMIUM}, else the usual Debian and Ubuntu locations. */
    public static Optional<Path> find() {
        String env = System.getenv("CHROMIUM");
        Stream<String> candidates = Stream.of(env, "/usr/bin/chromium", "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome");
        return candidates.filter(c -> c != null && !c.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Starts {@code binary} headless with a new profile and connects to it. */
    public static HeadlessChromium start(Path binary) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("sublayer-chromium-");
        Path log = profile.resolve("chromium.log");
        Process p = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--user-data-dir=" + profile,
                "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
        // Chromium writes the port it picked and the browser's WebSocket path to this file once it listens.
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile)) {
                lines = Files.readAllLines(portFile);
                if (lines.size() >= 2) {
                    break;
                }
            }
            if (!p.isAlive()) {
                throw new IOException("chromium exited with code " + p.exitValue() + " before listening: "
                        + Files.readString(log));
            }
            Thread.sleep(50);
        }
        if (lines.size() < 2) {
            p.destroyForcibly();
            throw new IOException("chromium did not open its DevTools port within " + TIMEOUT.toSeconds() + " s");
        }
        URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
        Listener listener = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(uri, listener).join();
        HeadlessChromium c = new HeadlessChromium(p, profile, ws);
        listener.owner = c;
        return c;
    }

    /** A page (a target with its own DevTools session). */
    public final class Page {
        private final String session;

        private Page(String session) {
            this.session = session;
        }

        /** Navigates to {@code url} and waits for its load event. */
        public void navigate(String url) throws InterruptedException {
            int before = events.size();
            call("Page.navigate", obj().put("url", url), session);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (int i = before; i < events.size(); i++) {
                    JsonNode e = events.get(i);
                    if ("Page.loadEventFired".equals(e.path("method").asString())
                            && session.equals(e.path("sessionId").asString())) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("page " + url + " did not finish loading within " + TIMEOUT.toSeconds() + " s");
        }

        /** Runs {@code script} in every document before its own scripts. */
        public void beforeEachDocument(String script) {
            call("Page.addScriptToEvaluateOnNewDocument", obj().put("source", script), session);
        }

        /** Sets the viewport size. */
        public void viewport(int width, int height) {
            call("Emulation.setDeviceMetricsOverride", obj().put("width", width).put("height", height)
                    .put("deviceScaleFactor", 1).put("mobile", false), session);
        }

        /** The value of a JavaScript expression (awaited if a promise), as JSON. */
        public JsonNode eval(String expression) {
            JsonNode r = call("Runtime.evaluate", obj().put("expression", expression).put("returnByValue", true)
                    .put("awaitPromise", true), session);
            if (r.has("exceptionDetails")) {
                throw new IllegalStateException("evaluating '" + expression + "' threw: "
                        + r.path("exceptionDetails").toString());
            }
            return r.path("result").path("value");
        }

        /**
         * Console messages of type error or assert, uncaught exceptions and browser log entries of level error,
         * one line each.
         */
        public List<String> errors() {
            List<String> out = new ArrayList<>();
            for (JsonNode e : events) {
                if (!session.equals(e.path("sessionId").asString())) {
                    continue;
                }
                JsonNode p = e.path("params");
                switch (e.path("method").asString()) {
                    case "Runtime.consoleAPICalled" -> {
                        String type = p.path("type").asString();
                        if (type.equals("error") || type.equals("assert")) {
                            out.add("console." + type + ": " + p.path("args").toString());
                        }
                    }
                    case "Runtime.exceptionThrown" -> out.add("exception: " + p.path("exceptionDetails").toString());
                    case "Log.entryAdded" -> {
                        if (p.path("entry").path("level").asString().equals("error")) {
                            out.add("log: " + p.path("entry").path("text").asString() + " "
                                    + p.path("entry").path("url").asString());
                        }
                    }
                    default -> {
                    }
                }
            }
            return out;
        }

        /** A PNG of the whole page (beyond the viewport). */
        public byte[] screenshot() {
            JsonNode r = call("Page.captureScreenshot", obj().put("format", "png").put("captureBeyondViewport", true),
                    session);
            return java.util.Base64.getDecoder().decode(r.path("data").asString());
        }
    }

    /** Opens a new blank page with console, log and page events enabled. */
    public Page newPage() {
        String target = call("Target.createTarget", obj().put("url", "about:blank"), null).path("targetId").asString();
        String session = call("Target.attachToTarget", obj().put("targetId", target).put("flatten", true), null)
                .path("sessionId").asString();
        Page page = new Page(session);
        call("Page.enable", obj(), session);
        call("Runtime.enable", obj(), session);
        call("Log.enable", obj(), session);
        return page;
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private JsonNode call(String method, ObjectNode params, String session) {
        long id = ids.incrementAndGet();
        ObjectNode msg = obj().put("id", id).put("method", method);
        msg.set("params", params);
        if (session != null) {
            msg.put("sessionId", session);
        }
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(JSON.writeValueAsString(msg), true).join();
        JsonNode reply;
        try {
            reply = f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("DevTools call " + method + " got no answer: " + e, e);
        } finally {
            pending.remove(id);
        }
        if (reply.has("error")) {
            throw new IllegalStateException("DevTools call " + method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    private void receive(String text) {
        JsonNode n = JSON.readTree(text);
        if (n.has("id")) {
            CompletableFuture<JsonNode> f = pending.get(n.get("id").asLong());
            if (f != null) {
                f.complete(n);
            }
        } else {
            events.add(n);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException ignored) {
            // The browser may already be gone; it is stopped below either way.
        }
        // Chromium's helpers (renderer, crash handler) outlive a stopped browser for a moment and go on writing to
        // the profile; stop them too, then delete what is left, tolerating files that vanish under the walk.
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        helpers.forEach(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle helper : helpers) {
            try {
                helper.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                helper.destroyForcibly();
            }
        }
        for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
            deleteTree(profile);
        }
    }

    /** Deletes {@code root} and what is under it, skipping entries that disappear meanwhile. */
    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // an entry vanished during the walk: the caller walks again
        }
    }

    /** Reassembles fragmented text messages and hands each whole one to the owner. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                String text = buffer.toString();
                buffer.setLength(0);
                while (owner == null) {
                    Thread.onSpinWait();
                }
                owner.receive(text);
            }
            ws.request(1);
            return null;
        }
    }
}
