// ---- Javelin prelude: helpers every generated program may call (no #include: NVRTC compiles it alone).

// Max and min propagate NaN, as the reference interpreter (Java's Math.max) does.
__device__ __forceinline__ float jv_max(float a, float b) { return (a != a || b != b) ? a + b : fmaxf(a, b); }
__device__ __forceinline__ float jv_min(float a, float b) { return (a != a || b != b) ? a + b : fminf(a, b); }
__device__ __forceinline__ double jv_max(double a, double b) { return (a != a || b != b) ? a + b : fmax(a, b); }
__device__ __forceinline__ double jv_min(double a, double b) { return (a != a || b != b) ? a + b : fmin(a, b); }
__device__ __forceinline__ int jv_max(int a, int b) { return a > b ? a : b; }
__device__ __forceinline__ int jv_min(int a, int b) { return a < b ? a : b; }
__device__ __forceinline__ long long jv_max(long long a, long long b) { return a > b ? a : b; }
__device__ __forceinline__ long long jv_min(long long a, long long b) { return a < b ? a : b; }

// Sign keeps NaN and signed zeros (Java's Math.signum).
__device__ __forceinline__ float jv_sign(float x) { return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x); }
__device__ __forceinline__ double jv_sign(double x) { return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x); }

// exp only of a non-positive number, so no inf/inf.
__device__ __forceinline__ float jv_sigmoid(float v) {
  if (v >= 0.0f) {
    return 1.0f / (1.0f + expf(-v));
  }
  const float e = expf(v);
  return e / (1.0f + e);
}
__device__ __forceinline__ double jv_sigmoid(double v) {
  if (v >= 0.0) {
    return 1.0 / (1.0 + exp(-v));
  }
  const double e = exp(v);
  return e / (1.0 + e);
}

// C99 pow (pow(1, y) = 1 and pow(-1, +-inf) = 1, unlike Java's Math.pow).
__device__ __forceinline__ float jv_pow(float a, float b) { return powf(a, b); }
__device__ __forceinline__ double jv_pow(double a, double b) { return pow(a, b); }

// Float to integer as Java casts: NaN gives 0, out-of-range values saturate.
__device__ __forceinline__ int jv_f2i(double x) {
  return x != x ? 0 : (x >= 2147483647.0 ? 2147483647 : (x <= -2147483648.0 ? (-2147483647 - 1) : (int) x));
}
__device__ __forceinline__ long long jv_f2ll(double x) {
  return x != x ? 0LL
                : (x >= 9223372036854775807.0 ? 9223372036854775807LL
                                              : (x <= -9223372036854775808.0 ? (-9223372036854775807LL - 1)
                                                                              : (long long) x));
}

// Philox 4x32-10, the IR's recipe: word w of the block function for counter (block, offset), key seed.
__device__ __forceinline__ unsigned jv_philox_word(unsigned long long seed, unsigned long long offset,
                                                   unsigned long long block, int w) {
  unsigned c0 = (unsigned) block, c1 = (unsigned) (block >> 32);
  unsigned c2 = (unsigned) offset, c3 = (unsigned) (offset >> 32);
  unsigned k0 = (unsigned) seed, k1 = (unsigned) (seed >> 32);
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    const unsigned lo0 = 0xD2511F53u * c0, hi0 = __umulhi(0xD2511F53u, c0);
    const unsigned lo1 = 0xCD9E8D57u * c2, hi1 = __umulhi(0xCD9E8D57u, c2);
    const unsigned n0 = hi1 ^ c1 ^ k0;
    const unsigned n2 = hi0 ^ c3 ^ k1;
    c1 = lo1;
    c3 = lo0;
    c0 = n0;
    c2 = n2;
  }
  return w == 0 ? c0 : (w == 1 ? c1 : (w == 2 ? c2 : c3));
}

// Element i of a uniform [0, 1) draw.
__device__ __forceinline__ double jv_uniform(unsigned long long seed, unsigned long long offset,
                                             unsigned long long i) {
  return (double) (jv_philox_word(seed, offset, i >> 2, (int) (i & 3)) >> 8) * 0x1.0p-24;
}

// Element i of a standard normal draw (Box-Muller over a pair of words).
__device__ __forceinline__ double jv_normal(unsigned long long seed, unsigned long long offset,
                                            unsigned long long i) {
  const unsigned long long pair = i >> 1;
  const int u = (int) (pair & 1) * 2;
  const double u1 = ((double) (jv_philox_word(seed, offset, pair >> 1, u) >> 8) + 1.0) * 0x1.0p-24;
  const double u2 = (double) (jv_philox_word(seed, offset, pair >> 1, u + 1) >> 8) * 0x1.0p-24;
  const double r = sqrt(-2.0 * log(u1));
  return (i & 1) == 0 ? r * cos(6.283185307179586 * u2) : r * sin(6.283185307179586 * u2);
}

struct JvSum {
  template <typename T>
  __device__ __forceinline__ T operator()(T a, T b) const { return a + b; }
};
struct JvMax {
  template <typename T>
  __device__ __forceinline__ T operator()(T a, T b) const { return jv_max(a, b); }
};
struct JvMin {
  template <typename T>
  __device__ __forceinline__ T operator()(T a, T b) const { return jv_min(a, b); }
};

// Combines v over the block (a multiple of 32 threads): shuffles within each warp, the warps'
// results through sh (32 slots), then warp 0 again. The result is valid in thread 0. Every thread
// of the block must call it; it ends with a barrier, so sh can be reused at once.
template <typename T, typename F>
__device__ __forceinline__ T jv_block_reduce(T v, T* sh, T identity, F f) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    v = f(v, __shfl_down_sync(0xffffffffu, v, o));
  }
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  if (lane == 0) {
    sh[warp] = v;
  }
  __syncthreads();
  const int warps = (int) (blockDim.x >> 5);
  v = (int) threadIdx.x < warps ? sh[threadIdx.x] : identity;
  if (warp == 0) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      v = f(v, __shfl_down_sync(0xffffffffu, v, o));
    }
  }
  __syncthreads();
  return v;
}

// Records a failed index check in the status word (the first writer wins, roughly: a race between
// two failing threads can mix their fields, but a failure is never lost).
__device__ __forceinline__ void jv_fail(char* status, long long check, long long index, long long where,
                                        long long size) {
  long long* s = (long long*) status;
  if (s[0] == 0) {
    s[1] = index;
    s[2] = where;
    s[3] = size;
    s[0] = check;
  }
}
// ---- end of prelude
