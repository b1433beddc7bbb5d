// Kernels that misuse CUDA on purpose, for the harness's error reports (HostMisuseTest).

// Block 1 splits its first warp: lanes 0-15 wait at __syncthreads, lanes 16-31 at a shuffle,
// so neither barrier can ever complete: the harness must report a deadlock naming block (1,0,0).
extern "C" __global__ void split_barrier(char* __restrict__ m) {
    float v = (float)threadIdx.x;
    if (blockIdx.x == 1 && threadIdx.x < 16) {
        __syncthreads();
    } else if (blockIdx.x == 1) {
        v = __shfl_down_sync(0xffffffffu, v, 1);
    }
    ((float*)m)[blockIdx.x * blockDim.x + threadIdx.x] = v;
}

// Writes through the address stored at m[0] (a small number: a crash).
extern "C" __global__ void wild_store(char* __restrict__ m) {
    float* p = (float*)(unsigned long long)((const int*)m)[0];
    p[threadIdx.x] = 1.0f;
}

#ifdef JAVELIN_HOST
JAVELIN_HOST_KERNELS(JAVELIN_KERNEL(split_barrier) JAVELIN_KERNEL(wild_store))
#endif
