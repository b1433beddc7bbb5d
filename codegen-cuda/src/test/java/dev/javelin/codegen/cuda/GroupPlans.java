package dev.javelin.codegen.cuda;

/**
 * Small plans, one per way stages share a launch (and cases where they must not), as the compiler
 * prints them ({@code javelin compile FILE --emit-plan}), for the launch grouping tests.
 */
final class GroupPlans {
    private GroupPlans() {}

    /** A product with a bias and ReLU: the epilogue runs on the tile, the product is never stored. */
    static final String EPILOGUE = """
            plan epi {
              arena 256
              buffer %x : f32[5,7] input
              buffer %w : f32[7,9] parameter
              buffer %b : f32[9] parameter
              buffer %y : f32[5,9] arena 0
              kernel k0_matmul_add_max contraction reads(%x, %w, %b) writes(%y) flops=720 bytes_read=428 bytes_written=180 {
                %h = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[5,9]
                %bb = broadcast(%b) {shape=[5,9]} : f32[5,9]
                %a = add(%h, %bb) : f32[5,9]
                %zz = constant {values=[0.0]} : f32[5,9]
                %y = max(%a, %zz) : f32[5,9]
              }
              input x = %x
              parameter w = %w
              parameter b = %b
              output y = %y
            }
            """;

    /** A batched product that is itself an output, times another input: stored, then the epilogue. */
    static final String EPILOGUE_BATCHED_KEPT = """
            plan epi_kept {
              arena 2560
              buffer %x : f32[2,3,5,7] input
              buffer %w : f32[7,9] parameter
              buffer %z : f32[2,3,5,9] input
              buffer %h : f32[2,3,5,9] arena 0
              buffer %y : f32[2,3,5,9] arena 1280
              kernel k0_matmul_mul contraction reads(%x, %w, %z) writes(%h, %y) flops=4050 bytes_read=2172 bytes_written=2160 {
                %h = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[2,3,5,9]
                %y = mul(%h, %z) : f32[2,3,5,9]
              }
              input x = %x
              parameter w = %w
              input z = %z
              output h = %h
              output y = %y
            }
            """;

    /** {@code h + h^T}: the pointwise stage reads product elements other threads compute, so it waits. */
    static final String EPILOGUE_TRANSPOSED = """
            plan epi_transposed {
              arena 256
              buffer %x : f32[6,7] input
              buffer %w : f32[7,6] parameter
              buffer %y : f32[6,6] arena 0
              kernel k0_matmul_add contraction reads(%x, %w) writes(%y) flops=540 bytes_read=336 bytes_written=144 {
                %h = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[6,6]
                %ht = permute(%h) {perm=[1,0]} : f32[6,6]
                %y = add(%h, %ht) : f32[6,6]
              }
              input x = %x
              parameter w = %w
              output y = %y
            }
            """;

    /** A row softmax (two reductions, then a pointwise stage per row) and a mean (one row, then a scalar). */
    static final String ROWS = """
            plan rows {
              arena 3072
              buffer %x : f32[19,37] input
              buffer %y : f32[19,37] arena 0
              buffer %mean : f32[] arena 2816
              kernel k0_reduce_max_sub_exp_reduce_sum_and1 reduction reads(%x) writes(%y) flops=3515 bytes_read=2812 bytes_written=2812 {
                %m = reduce_max(%x) {axes=[1], keep_dims=true} : f32[19,1]
                %mb = broadcast(%m) {shape=[19,37]} : f32[19,37]
                %s = sub(%x, %mb) : f32[19,37]
                %e = exp(%s) : f32[19,37]
                %t = reduce_sum(%e) {axes=[1], keep_dims=true} : f32[19,1]
                %tb = broadcast(%t) {shape=[19,37]} : f32[19,37]
                %y = div(%e, %tb) : f32[19,37]
              }
              kernel k1_reduce_sum_div reduction reads(%x) writes(%mean) flops=704 bytes_read=2812 bytes_written=4 {
                %all = reduce_sum(%x) {axes=[0,1], keep_dims=false} : f32[]
                %n = constant {values=[703.0]} : f32[]
                %mean = div(%all, %n) : f32[]
              }
              input x = %x
              output y = %y
              output mean = %mean
            }
            """;

