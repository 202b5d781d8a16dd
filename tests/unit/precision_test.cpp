// fp16 storage: the host converter the plans upload and read back with, and the
// one place the precision is decided (device traits), forced or automatic.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "ops/half.h"
#include "reference/naive_ops.h"
#include "vk/device_traits.h"

using namespace resvk;
using Catch::Contains;

namespace {

// The value of half bits h from the IEEE 754 definition.
double halfValue(uint16_t h) {
    const int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0) return sign * std::ldexp(mantissa, -24);
    if (exponent == 31) return mantissa ? std::numeric_limits<double>::quiet_NaN() : sign * INFINITY;
    return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

}  // namespace

TEST_CASE("fp16: every half converts to its float and back to itself", "[precision]") {
    for (uint32_t h = 0; h < 0x10000; ++h) {
        const auto bits = static_cast<uint16_t>(h);
        const float f = ops::fromHalf(bits);
        const double want = halfValue(bits);
        if (std::isnan(want)) {
            CHECK(std::isnan(f));
            CHECK(std::isnan(ops::fromHalf(ops::toHalf(f))));
            continue;
        }
        INFO("half bits 0x" << std::hex << h);
        REQUIRE(double(f) == want);
        REQUIRE(std::signbit(f) == bool(h & 0x8000));
        REQUIRE(ops::toHalf(f) == bits);
    }
}

TEST_CASE("fp16: floats round to the nearest half, ties to even", "[precision]") {
    // Random floats over the whole half range and beyond, plus the edges: the
    // largest half, the overflow threshold, subnormals, ties between halves.
    std::vector<float> values = {0.0f,
                                 -0.0f,
                                 65504.0f,
                                 65519.99f,
                                 65520.0f,
                                 -65520.0f,
                                 1e9f,
                                 6.1035156e-5f,
                                 5.9604645e-8f,
                                 2.9802322e-8f,
                                 2.9802326e-8f,
                                 1e-10f,
                                 1.0f + 1.0f / 2048,
                                 1.0f + 3.0f / 2048,
                                 -(1.0f + 1.0f / 2048),
                                 3.0517578e-5f + 2.9802322e-8f};
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> mantissa(-1.0f, 1.0f);
    std::uniform_int_distribution<int> exponent(-30, 17);
    for (int i = 0; i < 200000; ++i) values.push_back(std::ldexp(mantissa(rng), exponent(rng)));
    for (float v : values) {
        INFO("value " << v);
        const float got = ops::fromHalf(ops::toHalf(v));
        const float want = reference::roundToHalf(v);
        REQUIRE((got == want && std::signbit(got) == std::signbit(want)));
    }
    CHECK(std::isnan(ops::fromHalf(ops::toHalf(std::numeric_limits<float>::quiet_NaN()))));
}

TEST_CASE("precision: fp32 unless fp16 is asked for, on GPUs and CPUs alike", "[precision]") {
    vk::DeviceFacts gpu;
    gpu.type = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
    gpu.storage16 = true;
    auto traits = [](const vk::DeviceFacts& f, vk::ProfileRequest profile, vk::PrecisionRequest precision) {
        vk::TraitOverrides o;
        o.profile = profile;
        o.precision = precision;
        return vk::makeDeviceTraits(f, o);
    };
    using P = vk::PrecisionRequest;
    using D = vk::ProfileRequest;
    // Explicit profiles, so RESVK_DEVICE_PROFILE in the environment cannot interfere.
    const auto fp16 = vk::Precision::Fp16, fp32 = vk::Precision::Fp32;
    SECTION("automatic") {
        // The environment decides Auto: clear it for these checks.
        const char* saved = std::getenv("RESVK_PRECISION");
        const std::string keep = saved ? saved : "";
        unsetenv("RESVK_PRECISION");
        // fp16 storage measured slower on an H200 and on lavapipe: auto is fp32 everywhere
        CHECK(traits(gpu, D::Gpu, P::Auto).precision == fp32);
        CHECK_FALSE(traits(gpu, D::Gpu, P::Auto).precisionForced);
        CHECK(traits(gpu, D::Cpu, P::Auto).precision == fp32);
        setenv("RESVK_PRECISION", "fp16", 1);
        CHECK(traits(gpu, D::Cpu, P::Auto).precision == fp16);
        setenv("RESVK_PRECISION", "half", 1);
        CHECK_THROWS_WITH(traits(gpu, D::Gpu, P::Auto), Contains("RESVK_PRECISION") && Contains("'half'"));
        if (saved)
            setenv("RESVK_PRECISION", keep.c_str(), 1);
        else
            unsetenv("RESVK_PRECISION");
    }
    SECTION("forced") {
        const auto t = traits(gpu, D::Cpu, P::Fp16);
        CHECK(t.precision == fp16);
        CHECK(t.precisionForced);
        CHECK(t.describe().find("fp16 (forced)") != std::string::npos);
        CHECK(traits(gpu, D::Gpu, P::Fp32).precision == fp32);
        CHECK(traits(gpu, D::Gpu, P::Fp16).precision == fp16);
    }
    SECTION("fp16 on a device without 16-bit storage is one clear error") {
        vk::DeviceFacts none = gpu;
        none.storage16 = false;
        CHECK_THROWS_WITH(traits(none, D::Gpu, P::Fp16),
                          Contains("fp16") && Contains("storageBuffer16BitAccess") && Contains("--precision fp32"));
        CHECK_THROWS_WITH(vk::parsePrecisionRequest("fp8"), Contains("auto, fp32 or fp16") && Contains("'fp8'"));
    }
}
