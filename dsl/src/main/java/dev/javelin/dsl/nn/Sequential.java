package dev.javelin.dsl.nn;

import dev.javelin.dsl.Module;
import dev.javelin.dsl.Tensor;
import java.util.List;

/** Applies its layers in order; their parameters are named by index ({@code 0.weight}, {@code 2.bias}). */
public final class Sequential extends Module {
    private final List<Module> layers;

    /**
     * A container of {@code layers}, each fed the previous one's output.
     *
     * @param layers the layers, applied first to last
     */
    public Sequential(Module... layers) {
        this.layers = List.of(layers);
    }

    /** Its layers are named by position, {@code 0}, {@code 1}, ..., as in PyTorch. */
    @Override
    protected java.util.Map<String, Object> children() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            collect(Integer.toString(i), layers.get(i), out);
        }
        return out;
    }

    /**
     * The layers in order.
     *
     * @return an unmodifiable list
     */
    public List<Module> layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : layers) {
            x = m.forward(x);
        }
        return x;
    }
}
