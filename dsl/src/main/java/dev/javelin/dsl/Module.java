package dev.javelin.dsl;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model part with a {@code forward}. Its parameters and sub-modules are its fields (also lists
 * and arrays of them), found by reflection and named by their path the way PyTorch names them: a
 * field {@code fc1} holding a {@code Linear} gives {@code fc1.weight} and {@code fc1.bias}; list
 * elements are numbered ({@code layers.0.weight}).
 */
public abstract class Module {

    /** A module with no parameters yet; a subclass declares its parameters and sub-modules as fields. */
    public Module() {}

    /**
     * The module applied to {@code x}; parameters are used with {@code param.on(x.net())}.
     *
     * @param x the input
     * @return the output
     */
    public abstract Tensor forward(Tensor x);

    /**
     * Direct children: sub-modules and parameters by name, in order. By default the fields, found
     * by reflection; a container such as {@code Sequential} names its children itself.
     *
     * @return a new map from name to {@link Module} or {@link Param}
     */
    protected Map<String, Object> children() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = getClass(); c != null && c != Module.class; c = c.getSuperclass()) {
            chain.addFirst(c);
        }
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                Object v = read(f);
                collect(f.getName(), v, out);
            }
        }
        return out;
    }

    /**
     * Adds {@code v} under {@code name} if it is a module or parameter, or each element of a list or array.
     *
     * @param name the name, or the prefix of the elements' numbered names
     * @param v the value of a field: a module, a parameter, a list or array of them, or anything else (ignored)
     * @param out the map of children to add to
     */
    protected static void collect(String name, Object v, Map<String, Object> out) {
        switch (v) {
            case Module m -> out.put(name, m);
            case Param p -> out.put(name, p);
            case List<?> l -> {
                for (int i = 0; i < l.size(); i++) {
                    collect(name + "." + i, l.get(i), out);
                }
            }
            case Object[] a -> {
                for (int i = 0; i < a.length; i++) {
                    collect(name + "." + i, a[i], out);
                }
            }
            case null, default -> {}
        }
    }

    private Object read(Field f) {
        try {
            f.setAccessible(true);
            return f.get(this);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot read field " + f.getName() + " of module "
                            + getClass().getName() + " to find its parameters: " + e.getMessage(),
                    e);
        }
    }
}
