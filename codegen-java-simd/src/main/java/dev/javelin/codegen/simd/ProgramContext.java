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

    /** A constant array field holding {@code values} rounded to {@code t}. */
    @Override
    public Ref constant(DType t, double[] values) {
        String name = "c" + constantCount++;
        StringBuilder init = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            init.append(i == 0 ? "" : ", ").append(JavaTypes.literal(t, values[i]));
        }
        String type = JavaTypes.type(t);
        fields.add(new Field("private static final", type + "[]", name, "{" + init + "}"));
        constants.put(name, values.clone());
        return new Ref(name, t, Ref.Kind.ARRAY, false);
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
