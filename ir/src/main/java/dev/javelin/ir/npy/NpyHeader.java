package dev.javelin.ir.npy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header dictionary of a {@code .npy} file, e.g. {@code {'descr': '<f4', 'fortran_order':
 * False, 'shape': (2, 3), }}: a small parser for exactly that subset of Python literal syntax.
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
    /** numpy writes one level (the shape tuple); the bound keeps a hostile header from overflowing the stack. */
    static final int MAX_NESTING = 32;

    static NpyHeader parse(String text, String source) {
        return new Reader(text, source).header();
    }

    private static final class Reader {
        private final String s;
        private final String source;
        private int i;

        Reader(String s, String source) {
            this.s = s;
            this.source = source;
        }

        private NpyException error(String what) {
            String shown = s.length() > 120 ? s.substring(0, 120) + "..." : s;
            return new NpyException(
                    source + ": malformed .npy header: " + what + " at character " + i + " of " + shown.strip());
        }

        NpyHeader header() {
            Map<String, Object> dict = new HashMap<>();
            skip();
            expect('{');
            skip();
            while (peek() != '}') {
                String key = string();
                skip();
                expect(':');
                skip();
                Object value = value(1);
                if (dict.put(key, value) != null) {
                    throw error("key '" + key + "' appears twice");
                }
                skip();
                if (peek() == ',') {
                    i++;
                    skip();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            i++;
            skip();
            if (i != s.length()) {
                throw error("unexpected text after the dictionary");
            }
            return new NpyHeader(
                    get(dict, "descr", String.class), get(dict, "fortran_order", Boolean.class), shape(dict));
        }

        private <T> T get(Map<String, Object> dict, String key, Class<T> type) {
            Object v = dict.get(key);
            if (v == null) {
                throw new NpyException(source + ": .npy header lacks the key '" + key + "'");
            }
            if (!type.isInstance(v)) {
                throw new NpyException(source + ": .npy header key '" + key + "' has the wrong kind of value: " + v);
            }
            return type.cast(v);
        }

        private long[] shape(Map<String, Object> dict) {
            List<?> dims = get(dict, "shape", List.class);
            long[] shape = new long[dims.size()];
            for (int k = 0; k < shape.length; k++) {
                if (!(dims.get(k) instanceof Long d) || d < 0) {
                    throw new NpyException(source + ": .npy shape must hold integers >= 0, found " + dims);
                }
                shape[k] = d;
            }
            return shape;
        }

        private char peek() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private Object value(int depth) {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(' || c == '[') {
                if (depth > MAX_NESTING) {
                    throw error("tuples nesting deeper than " + MAX_NESTING + " levels");
                }
                return tuple(c == '(' ? ')' : ']', depth);
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (Character.isDigit(c) || c == '-') {
                int start = i++;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i < s.length() && s.charAt(i) == 'L') {
                    i++; // Python 2 long suffix, still found in old files
                }
                try {
                    return Long.parseLong(s.substring(start, s.charAt(i - 1) == 'L' ? i - 1 : i));
                } catch (NumberFormatException e) {
                    throw error("integer out of range");
                }
            }
            throw error("expected a string, tuple, boolean or integer");
        }

        private List<Object> tuple(char close, int depth) {
            i++;
            List<Object> items = new ArrayList<>();
            skip();
            while (peek() != close) {
                items.add(value(depth + 1));
                skip();
                if (peek() == ',') {
                    i++;
                    skip();
                } else if (peek() != close) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
            i++;
            return items;
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw error("expected a quoted key");
            }
            int start = ++i;
            while (peek() != q) {
                i++;
            }
            return s.substring(start, i++);
        }
    }
}
