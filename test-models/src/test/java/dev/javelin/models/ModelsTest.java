package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.value.NdArray;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each reference model's forward pass and training step on the interpreter. */
class ModelsTest {

    @ParameterizedTest
    @ValueSource(strings = {"two-layer-net", "mnist-mlp", "lenet5", "transformer-block"})
    void forwardAndTrainingStepRunAndTheLossFalls(String name) {
        TrainingModel m = new TestModels().create(name);
        Optimizer opt = name.equals("two-layer-net") ? Optimizer.sgd() : Optimizer.adam();
        double lr = name.equals("two-layer-net") ? 1e-6 : 1e-3;
        Trainer t = new Trainer(m, opt, 1, null, Backend.INTERPRETER);
        Map<String, NdArray> batch = m.syntheticBatch(4, 7);
        Map<String, NdArray> eval = t.evaluate(batch);
        assertEquals(4, eval.get("prediction").dim(0));
        double first = t.step(batch, lr);
        double last = first;
        for (int i = 0; i < 4; i++) {
            last = t.step(batch, lr);
        }
        assertTrue(Double.isFinite(first) && last < first, name + ": loss " + first + " -> " + last);
        assertEquals(eval.get("loss").get(0), first, Math.abs(first) * 1e-9, "eval and train see the same loss");
    }
}
