package dev.javelin.ir.kernel;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Liveness;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every buffer of a plan lives in the program memory block: first inputs, parameters and
 * packed buffers (each aligned to a cache line; an update buffer at its parameter's bytes) and
 * whatever a backend reserves before lowering (the CUDA status word), then the arena zone: the plan's arena buffers at their planned offsets,
 * and every buffer lowering adds.
 *
 * <p><b>Scratch is planned with the arena.</b> A kernel's scratch (a reduction result no other
 * kernel reads, an operand copied dense for a library call, a read copied before it is overwritten)
 * is live only while that kernel runs. Lowering asks for it here ({@link #scratch}) and gets the
 * best-fitting gap, among the arena buffers live at that kernel ({@link Liveness}) and the scratch it
 * already holds, or bytes above the arena's top, which grows. So the arena zone is the whole
 * allocation, and its size is what {@code javelin compile --target} reports. Data that lives for
 * the whole program (CUDA constants, {@link #permanent}) goes above everything placed so far and
 * stays busy for every later kernel.
 */
public final class MemoryLayout {
    /** Alignment of buffers placed after the arena, in bytes (a cache line; also 128-bit loads). */
    public static final long ALIGN = 64;

    private final Plan plan;
    private final Map<String, Long> byteOffsets = new LinkedHashMap<>();
    private final Map<String, Liveness.Interval> live;
    private final List<long[]> permanent = new ArrayList<>();
    private long tail;
    private long arenaBase = -1;
    private long arenaTop;
    private int kernel = -1;
    private final List<long[]> kernelBusy = new ArrayList<>();
    private final List<long[]> kernelScratch = new ArrayList<>();
    private long lowerBound;

    public MemoryLayout(Plan plan) {
        this.plan = plan;
        this.live = Liveness.of(plan);
        for (Buffer b : plan.buffers()) {
            boolean own = b.storage() != Storage.ARENA && b.storage() != Storage.UPDATE;
            if (own && !byteOffsets.containsKey(b.name())) {
                byteOffsets.put(b.name(), append(b.bytes()));
            }
        }
        for (Buffer b : plan.buffers()) {
            if (b.storage() == Storage.UPDATE) {
                String param = plan.updatedParameter(b.name())
                        .orElseThrow(() -> new UnsupportedKernelException("plan " + plan.name() + ": update buffer %"
                                + b.name() + " is assigned to no parameter"));
                byteOffsets.put(b.name(), byteOffsets.get(param));
            }
        }
        arenaTop = plan.arenaBytes();
    }

    /**
     * Reserves {@code bytes} (aligned) before the arena zone; returns their byte offset. Only before
     * the first arena offset is asked for: the arena zone starts where these end.
     */
    public long append(long bytes) {
        if (arenaBase >= 0) {
            throw new IllegalStateException("plan " + plan.name() + ": bytes appended after the arena was placed");
        }
        long at = tail;
        tail += Math.ceilDiv(Math.max(1, bytes), ALIGN) * ALIGN;
        return at;
    }

    /** The byte offset where the arena zone starts (after inputs, parameters and reserved bytes). */
    public long arenaOffset() {
        return arenaBase();
    }

    private long arenaBase() {
        if (arenaBase < 0) {
            arenaBase = Buffer.alignUp(tail);
            for (Buffer b : plan.buffers()) {
                if (b.storage() == Storage.ARENA) {
                    byteOffsets.putIfAbsent(b.name(), arenaBase + b.offset());
                }
            }
        }
        return arenaBase;
    }

    /** The block's size so far, in bytes: the tail, then the arena zone with what lowering added. */
    public long bytes() {
        return arenaBase() + arenaTop;
    }

    /** The arena zone's size so far: the plan's arena and the scratch and permanent data lowering added. */
    public long arenaBytes() {
        return arenaTop;
    }

    /** The planned arena alone, before lowering added anything. */
    public long plannedArenaBytes() {
        return plan.arenaBytes();
    }

    /**
     * The arena zone can be no smaller than this: the most bytes busy during one kernel lowered so
     * far (the arena buffers live then, a write over a dying read counted once with it, the
     * kernel's scratch, the permanent data).
     */
    public long lowerBound() {
        return lowerBound;
    }

    public long byteOffset(String buffer) {
        arenaBase();
        Long o = byteOffsets.get(buffer);
        if (o == null) {
            throw new UnsupportedKernelException("plan " + plan.name() + " has no buffer %" + buffer);
        }
        return o;
    }

    /**
     * Starts lowering {@code k}: its scratch from an earlier attempt is forgotten, and the arena
     * buffers live at {@code k} are what its scratch must avoid.
     */
    public void enter(Kernel k) {
        int index = -1;
        for (int i = 0; i < plan.kernels().size(); i++) {
            if (plan.kernels().get(i) == k) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("kernel " + k.name() + " is not a kernel of plan " + plan.name());
        }
        kernel = index;
        kernelBusy.clear();
        kernelScratch.clear();
        int step = index;
        live.forEach((name, l) -> {
            if (l.contains(step)) {
                long at = plan.buffer(name).offset();
                kernelBusy.add(new long[] {at, at + plan.buffer(name).alignedBytes()});
            }
        });
        kernelBusy.addAll(permanent);
        lowerBound = Math.max(lowerBound, busyBytes());
    }

    /**
     * Byte offset (in the block) of {@code bytes} of scratch for the kernel being lowered: the
     * smallest gap among the bytes busy during it that holds them, else above the arena's top.
     */
    public long scratch(long bytes) {
        if (kernel < 0) {
            throw new IllegalStateException("plan " + plan.name() + ": scratch asked for outside a kernel");
        }
        long size = Buffer.alignUp(Math.max(1, bytes));
        long at = bestFit(size);
        kernelBusy.add(new long[] {at, at + size});
        kernelScratch.add(new long[] {arenaBase() + at, arenaBase() + at + size});
        arenaTop = Math.max(arenaTop, at + size);
        lowerBound = Math.max(lowerBound, busyBytes());
        return arenaBase() + at;
    }

    /** The byte ranges {@code [from, to)} of the scratch the kernel being lowered holds. */
    public List<long[]> kernelScratch() {
        return List.copyOf(kernelScratch);
    }

    /** The byte range {@code [from, to)} of a plan buffer in the block. */
    public long[] region(String buffer) {
        long at = byteOffset(buffer);
        return new long[] {at, at + plan.buffer(buffer).bytes()};
    }

    /** Bytes per element of {@code t} in the program memory (a bool takes one byte). */
    public static int elementBytes(dev.javelin.ir.type.DType t) {
        return t == dev.javelin.ir.type.DType.BOOL ? 1 : t.byteSize();
    }

    /** Byte offset of {@code bytes} that every kernel from now on keeps (CUDA constants). */
    public long permanent(long bytes) {
        long size = Buffer.alignUp(Math.max(1, bytes));
        long at = Buffer.alignUp(arenaTop);
        arenaTop = at + size;
        permanent.add(new long[] {at, at + size});
        if (kernel >= 0) {
            kernelBusy.add(new long[] {at, at + size});
        }
        lowerBound = Math.max(lowerBound, busyBytes());
        return arenaBase() + at;
    }

    /** The bytes the current kernel's busy ranges cover (buffers sharing bytes counted once). */
    private long busyBytes() {
        kernelBusy.sort(Comparator.comparingLong((long[] r) -> r[0]));
        long total = 0;
        long cursor = 0;
        for (long[] r : kernelBusy) {
            long from = Math.max(cursor, r[0]);
            total += Math.max(0, r[1] - from);
            cursor = Math.max(cursor, r[1]);
        }
        return total;
    }

    private long bestFit(long size) {
        kernelBusy.sort(Comparator.comparingLong((long[] r) -> r[0]));
        long best = -1;
        long bestGap = Long.MAX_VALUE;
        long cursor = 0;
        for (long[] r : kernelBusy) {
            long gap = r[0] - cursor;
            if (gap >= size && gap < bestGap) {
                best = cursor;
                bestGap = gap;
            }
            cursor = Math.max(cursor, r[1]);
        }
        return best >= 0 ? best : Buffer.alignUp(cursor);
    }
}
