package dev.sublayer.reports;

import gg.jte.Content;
import java.util.List;

/**
 * Everything {@code report.jte} prints, already formatted: the template only places values, and the
 * template engine escapes each for the context it lands in. The four {@link Content} values are the only
 * text written unescaped; each comes from {@link HtmlReport}, which makes it safe for its element.
 *
 * @param name           study name
 * @param description    study description, may be empty
 * @param status         lifecycle status as stored
 * @param statusClass    CSS class of the status badge
 * @param created        start time
 * @param finished       end time, or a dash
 * @param elapsed        wall time so far
 * @param generatedAt    when the report was generated
 * @param statusCounts   trials by status
 * @param budget         compute used against the study's budget
 * @param strategy       the configured strategy, or empty
 * @param strategyCounts trials by proposing strategy
 * @param keyNumbers     headline figures
 * @param topRung        the rung the ordering analysis uses, -1 without completed trials
 * @param frontRung      the rung the front was measured at, -1 while it is empty
 * @param objectives     the objectives in words
 * @param front          the front table's rows
 * @param verdict        the stacking verdict
 * @param templates      the named templates' results (rank = rung, origin = template name)
 * @param runs           size-adjusted quality by longest FFN run
 * @param orderingNote   how the ordering analysis's y axis is defined
 * @param appendix       the reproducibility appendix
 * @param version        the Sublayer version that generated the report
 * @param data           the data document (JSON, escaped for a script element)
 * @param echarts        the charting library's source
 * @param script         the page script
 * @param style          the style sheet
 */
record ReportPage(
        String name,
        String description,
        String status,
        String statusClass,
        String created,
        String finished,
        String elapsed,
        String generatedAt,
        List<Stat> statusCounts,
        List<BudgetLine> budget,
        String strategy,
        List<Stat> strategyCounts,
        List<Stat> keyNumbers,
        int topRung,
        int frontRung,
        String objectives,
        List<FrontRow> front,
        Verdict verdict,
        List<FrontRow> templates,
        List<ComparisonRow> comparisons,
        List<RunRow> runs,
        String orderingNote,
        Appendix appendix,
        String version,
        Content data,
        Content echarts,
        Content script,
        Content style) {

    /**
     * A labelled figure.
     *
     * @param label    what it is
     * @param value    the figure
     * @param cssClass a CSS class for colouring, may be empty
     */
    record Stat(String label, String value, String cssClass) {
    }

    /**
     * Compute used against a budget.
     *
     * @param label   what is counted
     * @param used    amount used
     * @param limit   the budget, or empty without one
     * @param percent used as a percentage of the budget (0..100), or -1 without a budget
     */
    record BudgetLine(String label, String used, String limit, int percent) {
    }

    /**
     * One row of the front table.
     *
     * @param rank       position in the front (best first by the first objective)
     * @param trial      index of the representative trial (for the learning-curve picker)
     * @param key        the representative trial's key
     * @param strip      the architecture drawing, or {@code null} if its notation did not parse
     * @param notation   the sublayers in notation
     * @param dims       d_model, context and norm
     * @param params     non-embedding params
     * @param flops      forward FLOPs per token
     * @param bpb        bits/byte, with ± std when re-evaluated
     * @param seeds      how many seeds the bits/byte averages
     * @param seconds    wall time (build, train and evaluation), mean over seeds
     * @param accuracy   validation accuracy
     * @param origin     the template or strategy that proposed it
     * @param delta      size-adjusted bits/byte (top rung only), or a dash
     */
    record FrontRow(int rank, int trial, String key, ArchitectureStrip strip, String notation, String dims,
            String params, String flops, String bpb, int seeds, String seconds, String accuracy, String origin,
            String delta) {
    }

    /**
     * The stacking answer as the page shows it.
     *
     * @param cssClass colour: {@code good}, {@code bad}, {@code neutral}
     * @param headline one line
     * @param detail   the numbers behind it
     */
    record Verdict(String cssClass, String headline, String detail) {
    }

    /**
     * One named layout against the reference layout ({@link LayoutComparison}), formatted.
     *
     * @param layout     the layout's name
     * @param seeds      its seeds
     * @param difference mean bits/byte minus the reference's, signed
     * @param se         standard error of the difference
     * @param t          Welch's t
     * @param p          two-sided p-value
     * @param outcome    better, worse or within seed noise
     * @param cssClass   colour of the outcome
     */
    record ComparisonRow(String layout, int seeds, String difference, String se, String t, String p, String outcome,
            String cssClass) {
    }

    /**
     * One longest-FFN-run group of the ordering analysis.
     *
     * @param run  the longest run
     * @param n    architectures
     * @param mean mean y
     * @param se   its standard error
     */
    record RunRow(int run, int n, String mean, String se) {
    }

    /**
     * The reproducibility appendix.
     *
     * @param seed           the study seed
     * @param command        the command that started the study, may be empty
     * @param rerunFile      the file name the resolved config is saved as
     * @param rerun          the command that reruns the study from that file
     * @param configResolved the resolved configuration
     * @param configAsGiven  the configuration as written
     * @param provenance     the study's own provenance
     * @param producers      who trained the trials, with counts
     * @param events         the latest events, newest first
     * @param eventTypes     events by type
     * @param eventsShown    how many events are listed
     * @param eventsTotal    how many there are
     */
    record Appendix(String seed, String command, String rerunFile, String rerun, String configResolved,
            String configAsGiven, List<Stat> provenance, List<Producer> producers, List<EventRow> events,
            List<Stat> eventTypes, int eventsShown, int eventsTotal) {
    }

    /**
     * The software and machine that trained some trials.
     *
     * @param version Sublayer version and commit
     * @param jdk     Java runtime
     * @param engine  engine and backend
     * @param device  device
     * @param host    host and operating system
     * @param trials  how many trials
     */
    record Producer(String version, String jdk, String engine, String device, String host, int trials) {
    }

    /**
     * One event-log line.
     *
     * @param time    when
     * @param type    the event type
     * @param message the message
     */
    record EventRow(String time, String type, String message) {
    }
}
