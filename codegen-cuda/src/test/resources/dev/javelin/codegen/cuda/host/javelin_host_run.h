// Javelin host-execution shim, part two: launching kernels and the harness main.
//
//   program MEMFILE LAUNCHFILE
//
// MEMFILE is the program's memory block: read, handed to every kernel as `char* m`, written back
// in place after the last launch. Each LAUNCHFILE line is
//   function gridX gridY gridZ blockX blockY blockZ sharedBytes
// (blank lines and lines starting with # are skipped). Every line is checked before any runs.
// Exit status: 0 done; 2 misuse (usage, unknown function, launch beyond CUDA's limits, I/O);
// 3 deadlock; a kernel's crash re-raises its signal after naming the kernel and block.
#pragma once

// System headers: included by javelin_host.h before its keyword macros.

namespace javelin {

using KernelFn = void (*)(char*);

struct KernelEntry {
    const char* name;
    KernelFn fn;
};

struct LaunchLine {
    KernelFn fn;
    std::string name;
    dim3 grid, block;
    unsigned long long shared;
};

// What is running, for the deadlock and crash messages; written only while the workers are parked.
inline char running[256] = "no kernel";

inline long long barrier_timeout_ms() {
    static const long long ms = [] {
        const char* env = std::getenv("JAVELIN_HOST_BARRIER_TIMEOUT_MS");
        long long value = env ? std::atoll(env) : 0;
        return value > 0 ? value : 20000LL;
    }();
    return ms;
}

[[noreturn]] inline void report_deadlock(const char* where) {
    static std::atomic_flag reported = ATOMIC_FLAG_INIT;
    if (!reported.test_and_set()) {
        std::fprintf(stderr,
                "javelin-host: deadlock: thread (%u,%u,%u) waited %lld ms in %s while running %s; some thread of the "
                "block never reached the same barrier (a barrier or shuffle under divergent control flow?)\n",
                threadIdx.x, threadIdx.y, threadIdx.z, barrier_timeout_ms(), where, running);
        std::fflush(stderr);
        _exit(3);
    }
    for (;;) pause();
}

// Several threads of a block may fault at once: the first one reports, the others wait for the
// process to die, so the report is never interleaved.
inline std::atomic<bool> fatal_reported{false};

inline void on_fatal_signal(int sig) {
    if (fatal_reported.exchange(true)) {
        for (;;) pause();
    }
    const char* what = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE" : "signal";
    const char* parts[] = {"javelin-host: ", what, " while running ", running, "\n"};
    for (const char* part : parts) {
        ssize_t ignored = write(2, part, std::strlen(part));
        (void)ignored;
    }
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

[[noreturn]] inline void misuse(const std::string& message) {
    std::fprintf(stderr, "javelin-host: %s\n", message.c_str());
    std::exit(2);
}

// The threads of one launch: created once, reused for every block of the grid. Each worker runs
// the kernel for block after block; the last to finish a block prepares the next one (fresh
// barriers, the description for messages) before the others go on.
class BlockRunner {
public:
    BlockRunner(const LaunchLine& launch, char* memory) : launch_(launch), memory_(memory) {
        threads_ = launch.block.x * launch.block.y * launch.block.z;
        blocks_ = (unsigned long long)launch.grid.x * launch.grid.y * launch.grid.z;
        warps_.resize((threads_ + 31) / 32);
        for (auto& warp : warps_) warp = std::make_unique<Warp>();
        gate_.reset(threads_, false);
    }

    void run() {
        blockDim = launch_.block;
        gridDim = launch_.grid;
        block_barrier = &block_barrier_;
        prepare(0);
        std::vector<pthread_t> ids(threads_);
        std::vector<Worker> workers(threads_);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 1 << 20);
        for (unsigned t = 0; t < threads_; t++) {
            workers[t] = {this, t};
            if (pthread_create(&ids[t], &attr, &BlockRunner::worker, &workers[t]) != 0) {
                misuse("could not start thread " + std::to_string(t) + " of " + launch_.name);
            }
        }
        pthread_attr_destroy(&attr);
        for (pthread_t id : ids) pthread_join(id, nullptr);
    }

private:
    struct Worker {
        BlockRunner* runner;
        unsigned index;
    };

    void prepare(unsigned long long block) {
        next_ = block;
        if (block == blocks_) return;
        const dim3 g = launch_.grid;
        block_ = {(unsigned)(block % g.x), (unsigned)(block / g.x % g.y), (unsigned)(block / ((unsigned long long)g.x * g.y))};
        block_barrier_.reset(threads_, true);
        for (unsigned w = 0; w < warps_.size(); w++) {
            warps_[w]->size = std::min(32u, threads_ - 32 * w);
            warps_[w]->barrier.reset(warps_[w]->size, true);
        }
        std::snprintf(running, sizeof running, "%s (grid %ux%ux%u, block %ux%ux%u), block (%u,%u,%u)",
                launch_.name.c_str(), g.x, g.y, g.z, launch_.block.x, launch_.block.y, launch_.block.z, block_.x,
                block_.y, block_.z);
    }

    static void* worker(void* arg) {
        Worker& self = *static_cast<Worker*>(arg);
        BlockRunner& runner = *self.runner;
        const dim3 b = runner.launch_.block;
        threadIdx = {self.index % b.x, self.index / b.x % b.y, self.index / (b.x * b.y)};
        Warp& warp = *runner.warps_[self.index / 32];
        current_warp = &warp;
        current_lane = self.index % 32;
        while (runner.next_ < runner.blocks_) {
            unsigned long long block = runner.next_;
            blockIdx = runner.block_;
            current_turn = 0;
            runner.launch_.fn(runner.memory_);
            // Returned (early or not): never again a participant of this block's barriers.
            warp.barrier.arrive_and_drop();
            runner.block_barrier_.arrive_and_drop();
            auto [completion, context] = next_block(runner, block + 1);
            runner.gate_.arrive_and_wait("between blocks", completion, context);
        }
        return nullptr;
    }

    struct Next {
        BlockRunner* runner;
        unsigned long long block;
    };

    // The gate's completion step: runs in the last worker to finish, while all others wait.
    static std::pair<Barrier::Completion, void*> next_block(BlockRunner& runner, unsigned long long block) {
        thread_local Next next;
        next = {&runner, block};
        return {[](void* p) { auto* n = static_cast<Next*>(p); n->runner->prepare(n->block); }, &next};
    }

    const LaunchLine& launch_;
    char* memory_;
    unsigned threads_ = 0;
    unsigned long long blocks_ = 0;
    std::vector<std::unique_ptr<Warp>> warps_;
    Barrier gate_;
    Barrier block_barrier_;
    uint3 block_{0, 0, 0};
    unsigned long long next_ = 0;
};

inline std::vector<LaunchLine> read_launches(const char* path, const KernelEntry* table) {
    FILE* file = std::fopen(path, "r");
    if (!file) misuse(std::string("cannot read launch file ") + path);
    std::vector<LaunchLine> launches;
    char line[1024];
    for (int number = 1; std::fgets(line, sizeof line, file); number++) {
        char name[256];
        long long v[7];
        if (line[0] == '\n' || line[0] == '#') continue;
        std::string where = std::string(path) + " line " + std::to_string(number);
        if (std::sscanf(line, "%255s %lld %lld %lld %lld %lld %lld %lld", name, &v[0], &v[1], &v[2], &v[3], &v[4],
                    &v[5], &v[6]) != 8) {
            misuse(where + ": expected `function gridX gridY gridZ blockX blockY blockZ sharedBytes`");
        }
        LaunchLine launch{nullptr, name, {}, {}, 0};
        std::string known;
        for (const KernelEntry* e = table; e->name; e++) {
            if (launch.name == e->name) launch.fn = e->fn;
            known += (known.empty() ? "" : ", ") + std::string(e->name);
        }
        if (!launch.fn) misuse(where + ": unknown kernel '" + launch.name + "'; this program has: " + known);
        std::string sizes = std::to_string(v[0]) + "x" + std::to_string(v[1]) + "x" + std::to_string(v[2]) +
                ", block " + std::to_string(v[3]) + "x" + std::to_string(v[4]) + "x" + std::to_string(v[5]);
        where += ": " + launch.name + " (grid " + sizes + ")";
        for (int i = 0; i < 7; i++) {
            if (v[i] < (i == 6 ? 0 : 1)) misuse(where + ": sizes must be at least 1, shared bytes at least 0");
        }
        if (v[0] > 2147483647LL || v[1] > 65535 || v[2] > 65535) misuse(where + ": CUDA allows a grid of at most 2147483647x65535x65535");
        if (v[3] > 1024 || v[4] > 1024 || v[5] > 64) misuse(where + ": CUDA allows a block of at most 1024x1024x64");
        if (v[3] * v[4] * v[5] > 1024) {
            misuse(where + ": " + std::to_string(v[3] * v[4] * v[5]) + " threads per block; CUDA allows at most 1024");
        }
        if (v[6] > 232448) misuse(where + ": " + std::to_string(v[6]) + " bytes of dynamic shared memory; no GPU has more than 232448 (227 KiB)");
        launch.grid = dim3((unsigned)v[0], (unsigned)v[1], (unsigned)v[2]);
        launch.block = dim3((unsigned)v[3], (unsigned)v[4], (unsigned)v[5]);
        launch.shared = (unsigned long long)v[6];
        launches.push_back(launch);
    }
    std::fclose(file);
    return launches;
}

inline int harness_main(int argc, char** argv, const KernelEntry* table) {
    if (argc != 3) misuse(std::string("usage: ") + argv[0] + " MEMFILE LAUNCHFILE");
    std::vector<LaunchLine> launches = read_launches(argv[2], table);
    FILE* file = std::fopen(argv[1], "r+b");
    if (!file) misuse(std::string("cannot open memory file ") + argv[1]);
    std::fseek(file, 0, SEEK_END);
    long size = std::ftell(file);
    std::rewind(file);
    // cudaMalloc aligns to 256 bytes; so does this, so the kernels' casts see the same alignment.
    size_t padded = ((size_t)size + 255) / 256 * 256;
    char* memory = static_cast<char*>(std::aligned_alloc(256, padded == 0 ? 256 : padded));
    if (size > 0 && std::fread(memory, 1, (size_t)size, file) != (size_t)size) misuse("short read of memory file");
    // A crashing kernel is reported on stderr; a core file of a test program helps nobody.
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_fatal_signal);
    for (const LaunchLine& launch : launches) {
        // The requested bytes (rounded up to 16; none: a null pointer), 16-byte aligned, fresh per launch.
        std::unique_ptr<char, void (*)(void*)> shared(
                launch.shared == 0 ? nullptr : static_cast<char*>(std::aligned_alloc(16, (launch.shared + 15) / 16 * 16)),
                std::free);
        dynamic_shared_base = shared.get();
        BlockRunner(launch, memory).run();
        dynamic_shared_base = nullptr;
    }
    std::snprintf(running, sizeof running, "no kernel");
    std::rewind(file);
    if (size > 0 && std::fwrite(memory, 1, (size_t)size, file) != (size_t)size) misuse("short write of memory file");
    if (std::fclose(file) != 0) misuse("cannot close memory file");
    std::free(memory);
    return 0;
}

}  // namespace javelin

// The table at the end of every generated .cu:
//   #ifdef JAVELIN_HOST
//   JAVELIN_HOST_KERNELS(JAVELIN_KERNEL(k0_s0) JAVELIN_KERNEL(k1_s0))
//   #endif
#define JAVELIN_KERNEL(name) ::javelin::KernelEntry{#name, &name},
#define JAVELIN_HOST_KERNELS(...)                                                                    \
    static const ::javelin::KernelEntry javelin_kernel_table[] = {__VA_ARGS__ ::javelin::KernelEntry{nullptr, nullptr}}; \
    int main(int argc, char** argv) { return ::javelin::harness_main(argc, argv, javelin_kernel_table); }
