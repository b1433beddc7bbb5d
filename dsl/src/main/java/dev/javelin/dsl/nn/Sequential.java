package dev.javelin.dsl.nn;

import dev.javelin.dsl.Module;
import dev.javelin.dsl.Tensor;
import java.util.List;

/** Applies its layers in order; their parameters are named by index ({@code 0.weight}, {@code 2.bias}). */
public final class Sequential extends Module {
    final List<Module> layers;

    public Sequential(Module... layers) {
        this.layers = List.of(layers);
    }

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
