package dev.javelin.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanParser;
import org.junit.jupiter.api.Test;

/** Scratch planned into the arena: gaps free while its kernel runs first, above the top otherwise. */
class MemoryLayoutTest {
    /** A chain of three 256-byte buffers: %c reuses %a's bytes, so the planned arena is 512 bytes. */
    private static final Plan PLAN = PlanParser.parse("""
            plan p {
              arena 512
              buffer %x : f32[64] input
              buffer %a : f32[64] arena 0
              buffer %b : f32[64] arena 256
              buffer %c : f32[64] arena 0
              kernel k0_neg pointwise reads(%x) writes(%a) flops=64 bytes_read=256 bytes_written=256 {
                %a = neg(%x) : f32[64]
              }
              kernel k1_neg pointwise reads(%a) writes(%b) flops=64 bytes_read=256 bytes_written=256 {
                %b = neg(%a) : f32[64]
              }
              kernel k2_neg pointwise reads(%b) writes(%c) flops=64 bytes_read=256 bytes_written=256 {
                %c = neg(%b) : f32[64]
              }
              input x = %x
              output c = %c
            }
            """);

    @Test
    void inputsComeFirstAndTheArenaZoneAfterThem() {
        MemoryLayout m = new MemoryLayout(PLAN);
        assertEquals(0, m.byteOffset("x"));
        assertEquals(256, m.arenaOffset());
        assertEquals(256, m.byteOffset("a"));
        assertEquals(512, m.byteOffset("b"));
        assertEquals(256, m.byteOffset("c"));
        assertEquals(768, m.bytes());
    }

    @Test
    void scratchTakesBytesOfABufferNotLiveDuringItsKernel() {
        MemoryLayout m = new MemoryLayout(PLAN);
        m.enter(PLAN.kernels().get(0)); // only %a is live: %b's bytes are free
        assertEquals(m.arenaOffset() + 256, m.scratch(200));
        assertEquals(512, m.arenaBytes());
        assertEquals(512, m.lowerBound());
    }

    @Test
    void scratchGoesAboveTheArenaWhenNoGapHoldsItAndLaterKernelsReuseThatSpace() {
        MemoryLayout m = new MemoryLayout(PLAN);
        m.enter(PLAN.kernels().get(1)); // %a and %b fill the arena
        assertEquals(m.arenaOffset() + 512, m.scratch(100));
        m.enter(PLAN.kernels().get(2)); // %b and %c fill it again; the scratch above is free again
        assertEquals(m.arenaOffset() + 512, m.scratch(256));
        assertEquals(768, m.arenaBytes());
        assertEquals(768, m.lowerBound());
        assertEquals(256 + 768, m.bytes());
    }

    @Test
    void permanentDataStaysBusyForEveryLaterKernel() {
        MemoryLayout m = new MemoryLayout(PLAN);
        m.enter(PLAN.kernels().get(0));
        assertEquals(m.arenaOffset() + 512, m.permanent(10));
        m.enter(PLAN.kernels().get(1));
        assertEquals(m.arenaOffset() + 768, m.scratch(256));
        assertEquals(1024, m.arenaBytes());
    }
}
