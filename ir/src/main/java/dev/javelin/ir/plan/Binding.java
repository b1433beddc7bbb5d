package dev.javelin.ir.plan;

import dev.javelin.ir.graph.Node;

/**
 * How a run meets the outside: a graph input's name, a parameter's path or an output's name bound
 * to the buffer that holds it; an {@code assign} binds a parameter path to the buffer holding its
 * new value, copied into the parameter after the run (reads during the run see the old value).
 */
public record Binding(Role role, String name, String buffer) {
    public enum Role {
        INPUT,
        PARAMETER,
        OUTPUT,
        ASSIGN;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Binding {
        if (role == null) {
            throw new IllegalArgumentException("binding needs a role");
        }
        if (name == null || !Node.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(role.text() + " binding name must be an identifier, got '" + name + "'");
        }
        if (buffer == null || !Node.NAME.matcher(buffer).matches()) {
            throw new IllegalArgumentException(role.text() + " " + name + " must name a buffer, got '" + buffer + "'");
        }
    }
}
