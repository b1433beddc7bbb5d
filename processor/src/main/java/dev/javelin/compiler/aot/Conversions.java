package dev.javelin.compiler.aot;

import java.lang.reflect.Array;
import java.lang.reflect.Executable;
import java.util.List;
import java.util.stream.Collectors;

/** Fitting evaluated arguments to a method's parameters as javac would: widening, boxing, varargs. */
final class Conversions {
    private Conversions() {}

    /** The arguments converted for {@code e}, or null when they do not fit its parameters. */
    static Object[] fit(Executable e, List<Object> args) {
        Class<?>[] ps = e.getParameterTypes();
        if (!e.isVarArgs() || (args.size() == ps.length && fits(ps[ps.length - 1], args.getLast()))) {
            if (args.size() != ps.length) {
                return null;
            }
            Object[] out = new Object[ps.length];
            for (int i = 0; i < ps.length; i++) {
                if (!fits(ps[i], args.get(i))) {
                    return null;
                }
                out[i] = convert(ps[i], args.get(i));
            }
            return out;
        }
        int fixed = ps.length - 1;
        if (args.size() < fixed) {
            return null;
        }
        Object[] out = new Object[ps.length];
        for (int i = 0; i < fixed; i++) {
            if (!fits(ps[i], args.get(i))) {
                return null;
            }
            out[i] = convert(ps[i], args.get(i));
        }
        Class<?> component = ps[fixed].getComponentType();
        Object rest = Array.newInstance(component, args.size() - fixed);
        for (int i = fixed; i < args.size(); i++) {
            if (!fits(component, args.get(i))) {
                return null;
            }
            Array.set(rest, i - fixed, convert(component, args.get(i)));
        }
        out[fixed] = rest;
        return out;
    }

    private static boolean fits(Class<?> p, Object v) {
        if (v == null) {
            return !p.isPrimitive();
        }
        Class<?> b = box(p);
        if (b.isInstance(v)) {
            return true;
        }
        if (v instanceof Integer) {
            return b == Long.class || b == Double.class || b == Float.class;
        }
        if (v instanceof Long) {
            return b == Double.class || b == Float.class;
        }
        return false;
    }

    private static Object convert(Class<?> p, Object v) {
        Class<?> b = box(p);
        if (v instanceof Number n && !b.isInstance(v)) {
            if (b == Long.class) {
                return n.longValue();
            }
            if (b == Double.class) {
                return n.doubleValue();
            }
            if (b == Float.class) {
                return n.floatValue();
            }
        }
        return v;
    }

    private static Class<?> box(Class<?> p) {
        if (!p.isPrimitive()) {
            return p;
        }
        return switch (p.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            default -> Character.class;
        };
    }

    static String describe(List<Object> args) {
        return args.isEmpty()
                ? "no arguments"
                : args.stream()
                        .map(a -> a == null ? "null" : a.getClass().getSimpleName())
                        .collect(Collectors.joining(", ", "(", ")"));
    }
}
