package dev.javelin.ir.interp;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.value.NdArray;
import java.util.Arrays;

/**
 * A node's value is estimated before it is allocated, so that a graph with a 10^12-element
 * constant or a 10^9-element tensor is refused with the bytes it asks for and the bytes the heap
 * has, naming the node, instead of an {@link OutOfMemoryError} or a negative array size.
 */
final class Allocation {
    /** {@link NdArray} keeps one double or long per element, whatever the dtype. */
    static final long BYTES_PER_ELEMENT = 8;

    /** The largest array the JVM allocates (a few header words below {@code Integer.MAX_VALUE}). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Allocation() {}

    /** A zero array for {@code n}'s value of concrete {@code shape}, once it is known to fit. */
    static NdArray zeros(Node n, long[] shape) {
        check(n, shape);
        return NdArray.zeros(n.type().dtype(), shape);
    }

    static void check(Node n, long[] shape) {
        String what = "its value " + n.type()
                + (n.type().shape().isStatic()
                        ? ""
                        : " (here " + Arrays.toString(shape).replace(" ", "") + ")");
        long count = 1;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
        } catch (ArithmeticException e) {
            throw InterpreterException.at(n, what + " has more elements than a 64-bit count holds");
        }
        long bytes = count > Long.MAX_VALUE / BYTES_PER_ELEMENT ? Long.MAX_VALUE : count * BYTES_PER_ELEMENT;
        if (bytes > available()) {
            System.gc(); // what is free depends on garbage not yet collected; ask once before refusing
        }
        long available = available();
        if (bytes > available) {
            throw InterpreterException.at(
                    n,
                    what + " needs " + bytes + " bytes (" + human(bytes) + ": " + count + " elements of "
                            + BYTES_PER_ELEMENT + " bytes, as the interpreter holds every dtype), but only "
                            + available + " bytes (" + human(available) + ") of the heap are available (maximum "
                            + human(Runtime.getRuntime().maxMemory())
                            + ", raise the JVM's -Xmx, e.g. JAVA_OPTS=-Xmx8g for ./javelin)");
        }
        if (count > MAX_ELEMENTS) {
            throw InterpreterException.at(
                    n, what + " has " + count + " elements, more than a Java array holds (" + MAX_ELEMENTS + ")");
        }
    }

    /** The heap not yet in use: the maximum less what is allocated now, garbage included. */
    static long available() {
        Runtime rt = Runtime.getRuntime();
        return Math.max(0, rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()));
    }

    static String human(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
