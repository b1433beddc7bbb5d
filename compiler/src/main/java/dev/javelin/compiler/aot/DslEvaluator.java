package dev.javelin.compiler.aot;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a model's DSL method by calling the real DSL: the one semantics of the DSL, run on the
 * method's syntax tree instead of its bytecode (which does not exist yet inside javac). The subset:
 * local variables, assignments, fluent calls on DSL objects, {@code new} of DSL classes (layers),
 * static DSL calls ({@code F.softmax(...)}), static fields ({@code DType.F32}), literals, constant
 * arithmetic, {@code for} loops with constant bounds, calls to static helper methods of the same
 * class, {@code return}. Anything else is an {@link EvalException} at its node saying what is
 * supported; an exception the DSL throws (a shape error) becomes one at the call that threw it.
 */
final class DslEvaluator {
    static final String SUBSET = "supported: local variables, assignments, calls and `new` of DSL classes, static DSL"
            + " fields, literals, constant arithmetic and `?:`, `for` loops with constant bounds, static helper"
            + " methods of this class, `return`";

    private final CompilationUnit unit;
    private final TypeDeclaration<?> type;
    private final ClassLoader loader;
    private final Map<String, String> imports = new HashMap<>();
    private int depth;

    DslEvaluator(CompilationUnit unit, TypeDeclaration<?> type, ClassLoader loader) {
        this.unit = unit;
        this.type = type;
        this.loader = loader;
        for (ImportDeclaration i : unit.getImports()) {
            if (!i.isStatic() && !i.isAsterisk()) {
                imports.put(i.getName().getIdentifier(), i.getNameAsString());
            }
        }
    }

    /** Runs {@code method} with its parameters bound to {@code args} (in order); returns what it returns. */
    Object call(MethodDeclaration method, List<Object> args) {
        if (++depth > 64) {
            throw new EvalException(method, "helper calls nest more than 64 deep (recursion is not supported)");
        }
        try {
            Scope locals = new Scope(null);
            List<Parameter> ps = method.getParameters();
            for (int i = 0; i < ps.size(); i++) {
                locals.declare(ps.get(i).getNameAsString(), args.get(i));
            }
            Optional<BlockStmt> body = method.getBody();
            if (body.isEmpty()) {
                throw new EvalException(method, "method " + method.getNameAsString() + " has no body");
            }
            Object result = block(body.get(), locals);
            return result == NONE ? null : result;
        } finally {
            depth--;
        }
    }

    /** What a block returns when it falls off its end. */
    private static final Object NONE = new Object();

    private Object block(BlockStmt b, Scope locals) {
        for (Statement s : b.getStatements()) {
            Object r = statement(s, locals);
            if (r != NONE) {
                return r;
            }
        }
        return NONE;
    }

    private Object statement(Statement s, Scope locals) {
        if (s instanceof ExpressionStmt e) {
            expression(e.getExpression(), locals);
            return NONE;
        }
        if (s instanceof ReturnStmt r) {
            return r.getExpression().map(e -> expression(e, locals)).orElse(null);
        }
        if (s instanceof BlockStmt b) {
            return block(b, new Scope(locals));
        }
        if (s instanceof ForStmt f) {
            return loop(f, locals);
        }
        throw new EvalException(
                s, "this statement is outside the DSL subset Javelin evaluates at compile time; " + SUBSET);
    }

    private Object loop(ForStmt f, Scope outer) {
        Scope locals = new Scope(outer);
        f.getInitialization().forEach(e -> expression(e, locals));
        for (int iterations = 0; ; iterations++) {
            if (iterations > 100_000) {
                throw new EvalException(f, "the loop runs more than 100,000 times");
            }
            if (f.getCompare().isPresent()) {
                Object c = expression(f.getCompare().get(), locals);
                if (!(c instanceof Boolean b)) {
                    throw new EvalException(f.getCompare().get(), "the loop condition must be a constant comparison");
                }
                if (!b) {
                    return NONE;
                }
            }
            Object r = statement(f.getBody(), new Scope(locals));
            if (r != NONE) {
                return r;
            }
            f.getUpdate().forEach(e -> expression(e, locals));
        }
    }

