package dev.javelin.compiler.aot;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
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
import dev.javelin.compiler.aot.Sources.SourceClass;
import dev.javelin.ir.graph.SourceLoc;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.TypeElement;

/**
 * Evaluates a model's DSL method by calling the real DSL: the one semantics of the DSL, run on the
 * method's syntax tree instead of its bytecode (which does not exist yet inside javac). The subset:
 * local variables, assignments, fluent calls on DSL objects, {@code new} of DSL classes (layers),
 * static DSL calls ({@code F.softmax(...)}), static fields ({@code DType.F32}), compile-time
 * constants of any class, literals, constant arithmetic, {@code for} loops with constant bounds,
 * static helper methods of this class and of other classes compiled in the same javac run,
 * {@code return}; names resolve as javac resolves them ({@link Names}). Anything else is an {@link
 * EvalException} at its node saying what is supported; an exception the DSL throws (a shape error)
 * becomes one at the call that threw it.
 */
final class DslEvaluator {
    static final String SUBSET = "supported: local variables, assignments, calls and `new` of DSL classes, static DSL"
            + " fields, compile-time constants, literals, constant arithmetic and `?:`, `for` loops with constant"
            + " bounds, static helper methods of classes compiled in this javac run, `return`";

    private final Statics statics;
    private final SourceClass cls;
    private final Names names;

    DslEvaluator(Statics statics, SourceClass cls) {
        this.statics = statics;
        this.cls = cls;
        this.names = new Names(statics.elements, cls.unit(), cls.element());
    }

