package demo;

import dev.javelin.annotations.Input;
import dev.javelin.annotations.Model;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.nn.Linear;

/** A new user's first model: two layers, compiled by javac through Javelin's @Model processor. */
@Model(name = "tiny_mlp", inputs = @Input(name = "x", shape = {"batch", "16"}), batch = 2)
public final class TinyMlp {
    static final int HIDDEN = 32;

    private TinyMlp() {}

    public static Tensor forward(Net nn, Tensor x) {
        Tensor h = nn.module("fc1", new Linear(16, HIDDEN)).forward(x).relu();
        return nn.module("fc2", new Linear(HIDDEN, 4)).forward(h);
    }
}
