#pragma once
// Places activations in one arena so that tensors whose lifetimes do not
// overlap share memory (first fit over the live set, in layer order).
#include <cstdint>
#include <vector>

namespace resvk::runtime {

struct Lifetime {
    int64_t bytes = 0;
    int first = 0;  // step that writes it (-1: before the first layer)
    int last = 0;   // last step that reads it (INT32_MAX: kept to the end)
};

struct MemoryPlan {
    std::vector<int64_t> offsets;  // one per lifetime
    int64_t arenaBytes = 0;
};

// `alignment` must be a power of two; every offset is a multiple of it.
MemoryPlan planMemory(const std::vector<Lifetime>& lifetimes, int64_t alignment);

}  // namespace resvk::runtime
