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
