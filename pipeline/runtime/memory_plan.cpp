#include "runtime/memory_plan.h"

#include <algorithm>
#include <numeric>

namespace resvk::runtime {

MemoryPlan planMemory(const std::vector<Lifetime>& lifetimes, int64_t alignment) {
    auto align = [&](int64_t v) { return (v + alignment - 1) & ~(alignment - 1); };
    MemoryPlan plan;
    plan.offsets.assign(lifetimes.size(), 0);
    // Place in order of birth; a block is reusable once its tensor's last reader
    // has run, i.e. its `last` is before the new tensor's `first`.
    std::vector<size_t> order(lifetimes.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return lifetimes[a].first < lifetimes[b].first; });
    std::vector<size_t> placed;
    for (size_t i : order) {
        const Lifetime& t = lifetimes[i];
        const int64_t size = align(std::max<int64_t>(t.bytes, 16));
        // Blocks still alive while t lives, sorted by offset: find the first gap.
        std::vector<std::pair<int64_t, int64_t>> busy;
        for (size_t j : placed) {
            const Lifetime& o = lifetimes[j];
            if (o.last >= t.first && o.first <= t.last)
                busy.push_back({plan.offsets[j], align(std::max<int64_t>(o.bytes, 16))});
        }
        std::sort(busy.begin(), busy.end());
        int64_t offset = 0;
        for (const auto& [start, bytes] : busy) {
            if (offset + size <= start) break;
            offset = std::max(offset, start + bytes);
        }
        plan.offsets[i] = offset;
        plan.arenaBytes = std::max(plan.arenaBytes, offset + size);
        placed.push_back(i);
    }
    return plan;
}

}  // namespace resvk::runtime