    private Object expression(Expression e, Scope locals) {
        return switch (e) {
            case VariableDeclarationExpr v -> {
                v.getVariables()
                        .forEach(d -> locals.declare(
                                d.getNameAsString(),
                                d.getInitializer()
                                        .map(i -> expression(i, locals))
                                        .orElse(null)));
                yield null;
            }
            case AssignExpr a -> assign(a, locals);
            case NameExpr n -> {
                if (!locals.has(n.getNameAsString())) {
                    throw new EvalException(
                            n,
                            "'" + n.getNameAsString() + "' is not a local variable or parameter"
                                    + " of the model method (fields are not evaluated); " + SUBSET);
                }
                yield locals.get(n.getNameAsString());
            }
            case IntegerLiteralExpr i -> i.asNumber().intValue();
            case LongLiteralExpr l -> l.asNumber().longValue();
            case DoubleLiteralExpr d -> d.asDouble();
            case StringLiteralExpr s -> s.asString();
            case BooleanLiteralExpr b -> b.getValue();
            case EnclosedExpr p -> expression(p.getInner(), locals);
            case ConditionalExpr c -> {
                Object cond = expression(c.getCondition(), locals);
                if (!(cond instanceof Boolean b)) {
                    throw new EvalException(c.getCondition(), "the condition must be a constant boolean");
                }
                yield expression(b ? c.getThenExpr() : c.getElseExpr(), locals);
            }
            case CastExpr c -> Arithmetic.cast(c, expression(c.getExpression(), locals));
            case UnaryExpr u -> unary(u, locals);
            case BinaryExpr b ->
                Arithmetic.binary(b, expression(b.getLeft(), locals), expression(b.getRight(), locals));
            case FieldAccessExpr f -> staticField(f);
            case ObjectCreationExpr o -> construct(o, locals);
            case MethodCallExpr m -> call(m, locals);
            default ->
                throw new EvalException(
                        e,
                        "this expression is outside the DSL subset Javelin evaluates at" + " compile time; " + SUBSET);
        };
    }

    private Object assign(AssignExpr a, Scope locals) {
        if (!(a.getTarget() instanceof NameExpr n) || !locals.has(n.getNameAsString())) {
            throw new EvalException(a, "only local variables can be assigned");
        }
        Object value = expression(a.getValue(), locals);
        if (a.getOperator() != AssignExpr.Operator.ASSIGN) {
            value = Arithmetic.compound(a, locals.get(n.getNameAsString()), value);
        }
        locals.set(n.getNameAsString(), value);
        return value;
    }

    private Object unary(UnaryExpr u, Scope locals) {
        if (u.getExpression() instanceof NameExpr n
                && (u.getOperator() == UnaryExpr.Operator.POSTFIX_INCREMENT
                        || u.getOperator() == UnaryExpr.Operator.PREFIX_INCREMENT
                        || u.getOperator() == UnaryExpr.Operator.POSTFIX_DECREMENT
                        || u.getOperator() == UnaryExpr.Operator.PREFIX_DECREMENT)) {
            Object old = expression(n, locals);
            int step = u.getOperator().name().contains("INCREMENT") ? 1 : -1;
            Object now = Arithmetic.add(u, old, step);
            locals.set(n.getNameAsString(), now);
            return u.isPostfix() ? old : now;
        }
        return Arithmetic.unary(u, expression(u.getExpression(), locals));
    }

    private Object staticField(FieldAccessExpr f) {
        Class<?> c = classOf(f.getScope(), f);
        try {
            var field = c.getField(f.getNameAsString());
            if (!Modifier.isStatic(field.getModifiers())) {
                throw new EvalException(f, f.getNameAsString() + " is not a static field of " + c.getSimpleName());
            }
            return field.get(null);
        } catch (NoSuchFieldException | IllegalAccessException ex) {
            throw new EvalException(f, c.getSimpleName() + " has no public static field " + f.getNameAsString());
        }
    }

    private Object construct(ObjectCreationExpr o, Scope locals) {
        if (o.getAnonymousClassBody().isPresent()) {
            throw new EvalException(o, "anonymous classes are outside the DSL subset; " + SUBSET);
        }
        Class<?> c = resolve(o.getType().getNameWithScope(), o);
        List<Object> args = arguments(o.getArguments(), locals);
        return Invoke.construct(o, c, args);
    }

