package dev.javelin.ir.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.testing.ParserFuzz;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.verify.Verifier;
import dev.javelin.ir.verify.VerifyException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's fuzz test for the IR text form: mutants of the example files and of printed graphs
 * (every op, random graphs) go through the file reader, the parser and the verifier. Each ends in
 * a graph, a {@link ParseException} with its position, or a {@link VerifyException}; never another
 * exception, a hang or a large allocation (see {@link ParserFuzz}).
 */
class TextFuzzTest {
    static final int INPUTS = 4_000;

    static List<byte[]> corpus() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("..", "examples", "ir"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".ir")).sorted().toList()) {
                seeds.add(Files.readAllBytes(f));
            }
        }
        seeds.add(MalformedTextTest.VALID.getBytes(StandardCharsets.UTF_8));
        seeds.add(Printer.print(EveryOpRoundTripTest.everyOp()).getBytes(StandardCharsets.UTF_8));
        for (long seed = 1; seed <= 8; seed++) {
            seeds.add(Printer.print(RandomGraphs.generate(seed, 12)).getBytes(StandardCharsets.UTF_8));
        }
        return seeds;
    }

    static void parse(byte[] input) throws IOException {
        String text = TextFile.read(new ByteArrayInputStream(input), "m.ir", TextFile.MAX_BYTES);
        Verifier.verify(Parser.parse(text, "m.ir"));
    }

    /** Null when {@code t} is an allowed outcome. */
    static String judge(Throwable t) {
        if (t instanceof ParseException p) {
            boolean positioned = p.line() >= 1
                    && p.column() >= 1
                    && p.getMessage().startsWith("m.ir:" + p.line() + ":" + p.column() + ": " + p.detail());
            return positioned ? null : "a ParseException without its position";
        }
        if (t instanceof VerifyException v) {
            return v.getMessage().startsWith("graph ") ? null : "a VerifyException without the graph's name";
        }
        return "neither a ParseException nor a VerifyException";
    }

    @Test
    void mutatedIrTextEndsInAGraphOrAPositionedError() throws IOException {
        List<byte[]> corpus = corpus();
        assertTrue(corpus.size() >= 12, "seed files: " + corpus.size());
        var summary = ParserFuzz.run(
                "TextFuzzTest",
                RandomGraphs.masterSeed(20261206L),
                INPUTS,
                corpus,
                List.of(),
                "[{(",
                TextFuzzTest::parse,
                TextFuzzTest::judge);
        assertTrue(summary.parsed() > 0, "no mutant parsed: the mutations are too coarse to test the happy path");
    }
}
