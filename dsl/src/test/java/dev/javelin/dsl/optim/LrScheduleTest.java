package dev.javelin.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.JavelinException;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
    @Test
    void cosineWarmsUpLinearlyThenFallsToItsFloor() {
        LrSchedule s = LrSchedule.cosine(1e-3, 10, 110, 1e-5);
        assertEquals(1e-4, s.lr(0), 1e-15);
        assertEquals(5e-4, s.lr(4), 1e-15);
        assertEquals(1e-3, s.lr(9), 1e-15);
        assertEquals(1e-3, s.lr(10), 1e-15);
        assertEquals(1e-5 + 0.5 * (1e-3 - 1e-5), s.lr(60), 1e-15);
        assertEquals(1e-5, s.lr(110), 1e-15);
        assertEquals(1e-5, s.lr(1000), 1e-15);
        for (long t = 10; t < 110; t++) {
            assertTrue(s.lr(t + 1) <= s.lr(t), "not decreasing at " + t);
        }
    }

    @Test
    void stepDecayAndConstant() {
        LrSchedule s = LrSchedule.stepDecay(0.1, 100, 0.5);
        assertEquals(0.1, s.lr(99), 1e-15);
        assertEquals(0.05, s.lr(100), 1e-15);
        assertEquals(0.025, s.lr(250), 1e-15);
        assertEquals(0.3, LrSchedule.constant(0.3).lr(12345));
    }

    @Test
    void badSettingsAreNamed() {
        var e = assertThrows(JavelinException.class, () -> LrSchedule.cosine(1e-3, 20, 10, 0));
        assertEquals(
                "a cosine schedule needs 0 <= warmup <= total and total >= 1, found warmup 20, total 10",
                e.getMessage());
        e = assertThrows(JavelinException.class, () -> LrSchedule.constant(Double.NaN));
        assertEquals("a learning rate's lr must be a finite number > 0, found NaN", e.getMessage());
        e = assertThrows(JavelinException.class, () -> LrSchedule.stepDecay(0.1, 0, 0.5));
        assertTrue(e.getMessage().startsWith("a step decay needs every >= 1"), e.getMessage());
    }
}
