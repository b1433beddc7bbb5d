// The GPU twin of the host harness's main: the same `program MEMFILE LAUNCHFILE` protocol run on a
// real GPU through the CUDA runtime, so the shim's semantics can be checked against CUDA's on the
// same inputs (gpu_crosscheck.py). Built from the unchanged .cu:
//
//   nvcc -arch=sm_90 -DJAVELIN_HOST -include javelin_gpu.h -x cu program.cu -o program_gpu
//
// (JAVELIN_HOST here only switches on the kernel table at the end of the .cu.)
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace javelin_gpu {

struct KernelEntry {
    const char* name;
    void (*fn)(char*);
};

inline void check(cudaError_t status, const std::string& what) {
    if (status != cudaSuccess) {
        std::fprintf(stderr, "javelin-gpu: %s: %s\n", what.c_str(), cudaGetErrorString(status));
        std::exit(2);
    }
}

inline int main(int argc, char** argv, const KernelEntry* table) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s MEMFILE LAUNCHFILE\n", argv[0]);
        return 2;
    }
    FILE* file = std::fopen(argv[1], "r+b");
    FILE* launches = std::fopen(argv[2], "r");
    if (!file || !launches) {
        std::fprintf(stderr, "javelin-gpu: cannot open %s or %s\n", argv[1], argv[2]);
        return 2;
    }
    std::fseek(file, 0, SEEK_END);
    size_t size = (size_t)std::ftell(file);
    std::rewind(file);
    std::vector<char> host(size);
    if (std::fread(host.data(), 1, size, file) != size) return 2;
    char* device = nullptr;
    check(cudaMalloc(&device, size == 0 ? 1 : size), "cudaMalloc");
    check(cudaMemcpy(device, host.data(), size, cudaMemcpyHostToDevice), "copy in");
    char line[1024], name[256];
    unsigned long long v[7];
    while (std::fgets(line, sizeof line, launches)) {
        if (line[0] == '\n' || line[0] == '#') continue;
        if (std::sscanf(line, "%255s %llu %llu %llu %llu %llu %llu %llu", name, &v[0], &v[1], &v[2], &v[3], &v[4],
                    &v[5], &v[6]) != 8) {
            std::fprintf(stderr, "javelin-gpu: bad launch line: %s", line);
            return 2;
        }
        const KernelEntry* entry = table;
        while (entry->name && std::string(entry->name) != name) entry++;
        if (!entry->name) {
            std::fprintf(stderr, "javelin-gpu: unknown kernel '%s'\n", name);
            return 2;
        }
        if (v[6] > 48 * 1024) {
            check(cudaFuncSetAttribute((const void*)entry->fn, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)v[6]),
                    std::string("shared memory for ") + name);
        }
        void* args[] = {&device};
        check(cudaLaunchKernel((const void*)entry->fn, dim3(v[0], v[1], v[2]), dim3(v[3], v[4], v[5]), args,
                      (size_t)v[6], nullptr),
                std::string("launch of ") + name);
        check(cudaDeviceSynchronize(), std::string("running ") + name);
    }
    check(cudaMemcpy(host.data(), device, size, cudaMemcpyDeviceToHost), "copy out");
    std::rewind(file);
    if (std::fwrite(host.data(), 1, size, file) != size || std::fclose(file) != 0) return 2;
    return 0;
}

}  // namespace javelin_gpu

#define JAVELIN_KERNEL(name) ::javelin_gpu::KernelEntry{#name, &name},
#define JAVELIN_HOST_KERNELS(...)                                                                         \
    static const ::javelin_gpu::KernelEntry javelin_kernel_table[] = {__VA_ARGS__ {nullptr, nullptr}};  \
    int main(int argc, char** argv) { return ::javelin_gpu::main(argc, argv, javelin_kernel_table); }
