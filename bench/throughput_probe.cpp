// resvk-throughput-probe: how steady this machine's cores are, for reading a
// benchmark run (bench/run.sh prints it before and after its tables).
//
// On the 2-core VMs these numbers come from, a core now and then runs
// throughput-bound code (stores, gathers, blends, busy arithmetic) at about half
// speed for spells of a second or more, while latency-bound code and ONNX
// Runtime's kernels slow far less (bench/README.md, "Slow spells"). lavapipe's
// generated code is of the first kind, so resvk's times follow these spells.
// The probe times a store-bound loop in ~1 ms samples on the core it runs on and
// prints the share of samples slower than 0.75x of the fast ones (the 95th
// percentile of the rate): 1-2 % in this VM's quiet minutes, up to 65 % in its
// noisy ones.
//
// Usage: resvk-throughput-probe [SECONDS]   (default 5; run it under taskset -c N
// to probe core N).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// 64 accumulators in memory, each loaded, scaled and stored per step: the
// shape of a register tile whose accumulators do not fit the registers.
double storeSteps(float* acc, int rounds) {
    const auto start = Clock::now();
    for (int r = 0; r < rounds; ++r) {
        for (int k = 0; k < 64 * 8; ++k) acc[k] = acc[k] * 0.9999f + 0.0001f;
        asm volatile("" ::"r"(acc) : "memory");  // every round's stores happen
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 5;
    if (argc > 2 || (argc == 2 && (seconds = std::atof(argv[1])) <= 0)) {
        std::fprintf(stderr, "usage: resvk-throughput-probe [SECONDS]   (a positive number, default 5)\n");
        return 2;
    }
    alignas(64) static float acc[64 * 8];
    std::fill(std::begin(acc), std::end(acc), 1.0f);
    // Rounds per sample: about a millisecond on the first calibration.
    int rounds = 64;
    while (storeSteps(acc, rounds) < 1e-3 && rounds < (1 << 24)) rounds *= 2;

    std::vector<double> rates;  // rounds per second, one per sample
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    do rates.push_back(rounds / storeSteps(acc, rounds));  // at least one sample, however short the run
    while (Clock::now() < end);
    std::sort(rates.begin(), rates.end());
    const double fast = rates[rates.size() * 95 / 100];
    const auto slow = std::count_if(rates.begin(), rates.end(), [&](double r) { return r < 0.75 * fast; });
    std::printf("%.0f %% of %zu samples slow (store rate under 0.75x of the fast one), median %.2fx, over %g s\n",
                100.0 * slow / rates.size(), rates.size(), rates[rates.size() / 2] / fast, seconds);
    return 0;
}
