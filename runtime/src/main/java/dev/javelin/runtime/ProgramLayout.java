package dev.javelin.runtime;

import java.util.List;

/**
 * How a compiled CPU program uses its memory, without the IR: every buffer (a slot: name, dtype,
 * shape, byte offset in the program memory, storage: arena, input, parameter or packed), the
 * bindings of inputs, parameters, outputs and assigns to buffers, and the kernels in run order
 * (load-time kernels, which fill packed buffers from parameters, first), and the arena zone's
 * numbers.
 */
public record ProgramLayout(
        String name, long memoryBytes, List<Slot> slots, List<Bind> bindings, List<Step> kernels, Arena arena) {
    /**
     * The arena zone of the memory: {@code bytes} from byte {@code offset}, holding the plan's arena
     * ({@code planned} bytes, its buffers at their planned offsets), every kernel's scratch in the
     * gaps free while it runs, and data the whole program keeps (CUDA constants). {@code lowerBound}:
     * the most bytes live during one kernel, which no placement can go below.
     */
    public record Arena(long offset, long bytes, long planned, long lowerBound) {}

    public record Slot(String name, String dtype, long[] shape, long byteOffset, String storage) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public int elementBytes() {
            return switch (dtype) {
                case "f64", "i64" -> 8;
                case "f32", "i32" -> 4;
                case "f16", "bf16" -> 2;
                default -> 1;
            };
        }

        public long bytes() {
            return numel() * elementBytes();
        }
    }

    /** {@code role} is input, parameter, output or assign (see the plan's bindings). */
    public record Bind(String role, String name, String buffer) {}

    /**
     * One kernel: its FLOPs and the bytes it moves (the sizes of the buffers it reads and writes,
     * each once), the two numbers that place it on a roofline.
     */
    public record Step(String name, boolean loadTime, long flops, long bytes) {}

    public ProgramLayout {
        slots = List.copyOf(slots);
        bindings = List.copyOf(bindings);
        kernels = List.copyOf(kernels);
    }

    public Slot slot(String buffer) {
        // Indexed: a run's feeds look slots up, and an iterator would allocate on every call.
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (s.name().equals(buffer)) {
                return s;
            }
        }
        throw new IllegalArgumentException("program " + name + " has no buffer %" + buffer);
    }

    /** FLOPs of one step: every kernel but the load-time ones. */
    public long stepFlops() {
        return kernels.stream()
                .filter(k -> !k.loadTime())
                .mapToLong(Step::flops)
                .sum();
    }

    /** Bytes moved in one step (each kernel's reads plus writes): every kernel but the load-time ones. */
    public long stepBytes() {
        return kernels.stream()
                .filter(k -> !k.loadTime())
                .mapToLong(Step::bytes)
                .sum();
    }

    /** Kernels of one step: every kernel but the load-time ones. */
    public int stepKernels() {
        return (int) kernels.stream().filter(k -> !k.loadTime()).count();
    }

    /** The buffer bound to {@code name} in {@code role}; the error lists the names the role has. */
    public Slot bound(String role, String name) {
        for (int i = 0; i < bindings.size(); i++) {
            Bind b = bindings.get(i);
            if (b.role().equals(role) && b.name().equals(name)) {
                return slot(b.buffer());
            }
        }
        throw new IllegalArgumentException("program " + this.name + " has no " + role + " '" + name + "' (" + role
                + "s: " + bindings(role).stream().map(Bind::name).toList() + ")");
    }

    public List<Bind> bindings(String role) {
        return bindings.stream().filter(b -> b.role().equals(role)).toList();
    }
}
