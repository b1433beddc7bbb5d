package dev.javelin.dsl.checkpoint;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process that saves a checkpoint and dies at the {@code k}-th step of the save, the way a kill or
 * a power cut would stop it (no finally block, no cleanup): {@code CrashingSave PATH K VALUE}.
 * {@code K = 0} never dies and prints how many steps the save has.
 */
public final class CrashingSave {
    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        int k = Integer.parseInt(args[1]);
        AtomicInteger steps = new AtomicInteger();
        AtomicFiles.stepHook = step -> {
            if (steps.incrementAndGet() == k) {
                Runtime.getRuntime().halt(86);
            }
        };
        Checkpoint.save(path, state(Double.parseDouble(args[2])), Map.of("run", args[2]));
        System.out.println(steps.get());
    }

    /** Three tensors whose every element is {@code v}. */
    static Map<String, NdArray> state(double v) {
        return Map.of(
                "fc1.weight", NdArray.of(DType.F32, new long[] {2, 2}, v, v, v, v),
                "fc1.bias", NdArray.of(DType.F32, new long[] {2}, v, v),
                "adam.m.fc1.weight", NdArray.of(DType.F64, new long[] {2, 2}, v, v, v, v));
    }
}
