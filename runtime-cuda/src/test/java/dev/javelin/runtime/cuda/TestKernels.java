package dev.javelin.runtime.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Hand-written PTX for the runner's tests (the CUDA compilers are tested elsewhere), checked with
 * {@code ptxas -arch=sm_80} and {@code -arch=sm_90}. Each kernel takes the block base {@code m} as
 * its only parameter, like every generated kernel. PTX for sm_80 JIT-compiles on any newer GPU.
 */
final class TestKernels {
    private TestKernels() {}

    /**
     * {@code add_one}: {@code m[i] += 1.0f} for float index {@code i = blockIdx.x * blockDim.x +
     * threadIdx.x < 256}. {@code reverse_shared}: one block of 256 threads reverses the first 256
     * floats through 1024 bytes of dynamic shared memory, with a barrier in between.
     */
    static final String PTX = """
            .version 8.0
            .target sm_80
            .address_size 64

            .visible .entry add_one(
            	.param .u64 add_one_m
            )
            {
            	.reg .pred 	%p<2>;
            	.reg .b32 	%r<5>;
            	.reg .f32 	%f<3>;
            	.reg .b64 	%rd<5>;

            	ld.param.u64 	%rd1, [add_one_m];
            	cvta.to.global.u64 	%rd2, %rd1;
            	mov.u32 	%r1, %ctaid.x;
            	mov.u32 	%r2, %ntid.x;
            	mov.u32 	%r3, %tid.x;
            	mad.lo.s32 	%r4, %r1, %r2, %r3;
            	setp.ge.s32 	%p1, %r4, 256;
            	@%p1 bra 	$L_done;
            	mul.wide.s32 	%rd3, %r4, 4;
            	add.s64 	%rd4, %rd2, %rd3;
            	ld.global.f32 	%f1, [%rd4];
            	add.f32 	%f2, %f1, 0f3F800000;
            	st.global.f32 	[%rd4], %f2;
            $L_done:
            	ret;
            }

            .extern .shared .align 16 .b8 dyn_smem[];

            .visible .entry reverse_shared(
            	.param .u64 reverse_shared_m
            )
            {
            	.reg .b32 	%r<6>;
            	.reg .f32 	%f<3>;
            	.reg .b64 	%rd<5>;

            	ld.param.u64 	%rd1, [reverse_shared_m];
            	cvta.to.global.u64 	%rd2, %rd1;
            	mov.u32 	%r1, %tid.x;
            	mul.wide.u32 	%rd3, %r1, 4;
            	add.s64 	%rd4, %rd2, %rd3;
            	ld.global.f32 	%f1, [%rd4];
            	mov.u32 	%r2, dyn_smem;
            	shl.b32 	%r3, %r1, 2;
            	add.s32 	%r4, %r2, %r3;
            	st.shared.f32 	[%r4], %f1;
            	bar.sync 	0;
            	sub.s32 	%r5, 1020, %r3;
            	add.s32 	%r5, %r2, %r5;
            	ld.shared.f32 	%f2, [%r5];
            	st.global.f32 	[%rd4], %f2;
            	ret;
            }
            """;

    static byte[] ptx() {
        return PTX.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    static float[] toFloats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
