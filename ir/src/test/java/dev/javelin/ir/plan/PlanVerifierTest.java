package dev.javelin.ir.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each plan invariant, broken on purpose, is reported with what was expected and found. */
class PlanVerifierTest {
    private static List<String> problems(String text) {
        return PlanVerifier.check(PlanParser.parse(text));
    }

    @Test
    void twoLiveBuffersSharingBytesAreReported() {
        // %0 is also an output, so it outlives the kernel that writes %2 over it.
        String overlapping = PlanTextTest.TEXT
                .replace("buffer %2 : f32[2,2] arena 256", "buffer %2 : f32[2,2] arena 0")
                .replace("  output y = %2", "  output y = %2\n  output z = %0");
        PlanVerifyException e =
                assertThrows(PlanVerifyException.class, () -> PlanVerifier.verify(PlanParser.parse(overlapping)));
        assertEquals(
                "plan tiny is invalid (1 problem):\n  arena buffers %0 [0, 16) and %2 [0, 16) overlap while both are"
                        + " live (steps 0..2 and 1..2)",
                e.getMessage());
    }

    @Test
    void buffersWhoseLifetimesAreDisjointMayShareBytes() {
        String chain = """
                plan chain {
                  arena 256
                  buffer %x : f32[4] input
                  buffer %0 : f32[4] arena 0
                  buffer %1 : f32[4] arena 0
                  kernel k0_neg pointwise reads(%x) writes(%0) flops=4 bytes_read=16 bytes_written=16 {
                    %0 = neg(%x) : f32[4]
                  }
                  kernel k1_neg pointwise reads(%0) writes(%1) flops=4 bytes_read=16 bytes_written=16 {
                    %1 = neg(%0) : f32[4]
                  }
                  input x = %x
                  output y = %1
                }
                """;
        // %0 (steps 0..1) and %1 (steps 1..2) meet at kernel 1, which reads one and writes the other
        // element by element: in place is allowed.
        assertEquals(List.of(), problems(chain));
        // Through a transpose, element i of %1 needs another element of %0: not in place.
        String transposed = chain.replace("f32[4]", "f32[2,2]")
                .replace(
                        "bytes_read=16 bytes_written=16 {\n    %1 = neg(%0) : f32[2,2]",
                        "bytes_read=16 bytes_written=16 {\n    %t = permute(%0) {perm=[1,0]} : f32[2,2]\n"
                                + "    %1 = neg(%t) : f32[2,2]");
        assertEquals(
                List.of("arena buffers %0 [0, 16) and %1 [0, 16) overlap while both are live (steps 0..1 and 1..2)"),
                problems(transposed));
        String third = chain.replace("output y = %1", "output y = %2")
                .replace(
                        "  input x",
                        "  kernel k2_neg pointwise reads(%1) writes(%2) flops=4 bytes_read=16"
                                + " bytes_written=16 {\n    %2 = neg(%1) : f32[4]\n  }\n  input x")
                .replace("buffer %1 : f32[4] arena 0", "buffer %1 : f32[4] arena 256\n  buffer %2 : f32[4] arena 0")
                .replace("arena 256\n  buffer %x", "arena 512\n  buffer %x");
        assertEquals(List.of(), problems(third));
    }

    @Test
    void misalignedAndOutOfArenaOffsetsAreReported() {
        assertEquals(
                List.of("arena buffer %2: expected an offset that is a multiple of 256, found 128"),
                problems(PlanTextTest.TEXT.replace("arena 256", "arena 128")));
        assertEquals(
                List.of("arena buffer %2 at [512, 528) ends past the arena of 512 bytes"),
                problems(PlanTextTest.TEXT.replace("arena 256", "arena 512")));
    }

