// The bench's statistics: median and minimum of run times, and medianProfile
// (bench --profile reports each layer's and each kernel's median over several
// profiled runs, not one run's noise).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <utility>
#include <vector>

#include "bench_stats.h"

using resvk::app::median;
using resvk::app::medianProfile;
using resvk::app::minimum;
using resvk::runtime::LayerTiming;

namespace {

LayerTiming layer(const char* name, double ms, std::vector<double> kernelMs) {
    LayerTiming t;
    t.name = name;
    t.kernel = "a+b";
    t.ms = ms;
    t.kernelMs = std::move(kernelMs);
    return t;
}

}  // namespace

TEST_CASE("median and minimum of run times", "[profile]") {
    CHECK(median({3.0, 1.0, 2.0}) == 2.0);
    CHECK(median({4.0, 1.0, 3.0, 2.0}) == 2.5);
    CHECK(minimum({3.0, 1.5, 2.0}) == 1.5);
    CHECK(median({}) == 0.0);
    CHECK(minimum({}) == 0.0);
}

TEST_CASE("medianProfile: each layer and kernel time is its median over the runs", "[profile]") {
    const std::vector<std::vector<LayerTiming>> runs = {
        {layer("conv", 9.0, {6.0, 3.0}), layer("pool", 1.0, {1.0})},
        {layer("conv", 2.0, {1.5, 0.5}), layer("pool", 5.0, {5.0})},  // a slow spell in a later layer
        {layer("conv", 3.0, {2.0, 1.0}), layer("pool", 2.0, {2.0})},
    };
    const auto m = medianProfile(runs);
    REQUIRE(m.size() == 2);
    CHECK(m[0].name == "conv");
    CHECK(m[0].kernel == "a+b");
    CHECK(m[0].ms == 3.0);
    CHECK(m[0].kernelMs == std::vector<double>{2.0, 1.0});
    CHECK(m[1].ms == 2.0);
    CHECK(m[1].kernelMs == std::vector<double>{2.0});

    // An even count takes the mean of the middle two.
    const auto even = medianProfile({runs[0], runs[1]});
    CHECK(even[0].ms == 5.5);
    CHECK(even[0].kernelMs == std::vector<double>{3.75, 1.75});

    CHECK(medianProfile({}).empty());
}

TEST_CASE("medianProfile: runs of different plans are refused", "[profile]") {
    const std::vector<LayerTiming> one = {layer("conv", 1.0, {1.0, 1.0})};
    const std::vector<LayerTiming> two = {layer("conv", 1.0, {1.0, 1.0}), layer("pool", 1.0, {1.0})};
    CHECK_THROWS_AS(medianProfile({one, two}), std::invalid_argument);
    const std::vector<LayerTiming> otherKernels = {layer("conv", 1.0, {1.0})};
    CHECK_THROWS_AS(medianProfile({one, otherKernels}), std::invalid_argument);
    const std::vector<LayerTiming> otherLayer = {layer("gemm", 1.0, {1.0, 1.0})};
    CHECK_THROWS_AS(medianProfile({one, otherLayer}), std::invalid_argument);
}

TEST_CASE("pairedOverheads: each segment against the runs on either side of it", "[profile]") {
    using resvk::app::pairedOverheads;
    // Runs: group 0 = {10, 10}, group 1 = {20}, group 2 = {30, 30, 30}.
    const std::vector<double> runs = {10, 10, 20, 30, 30, 30};
    const std::vector<size_t> groupEnds = {2, 3, 6};
    // Segment 0 = {11, 12, 13} between groups 0 and 1 (median run 10),
    // segment 1 = {33, 36} between groups 1 and 2 (median run 30).
    const std::vector<double> steps = {11, 12, 13, 33, 36};
    const auto paired = pairedOverheads(steps, {3, 5}, runs, groupEnds);
    REQUIRE(paired.size() == 2);
    CHECK(paired[0] == Approx(20.0));  // 12 / 10
    CHECK(paired[1] == Approx(15.0));  // 34.5 / 30
    // A drift that moves steps and runs alike leaves the figure alone, where
    // pooled medians (median step 13 against median run 25) would report -48 %.
    CHECK(median(steps) / median(runs) - 1.0 == Approx(-0.48));
    // Without a group after it, a segment is compared with the one before it;
    // an empty segment (the sources ended) is left out.
    const auto alone = pairedOverheads({11, 12, 13}, {3}, {10, 10}, {2});
    REQUIRE(alone.size() == 1);
    CHECK(alone[0] == Approx(20.0));
    CHECK(pairedOverheads({11, 12, 13}, {3, 3}, runs, groupEnds).size() == 1);
    CHECK(pairedOverheads({}, {}, runs, groupEnds).empty());
}
