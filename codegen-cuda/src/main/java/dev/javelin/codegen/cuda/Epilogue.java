package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.Coalesce;
import dev.javelin.codegen.loops.Val;
import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * A pointwise stage that a template applies to each element it computes, in registers, before
 * anything is stored ({@link LaunchGroups} decides when that is safe). {@code storeProduct} false:
 * the template's own result is scratch that nothing else reads, so it is never stored.
 */
record Epilogue(Stage.Pointwise stage, boolean storeProduct) {
    /**
     * The stage for one element of {@code out} (the template's result, in the stage's loop order):
     * loop variable {@code d} is the C expression {@code vars[d]}, and the template's value at that
     * element is {@code value}. Only the variables the stage's indices use are declared (nvcc warns
     * about unused locals).
     */
    String print(Place out, String[] vars, String value, CudaRefs refs, String in) {
        int r = out.shape().length;
        boolean[] used = used(r);
        StringBuilder s = new StringBuilder();
        s.append(in).append("{\n");
        for (int d = 0; d < r; d++) {
            if (used[d]) {
                s.append(in)
                        .append("  const jv_idx v")
                        .append(d)
                        .append(" = ")
                        .append(vars[d])
                        .append(";\n");
            }
        }
        CudaExprPrinter p = new CudaExprPrinter(s, in + "  ", "x", refs);
        p.bind(out.at(Val.identity(r), r), value);
        List<String> names = new ArrayList<>();
        for (Stage.Store st : stage.stores()) {
            names.add(p.value(st.value()));
        }
        for (int i = 0; i < names.size(); i++) {
            Stage.Store st = stage.stores().get(i);
            s.append(in)
                    .append("  ")
                    .append(refs.store(st.ref(), st.index().text(), names.get(i)))
                    .append('\n');
        }
        s.append(in).append("}\n");
        return s.toString();
    }

    /** For a function's comment. */
    String describe() {
        return "epilogue in registers (" + stage.stores().size() + " store(s))"
                + (storeProduct ? "" : ", product not stored");
    }

    private boolean[] used(int rank) {
        List<Expr> values = stage.stores().stream().map(Stage.Store::value).toList();
        List<Affine> targets = stage.stores().stream().map(Stage.Store::index).toList();
        boolean[] used = new boolean[rank];
        for (Affine x : Coalesce.affines(values, targets)) {
            for (int d = 0; d < rank; d++) {
                used[d] |= x.coef(d) != 0;
            }
        }
        return used;
    }
}
