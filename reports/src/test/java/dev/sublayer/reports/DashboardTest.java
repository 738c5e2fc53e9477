package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.TrialRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dashboard's server: its JSON, its report, its headers, what it refuses, and where it listens. */
class DashboardTest {

    private static final String XSS = HtmlReportTest.XSS;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<Dashboard> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Dashboard::close);
    }

    private static StudyView hostileStudy() {
        StudyInfo info = new StudyInfo("name " + XSS, "description " + XSS, 5, "given\n", "resolved\n", "running",
                Trials.T0, null, "sublayer search x", SyntheticStudy.PROVENANCE);
        List<TrialRecord> t = new ArrayList<>();
        t.add(Trials.completed("A2 F64", 0, 2.0, "template:" + XSS));
        t.add(Trials.completed("A2 F64 F64", 0, 1.9, "nsga2"));
        return new StudyView(info, Trials.PLAN, Trials.front(t.get(1), t.get(0)), t, List.of(),
                List.of(new StudyEvent(Trials.T0, "study_created", "first"),
                        new StudyEvent(Trials.T0.plusSeconds(5), "note", "message " + XSS)),
                Trials.T0.plusSeconds(90));
    }

    private static LiveStatus liveStatus() {
        Instant t = Trials.T0.plusSeconds(100);
        return new LiveStatus(t, 2, List.of(new LiveStatus.RungCount(0, 3, 6)), 14, 24, 1.9, 0, 120.5, Double.NaN,
                List.of(new LiveStatus.Worker("worker-1", "k1"), new LiveStatus.Worker("worker-2", "")),
                List.of(new LiveStatus.RunningTrial("k1", "d32 n16 pre: A2 F64", 0, "layout:" + XSS, "worker-1 pid 7",
                        t.minusSeconds(10), List.of(new LiveStatus.Step(1, 30, 64, 4.5),
                        new LiveStatus.Step(12, 30, 768, Double.NaN)))));
    }

    private static final class Source implements DashboardSource {
        final AtomicReference<StudyView> view = new AtomicReference<>(hostileStudy());
        final AtomicReference<LiveStatus> live = new AtomicReference<>(liveStatus());

        @Override
        public Optional<StudyView> view() {
            return Optional.ofNullable(view.get());
        }

        @Override
        public Optional<LiveStatus> live() {
            return Optional.ofNullable(live.get());
        }
    }

    private Dashboard start(Dashboard.Binding binding, DashboardSource source) {
        Dashboard d = Dashboard.start(binding, source);
        started.add(d);
        return d;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(Dashboard d) {
        return "http://127.0.0.1:" + d.port();
    }

    @Test
    void theJsonEndpointHoldsTheStoredStudyAndTheLiveState() throws Exception {
        Dashboard d = start(Dashboard.Binding.loopback(0), new Source());
        HttpResponse<String> r = get(base(d) + "/api/study.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode j = JsonMapper.builder().build().readTree(r.body());
        assertThat(j.get("live").booleanValue()).isTrue();
        JsonNode s = j.get("study");
        assertThat(s.get("name").stringValue()).isEqualTo("name " + XSS);
        assertThat(s.get("status").stringValue()).isEqualTo("running");
        assertThat(s.get("trials").get("total").intValue()).isEqualTo(2);
        assertThat(s.get("trials").get("completed").intValue()).isEqualTo(2);
        // The front as stored, not recomputed.
        assertThat(s.get("front").get("members").intValue()).isEqualTo(2);
        // Newest event first.
        assertThat(s.get("events").get(0).get("message").stringValue()).isEqualTo("message " + XSS);
        assertThat(s.get("events").get(1).get("type").stringValue()).isEqualTo("study_created");
        JsonNode p = j.get("progress");
        assertThat(p.get("generation").intValue()).isEqualTo(2);
        assertThat(p.get("rungs").get(0).get("planned").intValue()).isEqualTo(6);
        assertThat(p.get("candidates").longValue()).isEqualTo(14);
        assertThat(p.get("max_trials").longValue()).isEqualTo(24);
        assertThat(p.get("eta_seconds").isNull()).isTrue();
        assertThat(j.get("workers").get(0).get("busy").booleanValue()).isTrue();
        assertThat(j.get("workers").get(1).get("busy").booleanValue()).isFalse();
        JsonNode t = j.get("running").get(0);
        assertThat(t.get("origin").stringValue()).isEqualTo("layout:" + XSS);
        assertThat(t.get("step").longValue()).isEqualTo(12);
        assertThat(t.get("max_steps").longValue()).isEqualTo(30);
        assertThat(t.get("curve").get(0).get(1).doubleValue()).isEqualTo(4.5);
        assertThat(t.get("curve").get(1).get(1).isNull()).isTrue();
    }

    @Test
    void aStudyServedAfterTheFactHasNoLiveStateAndAnUnreadableOneNoStudyYet() throws Exception {
        Source source = new Source();
        source.live.set(null);
        Dashboard d = start(Dashboard.Binding.loopback(0), source);
        JsonNode j = JsonMapper.builder().build().readTree(get(base(d) + "/api/study.json").body());
        assertThat(j.get("live").booleanValue()).isFalse();
        assertThat(j.get("progress").isNull()).isTrue();
        assertThat(j.get("workers").isNull()).isTrue();
        source.view.set(null);
        j = JsonMapper.builder().build().readTree(get(base(d) + "/api/study.json").body());
        assertThat(j.get("study").isNull()).isTrue();
        assertThat(get(base(d) + "/report.html").statusCode()).isEqualTo(503);
    }

    @Test
    void everyUserStringStaysText() throws Exception {
        Dashboard d = start(Dashboard.Binding.loopback(0), new Source());
        // The page itself holds no study text: its script writes it as text.
        String page = get(base(d) + "/").body();
        assertThat(page).doesNotContain("name ").contains("<script src=\"/dashboard.js\" defer></script>");
        // JSON strings escape nothing that matters in JSON, but are served as JSON, never sniffed as HTML.
        HttpResponse<String> json = get(base(d) + "/api/study.json");
        assertThat(json.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        // The report escapes as the report always does.
        String report = get(base(d) + "/report.html").body();
        assertThat(report).doesNotContain("<script>alert(").contains("name &lt;/script&gt;&lt;script&gt;alert(1)");
        String script = get(base(d) + "/dashboard.js").body();
        assertThat(script).contains("textContent").doesNotContain("innerHTML");
    }

    @Test
    void everyAnswerCarriesItsSecurityHeaders() throws Exception {
        Dashboard d = start(Dashboard.Binding.loopback(0), new Source());
        for (String path : List.of("/", "/api/study.json", "/report.html", "/dashboard.js", "/echarts.min.js",
                "/dashboard.css", "/nothing")) {
            HttpResponse<String> r = get(base(d) + path);
            assertThat(r.statusCode()).as(path).isEqualTo(path.equals("/nothing") ? 404 : 200);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).get().asString()
                    .startsWith("default-src 'none'");
        }
        // The page may run only its own scripts; the report only its inline ones, framed by the page alone.
        assertThat(get(base(d) + "/").headers().firstValue("Content-Security-Policy").get())
                .contains("script-src 'self';", "frame-ancestors 'none'").doesNotContain("unsafe-eval");
        assertThat(get(base(d) + "/report.html").headers().firstValue("Content-Security-Policy").get())
                .contains("frame-ancestors 'self'");
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        Dashboard d = start(Dashboard.Binding.loopback(0), new Source());
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base(d) + "/api/study.json"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(URI.create(base(d) + "/api/study.json"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void withATokenEveryRequestWithoutItIsRefused() throws Exception {
        String token = Dashboard.newToken();
        assertThat(token).matches("[0-9a-f]{32}").isNotEqualTo(Dashboard.newToken());
        Dashboard d = start(new Dashboard.Binding("127.0.0.1", 0, Optional.of(token)), new Source());
        assertThat(d.url().toString()).isEqualTo("http://127.0.0.1:" + d.port() + "/?token=" + token);
        for (String path : List.of("/", "/api/study.json", "/report.html", "/echarts.min.js")) {
            assertThat(get(base(d) + path).statusCode()).as(path).isEqualTo(401);
            assertThat(get(base(d) + path + "?token=" + token.substring(1) + "0").statusCode()).as(path).isEqualTo(401);
            assertThat(get(base(d) + path + "?token=" + token).statusCode()).as(path).isEqualTo(200);
        }
        HttpResponse<String> bearer = HTTP.send(HttpRequest.newBuilder(URI.create(base(d) + "/api/study.json"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(200);
        // A refused request learns nothing, not even which methods exist.
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base(d) + "/api/study.json"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(401);
        // The page passes the token on to what it loads.
        assertThat(get(d.url().toString()).body()).contains("/dashboard.js?token=" + token);
    }

    @Test
    void loopbackByDefaultAndATokenBeyondIt() throws Exception {
        Dashboard d = start(Dashboard.Binding.loopback(0), new Source());
        assertThat(d.url().toString()).isEqualTo("http://127.0.0.1:" + d.port() + "/");
        assertThat(Dashboard.Binding.of("127.0.0.1", 0).token()).isEmpty();
        assertThat(Dashboard.Binding.of("localhost", 0).token()).isEmpty();
        assertThat(Dashboard.Binding.of("0.0.0.0", 0).token()).isPresent();
        assertThatThrownBy(() -> Dashboard.start(new Dashboard.Binding("0.0.0.0", 0, Optional.empty()), new Source()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a token");
        // Bound to every address, it asks a token of a request even from this machine.
        Dashboard wide = start(Dashboard.Binding.of("0.0.0.0", 0), new Source());
        assertThat(get("http://127.0.0.1:" + wide.port() + "/api/study.json").statusCode()).isEqualTo(401);
        assertThat(get(wide.url().toString().replace("0.0.0.0", "127.0.0.1")).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> Dashboard.Binding.of("no-such-host.invalid", 0))
                .hasMessageContaining("--host").hasMessageContaining("no-such-host.invalid");
    }

    @Test
    void aPortInUseIsRefusedNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Dashboard.start(Dashboard.Binding.loopback(port), new Source()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("127.0.0.1 port " + port).hasMessageContaining("in use");
        }
    }
}
