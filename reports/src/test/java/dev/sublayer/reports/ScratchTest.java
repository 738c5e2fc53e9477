package dev.sublayer.reports;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void sample() throws Exception {
        SyntheticStudy s = SyntheticStudy.generate(3, Integer.getInteger("n", 300), "ffn-stacking </script><script>alert(1)</script>",
                "Does stacking FFNs help? <b>bold</b> & more", false);
        ReportWriter.write(s.view(Instant.parse("2026-03-02T08:00:00Z")), ReportFormat.HTML, Path.of("target/sample.html"));
        ReportWriter.write(s.view(Instant.parse("2026-03-02T08:00:00Z")), ReportFormat.MARKDOWN, Path.of("target/sample.md"));
    }
}
