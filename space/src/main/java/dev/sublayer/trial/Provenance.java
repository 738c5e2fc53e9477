package dev.sublayer.trial;

/**
 * Where and with what a result was produced, so a published number can be traced
 * to the exact software and machine.
 *
 * @param sublayerVersion the Sublayer version
 * @param gitCommit       the source commit, or {@code "unknown"}
 * @param jdk             the Java runtime version and vendor
 * @param engine          the training engine (e.g. {@code dl4j})
 * @param backend         the engine's backend (e.g. {@code nd4j-native linux-x86_64-onednn-avx2})
 * @param device          the device it trained on (e.g. {@code cpu x2})
 * @param os              operating system name, version and architecture
 * @param host            the host name
 */
public record Provenance(
        String sublayerVersion,
        String gitCommit,
        String jdk,
        String engine,
        String backend,
        String device,
        String os,
        String host) {
}
