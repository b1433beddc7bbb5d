package dev.javelin.runtime;

import java.util.List;

/**
 * How a compiled CPU program uses its memory, without the IR: every buffer (a slot: name, dtype,
 * shape, byte offset in the program memory, storage: arena, input, parameter or packed), the
 * bindings of inputs, parameters, outputs and assigns to buffers, and the kernels in run order
 * (load-time kernels, which fill packed buffers from parameters, first), and the arena zone's
 * numbers.
 *
 * @param name the program's name, the graph's
 * @param memoryBytes the size of the program memory, every zone included
 * @param slots every buffer
 * @param bindings the inputs, parameters, outputs and assigns, each bound to a buffer
 * @param kernels the kernels in run order, load-time ones first
 * @param arena the arena zone's numbers
 */
public record ProgramLayout(
        String name, long memoryBytes, List<Slot> slots, List<Bind> bindings, List<Step> kernels, Arena arena) {
    /**
     * The arena zone of the memory: {@code bytes} from byte {@code offset}, holding the plan's arena
     * ({@code planned} bytes, its buffers at their planned offsets), every kernel's scratch in the
     * gaps free while it runs, and data the whole program keeps (CUDA constants). {@code lowerBound}:
     * the most bytes live during one kernel, which no placement can go below.
     *
     * @param offset the zone's first byte in the program memory
     * @param bytes the zone's size
     * @param planned the bytes of the plan's arena
     * @param lowerBound the most bytes live during one kernel
     */
    public record Arena(long offset, long bytes, long planned, long lowerBound) {}

    /**
     * A buffer of the program memory.
     *
     * @param name the buffer's name, without the {@code %}
     * @param dtype the dtype's name, such as {@code f32}
     * @param shape the dims
     * @param byteOffset the buffer's first byte in the program memory
     * @param storage where it lives: {@code arena}, {@code input}, {@code parameter} or {@code packed}
     */
    public record Slot(String name, String dtype, long[] shape, long byteOffset, String storage) {
        /**
         * The number of elements.
         *
         * @return the product of the dims
         */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /**
         * The size of one element; 1 for bool and other one-byte dtypes.
         *
         * @return the bytes per element
         */
        public int elementBytes() {
            return switch (dtype) {
                case "f64", "i64" -> 8;
                case "f32", "i32" -> 4;
                case "f16", "bf16" -> 2;
                default -> 1;
            };
        }

        /**
         * The buffer's size.
         *
         * @return the bytes it takes
         */
        public long bytes() {
            return numel() * elementBytes();
        }
    }

    /**
     * {@code role} is input, parameter, output or assign (see the plan's bindings).
     *
     * @param role the role
     * @param name the input's, parameter's or output's name
     * @param buffer the buffer's name
     */
    public record Bind(String role, String name, String buffer) {}

    /**
     * One kernel: its FLOPs and the bytes it moves (the sizes of the buffers it reads and writes,
     * each once), the two numbers that place it on a roofline.
     *
     * @param name the kernel's name
     * @param loadTime whether it runs only when parameters change (it fills a packed buffer)
     * @param flops its floating-point operations
     * @param bytes the bytes it reads and writes
     */
    public record Step(String name, boolean loadTime, long flops, long bytes) {}

    /**
     * Copies the lists, so the layout cannot change through the caller's.
     */
    public ProgramLayout {
        slots = List.copyOf(slots);
        bindings = List.copyOf(bindings);
        kernels = List.copyOf(kernels);
    }

    /**
     * The buffer named {@code buffer}.
     *
     * @param buffer the buffer's name, without the {@code %}
     * @return its slot
     * @throws IllegalArgumentException if the program has no such buffer
     */
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

    /**
     * FLOPs of one step: every kernel but the load-time ones.
     *
     * @return the FLOPs
     */
    public long stepFlops() {
        return kernels.stream()
                .filter(k -> !k.loadTime())
                .mapToLong(Step::flops)
                .sum();
    }

    /**
     * Bytes moved in one step (each kernel's reads plus writes): every kernel but the load-time ones.
     *
     * @return the bytes
     */
    public long stepBytes() {
        return kernels.stream()
                .filter(k -> !k.loadTime())
                .mapToLong(Step::bytes)
                .sum();
    }

    /**
     * Kernels of one step: every kernel but the load-time ones.
     *
     * @return the number of kernels
     */
    public int stepKernels() {
        return (int) kernels.stream().filter(k -> !k.loadTime()).count();
    }

    /**
     * The buffer bound to {@code name} in {@code role}; the error lists the names the role has.
     *
     * @param role input, parameter, output or assign
     * @param name the bound name
     * @return the buffer's slot
     * @throws IllegalArgumentException if nothing is bound to {@code name} in {@code role}
     */
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

    /**
     * The bindings of one role, in order.
     *
     * @param role input, parameter, output or assign
     * @return the bindings
     */
    public List<Bind> bindings(String role) {
        return bindings.stream().filter(b -> b.role().equals(role)).toList();
    }
}