    @Test
    void aBodyTypeErrorIsReported() {
        assertEquals(
                List.of(
                        "kernel k1_add: '%2 = add(%0, %1) : f32[2,3]': expected type f32[2,2] from [f32[2,2], f32[]],"
                                + " found f32[2,3]",
                        "kernel k1_add: writes %2 : f32[2,3] into buffer %2 : f32[2,2]"),
                problems(PlanTextTest.TEXT.replace("%2 = add(%0, %1) : f32[2,2]", "%2 = add(%0, %1) : f32[2,3]")));
    }

    @Test
    void readingBeforeWritingAndUnusedReadsAreReported() {
        String swapped = PlanTextTest.TEXT
                .replace("reads(%x, %w) writes(%0)", "reads(%x, %w, %2) writes(%0)")
                .replace("bytes_read=32", "bytes_read=48");
        assertEquals(
                List.of(
                        "kernel k0_matmul: reads %2 but its body never uses it",
                        "kernel k0_matmul reads %2 before any kernel writes it"),
                problems(swapped));
    }

    @Test
    void wrongByteCountsAndUnboundStateAreReported() {
        assertEquals(
                List.of("kernel k1_add: expected bytes_read=16 bytes_written=16 (the sizes of its buffers), found"
                        + " bytes_read=15 bytes_written=16"),
                problems(PlanTextTest.TEXT.replace("bytes_read=16", "bytes_read=15")));
        assertEquals(
                List.of(
                        "parameter buffer %w: expected exactly one parameter binding, found 0",
                        "assign w targets no parameter binding (parameters: [])"),
                problems(PlanTextTest.TEXT.replace("  parameter w = %w\n", "")));
    }

    @Test
    void writingAParameterBufferIsReported() {
        String text = PlanTextTest.TEXT
                .replace("writes(%2)", "writes(%2, %w)")
                .replace("bytes_read=16 bytes_written=16", "bytes_read=16 bytes_written=32");
        assertEquals(
                List.of(
                        "kernel k1_add: writes %w but no body node computes it (body: [1, 2])",
                        "kernel k1_add writes %w, a parameter buffer; expected an arena or update buffer (state changes only"
                                + " through assign bindings)"),
                problems(text));
    }

    /** A parameter updated in its own memory by k0, read again by k1 (which would see the new value). */
    private static final String UPDATE_THEN_READ = """
            plan upd {
              arena 256
              buffer %p : f32[4] parameter
              buffer %n : f32[4] update
              buffer %o : f32[4] arena 0
              kernel k0_neg pointwise reads(%p) writes(%n) flops=4 bytes_read=16 bytes_written=16 {
                %n = neg(%p) : f32[4]
              }
              kernel k1_exp pointwise reads(%p) writes(%o) flops=4 bytes_read=16 bytes_written=16 {
                %o = exp(%p) : f32[4]
              }
              parameter p = %p
              output o = %o
              assign p = %n
            }
            """;

    @Test
    void anUpdateBeforeAReadOfTheOldValueIsReported() {
        assertEquals(
                List.of("update buffer %n overwrites parameter %p in kernel k0_neg, but kernel k1_exp reads the"
                        + " parameter's old value after it"),
                problems(UPDATE_THEN_READ));
    }

    @Test
    void anUpdateAfterEveryReadIsValidAndRoundTrips() {
        String ok = UPDATE_THEN_READ
                .replace("reads(%p) writes(%o)", "reads(%n) writes(%o)")
                .replace("%o = exp(%p)", "%o = exp(%n)");
        assertEquals(List.of(), problems(ok));
        assertEquals(ok, PlanPrinter.print(PlanParser.parse(ok)));
    }

    @Test
    void anUpdateBufferNoAssignTakesIsReported() {
        String orphan = UPDATE_THEN_READ
                .replace("  assign p = %n\n", "")
                .replace("reads(%p) writes(%o)", "reads(%n) writes(%o)")
                .replace("%o = exp(%p)", "%o = exp(%n)");
        assertEquals(
                List.of("update buffer %n: expected the value of exactly one assign to a bound parameter, found 0"
                        + " assigns"),
                problems(orphan));
    }
}