    /** Runs {@code method} with its parameters bound to {@code args} (in order); returns what it returns. */
    Object call(MethodDeclaration method, List<Object> args) {
        statics.enter(method);
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
            statics.exit();
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
            statics.step(f, "loop");
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
            case NameExpr n -> name(n, locals);
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
            case FieldAccessExpr f -> field(f, locals);
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

    private Object name(NameExpr n, Scope locals) {
        String name = n.getNameAsString();
        if (locals.has(name)) {
            return locals.get(name);
        }
        Optional<TypeElement> owner = names.staticFieldOwner(name);
        if (owner.isPresent()) {
            return statics.value(names, owner.get(), name, n);
        }
        throw new EvalException(
                n,
                "'" + name + "' is not a local variable, a parameter, or a static field of "
                        + cls.element().getSimpleName() + " or of a static import; " + SUBSET);
    }

    private Object field(FieldAccessExpr f, Scope locals) {
        Optional<TypeElement> owner = typeName(f.getScope(), locals);
        if (owner.isEmpty()) {
            throw new EvalException(
                    f.getScope(),
                    "'" + f.getScope() + "' is not a class visible here (the evaluation reads static fields of"
                            + " classes, not fields of objects); " + SUBSET);
        }
        return statics.value(names, owner.get(), f.getNameAsString(), f);
    }

    private Object construct(ObjectCreationExpr o, Scope locals) {
        if (o.getAnonymousClassBody().isPresent()) {
            throw new EvalException(o, "anonymous classes are outside the DSL subset; " + SUBSET);
        }
        String name = o.getType().getNameWithScope();
        TypeElement type = names.type(name)
                .orElseThrow(() -> new EvalException(o, "no class " + name + " is visible here; import it"));
        Class<?> c = statics.load(names, type)
                .orElseThrow(() -> new EvalException(
                        o,
                        type.getSimpleName() + " is compiled in this javac run, so it cannot be instantiated at compile"
                                + " time; build the layers it holds in a static helper method (of any class compiled"
                                + " here), or put the class in a library on the annotation processor path"));
        List<Object> args = arguments(o.getArguments(), locals);
        return Invoke.construct(o, loc(o), c, args);
    }

    private Object call(MethodCallExpr m, Scope locals) {
        List<Object> args = arguments(m.getArguments(), locals);
        String name = m.getNameAsString();
        if (m.getScope().isEmpty()) {
            if (!cls.decl().getMethodsByName(name).isEmpty()) {
                statics.step(m, "helper call");
                return call(helper(cls, m, args.size()), args);
            }
            TypeElement owner = names.staticMethodOwner(name)
                    .orElseThrow(() -> new EvalException(
                            m,
                            "no static method " + name + " in " + cls.element().getSimpleName()
                                    + " or in a static import"));
            return staticCall(owner, m, args);
        }
        Expression scope = m.getScope().get();
        Optional<TypeElement> owner = typeName(scope, locals);
        if (owner.isPresent()) {
            return staticCall(owner.get(), m, args);
        }
        Object target = expression(scope, locals);
        if (target == null) {
            throw new EvalException(scope, "this value is null");
        }
        return Invoke.call(m, loc(m), target.getClass(), target, args);
    }

    /** A static call: a helper's source when its class is compiled in this run, else the loaded class. */
    private Object staticCall(TypeElement owner, MethodCallExpr m, List<Object> args) {
        Optional<SourceClass> source = statics.source(owner, m);
        if (source.isPresent()) {
            statics.step(m, "helper call");
            return new DslEvaluator(statics, source.get()).call(helper(source.get(), m, args.size()), args);
        }
        Class<?> c = statics.load(names, owner)
                .orElseThrow(() -> new EvalException(
                        m,
                        owner.getSimpleName() + "." + m.getNameAsString() + " cannot be evaluated: "
                                + owner.getSimpleName() + " is neither compiled in this javac run nor on the"
                                + " annotation processor path; move the helper into a class compiled with the model"));
        return Invoke.call(m, loc(m), c, null, args);
    }

    private List<Object> arguments(List<Expression> exprs, Scope locals) {
        List<Object> out = new ArrayList<>();
        exprs.forEach(e -> out.add(expression(e, locals)));
        return out;
    }

    private static MethodDeclaration helper(SourceClass in, MethodCallExpr m, int arity) {
        String where = in.element().getSimpleName().toString();
        List<MethodDeclaration> found = in.decl().getMethodsByName(m.getNameAsString()).stream()
                .filter(d -> d.isStatic() && d.getParameters().size() == arity)
                .toList();
        if (found.size() != 1) {
            throw new EvalException(
                    m,
                    found.isEmpty()
                            ? "no static method " + m.getNameAsString() + " with " + arity + " parameters in " + where
                                    + " (instance methods are not evaluated; make the helper static)"
                            : "several static methods " + m.getNameAsString() + " with " + arity + " parameters in "
                                    + where + ": overloads by type are not supported; give them different names");
        }
        return found.getFirst();
    }

    /** The class {@code scope} names, or empty when it is a value (a local, a static field) or no class. */
    private Optional<TypeElement> typeName(Expression scope, Scope locals) {
        if (scope instanceof NameExpr n) {
            String name = n.getNameAsString();
            if (locals.has(name) || names.staticFieldOwner(name).isPresent()) {
                return Optional.empty();
            }
            return names.type(name);
        }
        if (scope instanceof FieldAccessExpr f && isQualifiedName(f) && !locals.has(leftmost(f))) {
            return names.type(f.toString());
        }
        return Optional.empty();
    }

    private static boolean isQualifiedName(Expression e) {
        return e instanceof NameExpr || (e instanceof FieldAccessExpr f && isQualifiedName(f.getScope()));
    }

    private static String leftmost(Expression e) {
        return e instanceof FieldAccessExpr f ? leftmost(f.getScope()) : e.toString();
    }

    /** The user's line of a DSL call: where its method name is, as javac reports it. */
    private SourceLoc loc(Node call) {
        Node at = call instanceof MethodCallExpr m ? m.getName() : call;
        return new SourceLoc(cls.fileName(), at.getBegin().map(p -> p.line).orElse(0));
    }
}
