// Javelin host-execution shim: lets generated CUDA C compile as C++ with g++ and run on the CPU.
//
//   g++ -std=c++20 -O1 -pthread -DJAVELIN_HOST -Wno-unknown-pragmas -include javelin_host.h
//       -x c++ program.cu -o program
//
// Blocks run one after another; the threads of a block are real OS threads that meet at real
// barriers (__syncthreads) and exchange values through per-warp slots (__shfl_*_sync). See
// docs/cuda-host-harness.md for what this checks and what it cannot.
#pragma once

// Every system header comes first: the keyword macros below (__noinline__ in particular) must not
// reach them.
#include <linux/futex.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

// ---- CUDA declaration keywords --------------------------------------------------------------
// __shared__ is a function-local static: blocks run one at a time, so one copy per kernel is
// exactly one copy per running block, seen by all of its threads.
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static
#define __constant__
// `extern __shared__ T name[];` cannot be written in C++ (a block-scope extern needs a definition
// somewhere); HostHarness rewrites it to this before compiling: the launch's dynamic buffer.
#define JAVELIN_DYNAMIC_SHARED(T, name) T* const name = reinterpret_cast<T*>(::javelin::dynamic_shared())

// ---- built-in index variables ---------------------------------------------------------------
struct uint3 {
    unsigned x, y, z;
};
struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
inline constexpr int warpSize = 32;

// A few vector types generated code may use for wide loads; aligned as CUDA aligns them.
struct __attribute__((aligned(8))) float2 { float x, y; };
struct __attribute__((aligned(16))) float4 { float x, y, z, w; };
struct __attribute__((aligned(16))) double2 { double x, y; };
struct __attribute__((aligned(16))) int4 { int x, y, z, w; };
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }

// ---- math the CUDA device library has and the C library lacks --------------------------------
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / sqrt(x); }
template <class T>
inline T __ldg(const T* p) { return *p; }

inline unsigned __float_as_uint(float x) { return __builtin_bit_cast(unsigned, x); }
inline float __uint_as_float(unsigned x) { return __builtin_bit_cast(float, x); }
inline int __float_as_int(float x) { return __builtin_bit_cast(int, x); }
inline float __int_as_float(int x) { return __builtin_bit_cast(float, x); }
inline long long __double_as_longlong(double x) { return __builtin_bit_cast(long long, x); }
inline double __longlong_as_double(long long x) { return __builtin_bit_cast(double, x); }
inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}

// min and max: the overload set of CUDA's device library (mixed signedness goes unsigned, as
// there), so a call that is ambiguous or converts under NVRTC does the same here.
#define JAVELIN_MINMAX(A, B, R)                          \
    inline R min(A a, B b) { return (R)a < (R)b ? (R)a : (R)b; } \
    inline R max(A a, B b) { return (R)a > (R)b ? (R)a : (R)b; }
JAVELIN_MINMAX(int, int, int)
JAVELIN_MINMAX(unsigned, unsigned, unsigned)
JAVELIN_MINMAX(int, unsigned, unsigned)
JAVELIN_MINMAX(unsigned, int, unsigned)
JAVELIN_MINMAX(long, long, long)
JAVELIN_MINMAX(unsigned long, unsigned long, unsigned long)
JAVELIN_MINMAX(long long, long long, long long)
JAVELIN_MINMAX(unsigned long long, unsigned long long, unsigned long long)
JAVELIN_MINMAX(long long, unsigned long long, unsigned long long)
JAVELIN_MINMAX(unsigned long long, long long, unsigned long long)
#undef JAVELIN_MINMAX
inline float min(float a, float b) { return fminf(a, b); }
inline float max(float a, float b) { return fmaxf(a, b); }
inline double min(double a, double b) { return fmin(a, b); }
inline double max(double a, double b) { return fmax(a, b); }
inline double min(float a, double b) { return fmin(a, b); }
inline double max(float a, double b) { return fmax(a, b); }
inline double min(double a, float b) { return fmin(a, b); }
inline double max(double a, float b) { return fmax(a, b); }

