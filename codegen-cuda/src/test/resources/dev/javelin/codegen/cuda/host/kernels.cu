// Hand-written kernels in the style of Javelin's generated CUDA C (one `char* m` argument, no
// #include), used by the host-harness tests and compiled by nvcc in NvccContractTest. Where the
// generator bakes sizes and offsets in as constants, these read them from an int header at m[0]
// so one compile serves every test shape.

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int delta = 16; delta > 0; delta /= 2) v += __shfl_down_sync(0xffffffffu, v, delta);
    return v;
}

// header: n, x offset, y offset. y = 2.5 x + sqrt(|x|) - 1 over a grid-stride loop.
extern "C" __global__ void __launch_bounds__(256) pointwise_affine(char* __restrict__ m) {
    const int* h = (const int*)m;
    const long long n = h[0];
    const float* x = (const float*)(m + h[1]);
    float* y = (float*)(m + h[2]);
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long)blockDim.x * gridDim.x) {
        float v = __ldg(&x[i]);
        y[i] = fmaf(2.5f, v, sqrtf(fabsf(v))) - 1.0f;
    }
}

// header: rows, cols, x offset, out offset. One block per row: strided partial sums, warp
// shuffles, warp sums through shared memory, a final warp reduction.
extern "C" __global__ void __launch_bounds__(256) row_sum(char* __restrict__ m) {
    const int* h = (const int*)m;
    const int cols = h[1];
    const float* x = (const float*)(m + h[2]) + (long long)blockIdx.x * cols;
    float* out = (float*)(m + h[3]);
    __shared__ float warp_sums[32];
    float s = 0.0f;
    for (int c = (int)threadIdx.x; c < cols; c += (int)blockDim.x) s += x[c];
    s = warp_sum(s);
    const int lane = (int)threadIdx.x % warpSize;
    const int warp = (int)threadIdx.x / warpSize;
    if (lane == 0) warp_sums[warp] = s;
    __syncthreads();
    if (warp == 0) {
        const int warps = ((int)blockDim.x + warpSize - 1) / warpSize;
        s = warp_sum(lane < warps ? warp_sums[lane] : 0.0f);
        if (lane == 0) out[blockIdx.x] = s;
    }
}

// header: M, N, K, A offset, B offset, C offset. C = A B with 16x16 tiles in shared memory;
// block 16x16, grid ceil(N/16) x ceil(M/16).
extern "C" __global__ void __launch_bounds__(256) matmul_tiled(char* __restrict__ m) {
    const int* h = (const int*)m;
    const int M = h[0], N = h[1], K = h[2];
    const float* A = (const float*)(m + h[3]);
    const float* B = (const float*)(m + h[4]);
    float* C = (float*)(m + h[5]);
    __shared__ float As[16][16];
    __shared__ float Bs[16][17];
    const int tx = (int)threadIdx.x, ty = (int)threadIdx.y;
    const int row = (int)blockIdx.y * 16 + ty, col = (int)blockIdx.x * 16 + tx;
    float acc = 0.0f;
    for (int t = 0; t < K; t += 16) {
        As[ty][tx] = row < M && t + tx < K ? A[row * K + t + tx] : 0.0f;
        Bs[ty][tx] = t + ty < K && col < N ? B[(t + ty) * N + col] : 0.0f;
        __syncthreads();
#pragma unroll
        for (int k = 0; k < 16; k++) acc = fmaf(As[ty][k], Bs[k][tx], acc);
        __syncthreads();
    }
    if (row < M && col < N) C[row * N + col] = acc;
}

static __device__ long long xor_sum(long long v) {
    for (int mask = 16; mask > 0; mask >>= 1) v += __shfl_xor_sync(0xffffffffu, v, mask);
    return v;
}

// header: -, int out, unsigned out, float out, double out, long long out, int out (width 8).
// Every lane of every warp ends with its warp's total (a butterfly); the width-8 variant sums
// groups of 8 lanes.
extern "C" __global__ void butterfly(char* __restrict__ m) {
    const int* h = (const int*)m;
    const int t = (int)threadIdx.x;
    const int lane = t % warpSize;
    int vi = lane + 1;
    unsigned vu = 1u << lane;
    float vf = 0.5f * (float)lane;
    double vd = 0.25 * lane;
    for (int mask = 16; mask > 0; mask >>= 1) {
        vi += __shfl_xor_sync(0xffffffffu, vi, mask);
        vu |= __shfl_xor_sync(0xffffffffu, vu, mask);
        vf += __shfl_xor_sync(0xffffffffu, vf, mask);
        vd += __shfl_xor_sync(0xffffffffu, vd, mask);
    }
    int group = lane;
    for (int mask = 4; mask > 0; mask >>= 1) group += __shfl_xor_sync(0xffffffffu, group, mask, 8);
    ((int*)(m + h[1]))[t] = vi;
    ((unsigned*)(m + h[2]))[t] = vu;
    ((float*)(m + h[3]))[t] = vf;
    ((double*)(m + h[4]))[t] = vd;
    ((long long*)(m + h[5]))[t] = xor_sum((1LL << 40) + lane);
    ((int*)(m + h[6]))[t] = group;
}

