package dev.javelin.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The range checks every runner copy passes before it reaches the driver. */
class BlockBoundsTest {
    private final BlockBounds b = new BlockBounds(1024);

    @Test
    void copiesInsideTheBlockAndTheArrayPass() {
        assertDoesNotThrow(() -> b.checkHostCopy("write", 0, 1024, 0, 1024));
        assertDoesNotThrow(() -> b.checkHostCopy("write", 1024, 10, 10, 0));
        assertDoesNotThrow(() -> b.checkDeviceCopy(0, 512, 512));
        assertDoesNotThrow(() -> b.checkDeviceCopy(100, 100, 50));
    }

    @Test
    void aCopyPastTheBlockNamesOffsetLengthAndSize() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> b.checkHostCopy("write", 1000, 100, 0, 100));
        assertEquals(
                "write of 100 bytes at offset 1000 runs outside the 1024-byte device block (it would end at 1100)",
                e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> b.checkHostCopy("read", -1, 4, 0, 1));
        // An offset far beyond the block must not overflow into a pass.
        assertThrows(IndexOutOfBoundsException.class, () -> b.checkBlock("read", Long.MAX_VALUE, 2));
    }

    @Test
    void aCopyPastTheHostArrayIsRefused() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> b.checkHostCopy("read", 0, 10, 8, 4));
        assertEquals("read of 4 bytes at host offset 8 does not fit the 10-byte host array", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> b.checkHostCopy("read", 0, 10, 0, -1));
    }

    @Test
    void overlappingDeviceCopiesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> b.checkDeviceCopy(0, 100, 200));
        assertEquals(
                "device copy of 200 bytes from offset 0 to offset 100: the ranges overlap, and cuMemcpyDtoD does"
                        + " not allow that",
                e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> b.checkDeviceCopy(900, 0, 200));
    }
}
