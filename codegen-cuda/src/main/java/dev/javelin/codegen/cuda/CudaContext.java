package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.AttentionParts;
import dev.javelin.codegen.loops.KernelBuilder;
import dev.javelin.codegen.loops.LoweringTarget;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.MemoryLayout;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import dev.javelin.runtime.cuda.CudaProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernels of one CUDA program share: the memory block (inputs, parameters and the status
 * word, then the arena zone where {@link MemoryLayout} puts the plan's arena buffers, each kernel's
 * scratch and the constants), the bytes of the constants, and the index checks whose failures the status word reports.
 */
final class CudaContext implements LoweringTarget {
    private final Plan plan;
    private final MemoryLayout memory;
    private final Map<String, Long> regions = new LinkedHashMap<>();
    private final List<CudaProgram.Fill> fills = new ArrayList<>();
    private final List<String> checks = new ArrayList<>();
    private final Map<String, double[]> constants = new LinkedHashMap<>();
    private final long statusOffset;
    private final long maxGrid;
    private int arrays;

    CudaContext(Plan plan, long maxGrid) {
        this.plan = plan;
        this.maxGrid = maxGrid;
        this.memory = new MemoryLayout(plan);
        this.statusOffset = memory.append(32);
    }

    @Override
    public Plan plan() {
        return plan;
    }

    @Override
    public MemoryLayout memory() {
        return memory;
    }

    @Override
    public Place place(String buffer) {
        Buffer b = plan.buffer(buffer);
        DType t = b.type().dtype();
        long[] shape = b.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
        Ref ref = new Ref(CudaTypes.memoryView(t), t, Ref.Kind.MEMORY, false);
        return Place.dense(ref, memory.byteOffset(buffer) / CudaTypes.size(t), shape);
    }

    /** Scratch in the memory block, in a gap of the arena zone (see {@link MemoryLayout#scratch}). */
    @Override
    public Place scratch(DType t, long[] shape) {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        long at = memory.scratch(n * CudaTypes.size(t));
        Ref ref = new Ref(CudaTypes.memoryView(t), t, Ref.Kind.MEMORY, true);
        return Place.dense(ref, at / CudaTypes.size(t), shape);
    }

    @Override
    public Ref constant(DType t, double[] values) {
        String name = "c" + arrays++;
        int size = CudaTypes.size(t);
        long at = memory.permanent((long) values.length * size);
        regions.put(name, at);
        ByteBuffer bytes = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (t) {
                case F32 -> bytes.putFloat((float) v);
                case F64 -> bytes.putDouble(v);
                case I32 -> bytes.putInt((int) v);
                case I64 -> bytes.putLong((long) v);
                case BOOL -> bytes.put((byte) (v != 0 ? 1 : 0));
                default -> throw CudaTypes.unsupported(t);
            }
        }
        fills.add(new CudaProgram.Fill(at, bytes.array()));
        constants.put(name, values.clone());
        return new Ref(name, t, Ref.Kind.ARRAY, false);
    }

    @Override
    public Place heavy(Node n, Place out, KernelBuilder kb) {
        return new CudaHeavy(this, kb).emit(n, out);
    }

    /**
     * Refused by name: CUDA has no attention template yet, and its fusion veto keeps attention as
     * three kernels, so meeting one means the plan was fused for another target.
     */
    @Override
    public void attention(AttentionParts parts, Place out, KernelBuilder kb) {
        throw new UnsupportedKernelException("the CUDA backend has no attention template yet (%"
                + parts.scores().name() + " .. %" + parts.product().name()
                + "); fuse plans for CUDA with FusionVeto.forTarget(\"cuda\"), which keeps attention as three"
                + " kernels");
    }

    /** Blocks of a grid-stride loop over {@code total} elements: enough to cover them, at most the cap. */
    long grid(long total, int block) {
        return Math.max(1, Math.min(Math.ceilDiv(total, block), maxGrid));
    }

    /** Blocks of a loop that gives each block whole rows (reductions): one per row, at most four times the cap. */
    long rowGrid(long rows) {
        return Math.max(1, Math.min(rows, 4 * maxGrid));
    }

    /** Registers an index check; returns its number (the status word holds number + 1). */
    int check(String description) {
        checks.add(description);
        return checks.size() - 1;
    }

    @Override
    public Map<String, double[]> constants() {
        return constants;
    }

    long statusOffset() {
        return statusOffset;
    }

    List<String> checks() {
        return checks;
    }

    List<CudaProgram.Fill> fills() {
        return fills;
    }

    /** A fresh set of pointer declarations for one function. */
    CudaRefs refs() {
        return new CudaRefs(regions);
    }
}
