package dev.javelin.codegen.loops;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where every buffer of a plan lives in the program memory block: the arena first, at its planned
 * offsets, then inputs, parameters and packed buffers, each aligned to a cache line, then whatever
 * a backend appends (the CUDA backend's scratch and constants).
 */
public final class MemoryLayout {
    /** Alignment of buffers placed after the arena, in bytes (a cache line; also 128-bit loads). */
    public static final long ALIGN = 64;

    private final Plan plan;
    private final Map<String, Long> byteOffsets = new LinkedHashMap<>();
    private long end;

    public MemoryLayout(Plan plan) {
        this.plan = plan;
        end = Buffer.alignUp(plan.arenaBytes());
        for (Buffer b : plan.buffers()) {
            if (byteOffsets.containsKey(b.name())) {
                continue;
            }
            if (b.storage() == Storage.ARENA) {
                byteOffsets.put(b.name(), b.offset());
            } else {
                byteOffsets.put(b.name(), append(b.bytes()));
            }
        }
    }

    /** Reserves {@code bytes} (aligned) at the end of the block; returns their byte offset. */
    public long append(long bytes) {
        long at = end;
        end += Math.ceilDiv(Math.max(1, bytes), ALIGN) * ALIGN;
        return at;
    }

    /** The block's size so far, in bytes. */
    public long bytes() {
        return end;
    }

    public long byteOffset(String buffer) {
        Long o = byteOffsets.get(buffer);
        if (o == null) {
            throw new UnsupportedKernelException("plan " + plan.name() + " has no buffer %" + buffer);
        }
        return o;
    }
}
