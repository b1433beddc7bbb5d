package dev.javelin.compiler.aot;

import java.util.HashMap;
import java.util.Map;

/**
 * Local variables of the evaluation, block by block: a declaration lives in its block, an
 * assignment changes the variable where it was declared (so a loop body updates the outer {@code h}).
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    boolean has(String name) {
        return vars.containsKey(name) || (parent != null && parent.has(name));
    }

    Object get(String name) {
        return vars.containsKey(name) ? vars.get(name) : parent.get(name);
    }

    void declare(String name, Object value) {
        vars.put(name, value);
    }

    void set(String name, Object value) {
        if (vars.containsKey(name)) {
            vars.put(name, value);
        } else {
            parent.set(name, value);
        }
    }
}