// ---- atomics (scatter-add and friends): the block's threads really are concurrent -------------
template <class T>
inline T __javelin_atomic_add(T* p, T v) {
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
inline int atomicAdd(int* p, int v) { return __javelin_atomic_add(p, v); }
inline unsigned atomicAdd(unsigned* p, unsigned v) { return __javelin_atomic_add(p, v); }
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) { return __javelin_atomic_add(p, v); }
template <class F, class Bits>
inline F __javelin_atomic_add_float(F* p, F v) {
    Bits* bits = reinterpret_cast<Bits*>(p);
    Bits old = __atomic_load_n(bits, __ATOMIC_RELAXED);
    for (;;) {
        Bits next = __builtin_bit_cast(Bits, __builtin_bit_cast(F, old) + v);
        if (__atomic_compare_exchange_n(bits, &old, next, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            return __builtin_bit_cast(F, old);
        }
    }
}
inline float atomicAdd(float* p, float v) { return __javelin_atomic_add_float<float, unsigned>(p, v); }
inline double atomicAdd(double* p, double v) { return __javelin_atomic_add_float<double, unsigned long long>(p, v); }
template <class T, class Better>
inline T __javelin_atomic_keep(T* p, T v, Better better) {
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (better(v, old) && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
inline int atomicMax(int* p, int v) { return __javelin_atomic_keep(p, v, [](int a, int b) { return a > b; }); }
inline int atomicMin(int* p, int v) { return __javelin_atomic_keep(p, v, [](int a, int b) { return a < b; }); }
inline unsigned atomicMax(unsigned* p, unsigned v) {
    return __javelin_atomic_keep(p, v, [](unsigned a, unsigned b) { return a > b; });
}
inline unsigned atomicMin(unsigned* p, unsigned v) {
    return __javelin_atomic_keep(p, v, [](unsigned a, unsigned b) { return a < b; });
}
template <class T>
inline T atomicCAS(T* p, T expected, T desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    return expected;
}
template <class T>
inline T atomicExch(T* p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }
inline float atomicExch(float* p, float v) {
    return __uint_as_float(__atomic_exchange_n(reinterpret_cast<unsigned*>(p), __float_as_uint(v), __ATOMIC_RELAXED));
}
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// ---- barriers and warps -----------------------------------------------------------------------
namespace javelin {

[[noreturn]] void report_deadlock(const char* where);
long long barrier_timeout_ms();

// A barrier whose waits time out (std::barrier cannot), so a deadlocked kernel ends the program
// with a message instead of hanging CI. A thread that leaves the kernel drops out of it, so the
// threads still running never wait for one that returned early. Arrivals are one atomic word
// (expected << 32 | arrived), so exactly one thread completes each phase; waiters sleep on the
// phase word with a futex, so a completed phase wakes them without a mutex convoy (hundreds of
// threads share few cores here).
class Barrier {
public:
    using Completion = void (*)(void*);

    // Only while no thread uses the barrier (before a block starts, or in a completion step).
    void reset(unsigned participants, bool timed) {
        state_.store((unsigned long long)participants << 32, std::memory_order_relaxed);
        timed_ = timed;
    }

    // The last thread to arrive runs `completion` (if any) before it releases the others.
    void arrive_and_wait(const char* where, Completion completion = nullptr, void* context = nullptr) {
        unsigned mine = phase_.load(std::memory_order_acquire);
        unsigned long long state = state_.load(std::memory_order_relaxed);
        for (;;) {
            unsigned long long expected = state >> 32, arrived = (state & 0xffffffffu) + 1;
            unsigned long long next = arrived >= expected ? expected << 32 : expected << 32 | arrived;
            if (state_.compare_exchange_weak(state, next, std::memory_order_acq_rel)) {
                if (arrived < expected) break;
                if (completion) completion(context);
                release();
                return;
            }
        }
        wait(mine, where);
    }

    void arrive_and_drop() {
        unsigned long long state = state_.load(std::memory_order_relaxed);
        for (;;) {
            unsigned long long expected = (state >> 32) - 1, arrived = state & 0xffffffffu;
            bool completes = arrived > 0 && arrived >= expected;
            unsigned long long next = completes ? expected << 32 : expected << 32 | arrived;
            if (state_.compare_exchange_weak(state, next, std::memory_order_acq_rel)) {
                if (completes) release();
                return;
            }
        }
    }

private:
    void release() {
        phase_.fetch_add(1, std::memory_order_acq_rel);
        syscall(SYS_futex, reinterpret_cast<unsigned*>(&phase_), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
    }

    void wait(unsigned mine, const char* where) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(barrier_timeout_ms());
        while (phase_.load(std::memory_order_acquire) == mine) {
            timespec limit{}, *timeout = nullptr;
            if (timed_) {
                auto left = deadline - std::chrono::steady_clock::now();
                if (left <= std::chrono::nanoseconds::zero()) report_deadlock(where);
                auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
                limit.tv_sec = ns / 1000000000;
                limit.tv_nsec = ns % 1000000000;
                timeout = &limit;
            }
            // Sleeps only while the phase is still `mine`; wakes on release, a signal or the timeout.
            syscall(SYS_futex, reinterpret_cast<unsigned*>(&phase_), FUTEX_WAIT_PRIVATE, mine, timeout, nullptr, 0);
        }
    }

    std::atomic<unsigned long long> state_{0};
    std::atomic<unsigned> phase_{0};
    bool timed_ = true;
};
static_assert(sizeof(std::atomic<unsigned>) == sizeof(unsigned), "the futex word is the atomic's own storage");

// One warp of a running block: 32 consecutive threads by linear index, a barrier of its own and
// two sets of exchange slots, used by turns.
struct Warp {
    Barrier barrier;
    unsigned long long slot[2][32];
    unsigned size = 0;
};

inline thread_local Warp* current_warp = nullptr;
inline thread_local unsigned current_lane = 0;
inline thread_local unsigned current_turn = 0;
inline Barrier* block_barrier = nullptr;
inline char* dynamic_shared_base = nullptr;
inline char* dynamic_shared() { return dynamic_shared_base; }

// Every lane writes its value into this turn's slots, the warp meets, each lane reads its source
// lane. One barrier suffices: a lane writes the same slots again only two shuffles later, after
// the whole warp has passed the next barrier, so after every lane has read them. A source outside
// the warp (or a lane a partial warp does not have) gives the caller's own value.
template <class T>
inline T exchange(T value, unsigned source, const char* where) {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "warp shuffles move values of at most 8 bytes");
    Warp& warp = *current_warp;
    unsigned long long* slots = warp.slot[current_turn];
    current_turn ^= 1;
    unsigned long long bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    slots[current_lane] = bits;
    warp.barrier.arrive_and_wait(where);
    unsigned long long got = source < warp.size ? slots[source] : bits;
    T result;
    std::memcpy(&result, &got, sizeof(T));
    return result;
}

}  // namespace javelin

inline void __syncthreads() { javelin::block_barrier->arrive_and_wait("__syncthreads"); }
inline void __syncwarp(unsigned = 0xffffffffu) { javelin::current_warp->barrier.arrive_and_wait("__syncwarp"); }

template <class T>
inline T __shfl_sync(unsigned, T v, int src_lane, int width = warpSize) {
    unsigned lane = javelin::current_lane;
    unsigned source = lane / width * width + (unsigned)src_lane % width;
    return javelin::exchange(v, source, "__shfl_sync");
}
template <class T>
inline T __shfl_down_sync(unsigned, T v, unsigned delta, int width = warpSize) {
    unsigned lane = javelin::current_lane;
    unsigned source = lane % width + delta < (unsigned)width ? lane + delta : lane;
    return javelin::exchange(v, source, "__shfl_down_sync");
}
template <class T>
inline T __shfl_up_sync(unsigned, T v, unsigned delta, int width = warpSize) {
    unsigned lane = javelin::current_lane;
    unsigned source = lane % width >= delta ? lane - delta : lane;
    return javelin::exchange(v, source, "__shfl_up_sync");
}
template <class T>
inline T __shfl_xor_sync(unsigned, T v, int lane_mask, int width = warpSize) {
    unsigned lane = javelin::current_lane;
    unsigned source = lane ^ (unsigned)lane_mask;
    // CUDA: a lane may read earlier groups of `width` lanes but reading a later one gives its own value.
    if (source / width > lane / width || source >= 32) source = lane;
    return javelin::exchange(v, source, "__shfl_xor_sync");
}

#include "javelin_host_run.h"
