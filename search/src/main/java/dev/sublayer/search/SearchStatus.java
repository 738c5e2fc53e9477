package dev.sublayer.search;

/**
 * Where a study stands when a search session starts.
 *
 * @param name             the study name
 * @param directory        the study directory
 * @param strategy         the strategy's config name
 * @param executor         how trials run, e.g. {@code 2 worker processes x 1 thread}
 * @param nextGeneration   the generation this session starts with
 * @param trainedCandidates candidates trained so far
 * @param maxTrials        the trial budget ({@link Long#MAX_VALUE} when unset)
 * @param resumed          whether the study existed before this session
 */
public record SearchStatus(String name, java.nio.file.Path directory, String strategy, String executor,
                           int nextGeneration, long trainedCandidates, long maxTrials, boolean resumed) {
}
