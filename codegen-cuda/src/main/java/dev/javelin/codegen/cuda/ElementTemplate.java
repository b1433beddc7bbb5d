package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Stage;
import java.util.List;

/**
 * A template stage in which one thread computes each element of the result in a register (the
 * GEMM's tile, a direct convolution's output, a pooling gradient's input element), kept unprinted
 * until the launches are grouped, so that {@link LaunchGroups} can hand it the pointwise stage
 * after it as an {@link Epilogue}.
 */
interface ElementTemplate extends Stage.Custom {
    /** The result, in the layout of the node the template computes (the epilogue's loop order). */
    Place out();

    /** Everything the template reads. */
    List<Place> reads();

    /** The function, with {@code epilogue} applied to each element (null: just the result stored). */
    CudaFunction render(CudaContext ctx, Epilogue epilogue);
}
