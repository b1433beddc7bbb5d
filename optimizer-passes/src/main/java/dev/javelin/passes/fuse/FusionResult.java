package dev.javelin.passes.fuse;

import dev.javelin.passes.lower.Partition;
import java.util.List;

/**
 * What fusion decided: the kernels, and the merges behind them.
 *
 * @param partition the groups that become kernels
 * @param target the target whose veto fusion asked
 * @param merges the merges made, in the order they were made
 * @param refusals the attention groups refused (named by their two matmuls), then the merges still
 *     refused when fusion stopped (one per pair of final groups, the first edge between them naming
 *     it), in graph order of the consumer
 */
public record FusionResult(
        Partition partition, String target, List<FusionDecision> merges, List<FusionDecision> refusals) {
    public FusionResult {
        merges = List.copyOf(merges);
        refusals = List.copyOf(refusals);
    }

    /** What {@code javelin compile --explain-fusion} prints: a heading, the refusals, then the merges. */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append("fusion for target ")
                .append(target)
                .append(": ")
                .append(partition.groups().size())
                .append(" kernels, ")
                .append(merges.size())
                .append(" merges made, ")
                .append(refusals.size())
                .append(" refused\n");
        refusals.forEach(d -> sb.append(d.text()).append('\n'));
        merges.forEach(d -> sb.append(d.text()).append('\n'));
        return sb.toString();
    }
}
