package dev.javelin.codegen.simd;

import dev.javelin.codegen.loops.AttentionParts;
import dev.javelin.codegen.loops.KernelBuilder;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.type.DType;
import java.util.Arrays;

/**
 * An attention kernel as one call of the runtime's {@code Attention}: its int table gives the sizes
 * and, for Q, the keys, V, the output and the mask, the offset and the strides the plan's buffers
 * (or the views folded into the kernel) have, so no operand is copied into another layout.
 */
final class AttentionCall {
    private AttentionCall() {}

    static void emit(ProgramContext ctx, KernelBuilder kb, AttentionParts parts, Place out) {
        long[] o = out.shape();
        int r = o.length;
        long[] batch = Arrays.copyOf(o, r - 2);
        MatMul qk = (MatMul) parts.scores().op();
        MatMul pv = (MatMul) parts.product().op();
        Place q = lift(kb.place(parts.q()), batch);
        Place k = lift(kb.place(parts.keys()), batch);
        Place v = lift(kb.place(parts.v()), batch);
        long[] scores = KernelBuilder.shape(parts.scores());
        Place mask = parts.mask().map(m -> kb.place(m).broadcast(scores)).orElse(null);
        for (Place p : new Place[] {q, k, v, out, mask}) {
            if (p != null && p.ref().dtype() != DType.F32) {
                throw new UnsupportedKernelException("the CPU attention kernel takes f32 operands only, found "
                        + p.ref().dtype().text());
            }
        }
        long[] st = q.strides();
        long[] head = {
            o[r - 2],
            scores[r - 1],
            qk.transposeA() ? q.shape()[r - 2] : q.shape()[r - 1],
            o[r - 1],
            q.base(),
            st[qk.transposeA() ? r - 1 : r - 2],
            st[qk.transposeA() ? r - 2 : r - 1],
            k.base(),
            k.strides()[qk.transposeB() ? r - 2 : r - 1],
            k.strides()[qk.transposeB() ? r - 1 : r - 2],
            v.base(),
            v.strides()[pv.transposeB() ? r - 1 : r - 2],
            v.strides()[pv.transposeB() ? r - 2 : r - 1],
            out.base(),
            out.strides()[r - 2],
            out.strides()[r - 1],
            mask == null ? 0 : mask.base(),
            mask == null ? 0 : mask.strides()[r - 2],
            mask == null ? 0 : mask.strides()[r - 1],
            r - 2
        };
        long[] table = Arrays.copyOf(head, head.length + 6 * (r - 2));
        for (int d = 0; d < r - 2; d++) {
            Place[] each = {q, k, v, out, mask};
            table[head.length + 6 * d] = o[d];
            for (int i = 0; i < each.length; i++) {
                table[head.length + 6 * d + 1 + i] = each[i] == null ? 0 : each[i].strides()[d];
            }
        }
        String g = ctx.table(table);
        String what = "%" + parts.scores().name() + " .. %" + parts.product().name() + " = attention";
        kb.add(new JavaCode(
                what,
                String.format(
                        "attn.run(%s, %s, %s, %s, %s, %s, %s);\n",
                        g,
                        JavaTypes.literal(DType.F32, parts.scale()),
                        HeavyOps.array(q),
                        HeavyOps.array(k),
                        HeavyOps.array(v),
                        mask == null ? "null" : HeavyOps.array(mask),
                        HeavyOps.array(out))));
    }

    /** {@code p} broadcast over the batch axes of the result (its own last two axes kept). */
    private static Place lift(Place p, long[] batch) {
        long[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = p.shape()[p.shape().length - 2];
        shape[batch.length + 1] = p.shape()[p.shape().length - 1];
        return p.broadcast(shape);
    }
}
