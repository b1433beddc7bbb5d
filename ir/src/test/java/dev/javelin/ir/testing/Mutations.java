package dev.javelin.ir.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of a valid file, the kinds that find parser bugs: bit flips, byte insertions
 * and deletions, truncation, splicing with another seed file, numbers replaced by huge or negative
 * ones, binary length fields set to extremes, and deep nesting. Deterministic for a given seed.
 */
public final class Mutations {
    /** Numbers that sit on the edges of int, long, double and sign. */
    static final String[] HUGE = {
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "18446744073709551616",
        "4294967296",
        "2147483648",
        "1000000000000",
        "99999999999999999999999999",
        "1e308",
        "1e999",
        "-1e308",
        "-1",
        "0",
        "-0",
        "nan",
        "inf",
    };

    static final long[] EXTREMES = {
        0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 60, 1L << 32, (1L << 32) - 1, 1L << 31, 1L << 20, 65535, 65536
    };

    /** A binary integer field of a format (little-endian), for the length-field mutation. */
    public record Field(int offset, int width) {}

    private final Random r;
    private final List<byte[]> corpus;
    private final List<Field> fields;
    private final String openers;
    /** What was done, for the failure message. */
    private final List<String> log = new ArrayList<>();

    private Mutations(long seed, List<byte[]> corpus, List<Field> fields, String openers) {
        this.r = new Random(seed);
        this.corpus = corpus;
        this.fields = fields;
        this.openers = openers;
    }

    /** A mutant of one corpus file: one to three mutations, with the log of what they were. */
    public static Mutant mutate(long seed, List<byte[]> corpus, List<Field> fields, String openers) {
        Mutations m = new Mutations(seed, corpus, fields, openers);
        int pick = m.r.nextInt(corpus.size());
        byte[] b = corpus.get(pick);
        m.log.add("seed file #" + pick);
        int count = 1 + m.r.nextInt(3);
        for (int i = 0; i < count; i++) {
            b = m.once(b);
        }
        return new Mutant(seed, b, String.join(", ", m.log));
    }

    /** One mutated input: its seed, bytes and the mutations that made it. */
    public record Mutant(long seed, byte[] bytes, String how) {
        /** The bytes as Java string escapes (printable ASCII as is), cut at {@code max} characters. */
        public String escaped(int max) {
            StringBuilder s = new StringBuilder();
            for (byte x : bytes) {
                int c = x & 0xFF;
                if (s.length() >= max) {
                    return s + "... (" + bytes.length + " bytes in all)";
                }
                if (c == '\n') {
                    s.append("\\n");
                } else if (c == '\\') {
                    s.append("\\\\");
                } else if (c >= 0x20 && c < 0x7F) {
                    s.append((char) c);
                } else {
                    s.append(String.format("\\x%02x", c));
                }
            }
            return s.toString();
        }
    }

    private byte[] once(byte[] b) {
        int kind = r.nextInt(9);
        return switch (kind) {
            case 0 -> flipBits(b);
            case 1 -> insert(b);
            case 2 -> delete(b);
            case 3 -> truncate(b);
            case 4 -> splice(b);
            case 5, 6 -> hugeNumber(b);
            case 7 -> fields.isEmpty() ? hugeNumber(b) : field(b);
            default -> nest(b);
        };
    }

    private int at(byte[] b) {
        return b.length == 0 ? 0 : r.nextInt(b.length + 1);
    }

