package dev.javelin.ir.plan;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.type.TensorType;

/**
 * One buffer of a plan: a name (by convention the graph node whose value it holds), a concrete
 * type, its storage and, for an arena buffer, its byte offset in the arena ({@link #UNPLACED} until
 * memory planning has run; always {@link #UNPLACED} for other storage).
 */
public record Buffer(String name, TensorType type, Storage storage, long offset) {
    /** Every arena offset is a multiple of this, and buffers take whole multiples of it. */
    public static final long ALIGNMENT = 256;

    /** The offset of a buffer that has no arena offset (yet). */
    public static final long UNPLACED = -1;

    public Buffer {
        if (name == null || !Node.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "buffer name must be a node name (identifier or number), got '" + name + "'");
        }
        if (type == null || storage == null) {
            throw new IllegalArgumentException("buffer %" + name + " needs a type and a storage");
        }
        if (!type.shape().isStatic()) {
            throw new IllegalArgumentException(
                    "buffer %" + name + ": a plan is for concrete sizes, expected a static" + " type, found " + type);
        }
        if (storage != Storage.ARENA && offset != UNPLACED) {
            throw new IllegalArgumentException("buffer %" + name + ": only arena buffers have an offset, found "
                    + storage.text() + " at " + offset);
        }
        if (offset < UNPLACED) {
            throw new IllegalArgumentException("buffer %" + name + ": expected an offset >= 0, found " + offset);
        }
    }

    /** An arena buffer without an offset yet, or an input or parameter buffer. */
    public static Buffer of(String name, TensorType type, Storage storage) {
        return new Buffer(name, type, storage, UNPLACED);
    }

    public Buffer at(long newOffset) {
        return new Buffer(name, type, storage, newOffset);
    }

    public boolean isPlaced() {
        return offset != UNPLACED;
    }

    /** Bytes of the data: elements times the dtype's size. */
    public long bytes() {
        return Math.multiplyExact(type.shape().numel(), type.dtype().byteSize());
    }

    /** {@link #bytes()} rounded up to {@link #ALIGNMENT}: what the buffer takes in the arena. */
    public long alignedBytes() {
        return alignUp(bytes());
    }

    public static long alignUp(long bytes) {
        return Math.ceilDiv(bytes, ALIGNMENT) * ALIGNMENT;
    }
}
