package dev.javelin.codegen.simd;

import dev.javelin.codegen.loops.AttentionParts;
import dev.javelin.codegen.loops.KernelBuilder;
import dev.javelin.codegen.loops.LoweringTarget;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.MemoryLayout;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the kernels of one program share: where every buffer lives in the program memory (the arena
 * first, at its planned offsets, then inputs, parameters and packed buffers, each aligned), and the
 * fields of the generated class (scratch arrays, constant arrays, int tables of heavy ops).
 */
final class ProgramContext implements LoweringTarget {
    /** A field of the generated class: {@code modifiers type name = initializer;}. */
    record Field(String modifiers, String type, String name, String initializer) {}

    private final Plan plan;
    private final MemoryLayout memory;
    private final List<Field> fields = new ArrayList<>();
    private final java.util.Map<String, double[]> constants = new java.util.LinkedHashMap<>();
    private int constantCount;
    private int tableCount;

    ProgramContext(Plan plan) {
        this.plan = plan;
        this.memory = new MemoryLayout(plan);
        if (memory.bytes() / 4 > Integer.MAX_VALUE - 16) {
            throw new UnsupportedKernelException("plan " + plan.name() + " needs " + memory.bytes()
                    + " bytes of memory; the CPU backend holds at most 8 GiB");
        }
    }

    @Override
    public MemoryLayout memory() {
        return memory;
    }

    @Override
    public Place heavy(Node n, Place out, KernelBuilder kb) {
        return new HeavyOps(this, kb).emit(n, out);
    }

    /** One call of the runtime's {@code Attention} ({@link AttentionCall}). */
    @Override
    public void attention(AttentionParts parts, Place out, KernelBuilder kb) {
        AttentionCall.emit(this, kb, parts, out);
    }

    @Override
    public Plan plan() {
        return plan;
    }

    /** The dense place of a plan buffer in the program memory. */
    @Override
    public Place place(String buffer) {
        Buffer b = plan.buffer(buffer);
        DType t = b.type().dtype();
        long[] shape = b.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
        return Place.dense(Refs.memory(t), memory.byteOffset(buffer) / JavaTypes.size(t), shape);
    }

    /** On the CPU an exp costs more than a second pass over a row in cache: see the interface. */
    @Override
    public boolean storesCostlyReductionInputs() {
        return true;
    }

    /** Scratch in the program memory, in a gap of the arena zone (see {@link MemoryLayout#scratch}). */
    @Override
    public Place scratch(DType t, long[] shape) {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        long at = memory.scratch(n * JavaTypes.size(t));
        return Place.dense(Refs.memory(t).asProduced(), at / JavaTypes.size(t), shape);
    }

    /** Elements above which a constant is written as Base64 text instead of an array literal. */
    static final int LITERAL_MAX = 64;

    /**
     * A constant array field holding {@code values} rounded to {@code t}: an array literal when
     * short, else Base64 text of its bytes decoded when the class initializes ({@code ConstantData}:
     * a static initializer holds at most 64 KiB of bytecode, a few thousand literal elements).
     */
    @Override
    public Ref constant(DType t, double[] values) {
        String name = "c" + constantCount++;
        String type = JavaTypes.type(t);
        if (values.length > LITERAL_MAX) {
            fields.add(new Field("private static final", type + "[]", name, encoded(t, values)));
            constants.put(name, values.clone());
            return new Ref(name, t, Ref.Kind.ARRAY, false);
        }
        StringBuilder init = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            init.append(i == 0 ? "" : ", ").append(JavaTypes.literal(t, values[i]));
        }
        fields.add(new Field("private static final", type + "[]", name, "{" + init + "}"));
        constants.put(name, values.clone());
        return new Ref(name, t, Ref.Kind.ARRAY, false);
    }

    /** {@code ConstantData}'s call decoding {@code values}, rounded to {@code t}, from Base64 literals. */
    static String encoded(DType t, double[] values) {
        int size = switch (t) {
            case F32, I32 -> 4;
            case F64, I64, F16, BF16 -> 8;
            case BOOL -> 1;
        };
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(values.length * size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (t) {
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
                case F16, BF16 -> b.putDouble(t.round(v));
                case I32 -> b.putInt((int) v);
                case I64 -> b.putLong((long) v);
                case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
            }
        }
        String text = java.util.Base64.getEncoder().encodeToString(b.array());
        String method = switch (t) {
            case F32 -> "floats";
            case F64, F16, BF16 -> "doubles";
            case I32 -> "ints";
            case I64 -> "longs";
            case BOOL -> "booleans";
        };
        StringBuilder call = new StringBuilder(CpuCodegen.RUNTIME + ".ConstantData." + method + "(");
        int chunk = dev.javelin.runtime.cpu.ConstantData.CHUNK;
        for (int at = 0; at < text.length(); at += chunk) {
            call.append(at == 0 ? "" : ", ")
                    .append('"')
                    .append(text, at, Math.min(text.length(), at + chunk))
                    .append('"');
        }
        return call.append(')').toString();
    }

    /** An int table field (geometry, offsets and strides of a heavy op). */
    String table(long... values) {
        String name = "g" + tableCount++;
        StringBuilder init = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            init.append(i == 0 ? "" : ", ").append(Math.toIntExact(values[i]));
        }
        fields.add(new Field("private static final", "int[]", name, "{" + init + "}"));
        return name;
    }

    @Override
    public java.util.Map<String, double[]> constants() {
        return constants;
    }

    void field(String modifiers, String type, String name, String initializer) {
        fields.add(new Field(modifiers, type, name, initializer));
    }

    List<Field> fields() {
        return fields;
    }
}
