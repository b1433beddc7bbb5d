package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Place;
import java.util.List;
import java.util.function.Function;

/** A window template (convolution, its input gradient, pooling, its gradient), rendered once grouped. */
record CudaWindow(String comment, Place out, List<Place> reads, Function<Epilogue, CudaFunction> template)
        implements ElementTemplate {
    @Override
    public CudaFunction render(CudaContext ctx, Epilogue epilogue) {
        return template.apply(epilogue);
    }
}
