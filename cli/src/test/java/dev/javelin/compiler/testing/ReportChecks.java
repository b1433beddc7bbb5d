package dev.javelin.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

/** What every compile report must satisfy, whatever the graph: sums, counts and memory order. */
public final class ReportChecks {
    private ReportChecks() {}

    public static void check(Map<String, Object> rep) {
        List<?> kernels = (List<?>) rep.get("kernels");
        assertEquals((long) kernels.size(), rep.get("kernel_count"));
        long flops = 0;
        long bytes = 0;
        for (Object o : kernels) {
            Map<?, ?> k = (Map<?, ?>) o;
            assertTrue(((String) k.get("name")).matches("k\\d+_\\w+"), k.toString());
            assertTrue(!((List<?>) k.get("nodes")).isEmpty(), k.toString());
            flops += (Long) k.get("flops");
            bytes += (Long) k.get("bytes_read") + (Long) k.get("bytes_written");
        }
        assertEquals(flops, rep.get("total_flops"));
        assertEquals(bytes, rep.get("total_bytes_moved"));
        Map<?, ?> m = (Map<?, ?>) rep.get("memory");
        long peak = (Long) m.get("peak_bytes");
        long lower = (Long) m.get("lower_bound_bytes");
        long noReuse = (Long) m.get("no_reuse_bytes");
        assertTrue(lower <= peak && peak <= noReuse, m.toString());
        assertEquals(noReuse - peak, m.get("saving_bytes"));
        double percent = noReuse == 0 ? 0 : 100.0 * (noReuse - peak) / noReuse;
        assertEquals(percent, ((Number) m.get("saving_percent")).doubleValue(), 0.005, m.toString());
    }
}
