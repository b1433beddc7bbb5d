package dev.javelin.models.aot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The deployable mnist-mlp: {@code java -cp <runtime jar>:<deployable jar> ...MnistMlpAotMain
 * CHECKPOINT_DIR IMAGE.f32 LABEL OUT.f32} loads the checkpoint, classifies one 784-float image (raw
 * little-endian floats), then trains one SGD step (learning rate 0.01) on it with the given label,
 * and writes the 10 logits and the step's loss. It uses the generated facade and the runtime only.
 */
public final class MnistMlpAotMain {
    private MnistMlpAotMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: MnistMlpAotMain CHECKPOINT_DIR IMAGE.f32 LABEL OUT.f32");
            System.exit(2);
        }
        float[] image = floats(Files.readAllBytes(Path.of(args[1])));
        try (MnistMlpAotModel model = new MnistMlpAotModel()) {
            model.load(Path.of(args[0]));
            float[] logits = model.forward(image);
            float loss = model.trainStep(image, new long[] {Long.parseLong(args[2])}, 0.01f);
            ByteBuffer out = ByteBuffer.allocate(4 * logits.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            out.asFloatBuffer().put(logits).put(loss);
            Files.write(Path.of(args[3]), out.array());
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                best = logits[i] > logits[best] ? i : best;
            }
            System.out.println("digit " + best + ", loss after one training step " + loss);
        }
    }

    private static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
