package dev.javelin.models;

import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.FusionVeto;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The matrix the whole-model tests run (every test model, inference and training step, fused,
 * unfused, and fused with NHWC convolutions) and the feeds of one run of a model's graph.
 */
final class ModelCases {
    private ModelCases() {}

    /** (model, train, fused, layout) with layout {@code as-written} or {@code nhwc}. */
    static Stream<Arguments> all() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (String model : new TestModels().names()) {
            for (boolean train : new boolean[] {false, true}) {
                for (boolean fused : new boolean[] {true, false}) {
                    out.add(Arguments.of(model, train, fused, "as-written"));
                }
                out.add(Arguments.of(model, train, true, "nhwc"));
            }
        }
        return out.build();
    }

    /** Verifying pass options for a case. */
    static PassOptions options(boolean fused, String layout) {
        PassOptions options =
                fused ? PassOptions.verifying() : PassOptions.verifying().withDisabled(Pipeline.FUSE);
        return layout.equals("nhwc") ? options.withConvLayout(Layout.NHWC) : options;
    }

    /** {@link #options} as the CUDA backend needs them: fused as its veto allows (no attention kernels). */
    static PassOptions cudaOptions(boolean fused, String layout) {
        return options(fused, layout).withFusionVeto(FusionVeto.forTarget("cuda"));
    }

    /**
     * The trainer's parameters, a synthetic batch (seed 11), and for a training step the learning
     * rate {@code lr} and, where the graph reads it, the step counter 4.
     */
    static Map<String, NdArray> feeds(Graph g, Trainer t, TrainingModel m, int batch, double lr) {
        Map<String, NdArray> feeds = new HashMap<>();
        for (Node p : g.parameters()) {
            feeds.put(p.name(), t.state().get(p.name()));
        }
        feeds.putAll(m.syntheticBatch(batch, 11));
        for (Node in : g.inputs()) {
            if (in.name().equals("lr")) {
                feeds.put("lr", NdArray.scalar(DType.F32, lr));
            } else if (in.name().equals("step")) {
                feeds.put("step", NdArray.ofLongs(DType.I64, new long[0], 4));
            }
        }
        return feeds;
    }
}
