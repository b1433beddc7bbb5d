package dev.javelin.ir.op;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The one declaration of an op record's text-form surface: its mnemonics and its attributes in
 * canonical order, each with how to read it from the record, and how to make the record from
 * them. Every op record holds its declaration in a {@code SCHEMA} field; the printer, the parser
 * and the list of mnemonics derive from these declarations ({@link #all()}), so adding an op is
 * its record (declaration and typing rule) plus its rules elsewhere (interpreter, autodiff,
 * lowering), and one line in {@link #all()}'s list.
 *
 * @param <T> the op record
 */
public final class OpSchema<T extends Op> {

    /** What an attribute holds, which fixes how the text form writes and reads it. */
    public enum Kind {
        /** An {@code int}: {@code axis=1}. */
        INT,
        /** A {@code long}: {@code seed=42}. */
        LONG,
        /** {@code true} or {@code false}. */
        BOOL,
        /** A {@code double} in Java syntax, or {@code nan}, {@code inf}, {@code -inf}. */
        NUMBER,
        /** A {@link DType}: {@code to=f16}. */
        DTYPE,
        /** A {@link Shape}: {@code shape=[batch,784]}. */
        SHAPE,
        /** A {@code List<Integer>}: {@code axes=[0,1]}. */
        INTS,
        /** A {@code List<Long>}: {@code stride=[1,1]}. */
        LONGS,
        /** A {@link Layout}: {@code layout=nhwc}. */
        LAYOUT,
        /** A constant's {@code double[]} values, written and read at the node's dtype. */
        VALUES
    }

    /**
     * One attribute: its name in the text form, its kind, how to read it from the record, and
     * {@code absent}: the value that is not printed and that a missing attribute takes (null when
     * the attribute is required).
     */
    public record Attribute<T>(String name, Kind kind, Function<? super T, ?> get, Object absent) {
        public boolean optional() {
            return absent != null;
        }
    }

    /**
     * What a record is made from: the mnemonic the text named (for records behind several), the
     * node's type (for ops typed by it: input, parameter, constant, iota, random), and the
     * attribute values by name, each of its attribute's kind.
     */
    public record Args(String mnemonic, TensorType type, Map<String, Object> values) {
        private Object value(String name) {
            if (!values.containsKey(name)) {
                throw new IllegalStateException("no attribute '" + name + "' was declared for " + mnemonic);
            }
            return values.get(name);
        }

        public int integer(String name) {
            return (Integer) value(name);
        }

        public long longValue(String name) {
            return (Long) value(name);
        }

        public boolean bool(String name) {
            return (Boolean) value(name);
        }

        public double number(String name) {
            return (Double) value(name);
        }

        public DType dtype(String name) {
            return (DType) value(name);
        }

        public Shape shape(String name) {
            return (Shape) value(name);
        }

        @SuppressWarnings("unchecked")
        public List<Integer> ints(String name) {
            return (List<Integer>) value(name);
        }

        @SuppressWarnings("unchecked")
        public List<Long> longs(String name) {
            return (List<Long>) value(name);
        }

        public Layout layout(String name) {
            return (Layout) value(name);
        }

        public double[] values(String name) {
            return (double[]) value(name);
        }
    }

    private final Class<T> record;
    private final List<String> mnemonics;
    private final List<Attribute<T>> attributes;
    private final Function<? super T, TensorType> typeOf;
    private final Function<Args, T> make;

    private OpSchema(
            Class<T> record,
            List<String> mnemonics,
            List<Attribute<T>> attributes,
            Function<? super T, TensorType> typeOf,
            Function<Args, T> make) {
        this.record = record;
        this.mnemonics = List.copyOf(mnemonics);
        this.attributes = List.copyOf(attributes);
        this.typeOf = typeOf;
        this.make = make;
    }

    /** Starts the declaration of {@code record}, written {@code mnemonic} in the text form. */
    public static <T extends Op> Builder<T> of(Class<T> record, String mnemonic) {
        return new Builder<>(record, List.of(mnemonic));
    }

    /** Starts the declaration of a record behind several mnemonics (one per function or kind). */
    public static <T extends Op> Builder<T> family(Class<T> record, List<String> mnemonics) {
        return new Builder<>(record, mnemonics);
    }

    public Class<T> record() {
        return record;
    }

    /** The mnemonics, in the order the text form lists them. */
    public List<String> mnemonics() {
        return mnemonics;
    }

    /** The attributes, in canonical (printing) order. */
    public List<Attribute<T>> attributes() {
        return attributes;
    }

    /**
     * The record for these arguments.
     *
     * @throws IllegalArgumentException where the record refuses the values
     */
    public T make(Args args) {
        return make.apply(args);
    }

    /** Whether the op holds its node's type (input, parameter, constant, iota, random): the text form writes it once, as the node's. */
    public boolean typedByNode() {
        return typeOf != null;
    }

    /**
     * {@code op} with every shape it holds (its shape attributes, and the type of an op typed by
     * its node) passed through {@code f}; {@code op} itself when no shape changes.
     */
    public static Op mapShapes(Op op, UnaryOperator<Shape> f) {
        return forOp(op).mapShapesOf(op, f);
    }

    private T mapShapesOf(Op op, UnaryOperator<Shape> f) {
        T t = record.cast(op);
        Map<String, Object> shapes = new HashMap<>();
        boolean changed = false;
        for (Attribute<T> a : attributes) {
            if (a.kind() == Kind.SHAPE) {
                Shape before = (Shape) a.get().apply(t);
                Shape after = f.apply(before);
                shapes.put(a.name(), after);
                changed |= !after.equals(before);
            }
        }
        TensorType type = null;
        if (typeOf != null) {
            TensorType before = typeOf.apply(t);
            type = before.withShape(f.apply(before.shape()));
            changed |= !type.equals(before);
        }
        if (!changed) {
            return t;
        }
        Map<String, Object> values = new HashMap<>();
        for (Attribute<T> a : attributes) {
            values.put(
                    a.name(),
                    shapes.containsKey(a.name())
                            ? shapes.get(a.name())
                            : a.get().apply(t));
        }
        return make(new Args(op.mnemonic(), type, values));
    }

    /** The value of attribute {@code a} of {@code op}. */
    public Object value(Attribute<T> a, Op op) {
        return a.get().apply(record.cast(op));
    }

    /** Every op's declaration, in the order the text form lists the mnemonics. */
    public static List<OpSchema<?>> all() {
        return Registry.ALL;
    }

    /** The declaration of {@code op}'s record. */
    @SuppressWarnings("unchecked")
    public static <T extends Op> OpSchema<T> forOp(T op) {
        OpSchema<?> s = Registry.BY_RECORD.get(op.getClass());
        if (s == null) {
            throw new IllegalStateException(op.getClass().getSimpleName() + " has no declaration in OpSchema.all()");
        }
        return (OpSchema<T>) s;
    }

    /** The declaration behind {@code mnemonic}; null if no op is written so. */
    public static OpSchema<?> forMnemonic(String mnemonic) {
        return Registry.BY_MNEMONIC.get(mnemonic);
    }

    /**
     * The registry, in its own class so that it is built only after every record's declaration
     * (a record's {@code SCHEMA} field refers to this class, not the other way round).
     */
    private static final class Registry {
        static final List<OpSchema<?>> ALL = List.of(
                Unary.SCHEMA,
                Binary.SCHEMA,
                Reduce.SCHEMA,
                Select.SCHEMA,
                Cast.SCHEMA,
                ArgMax.SCHEMA,
                Reshape.SCHEMA,
                Permute.SCHEMA,
                Broadcast.SCHEMA,
                Slice.SCHEMA,
                Pad.SCHEMA,
                Concat.SCHEMA,
                MatMul.SCHEMA,
                Conv2d.SCHEMA,
                Pool2d.SCHEMA,
                Conv2dBackpropInput.SCHEMA,
                Conv2dBackpropFilter.SCHEMA,
                Pool2dBackprop.SCHEMA,
                Gather.SCHEMA,
                ScatterAdd.SCHEMA,
                Iota.SCHEMA,
                RandomOp.SCHEMA,
                Input.SCHEMA,
                Parameter.SCHEMA,
                Constant.SCHEMA,
                Assign.SCHEMA);
        static final Map<Class<?>, OpSchema<?>> BY_RECORD = new HashMap<>();
        static final Map<String, OpSchema<?>> BY_MNEMONIC = new LinkedHashMap<>();

        static {
            for (OpSchema<?> s : ALL) {
                if (BY_RECORD.put(s.record(), s) != null) {
                    throw new IllegalStateException(s.record().getSimpleName() + " is declared twice");
                }
                for (String m : s.mnemonics()) {
                    if (BY_MNEMONIC.put(m, s) != null) {
                        throw new IllegalStateException("two ops are written '" + m + "'");
                    }
                }
            }
        }
    }

    /** Collects a declaration's attributes in canonical order; {@link #make} finishes it. */
    public static final class Builder<T extends Op> {
        private final Class<T> record;
        private final List<String> mnemonics;
        private final List<Attribute<T>> attributes = new ArrayList<>();
        private Function<? super T, TensorType> typeOf;

        private Builder(Class<T> record, List<String> mnemonics) {
            this.record = record;
            this.mnemonics = mnemonics;
        }

        /** Marks an op that holds its node's type ({@link #typedByNode}), read with {@code type}. */
        public Builder<T> typedByNode(Function<? super T, TensorType> type) {
            this.typeOf = type;
            return this;
        }

        /** A required attribute. */
        public Builder<T> attr(String name, Kind kind, Function<? super T, ?> get) {
            return add(new Attribute<>(name, kind, get, null));
        }

        /** An attribute that is omitted from the text when it holds {@code absent}, and takes it when missing. */
        public Builder<T> optional(String name, Kind kind, Function<? super T, ?> get, Object absent) {
            return add(new Attribute<>(name, kind, get, absent));
        }

        /**
         * The attributes of {@code other} (a forward op's, for its gradient op), read through
         * {@code part}, in {@code other}'s order.
         */
        public <U extends Op> Builder<T> attributesOf(OpSchema<U> other, Function<? super T, ? extends U> part) {
            for (Attribute<U> a : other.attributes()) {
                Function<? super U, ?> get = a.get();
                add(new Attribute<T>(a.name(), a.kind(), t -> get.apply(part.apply(t)), a.absent()));
            }
            return this;
        }

        private Builder<T> add(Attribute<T> a) {
            if (attributes.stream().anyMatch(b -> b.name().equals(a.name()))) {
                throw new IllegalStateException(
                        record.getSimpleName() + " declares attribute '" + a.name() + "' twice");
            }
            attributes.add(a);
            return this;
        }

        /** The declaration, making records with {@code make}. */
        public OpSchema<T> make(Function<Args, T> make) {
            return new OpSchema<>(record, mnemonics, attributes, typeOf, make);
        }
    }
}