    private Object call(MethodCallExpr m, Scope locals) {
        List<Object> args = arguments(m.getArguments(), locals);
        if (m.getScope().isEmpty()) {
            MethodDeclaration helper = helper(m, args.size());
            return call(helper, args);
        }
        Expression scope = m.getScope().get();
        if (isClassName(scope, locals)) {
            return Invoke.call(m, classOf(scope, m), null, args);
        }
        Object target = expression(scope, locals);
        if (target == null) {
            throw new EvalException(scope, "this value is null");
        }
        return Invoke.call(m, target.getClass(), target, args);
    }

    private List<Object> arguments(List<Expression> exprs, Scope locals) {
        List<Object> out = new ArrayList<>();
        exprs.forEach(e -> out.add(expression(e, locals)));
        return out;
    }

    private MethodDeclaration helper(MethodCallExpr m, int arity) {
        List<MethodDeclaration> found = type.getMethodsByName(m.getNameAsString()).stream()
                .filter(d -> d.isStatic() && d.getParameters().size() == arity)
                .toList();
        if (found.size() != 1) {
            throw new EvalException(
                    m,
                    found.isEmpty()
                            ? "no static method " + m.getNameAsString() + " with " + arity + " parameters in "
                                    + type.getNameAsString()
                                    + " (only this class's static helpers can be called unqualified)"
                            : "several static methods " + m.getNameAsString() + " with " + arity + " parameters in "
                                    + type.getNameAsString() + ": overloads by type are not supported");
        }
        return found.getFirst();
    }

    private boolean isClassName(Expression scope, Scope locals) {
        if (scope instanceof NameExpr n) {
            return !locals.has(n.getNameAsString())
                    && Character.isUpperCase(n.getNameAsString().charAt(0));
        }
        // A qualified class name: dev.javelin.dsl.F (a package path, then a capitalized name).
        return scope instanceof FieldAccessExpr f
                && Character.isUpperCase(f.getNameAsString().charAt(0))
                && Character.isLowerCase(f.toString().charAt(0));
    }

    private Class<?> classOf(Expression scope, Node where) {
        return resolve(scope.toString(), where);
    }

    /** A class by simple name (imports, the same package, java.lang) or by qualified name. */
    private Class<?> resolve(String name, Node where) {
        List<String> candidates = new ArrayList<>();
        String head = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        String tail = name.contains(".") ? name.substring(name.indexOf('.')) : "";
        if (imports.containsKey(head)) {
            candidates.add(imports.get(head) + tail.replace('.', '$'));
        }
        unit.getPackageDeclaration().ifPresent(p -> candidates.add(p.getNameAsString() + "." + name));
        candidates.add("java.lang." + name);
        candidates.add(name);
        for (String c : candidates) {
            try {
                return Class.forName(c, true, loader);
            } catch (ClassNotFoundException | LinkageError ignored) {
                // Try the next reading of the name.
            }
        }
        throw new EvalException(
                where,
                "class " + name + " is not available to the compile-time evaluation (import a"
                        + " DSL class, or use a static helper of this class)");
    }

    /** Reflection with Java's argument conversions (int to long or double, boxing, varargs). */
    static final class Invoke {
        private Invoke() {}

        static Object call(MethodCallExpr m, Class<?> c, Object target, List<Object> args) {
            for (Method method : c.getMethods()) {
                if (method.getName().equals(m.getNameAsString())
                        && (target != null || Modifier.isStatic(method.getModifiers()))) {
                    Object[] a = Conversions.fit(method, args);
                    if (a != null) {
                        return run(m, method, () -> method.invoke(target, a));
                    }
                }
            }
            throw new EvalException(
                    m,
                    c.getSimpleName() + " has no public " + (target == null ? "static " : "") + "method "
                            + m.getNameAsString() + " taking " + Conversions.describe(args));
        }

        static Object construct(ObjectCreationExpr o, Class<?> c, List<Object> args) {
            for (Constructor<?> k : c.getConstructors()) {
                Object[] a = Conversions.fit(k, args);
                if (a != null) {
                    return run(o, k, () -> k.newInstance(a));
                }
            }
            throw new EvalException(
                    o, c.getSimpleName() + " has no public constructor taking " + Conversions.describe(args));
        }

        interface Reflective {
            Object run() throws ReflectiveOperationException;
        }

        private static Object run(Node at, Executable what, Reflective r) {
            try {
                return r.run();
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw new EvalException(at, cause.getMessage() == null ? cause.toString() : cause.getMessage());
            } catch (ReflectiveOperationException e) {
                throw new EvalException(at, "could not call " + what + ": " + e);
            }
        }
    }
}
