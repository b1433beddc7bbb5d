package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.op.MatMul;
import java.util.List;

/** A matrix product stage, rendered by {@link GemmTemplate} once the launches are grouped. */
record CudaGemm(String what, Place a, Place b, Place out, MatMul mm) implements ElementTemplate {
    @Override
    public String comment() {
        return what;
    }

    @Override
    public List<Place> reads() {
        return List.of(a, b);
    }

    @Override
    public CudaFunction render(CudaContext ctx, Epilogue epilogue) {
        return GemmTemplate.of(ctx, this, epilogue);
    }
}
