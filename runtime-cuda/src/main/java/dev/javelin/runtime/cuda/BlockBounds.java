package dev.javelin.runtime.cuda;

/**
 * Range checks for a runner's memory block, done on the host before any copy reaches the driver: a
 * device copy past the block's end would corrupt memory or fault the context, and the driver's error
 * (if any) would not say which offset was wrong.
 */
record BlockBounds(long size) {
    BlockBounds {
        if (size < 0) {
            throw new IllegalArgumentException("device block size " + size + " is negative");
        }
    }

    /** A host↔device copy: the host array range and the block range must both be inside. */
    void checkHostCopy(String what, long offset, int hostLength, int hostOffset, int length) {
        if (length < 0 || hostOffset < 0 || (long) hostOffset + length > hostLength) {
            throw new IndexOutOfBoundsException(what + " of " + length + " bytes at host offset " + hostOffset
                    + " does not fit the " + hostLength + "-byte host array");
        }
        checkBlock(what, offset, length);
    }

    /** A copy inside the block: both ranges inside, and not overlapping unless identical (a no-op). */
    void checkDeviceCopy(long from, long to, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("device copy of " + bytes + " bytes: the length is negative");
        }
        checkBlock("device copy source", from, bytes);
        checkBlock("device copy destination", to, bytes);
        if (from != to && from < to + bytes && to < from + bytes) {
            throw new IllegalArgumentException("device copy of " + bytes + " bytes from offset " + from + " to offset "
                    + to + ": the ranges overlap, and cuMemcpyDtoD does not allow that");
        }
    }

    void checkBlock(String what, long offset, long length) {
        if (offset < 0 || offset > size || length > size - offset) {
            throw new IndexOutOfBoundsException(what + " of " + length + " bytes at offset " + offset
                    + " runs outside the " + size + "-byte device block (it would end at " + (offset + length)
                    + ")");
        }
    }
}
