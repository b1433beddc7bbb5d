package dev.javelin.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.type.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel IR verifier: bounds against the buffers a kernel may touch, index ranks, types. */
class KernelCheckTest {
    /** y = x + x over 4 floats; x is an input (after the arena), y the arena's only buffer. */
    private static final Plan PLAN = PlanParser.parse("""
            plan p {
              arena 256
              buffer %x : f32[4] input
              buffer %y : f32[4] arena 0
              kernel k0_add pointwise reads(%x) writes(%y) flops=4 bytes_read=16 bytes_written=16 {
                %y = add(%x, %x) : f32[4]
              }
              input x = %x
              output y = %y
            }
            """);

    private static final Kernel K = PLAN.kernels().getFirst();
    private static final Ref M = new Ref("m", DType.F32, Ref.Kind.MEMORY, false);

    private static MemoryLayout memory() {
        MemoryLayout m = new MemoryLayout(PLAN);
        m.enter(K);
        return m;
    }

    private static long element(MemoryLayout m, String buffer) {
        return m.byteOffset(buffer) / 4;
    }

    /** How the text form prints element {@code c + v0}. */
    private static String at(long c) {
        return i(c).text();
    }

    private static Affine i(long c) {
        return new Affine(c, new long[] {1});
    }

    private static Stage add(long load, long store) {
        Expr x = new Expr.Load(M, i(load));
        Expr v = new Expr.Binary(BinaryFn.ADD, x, x, DType.F32);
        return new Stage.Pointwise(new long[] {4}, List.of(new Stage.Store(M.asProduced(), i(store), v)));
    }

    @Test
    void theKernelAsLoweredPasses() {
        MemoryLayout m = memory();
        KernelCheck.verify(K, List.of(add(element(m, "x"), element(m, "y"))), m);
    }

    @Test
    void aLoadPastTheEndOfItsBufferIsCaught() {
        MemoryLayout m = memory();
        long x = element(m, "x");
        var e = assertThrows(
                IllegalStateException.class, () -> KernelCheck.verify(K, List.of(add(x + 1, element(m, "y"))), m));
        assertEquals(
                "kernel IR of k0_add, stage 0: loads m.f32[" + at(x + 1) + "] over the nest [4]: bytes ["
                        + 4 * (x + 1) + ", " + 4 * (x + 5)
                        + ") are not inside a buffer it reads or writes or its scratch",
                e.getMessage());
    }

    @Test
    void aStoreIntoABufferTheKernelOnlyReadsIsCaught() {
        MemoryLayout m = memory();
        long x = element(m, "x");
        var e = assertThrows(IllegalStateException.class, () -> KernelCheck.verify(K, List.of(add(x, x)), m));
        assertEquals(
                "kernel IR of k0_add, stage 0: stores m.f32[" + at(x) + "] over the nest [4]: bytes [" + 4 * x + ", "
                        + 4 * (x + 4) + ") are not inside a buffer it writes or its scratch",
                e.getMessage());
    }

    @Test
    void scratchOfTheKernelMayBeWrittenAndRead() {
        MemoryLayout m = memory();
        long s = m.scratch(16) / 4;
        KernelCheck.verify(K, List.of(add(element(m, "x"), s), add(s, element(m, "y"))), m);
    }

    @Test
    void anIndexOverTheWrongNumberOfLoopsIsCaught() {
        MemoryLayout m = memory();
        Expr x = new Expr.Load(M, new Affine(element(m, "x"), new long[] {1, 0}));
        Stage st = new Stage.Pointwise(new long[] {4}, List.of(new Stage.Store(M.asProduced(), i(element(m, "y")), x)));
        var e = assertThrows(IllegalStateException.class, () -> KernelCheck.verify(K, List.of(st), m));
        assertEquals(
                "kernel IR of k0_add, stage 0: loads m.f32[" + at(element(m, "x"))
                        + "]: an index over 2 loop variables in a nest of 1",
                e.getMessage());
    }

    @Test
    void aComparisonMustGiveABool() {
        MemoryLayout m = memory();
        Expr x = new Expr.Load(M, i(element(m, "x")));
        Expr lt = new Expr.Binary(BinaryFn.LT, x, x, DType.F32);
        Stage st =
                new Stage.Pointwise(new long[] {4}, List.of(new Stage.Store(M.asProduced(), i(element(m, "y")), lt)));
        var e = assertThrows(IllegalStateException.class, () -> KernelCheck.verify(K, List.of(st), m));
        assertEquals("kernel IR of k0_add, stage 0: computes lt of f32 and f32 as f32", e.getMessage());
    }
}
