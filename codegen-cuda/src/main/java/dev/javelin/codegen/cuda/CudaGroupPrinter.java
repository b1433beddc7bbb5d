package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.Coalesce;
import dev.javelin.ir.kernel.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a group of stages ({@link LaunchGroups}) as one CUDA function. Rows: a grid-stride loop
 * over rows, each block running every stage for its row in turn, {@code __syncthreads()} between
 * stages, each stage in a scope of its own (a reduction as in a lone launch, a pointwise stage with
 * the block's threads striding over the row's elements). Ranges: the grid split into consecutive
 * block ranges, one per stage, each range running its stage as a lone launch would on a grid of
 * the range's size.
 */
final class CudaGroupPrinter {
    private final CudaContext ctx;

    CudaGroupPrinter(CudaContext ctx) {
        this.ctx = ctx;
    }

    CudaFunction rows(LaunchGroups.Rows g) {
        int block = 32;
        for (RowNest n : g.stages()) {
            block = Math.max(block, CudaStagePrinter.reduceBlock(n.perRow()));
        }
        CudaRefs refs = ctx.refs();
        StringBuilder body = new StringBuilder();
        List<String> parts = new ArrayList<>();
        for (int s = 0; s < g.stages().size(); s++) {
            if (g.stages().get(s).stage() instanceof Stage.Reduce r) {
                CudaStagePrinter.shared(body, r, "sh" + s + "_");
            }
        }
        body.append("  for (jv_idx k = blockIdx.x; k < ").append(g.rows()).append("; k += gridDim.x) {\n");
        for (int s = 0; s < g.stages().size(); s++) {
            RowNest n = g.stages().get(s);
            if (s > 0) {
                body.append("    __syncthreads();\n");
            }
            body.append("    {\n");
            String in = "      ";
            CudaStagePrinter.split(body, in, "k", n.sizes(), 0, n.rowLoops());
            if (n.stage() instanceof Stage.Reduce) {
                CudaStagePrinter.reduceRow(body, in, n, block, "sh" + s + "_", refs);
                parts.add(CudaStagePrinter.comment(n));
            } else {
                Stage.Pointwise p = (Stage.Pointwise) n.stage();
                body.append(in)
                        .append("for (jv_idx r = threadIdx.x; r < ")
                        .append(n.perRow())
                        .append("; r += ")
                        .append(block)
                        .append(") {\n");
                CudaStagePrinter.split(body, in + "  ", "r", n.sizes(), n.rowLoops(), n.sizes().length);
                CudaStagePrinter.stores(body, in + "  ", p, n.keep(), refs);
                body.append(in).append("}\n");
                parts.add(CudaStagePrinter.comment(p));
            }
            body.append("    }\n");
        }
        body.append("  }\n");
        String comment = g.stages().size() + " stages row by row, " + g.rows() + " rows, one block each: "
                + String.join("; ", parts);
        return new CudaFunction(
                comment, CudaStagePrinter.function(block, refs, body), ctx.rowGrid(g.rows()), 1, 1, block, 0);
    }

    CudaFunction ranges(LaunchGroups.Ranges g) {
        int block = 32;
        for (Stage st : g.stages()) {
            block = Math.max(
                    block,
                    st instanceof Stage.Reduce r
                            ? CudaStagePrinter.reduceBlock(RowNest.of(r).perRow())
                            : CudaStagePrinter.BLOCK);
        }
        CudaRefs refs = ctx.refs();
        StringBuilder body = new StringBuilder();
        List<String> parts = new ArrayList<>();
        for (int s = 0; s < g.stages().size(); s++) {
            if (g.stages().get(s) instanceof Stage.Reduce r) {
                CudaStagePrinter.shared(body, r, "sh" + s + "_");
            }
        }
        long start = 0;
        for (int s = 0; s < g.stages().size(); s++) {
            Stage st = g.stages().get(s);
            long grid = switch (st) {
                case Stage.Reduce r -> ctx.rowGrid(RowNest.of(r).rows());
                default -> ctx.grid(product(((Stage.Pointwise) st).loop()), block);
            };
            long end = start + grid;
            body.append(s == 0 ? "  if" : " else if")
                    .append(" (blockIdx.x < ")
                    .append(end)
                    .append("u) {\n");
            String index = start == 0 ? "blockIdx.x" : "(blockIdx.x - " + start + "u)";
            body.append(range(st, "sh" + s + "_", index, grid, block, refs, parts)
                            .indent(2))
                    .append("  }");
            start = end;
        }
        body.append('\n');
        String comment = g.stages().size() + " independent stages in block ranges: " + String.join("; ", parts);
        return new CudaFunction(comment, CudaStagePrinter.function(block, refs, body), start, 1, 1, block, 0);
    }

    /**
     * One stage of a block-range group, run as a lone launch would on {@code grid} blocks, this
     * block being number {@code index} of them; adds its description to {@code parts}.
     */
    private static String range(
            Stage st, String sh, String index, long grid, int block, CudaRefs refs, List<String> parts) {
        StringBuilder part = new StringBuilder();
        if (st instanceof Stage.Reduce r) {
            RowNest n = RowNest.of(r);
            part.append("  for (jv_idx k = ")
                    .append(index)
                    .append("; k < ")
                    .append(n.rows())
                    .append("; k += ")
                    .append(grid)
                    .append(") {\n");
            CudaStagePrinter.split(part, "    ", "k", n.sizes(), 0, n.rowLoops());
            CudaStagePrinter.reduceRow(part, "    ", n, block, sh, refs);
            parts.add(CudaStagePrinter.comment(n) + " on " + grid + " blocks");
        } else {
            Stage.Pointwise p = (Stage.Pointwise) st;
            Coalesce.Nest nest = CudaStagePrinter.coalesced(p);
            long[] sizes = nest.sizes();
            part.append(CudaStagePrinter.gridStride("i", product(sizes), block, index, Long.toString(grid)));
            CudaStagePrinter.split(part, "    ", "i", sizes, 0, sizes.length);
            CudaStagePrinter.stores(part, "    ", p, nest.keep(), refs);
            parts.add(CudaStagePrinter.comment(p) + " on " + grid + " blocks");
        }
        return part.append("  }\n").toString();
    }

    private static long product(long[] s) {
        return CudaStagePrinter.product(s, 0, s.length);
    }
}
