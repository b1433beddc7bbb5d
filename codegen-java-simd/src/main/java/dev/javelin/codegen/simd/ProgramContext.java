package dev.javelin.codegen.simd;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernels of one program share: where every buffer lives in the program memory (the arena
 * first, at its planned offsets, then inputs, parameters and packed buffers, each aligned), and the
 * fields of the generated class (scratch arrays, constant arrays, int tables of heavy ops).
 */
final class ProgramContext {
    /** Alignment of buffers placed after the arena, in bytes (a cache line). */
    static final long ALIGN = 64;

    /** A field of the generated class: {@code modifiers type name = initializer;}. */
    record Field(String modifiers, String type, String name, String initializer) {}

    private final Plan plan;
    private final Map<String, Long> byteOffsets = new LinkedHashMap<>();
    private final long memoryBytes;
    private final List<Field> fields = new ArrayList<>();
    private int scratchCount;
    private int tableCount;

    ProgramContext(Plan plan) {
        this.plan = plan;
        long end = Buffer.alignUp(plan.arenaBytes());
        for (Buffer b : plan.buffers()) {
            if (byteOffsets.containsKey(b.name())) {
                continue;
            }
            if (b.storage() == Storage.ARENA) {
                byteOffsets.put(b.name(), b.offset());
            } else {
                byteOffsets.put(b.name(), end);
                end += Math.ceilDiv(Math.max(1, b.bytes()), ALIGN) * ALIGN;
            }
        }
        this.memoryBytes = end;
        if (end / 4 > Integer.MAX_VALUE - 16) {
            throw new UnsupportedKernelException(
                    "plan " + plan.name() + " needs " + end + " bytes of memory; the CPU backend holds at most 8 GiB");
        }
    }

    Plan plan() {
        return plan;
    }

    long memoryBytes() {
        return memoryBytes;
    }

    long byteOffset(String buffer) {
        Long o = byteOffsets.get(buffer);
        if (o == null) {
            throw new UnsupportedKernelException("plan " + plan.name() + " has no buffer %" + buffer);
        }
        return o;
    }

    /** The dense place of a plan buffer as the kernel that writes it stores it. */
    Place produced(String buffer) {
        Place p = place(buffer);
        return new Place(p.ref().asProduced(), p.base(), p.shape(), p.strides());
    }

    /** The dense place of a plan buffer in the program memory. */
    Place place(String buffer) {
        Buffer b = plan.buffer(buffer);
        DType t = b.type().dtype();
        long[] shape = b.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
        return Place.dense(Ref.memory(t), byteOffset(buffer) / JavaTypes.size(t), shape);
    }

    /** A new scratch array field of {@code numel(shape)} elements. */
    Ref scratch(DType t, long[] shape) {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        String name = "t" + scratchCount++;
        String type = JavaTypes.type(t);
        fields.add(new Field("private final", type + "[]", name, "new " + type + "[" + n + "]"));
        return new Ref(name, t, Ref.Kind.ARRAY, true);
    }

    /** A constant array field holding {@code values} rounded to {@code t}. */
    Ref constant(DType t, double[] values) {
        String name = "c" + scratchCount++;
        StringBuilder init = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            init.append(i == 0 ? "" : ", ").append(JavaTypes.literal(t, values[i]));
        }
        String type = JavaTypes.type(t);
        fields.add(new Field("private static final", type + "[]", name, "{" + init + "}"));
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

    void field(String modifiers, String type, String name, String initializer) {
        fields.add(new Field(modifiers, type, name, initializer));
    }

    List<Field> fields() {
        return fields;
    }
}