// header: active threads per block, out offset. Threads past `active` return at once; the rest
// meet at two later barriers and read each other's shared values.
extern "C" __global__ void __launch_bounds__(128) early_exit(char* __restrict__ m) {
    const int* h = (const int*)m;
    const int active = h[0];
    float* out = (float*)(m + h[1]) + (long long)blockIdx.x * active;
    const int t = (int)threadIdx.x;
    if (t >= active) return;
    __shared__ float buf[128];
    buf[t] = (float)(t + 1000 * (int)blockIdx.x);
    __syncthreads();
    const float next = buf[(t + 1) % active];
    __syncthreads();
    buf[t] = next * 2.0f;
    __syncthreads();
    out[t] = buf[(t + active - 1) % active];
}

// header: n, in offset, out offset. Each block reverses its blockDim.x elements through dynamic
// shared memory (the launch asks for blockDim.x floats).
extern "C" __global__ void reverse_dynamic(char* __restrict__ m) {
    extern __shared__ __align__(16) float dyn[];
    const int* h = (const int*)m;
    const float* in = (const float*)(m + h[1]);
    float* out = (float*)(m + h[2]);
    const long long base = (long long)blockIdx.x * blockDim.x;
    dyn[threadIdx.x] = in[base + threadIdx.x];
    __syncthreads();
    out[base + threadIdx.x] = dyn[blockDim.x - 1 - threadIdx.x];
}

// header: -, float out (23), double out (15), long long out (8), shuffle outs (unsigned, long long,
// double, int; one per thread). Thread 0 evaluates the contract's math and bit built-ins at fixed
// arguments; every thread shuffles one value of each type down.
extern "C" __global__ void builtins(char* __restrict__ m) {
    const int* h = (const int*)m;
    float* f = (float*)(m + h[1]);
    double* d = (double*)(m + h[2]);
    long long* q = (long long*)(m + h[3]);
    const float x = 0.75f;
    const double y = 0.75;
    if (threadIdx.x == 0 && blockIdx.x == 0) {
        f[0] = expf(x); f[1] = logf(x); f[2] = sqrtf(x); f[3] = rsqrtf(x); f[4] = tanhf(x); f[5] = erff(x);
        f[6] = powf(x, 2.5f); f[7] = fabsf(-x); f[8] = fmaxf(x, NAN); f[9] = fminf(-x, x); f[10] = floorf(-x);
        f[11] = ceilf(x); f[12] = rintf(2.5f); f[13] = log1pf(x); f[14] = expm1f(x); f[15] = sinf(x);
        f[16] = cosf(x); f[17] = fmaf(x, x, x); f[18] = -INFINITY; f[19] = min(x, -x); f[20] = max(x, -x);
        f[21] = __uint_as_float(__float_as_uint(x) + 1u); f[22] = __int_as_float(__float_as_int(-x));
        d[0] = exp(y); d[1] = log(y); d[2] = sqrt(y); d[3] = tanh(y); d[4] = erf(y); d[5] = pow(y, 2.5);
        d[6] = fabs(-y); d[7] = fmax(y, -y); d[8] = fmin(y, -y); d[9] = floor(-y); d[10] = ceil(y);
        d[11] = rint(3.5); d[12] = __longlong_as_double(__double_as_longlong(y) + 1); d[13] = min(y, -y);
        d[14] = max(y, -y);
        q[0] = __umulhi(0xdeadbeefu, 0x12345678u); q[1] = min(-3, 5); q[2] = max(3u, 7u);
        q[3] = min(-(1LL << 40), 1LL); q[4] = (long long)(max(1ULL << 62, 5ULL) >> 1);
        q[5] = min(-1, 1u); // CUDA's min(int, unsigned) compares unsigned: 1
        q[6] = warpSize; q[7] = (long long)gridDim.x * blockDim.x;
    }
    const unsigned t = threadIdx.x;
    ((unsigned*)(m + h[4]))[t] = __shfl_down_sync(0xffffffffu, t * 3u, 1);
    ((long long*)(m + h[5]))[t] = __shfl_down_sync(0xffffffffu, (long long)t << 33, 2);
    ((double*)(m + h[6]))[t] = __shfl_down_sync(0xffffffffu, 0.5 * t, 31);
    ((int*)(m + h[7]))[t] = __shfl_down_sync(0xffffffffu, -(int)t, 4);
}

#ifdef JAVELIN_HOST
JAVELIN_HOST_KERNELS(JAVELIN_KERNEL(pointwise_affine) JAVELIN_KERNEL(row_sum) JAVELIN_KERNEL(matmul_tiled)
        JAVELIN_KERNEL(butterfly) JAVELIN_KERNEL(early_exit) JAVELIN_KERNEL(reverse_dynamic) JAVELIN_KERNEL(builtins))
#endif
