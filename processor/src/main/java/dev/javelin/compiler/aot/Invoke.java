package dev.javelin.compiler.aot;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import dev.javelin.ir.graph.SourceLoc;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Calls into the DSL by reflection, with Java's argument conversions (int to long or double,
 * boxing, varargs), each call located at the user's line ({@link SourceLoc#callAt}), so the graph's
 * nodes and a shape error name the model's source, not the evaluator's.
 */
final class Invoke {
    private Invoke() {}

    static Object call(MethodCallExpr m, SourceLoc loc, Class<?> c, Object target, List<Object> args) {
        for (Method method : c.getMethods()) {
            if (method.getName().equals(m.getNameAsString())
                    && (target != null || Modifier.isStatic(method.getModifiers()))) {
                Object[] a = Conversions.fit(method, args);
                if (a != null) {
                    return run(m, loc, method, () -> method.invoke(target, a));
                }
            }
        }
        throw new EvalException(
                m,
                c.getSimpleName() + " has no public " + (target == null ? "static " : "") + "method "
                        + m.getNameAsString() + " taking " + Conversions.describe(args));
    }

    static Object construct(ObjectCreationExpr o, SourceLoc loc, Class<?> c, List<Object> args) {
        for (Constructor<?> k : c.getConstructors()) {
            Object[] a = Conversions.fit(k, args);
            if (a != null) {
                return run(o, loc, k, () -> k.newInstance(a));
            }
        }
        throw new EvalException(
                o, c.getSimpleName() + " has no public constructor taking " + Conversions.describe(args));
    }

    interface Reflective {
        Object run() throws ReflectiveOperationException;
    }

    private static Object run(Node at, SourceLoc loc, Executable what, Reflective r) {
        try {
            return SourceLoc.callAt(loc, r::run);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new EvalException(at, cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } catch (ReflectiveOperationException e) {
            throw new EvalException(at, "could not call " + what + ": " + e);
        }
    }
}