    /** Row maxima read along the other axis: every row needs every block's result. */
    static final String ROWS_ACROSS = """
            plan rows_across {
              arena 256
              buffer %x : f32[7,7] input
              buffer %y : f32[7,7] arena 0
              kernel k0_reduce_max_sub reduction reads(%x) writes(%y) flops=98 bytes_read=196 bytes_written=196 {
                %m = reduce_max(%x) {axes=[1], keep_dims=true} : f32[7,1]
                %mt = permute(%m) {perm=[1,0]} : f32[1,7]
                %mb = broadcast(%mt) {shape=[7,7]} : f32[7,7]
                %y = sub(%x, %mb) : f32[7,7]
              }
              input x = %x
              output y = %y
            }
            """;

    /** Two SGD updates and an unrelated sum: independent stages. */
    static final String RANGES = """
            plan ranges {
              arena 5632
              buffer %g1 : f32[33,37] input
              buffer %g2 : f32[37] input
              buffer %w1 : f32[33,37] parameter
              buffer %w2 : f32[37] parameter
              buffer %n1 : f32[33,37] arena 0
              buffer %n2 : f32[37] arena 5120
              buffer %norm : f32[] arena 5376
              kernel k0_mul_sub_mul_sub multi_tensor reads(%g1, %w1, %g2, %w2) writes(%n1, %n2, %norm) flops=2516 bytes_read=10064 bytes_written=5036 {
                %l1 = constant {values=[0.125]} : f32[33,37]
                %s1 = mul(%g1, %l1) : f32[33,37]
                %n1 = sub(%w1, %s1) : f32[33,37]
                %l2 = constant {values=[0.125]} : f32[37]
                %s2 = mul(%g2, %l2) : f32[37]
                %n2 = sub(%w2, %s2) : f32[37]
                %norm = reduce_sum(%g2) {axes=[0], keep_dims=false} : f32[]
              }
              input g1 = %g1
              input g2 = %g2
              parameter w1 = %w1
              parameter w2 = %w2
              output norm = %norm
              assign w1 = %n1
              assign w2 = %n2
            }
            """;

    /**
     * NHWC window templates with epilogues: a convolution with bias and ReLU, and a max-pooling
     * gradient times the activation.
     */
    static final String WINDOWS = """
            plan conv_epilogue {
              arena 5632
              buffer %x : f32[2,9,9,3] input
              buffer %w : f32[4,3,3,3] parameter
              buffer %b : f32[4] parameter
              buffer %dy : f32[2,4,4,4] input
              buffer %r : f32[2,9,9,4] arena 0
              buffer %g : f32[2,9,9,4] arena 2816
              kernel k0_conv2d_add_max convolution reads(%x, %w, %b) writes(%r) flops=36288 bytes_read=2392 bytes_written=2592 {
                %y = conv2d(%x, %w) {stride=[1,1], padding=[1,1,1,1], dilation=[1,1], groups=1, layout=nhwc} : f32[2,9,9,4]
                %bb = broadcast(%b) {shape=[2,9,9,4]} : f32[2,9,9,4]
                %a = add(%y, %bb) : f32[2,9,9,4]
                %zz = constant {values=[0.0]} : f32[2,9,9,4]
                %r = max(%a, %zz) : f32[2,9,9,4]
              }
              kernel k1_max_pool2d_backprop_mul pooling reads(%r, %dy) writes(%g) flops=1160 bytes_read=3104 bytes_written=2592 {
                %p = max_pool2d_backprop(%r, %dy) {kernel=[2,2], stride=[2,2], padding=[0,0,0,0], layout=nhwc} : f32[2,9,9,4]
                %g = mul(%p, %r) : f32[2,9,9,4]
              }
              input x = %x
              parameter w = %w
              parameter b = %b
              input dy = %dy
              output r = %r
              output g = %g
            }
            """;
}