    private byte[] flipBits(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        byte[] c = b.clone();
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            int p = r.nextInt(c.length);
            c[p] ^= (byte) (1 << r.nextInt(8));
        }
        log.add(n + " bit flips");
        return c;
    }

    private static final byte[] TELLING = "{}[](),:='\"%@-.0e9 \n\t\0\u007F".getBytes(StandardCharsets.ISO_8859_1);

    private byte[] insert(byte[] b) {
        int p = at(b);
        int n = 1 + r.nextInt(4);
        byte[] ins = new byte[n];
        for (int i = 0; i < n; i++) {
            ins[i] = r.nextBoolean() ? TELLING[r.nextInt(TELLING.length)] : (byte) r.nextInt(256);
        }
        log.add("insert " + n + " bytes at " + p);
        return splice(b, p, p, ins);
    }

    private byte[] delete(byte[] b) {
        if (b.length == 0) {
            return b;
        }
        int p = r.nextInt(b.length);
        int n = Math.min(b.length - p, 1 + r.nextInt(r.nextBoolean() ? 2 : 32));
        log.add("delete " + n + " bytes at " + p);
        return splice(b, p, p + n, new byte[0]);
    }

    private byte[] truncate(byte[] b) {
        int p = at(b);
        log.add("truncate to " + p);
        return Arrays.copyOf(b, p);
    }

    private byte[] splice(byte[] b) {
        byte[] other = corpus.get(r.nextInt(corpus.size()));
        int from = at(other);
        int to = from + r.nextInt(other.length - from + 1);
        int p = at(b);
        int q = p + r.nextInt(Math.min(64, b.length - p) + 1);
        log.add("splice bytes " + from + ".." + to + " of a seed file over " + p + ".." + q);
        return splice(b, p, q, Arrays.copyOfRange(other, from, to));
    }

    /** Replaces a run of digits (or, if there is none, inserts at random) with an edge-case number. */
    private byte[] hugeNumber(byte[] b) {
        String num = HUGE[r.nextInt(HUGE.length)];
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            if (isDigit(b[i]) && (i == 0 || !isDigit(b[i - 1]))) {
                int j = i;
                while (j < b.length && isDigit(b[j])) {
                    j++;
                }
                runs.add(new int[] {i, j});
            }
        }
        if (runs.isEmpty()) {
            int p = at(b);
            log.add("insert " + num + " at " + p);
            return splice(b, p, p, num.getBytes(StandardCharsets.US_ASCII));
        }
        int[] run = runs.get(r.nextInt(runs.size()));
        log.add("number at " + run[0] + " -> " + num);
        return splice(b, run[0], run[1], num.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private byte[] field(byte[] b) {
        Field f = fields.get(r.nextInt(fields.size()));
        if (f.offset() + f.width() > b.length) {
            return truncate(b);
        }
        long v = r.nextInt(3) == 0 ? r.nextLong() : EXTREMES[r.nextInt(EXTREMES.length)];
        byte[] c = b.clone();
        for (int i = 0; i < f.width(); i++) {
            c[f.offset() + i] = (byte) (v >>> (8 * i));
        }
        log.add("field at " + f.offset() + " (" + f.width() + " bytes) = " + v);
        return c;
    }

    /** Opening brackets, many of them, optionally closed, at a random place. */
    private byte[] nest(byte[] b) {
        char open = openers.charAt(r.nextInt(openers.length()));
        char close = switch (open) {
            case '(' -> ')';
            case '[' -> ']';
            default -> '}';
        };
        int depth = new int[] {10, 65, 200, 5_000, 100_000}[r.nextInt(5)];
        boolean closed = r.nextBoolean();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(String.valueOf(open).repeat(depth).getBytes(StandardCharsets.US_ASCII));
        if (closed) {
            s.write('1');
            s.writeBytes(String.valueOf(close).repeat(depth).getBytes(StandardCharsets.US_ASCII));
        }
        int p = r.nextBoolean() ? afterOpener(b) : at(b);
        log.add("nest " + depth + " '" + open + "'" + (closed ? " closed" : "") + " at " + p);
        return splice(b, p, p, s.toByteArray());
    }

    /**
     * A position just after an existing bracket, '=' or ':', where a value may start: nesting put
     * there reaches the parser's recursion instead of failing at the first token.
     */
    private int afterOpener(byte[] b) {
        List<Integer> places = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            if (openers.indexOf(b[i]) >= 0 || b[i] == '=' || b[i] == ':') {
                places.add(i + 1);
            }
        }
        return places.isEmpty() ? at(b) : places.get(r.nextInt(places.size()));
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] with) {
        byte[] out = new byte[b.length - (to - from) + with.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(with, 0, out, from, with.length);
        System.arraycopy(b, to, out, from + with.length, b.length - to);
        return out;
    }
}
