package dev.javelin.ir.plan;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plan IR: what the passes produce and both codegens consume. Kernels run in list order over
 * buffers; arena buffers sit at byte offsets in one arena of {@code arenaBytes}. A plan is for
 * concrete sizes: {@code sizes} records the size each symbolic dimension of the graph was bound to
 * when it was planned (e.g. {@code batch=64} from {@code --batch 64}), and every type in the plan
 * is static. Construction checks only that the parts are present and well-formed; {@link
 * PlanVerifier} checks every invariant.
 */
public record Plan(
        String name,
        Map<String, Long> sizes,
        long arenaBytes,
        List<Buffer> buffers,
        List<Kernel> kernels,
        List<Binding> bindings) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    public Plan {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("plan name must be an identifier, got '" + name + "'");
        }
        if (sizes == null || buffers == null || kernels == null || bindings == null) {
            throw new IllegalArgumentException("plan " + name + " needs sizes, buffers, kernels and bindings");
        }
        sizes.forEach((k, v) -> {
            if (v == null || v < 0) {
                throw new IllegalArgumentException("plan " + name + ": size of '" + k + "' must be >= 0, found " + v);
            }
        });
        sizes = Collections.unmodifiableMap(new TreeMap<>(sizes));
        buffers = List.copyOf(buffers);
        kernels = List.copyOf(kernels);
        bindings = List.copyOf(bindings);
        if (arenaBytes < 0) {
            throw new IllegalArgumentException("plan " + name + ": arena size must be >= 0, found " + arenaBytes);
        }
    }

    /** The (first) buffer of that name. */
    public Optional<Buffer> find(String bufferName) {
        return buffers.stream().filter(b -> b.name().equals(bufferName)).findFirst();
    }

    /** The buffer of that name, or an exception naming it. */
    public Buffer buffer(String bufferName) {
        return find(bufferName)
                .orElseThrow(() -> new IllegalArgumentException("plan " + name + " has no buffer %" + bufferName));
    }

    public List<Binding> bindings(Binding.Role role) {
        return bindings.stream().filter(b -> b.role() == role).toList();
    }

    /**
     * Whether {@code k} is a load-time kernel: it writes packed buffers, computed once from
     * parameters when they are loaded (the verifier checks such kernels come first).
     */
    public boolean isLoadTime(Kernel k) {
        return k.writes().stream()
                .anyMatch(w -> find(w).map(b -> b.storage() == Storage.PACKED).orElse(false));
    }

    /**
     * The parameter buffer whose memory {@link Storage#UPDATE} buffer {@code update} is written into:
     * the buffer bound to the parameter that the assign binding of {@code update} targets.
     */
    public Optional<String> updatedParameter(String update) {
        for (Binding a : bindings(Binding.Role.ASSIGN)) {
            if (a.buffer().equals(update)) {
                for (Binding p : bindings(Binding.Role.PARAMETER)) {
                    if (p.name().equals(a.name())) {
                        return Optional.of(p.buffer());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A kernel that reads buffer {@code old} after the kernel that writes {@code value} (the last
     * such, or empty): what keeps {@code value} from being written over {@code old}'s bytes.
     */
    public Optional<Kernel> readAfterWrite(String value, String old) {
        int writer = -1;
        Kernel lastReader = null;
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = kernels.get(i);
            if (k.writes().contains(value)) {
                writer = i;
            }
            if (writer >= 0 && i > writer && k.reads().contains(old)) {
                lastReader = k;
            }
        }
        return Optional.ofNullable(lastReader);
    }

    /** The buffers of the parameters some assign binding gives a new value (state that changes per run). */
    public java.util.Set<String> assignedParameterBuffers() {
        Map<String, String> parameterBuffer = new java.util.HashMap<>();
        for (Binding b : bindings(Binding.Role.PARAMETER)) {
            parameterBuffer.put(b.name(), b.buffer());
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Binding b : bindings(Binding.Role.ASSIGN)) {
            if (parameterBuffer.containsKey(b.name())) {
                out.add(parameterBuffer.get(b.name()));
            }
        }
        return out;
    }

    /** The same plan with other buffers and arena size (what memory planning changes). */
    public Plan withMemory(List<Buffer> newBuffers, long newArenaBytes) {
        return new Plan(name, sizes, newArenaBytes, newBuffers, kernels, bindings);
    }
}
