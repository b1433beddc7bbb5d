package demo;

import java.util.Arrays;

/** Runs the generated facade once and checks it computed something: prints the logits, exits 1 if all zero. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        float[] x = new float[2 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) / 7f - 0.5f;
        }
        try (TinyMlpModel model = new TinyMlpModel()) {
            float[] logits = model.forward(x);
            System.out.println("tiny_mlp logits " + Arrays.toString(logits));
            if (logits.length != 2 * 4) {
                System.err.println("expected 8 logits (batch 2 x 4), found " + logits.length);
                System.exit(1);
            }
            for (float v : logits) {
                if (v != 0 && Float.isFinite(v)) {
                    return;
                }
            }
            System.err.println("the facade returned only zeros or non-finite values: its parameters were not initialized");
            System.exit(1);
        }
    }
}
