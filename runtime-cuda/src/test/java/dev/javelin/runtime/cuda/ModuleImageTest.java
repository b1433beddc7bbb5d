package dev.javelin.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Telling PTX from binaries, NUL-terminating PTX, and naming images in messages. */
class ModuleImageTest {
    @Test
    void ptxIsTextAndGetsExactlyOneNul() {
        byte[] ptx = TestKernels.ptx();
        assertTrue(ModuleImage.isPtx(ptx));
        byte[] terminated = ModuleImage.nulTerminated(ptx);
        assertEquals(ptx.length + 1, terminated.length);
        assertEquals(0, terminated[ptx.length]);
        assertSame(terminated, ModuleImage.nulTerminated(terminated));
        assertEquals("PTX module (.target sm_80)", ModuleImage.describe(ptx));
    }

    @Test
    void elfAndFatbinAreBinaries() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1};
        assertFalse(ModuleImage.isPtx(elf));
        assertEquals("CUBIN (ELF)", ModuleImage.describe(elf));
        byte[] fatbin = {0x50, (byte) 0xED, 0x55, (byte) 0xBA, 1, 0};
        assertFalse(ModuleImage.isPtx(fatbin));
        assertEquals("fatbin", ModuleImage.describe(fatbin));
    }

    @Test
    void ptxWithoutATargetLineSaysSo() {
        byte[] ptx = ".version 8.0\n.address_size 64\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("PTX module (no .target line in its header)", ModuleImage.describe(ptx));
        assertArrayEquals(new byte[] {'a', 0}, ModuleImage.nulTerminated(new byte[] {'a'}));
    }
}
