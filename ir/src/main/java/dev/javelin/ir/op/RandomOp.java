package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * Counter-based random numbers (Philox 4x32-10) of a float {@code type}: element {@code i} is a pure
 * function of {@code (seed, offset, i)}, so every backend draws the same numbers. The optional
 * operand is an i64 scalar offset (for example the step counter, so dropout differs per step);
 * without it the offset is 0. The exact bit recipe is {@code dev.javelin.ir.random.Philox}'s.
 */
public record RandomOp(Distribution distribution, long seed, TensorType type) implements Op {
    /** One mnemonic per distribution; typed by its node. */
    public static final OpSchema<RandomOp> SCHEMA = OpSchema.family(
                    RandomOp.class,
                    Arrays.stream(Distribution.values())
                            .map(Distribution::mnemonic)
                            .toList())
            .typedByNode(RandomOp::type)
            .attr("seed", OpSchema.Kind.LONG, RandomOp::seed)
            .make(a -> new RandomOp(
                    Arrays.stream(Distribution.values())
                            .filter(d -> d.mnemonic().equals(a.mnemonic()))
                            .findFirst()
                            .orElseThrow(),
                    a.longValue("seed"),
                    a.type()));

    public RandomOp {
        if (distribution == null || type == null) {
            throw new IllegalArgumentException("random op needs a distribution and a type");
        }
    }

    @Override
    public String mnemonic() {
        return distribution.mnemonic();
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        if (in.size() > 1) {
            throw new OpTypeError("expected 0 operands or 1 (an i64 scalar offset), found " + in.size());
        }
        if (in.size() == 1 && !in.get(0).equals(TensorType.scalar(dev.javelin.ir.type.DType.I64))) {
            throw new OpTypeError(mnemonic() + " offset must be an i64 scalar, found " + in.get(0));
        }
        Checks.floating(type, mnemonic());
        return type;
    }
}
