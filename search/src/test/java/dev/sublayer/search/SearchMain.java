package dev.sublayer.search;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A search process for kill tests: runs the study configured in {@code args[0]} in directory {@code args[1]} with
 * in-process stub engines sleeping {@code args[2]} ms per step. Exit 0 when the study finished.
 */
public final class SearchMain {

    private SearchMain() {
    }

    public static void main(String[] args) throws Exception {
        String yaml = Files.readString(Path.of(args[0]));
        double millisPerStep = Double.parseDouble(args[1 + 1]);
        Search search = TestStudies.open(yaml, Path.of(args[1]), TestStudies.stub(new StubEngine.Counters(),
                millisPerStep));
        SearchOutcome o = search.run(SearchListener.NONE);
        System.exit(o.state() == SearchOutcome.State.STOPPED ? 1 : 0);
    }
}
