package dev.javelin.ir.type;

import java.util.regex.Pattern;

/**
 * One dimension of a shape: a static size, or a named symbolic size (such as {@code batch}) bound
 * only when the graph runs, so a new batch size never forces a recompile.
 */
public sealed interface Dim permits Dim.Fixed, Dim.Sym {

    /** A dimension of known size, zero or more. */
    record Fixed(long size) implements Dim {
        public Fixed {
            if (size < 0) {
                throw new IllegalArgumentException("dimension size must be >= 0, got " + size);
            }
        }

        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    /** A dimension known only by name until run time; equal names mean equal sizes. */
    record Sym(String name) implements Dim {
        private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

        public Sym {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "symbolic dimension name must be an identifier ([A-Za-z_][A-Za-z0-9_]*), got '" + name + "'");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Dim of(long size) {
        return new Fixed(size);
    }

    static Dim sym(String name) {
        return new Sym(name);
    }

    default boolean isStatic() {
        return this instanceof Fixed;
    }

    /** The static size; fails for a symbolic dimension. */
    default long size() {
        if (this instanceof Fixed f) {
            return f.size();
        }
        throw new IllegalStateException("dimension '" + this + "' is symbolic, its size is known only at run time");
    }

    default boolean isOne() {
        return this instanceof Fixed f && f.size() == 1;
    }
}
