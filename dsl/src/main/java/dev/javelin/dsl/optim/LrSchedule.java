package dev.javelin.dsl.optim;

import dev.javelin.JavelinException;

/**
 * The learning rate of each training step, by the step's number (0 for the first step). The
 * compiled step takes the rate as an input, so a schedule changes nothing in the compiled code.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate of step {@code step} (counted from 0, across resumed runs).
     *
     * @param step the step's number
     * @return the learning rate (0 only at a cosine schedule's floor of 0)
     */
    double lr(long step);

    /**
     * The same rate at every step.
     *
     * @param lr the rate, finite and {@code > 0}
     * @return the schedule
     * @throws JavelinException if {@code lr} is not finite and positive
     */
    static LrSchedule constant(double lr) {
        checkRate("lr", lr);
        return step -> lr;
    }

    /**
     * A linear warm-up from {@code peak / warmup} to {@code peak} over the first {@code warmup}
     * steps, then a half cosine from {@code peak} down to {@code floor} at step {@code total}, and
     * {@code floor} after it.
     *
     * @param peak the highest rate, finite and {@code > 0}
     * @param warmup the number of warm-up steps, {@code 0 <= warmup <= total}
     * @param total the step at which the rate reaches {@code floor}, {@code >= 1}
     * @param floor the final rate, in {@code [0, peak]}
     * @return the schedule
     * @throws JavelinException if an argument is out of its range
     */
    static LrSchedule cosine(double peak, long warmup, long total, double floor) {
        checkRate("peak", peak);
        if (!(floor >= 0 && floor <= peak)) {
            throw new JavelinException("a cosine schedule's floor must be in [0, peak = " + peak + "], found " + floor);
        }
        if (warmup < 0 || total < 1 || warmup > total) {
            throw new JavelinException("a cosine schedule needs 0 <= warmup <= total and total >= 1, found warmup "
                    + warmup + ", total " + total);
        }
        return step -> {
            if (step < warmup) {
                return peak * (step + 1) / warmup;
            }
            if (step >= total) {
                return floor;
            }
            double progress = (double) (step - warmup) / Math.max(1, total - warmup);
            return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
        };
    }

    /**
     * {@code lr}, multiplied by {@code factor} after every {@code every} steps.
     *
     * @param lr the initial rate, finite and {@code > 0}
     * @param every the number of steps between decays, {@code >= 1}
     * @param factor the decay factor, in {@code (0, 1]}
     * @return the schedule
     * @throws JavelinException if an argument is out of its range
     */
    static LrSchedule stepDecay(double lr, long every, double factor) {
        checkRate("lr", lr);
        if (every < 1 || !(factor > 0 && factor <= 1)) {
            throw new JavelinException(
                    "a step decay needs every >= 1 and 0 < factor <= 1, found every " + every + ", factor " + factor);
        }
        return step -> lr * Math.pow(factor, step / every);
    }

    private static void checkRate(String what, double v) {
        if (!(v > 0 && Double.isFinite(v))) {
            throw new JavelinException("a learning rate's " + what + " must be a finite number > 0, found " + v);
        }
    }
}
