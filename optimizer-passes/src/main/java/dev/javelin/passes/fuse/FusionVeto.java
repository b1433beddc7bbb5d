package dev.javelin.passes.fuse;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A target's say over fusion: asked about every merge the policy finds legal (before the cycle
 * check), it may refuse one that its code generator cannot generate, or not generate well, as one
 * kernel. {@link #forTarget} gives the veto of each built-in target.
 */
public interface FusionVeto {
    /** The target's name, as refusals print it ({@code java}, {@code cuda}). */
    String target();

    /** Why this target refuses {@code merge} as one kernel; empty to accept it. */
    Optional<String> refuse(Merge merge);

    /**
     * A merge the policy would make.
     *
     * @param shape the kernel the union would be
     * @param producer the nodes of the group whose values the other reads
     * @param consumer the nodes of the group that reads them
     */
    record Merge(KernelShape shape, List<Node> producer, List<Node> consumer) {
        public Merge {
            producer = List.copyOf(producer);
            consumer = List.copyOf(consumer);
        }

        /** Every node of the kernel the merge would make. */
        public List<Node> nodes() {
            List<Node> out = new ArrayList<>(producer);
            out.addAll(consumer);
            return out;
        }
    }

    /** A veto that accepts every legal merge, under the target name {@code target}. */
    static FusionVeto acceptAll(String target) {
        return new AcceptAll(target);
    }

    /** What {@link #acceptAll} returns: a value, so options holding it compare equal. */
    record AcceptAll(String target) implements FusionVeto {
        @Override
        public Optional<String> refuse(Merge merge) {
            return Optional.empty();
        }
    }

    /**
     * The veto of a built-in target: {@code java} (the CPU code generator) or {@code cuda}. Both
     * accept every merge: the two code generators build every kernel through the same loop builder
     * (codegen-common's {@code KernelBuilder}), which generates each shape fusion makes — pointwise,
     * reduction, one op with a loop nest of its own with an epilogue, a matmul prologue, the
     * multi-tensor update — and what one target lacks (CUDA: f16 and bf16 tensors) it lacks fused
     * or not, so refusing a merge would only add a kernel. Where CUDA runs a fused kernel as several
     * launches (a GEMM, then its epilogue; a matmul's prologue stored first), the kernel costs what
     * the unfused kernels would, so there is nothing to refuse there either. Attention groups are
     * the exception: the CPU runs them through the runtime's {@code Attention}, in f32 only, and
     * CUDA has no attention template yet, so it refuses them all and keeps its three kernels.
     */
    static FusionVeto forTarget(String target) {
        return switch (target) {
            case "java", "cuda" -> new BuiltIn(target);
            default ->
                throw new IllegalArgumentException("no fusion veto for target '" + target + "'; expected java or cuda");
        };
    }

    /** What {@link #forTarget} returns: a value, so options holding it compare equal. */
    record BuiltIn(String target) implements FusionVeto {
        @Override
        public Optional<String> refuse(Merge merge) {
            if (merge.shape() != KernelShape.ATTENTION) {
                return Optional.empty();
            }
            if (target.equals("cuda")) {
                return Optional.of("the CUDA backend has no attention template yet, so the scores, the softmax and"
                        + " the product stay three kernels");
            }
            for (Node n : merge.nodes()) {
                if (n.type().dtype() != DType.F32) {
                    return Optional.of("the CPU attention kernel computes in f32 only, found "
                            + n.type().dtype() + " in %" + n.name() + " (" + n.op().mnemonic() + ")");
                }
            }
            return Optional.empty();
        }
    }
}
