package dev.javelin.runtime.cuda;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kind of module image the driver is given: PTX text (which it JIT-compiles and which must end
 * in a NUL byte), or a binary: a CUBIN (an ELF file) or a fatbin. Also names it for error messages.
 */
final class ModuleImage {
    private static final Pattern TARGET = Pattern.compile("^\\s*\\.target\\s+([\\w,\\s]+?)\\s*$", Pattern.MULTILINE);
    private static final int FATBIN_MAGIC = 0xBA55ED50;

    private ModuleImage() {}

    static boolean isElf(byte[] image) {
        return image.length >= 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    }

    static boolean isFatbin(byte[] image) {
        if (image.length < 4) {
            return false;
        }
        int magic = (image[0] & 0xff) | (image[1] & 0xff) << 8 | (image[2] & 0xff) << 16 | (image[3] & 0xff) << 24;
        return magic == FATBIN_MAGIC;
    }

    static boolean isPtx(byte[] image) {
        return !isElf(image) && !isFatbin(image);
    }

    /** The PTX with exactly one NUL at its end (the driver reads it as a C string). */
    static byte[] nulTerminated(byte[] ptx) {
        if (ptx.length > 0 && ptx[ptx.length - 1] == 0) {
            return ptx;
        }
        return Arrays.copyOf(ptx, ptx.length + 1);
    }

    /** For messages: {@code PTX module (.target sm_90)}, {@code CUBIN (ELF)} or {@code fatbin}. */
    static String describe(byte[] image) {
        if (isElf(image)) {
            return "CUBIN (ELF)";
        }
        if (isFatbin(image)) {
            return "fatbin";
        }
        // The header is in the first few hundred bytes; do not decode a megabyte of PTX for a message.
        String head = new String(image, 0, Math.min(image.length, 4096), StandardCharsets.UTF_8);
        Matcher m = TARGET.matcher(head);
        return m.find() ? "PTX module (.target " + m.group(1) + ")" : "PTX module (no .target line in its header)";
    }
}
