/**
 * What users read: a study's report. {@link dev.sublayer.reports.ReportWriter} turns a
 * {@link dev.sublayer.reports.StudyView} (an immutable snapshot of a study store) into one self-contained HTML
 * file — header, Pareto plots, the front with architecture drawings, search progress, learning curves, the
 * sublayer-ordering analysis, all trials and a reproducibility appendix — or a short Markdown summary.
 *
 * <p>The HTML is rendered by precompiled jte templates (context-aware escaping of every user text), with
 * Apache ECharts, the page script and the style sheet inlined, and the data passed as JSON in a
 * {@code <script type="application/json">} element whose {@code <}, {@code >} and {@code &} are escaped. The
 * module reads the store and the search space only; it never needs the training engine.
 */
package dev.sublayer.reports;
