package dev.sublayer.reports;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A study's live dashboard: a local, read-only web page served with the JDK's own HTTP server
 * ({@code com.sun.net.httpserver}: no dependency, and enough for one page read by a few browsers). It shows what the
 * live view alone knows ({@link LiveStatus}: the trials training now with their learning curves, the workers, the
 * generation and rung, the ETA) and the study's event log, updates them without a reload by polling
 * {@code /api/study.json} every 2 s, and embeds the study's report ({@code /report.html}, rendered by
 * {@link HtmlReport} from the stored study, as {@code sublayer report} writes it) below them.
 *
 * <p>Paths: {@code /} the page, {@code /api/study.json} its data, {@code /report.html} the report, and the page's
 * script, style sheet and the charting library the report bundles (served from the classpath: the page works
 * offline). Only {@code GET} and {@code HEAD} are answered ({@code 405} otherwise): nothing here changes the study.
 * Every answer carries {@code Content-Security-Policy}, {@code X-Content-Type-Options: nosniff} and
 * {@code Cache-Control: no-store}. The page writes every string of the study into the document as text, never as
 * markup; the report escapes as it always does.
 *
 * <p>Bound to a loopback address, the dashboard answers anyone who can reach it (only this machine). Bound to any
 * other address it requires a {@linkplain #newToken() token}: {@code ?token=T} or {@code Authorization: Bearer T};
 * a request without it gets {@code 401}. Tokens are compared in constant time.
 */
public final class Dashboard implements AutoCloseable {

    /** The port {@code --serve} without a value and {@code sublayer serve} use. */
    public static final int DEFAULT_PORT = 8080;

    /** How often the page asks for fresh data. */
    static final Duration POLL = Duration.ofSeconds(2);

    /** Events the page lists at most, newest first. */
    static final int MAX_EVENTS = 100;

    /** Points of a running trial's curve sent at most (the newest). */
    static final int MAX_CURVE = 2000;

    private static final Logger LOG = LogManager.getLogger(Dashboard.class);
    private static final byte[] ECHARTS = bytes(HtmlReport.ECHARTS);
    private static final byte[] SCRIPT = bytes("/dev/sublayer/reports/dashboard.js");
    private static final byte[] STYLE = (new String(bytes("/dev/sublayer/reports/report.css"), StandardCharsets.UTF_8)
            + new String(bytes("/dev/sublayer/reports/dashboard.css"), StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    private static final String PAGE = new String(bytes("/dev/sublayer/reports/dashboard.html"), StandardCharsets.UTF_8);
    private static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " connect-src 'self'; img-src 'self' data:; frame-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";
    // The report is one self-contained file with inline script and style: the page frames it, nothing else may.
    private static final String REPORT_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src"
            + " 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    /**
     * Where and how a dashboard listens.
     *
     * @param host  the address to bind, e.g. {@code 127.0.0.1}
     * @param port  the port, 0 for a free one
     * @param token the token every request must carry; required unless {@code host} is a loopback address
     */
    public record Binding(String host, int port, Optional<String> token) {
        public Binding {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(token, "token");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
        }

        /** {@code 127.0.0.1} at {@code port}, without a token. */
        public static Binding loopback(int port) {
            return new Binding("127.0.0.1", port, Optional.empty());
        }

        /**
         * {@code host} at {@code port}: without a token on a loopback address, with a {@linkplain #newToken() new}
         * one on any other.
         *
         * @throws IllegalArgumentException naming the host when it is no address of this machine's resolver
         */
        public static Binding of(String host, int port) {
            InetAddress a;
            try {
                a = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--host: cannot resolve '" + host + "'", e);
            }
            return new Binding(host, port, a.isLoopbackAddress() ? Optional.empty() : Optional.of(newToken()));
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final DashboardSource source;
    private final Optional<byte[]> token;
    private final URI url;
    private StudyView renderedView;
    private byte[] renderedReport;

    private Dashboard(HttpServer server, ExecutorService threads, DashboardSource source, Binding binding) {
        this.server = server;
        this.threads = threads;
        this.source = source;
        this.token = binding.token().map(t -> t.getBytes(StandardCharsets.UTF_8));
        String host = binding.host().contains(":") ? "[" + binding.host() + "]" : binding.host();
        this.url = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/"
                + binding.token().map(t -> "?token=" + t).orElse(""));
    }

    /**
     * Starts serving {@code source} as {@code binding} says.
     *
     * @throws IllegalArgumentException naming the address and port when the port is in use or the address is not
     *                                  this machine's
     */
    public static Dashboard start(Binding binding, DashboardSource source) {
        if (!isLoopback(binding.host()) && binding.token().isEmpty()) {
            throw new IllegalArgumentException("a dashboard on " + binding.host() + " needs a token");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(binding.host()), binding.port()), 16);
        } catch (BindException e) {
            throw new IllegalArgumentException("cannot serve the dashboard on " + binding.host() + " port "
                    + binding.port() + ": " + (binding.port() != 0 && e.getMessage() != null
                    && e.getMessage().contains("in use") ? "the port is in use" : e.getMessage())
                    + "; choose another port (0 picks a free one)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serve the dashboard on " + binding.host() + " port "
                    + binding.port() + ": " + e.getMessage(), e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dashboard");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        Dashboard d = new Dashboard(server, threads, source, binding);
        server.createContext("/", d::handle);
        server.start();
        LOG.debug("dashboard at {}", d.url);
        return d;
    }

    /** A new random token: 32 hex digits from {@link SecureRandom}. */
    public static String newToken() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The page's address, with the token when one is required. */
    public URI url() {
        return url;
    }

    /** The port it listens on (the one picked when asked for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving at once. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            ex.getResponseHeaders().set("Content-Security-Policy", PAGE_POLICY);
            if (!authorized(ex)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                send(ex, 401, "text/plain", "a token is required: open the address the dashboard printed at start\n");
                return;
            }
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain", "read-only: only GET and HEAD\n");
                return;
            }
            switch (ex.getRequestURI().getPath()) {
                case "/", "/index.html" -> send(ex, 200, "text/html", PAGE.replace("{{token}}", tokenQuery()));
                case "/api/study.json" -> send(ex, 200, "application/json", StrictJson.text(json(Instant.now())));
                case "/report.html" -> {
                    Optional<byte[]> report = report();
                    ex.getResponseHeaders().set("Content-Security-Policy", REPORT_POLICY);
                    if (report.isPresent()) {
                        send(ex, 200, "text/html", report.get());
                    } else {
                        send(ex, 503, "text/plain", "the study cannot be read yet; try again in a few seconds\n");
                    }
                }
                case "/dashboard.js" -> send(ex, 200, "text/javascript", SCRIPT);
                case "/dashboard.css" -> send(ex, 200, "text/css", STYLE);
                case "/echarts.min.js" -> send(ex, 200, "text/javascript", ECHARTS);
                default -> send(ex, 404, "text/plain", "not found\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("dashboard: {} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
            LOG.debug("dashboard request failed", e);
            try {
                send(ex, 500, "text/plain", "internal error\n");
            } catch (IOException | RuntimeException ignored) {
                // the answer had started: nothing more to say
            }
        }
    }

    private String tokenQuery() {
        return token.map(t -> "?token=" + new String(t, StandardCharsets.UTF_8)).orElse("");
    }

    private boolean authorized(HttpExchange ex) {
        if (token.isEmpty()) {
            return true;
        }
        String given = null;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            given = auth.substring("Bearer ".length()).strip();
        }
        String query = ex.getRequestURI().getRawQuery();
        if (given == null && query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("token=")) {
                    given = URLDecoder.decode(part.substring("token=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        return given != null && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type + (type.startsWith("text/") || type.endsWith("json")
                ? "; charset=utf-8" : ""));
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** The report of the source's current view, rendered once per view. */
    private Optional<byte[]> report() {
        Optional<StudyView> view = source.view();
        if (view.isEmpty()) {
            return Optional.empty();
        }
        synchronized (this) {
            if (view.get() != renderedView) {
                renderedReport = ReportWriter.render(view.get(), ReportFormat.HTML).getBytes(StandardCharsets.UTF_8);
                renderedView = view.get();
            }
            return Optional.of(renderedReport);
        }
    }

    /** What {@code /api/study.json} answers at {@code now}. */
    ObjectNode json(Instant now) {
        return json(source.view(), source.live(), now);
    }

    static ObjectNode json(Optional<StudyView> view, Optional<LiveStatus> live, Instant now) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("time", now.toString());
        o.put("live", live.isPresent());
        if (view.isEmpty()) {
            o.putNull("study");
        } else {
            StudyView v = view.get();
            ObjectNode s = o.putObject("study");
            s.put("name", v.info().name());
            s.put("description", v.info().description());
            s.put("status", v.info().status());
            s.put("created", v.info().created().toString());
            s.put("as_of", v.generatedAt().toString());
            StrictJson.putFigure(s, "as_of_age_seconds",
                    Math.max(0, Duration.between(v.generatedAt(), now).toMillis() / 1000.0));
            s.put("strategy", v.plan().strategy());
            Map<String, Integer> counts = new TreeMap<>();
            int finished = 0;
            for (TrialRecord t : v.trials()) {
                counts.merge(t.status().configName(), 1, Integer::sum);
                if (t.status().terminal()) {
                    finished++;
                }
            }
            ObjectNode c = s.putObject("trials");
            c.put("total", v.trials().size());
            counts.forEach(c::put);
            StudyFront front = v.front();
            ObjectNode fr = s.putObject("front");
            fr.put("rung", front.rung());
            fr.put("members", front.members().size());
            StrictJson.putFigure(fr, "hypervolume", front.isEmpty() ? Double.NaN : front.hypervolume());
            // Changes when the report would show something new: the page then reloads the report.
            s.put("report_version", finished + "/" + v.trials().size() + "/" + v.generations().size() + "/"
                    + v.info().status() + "/" + v.events().size());
            ArrayNode events = s.putArray("events");
            List<StudyEvent> all = v.events();
            for (int i = all.size() - 1; i >= Math.max(0, all.size() - MAX_EVENTS); i--) {
                StudyEvent e = all.get(i);
                events.addObject().put("time", e.time().toString()).put("type", e.type()).put("message", e.message());
            }
        }
        ArrayNode running = o.putArray("running");
        if (live.isPresent()) {
            LiveStatus l = live.get();
            ObjectNode p = o.putObject("progress");
            p.put("generation", l.generation());
            ArrayNode rungs = p.putArray("rungs");
            l.rungs().forEach(r -> rungs.addObject().put("rung", r.rung()).put("done", r.done())
                    .put("planned", r.planned()));
            p.put("candidates", l.candidates());
            if (l.maxTrials() == Long.MAX_VALUE) {
                p.putNull("max_trials");
            } else {
                p.put("max_trials", l.maxTrials());
            }
            StrictJson.putFigure(p, "best_bits_per_byte", l.bestBitsPerByte());
            p.put("best_rung", l.bestRung());
            StrictJson.putFigure(p, "elapsed_seconds", l.elapsedSeconds());
            StrictJson.putFigure(p, "eta_seconds", l.etaSeconds());
            ArrayNode workers = o.putArray("workers");
            l.workers().forEach(w -> workers.addObject().put("name", w.name()).put("busy", w.busy())
                    .put("trial", w.trial()));
            for (LiveStatus.RunningTrial t : l.running()) {
                ObjectNode r = running.addObject();
                r.put("key", t.key()).put("architecture", t.architecture()).put("rung", t.rung())
                        .put("origin", t.origin()).put("worker", t.worker()).put("started", t.started().toString());
                StrictJson.putFigure(r, "seconds", Math.max(0, Duration.between(t.started(), now).toMillis() / 1000.0));
                ArrayNode curve = r.putArray("curve");
                List<LiveStatus.Step> steps = t.curve();
                for (LiveStatus.Step st : steps.subList(Math.max(0, steps.size() - MAX_CURVE), steps.size())) {
                    ArrayNode point = curve.addArray();
                    point.add(st.step());
                    StrictJson.addFigure(point, st.loss());
                }
                LiveStatus.Step last = steps.isEmpty() ? null : steps.getLast();
                if (last == null) {
                    r.putNull("step");
                    r.putNull("max_steps");
                } else {
                    r.put("step", last.step());
                    if (last.maxSteps() == Long.MAX_VALUE) {
                        r.putNull("max_steps");
                    } else {
                        r.put("max_steps", last.maxSteps());
                    }
                }
            }
        } else {
            o.putNull("progress");
            o.putNull("workers");
            // A study read after the fact: its running trials as stored (those of a search that is still going).
            view.ifPresent(v -> v.trials().stream().filter(t -> t.status() == TrialStatus.RUNNING).forEach(t -> {
                ObjectNode r = running.addObject();
                r.put("key", t.key()).put("architecture", t.architecture()).put("rung", t.rung())
                        .put("origin", t.origin().text()).put("worker", t.worker())
                        .put("started", t.started().toString());
                StrictJson.putFigure(r, "seconds", Math.max(0, Duration.between(t.started(), now).toMillis() / 1000.0));
                r.putArray("curve");
                r.putNull("step");
                r.putNull("max_steps");
            }));
        }
        return o;
    }

    private static byte[] bytes(String resource) {
        try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
