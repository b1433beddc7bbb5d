package dev.javelin.ir.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The plan text form prints and parses back exactly; malformed text is reported by line. */
class PlanTextTest {
    static final String TEXT = """
            plan tiny {
              sizes batch=2
              arena 512
              buffer %x : f32[2,2] input
              buffer %w : f32[2,2] parameter
              buffer %0 : f32[2,2] arena 0
              buffer %2 : f32[2,2] arena 256
              kernel k0_matmul contraction reads(%x, %w) writes(%0) flops=16 bytes_read=32 bytes_written=16 {
                %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[2,2] @"Tiny.java":3
              }
              kernel k1_add pointwise reads(%0) writes(%2) flops=4 bytes_read=16 bytes_written=16 {
                %1 = constant {values=[0.5]} : f32[]
                %2 = add(%0, %1) : f32[2,2]
              }
              input x = %x
              parameter w = %w
              output y = %2
              assign w = %2
            }
            """;

    @Test
    void printParsePrintIsAFixedPointAndEqual() {
        Plan p = PlanParser.parse(TEXT);
        assertEquals(TEXT, PlanPrinter.print(p));
        assertEquals(p, PlanParser.parse(PlanPrinter.print(p)));
        assertEquals(2, p.kernels().size());
        assertEquals(java.util.List.of("1", "2"), p.kernels().get(1).nodes());
        assertEquals(256, p.buffer("2").offset());
        PlanVerifier.verify(p);
    }

    @Test
    void everyKernelKindParsesBack() {
        for (Kernel.Kind kind : Kernel.Kind.values()) {
            Plan p = PlanParser.parse(TEXT.replace("k1_add pointwise", "k1_add " + kind.text()));
            assertEquals(kind, p.kernels().get(1).kind(), kind.text());
            assertEquals(p, PlanParser.parse(PlanPrinter.print(p)));
        }
    }

    @Test
    void commentsAndBlankLinesAreIgnored() {
        String commented = TEXT.replace("  arena 512\n", "  // the arena\n\n  arena 512\n")
                .replace("    %2 = add", "    // the epilogue\n    %2 = add");
        assertEquals(PlanParser.parse(TEXT), PlanParser.parse(commented));
    }

    @Test
    void anUnplacedArenaBufferPrintsWithoutOffset() {
        Plan p = PlanParser.parse(TEXT.replace("arena 256", "arena"));
        assertEquals(Buffer.UNPLACED, p.buffer("2").offset());
        assertTrue(PlanPrinter.print(p).contains("buffer %2 : f32[2,2] arena\n"));
        assertEquals(
                java.util.List.of("arena buffer %2 has no offset (memory planning has not run)"),
                PlanVerifier.check(p));
    }

    @Test
    void aBadBodyLineIsReportedAtItsPlanLine() {
        PlanParseException e = assertThrows(
                PlanParseException.class, () -> PlanParser.parse(TEXT.replace("%2 = add(%0, %1)", "%2 = add(%0 %1)")));
        assertEquals(13, e.line());
        assertEquals("expected ')' after the operands of add, found '%1' (column 17)", e.detail());
    }

    @Test
    void anUnknownStatementNamesWhatWasExpected() {
        PlanParseException e =
                assertThrows(PlanParseException.class, () -> PlanParser.parse(TEXT.replace("arena 512", "arena big")));
        assertEquals(3, e.line());
        assertEquals(
                "expected 'sizes', 'arena', 'buffer', 'kernel', a binding (input, parameter, output, assign) or the"
                        + " plan's closing '}', found 'arena big'",
                e.detail());
    }

    @Test
    void aSymbolicBufferTypeIsRejected() {
        PlanParseException e = assertThrows(
                PlanParseException.class,
                () -> PlanParser.parse(TEXT.replace("buffer %x : f32[2,2]", "buffer %x : f32[batch,2]")));
        assertEquals("a plan is for concrete sizes: expected a static dimension, found 'batch'", e.detail());
    }

    @Test
    void anUnknownKindIsRejected() {
        PlanParseException e = assertThrows(
                PlanParseException.class, () -> PlanParser.parse(TEXT.replace("contraction reads", "gemm reads")));
        assertEquals(
                "expected a kernel kind ([pointwise, reduction, movement, contraction, convolution, pooling, gather,"
                        + " scatter, multi_tensor, attention]), found 'gemm'",
                e.detail());
    }

    @Test
    void aMissingClosingBraceIsReported() {
        PlanParseException e = assertThrows(
                PlanParseException.class, () -> PlanParser.parse(TEXT.substring(0, TEXT.lastIndexOf('}'))));
        assertEquals("expected the plan's closing '}', found the end of the input", e.detail());
    }
}
