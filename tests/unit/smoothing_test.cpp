// ProbabilitySmoother: the EMA math and which way alpha goes.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "classify/smoothing.h"

using resvk::classify::ProbabilitySmoother;

TEST_CASE("smoother: first update passes through, then s = a*s + (1-a)*p", "[smoothing]") {
    ProbabilitySmoother s(0.75f);
    auto first = s.update({1.0f, 0.0f});
    CHECK(first == std::vector<float>{1.0f, 0.0f});
    auto second = s.update({0.0f, 1.0f});
    CHECK(second[0] == Approx(0.75f));
    CHECK(second[1] == Approx(0.25f));
    auto third = s.update({0.0f, 1.0f});
    CHECK(third[0] == Approx(0.5625f));
    CHECK(third[1] == Approx(0.4375f));
    CHECK(third[0] + third[1] == Approx(1.0f));  // a convex mix keeps a distribution a distribution
}

TEST_CASE("smoother: alpha 0 is no smoothing, larger alpha is slower", "[smoothing]") {
    ProbabilitySmoother none(0.0f);
    none.update({0.9f, 0.1f});
    CHECK(none.update({0.2f, 0.8f}) == std::vector<float>{0.2f, 0.8f});

    ProbabilitySmoother slow(0.9f), fast(0.5f);
    slow.update({1.0f, 0.0f});
    fast.update({1.0f, 0.0f});
    for (int i = 0; i < 3; ++i) {
        slow.update({0.0f, 1.0f});
        fast.update({0.0f, 1.0f});
    }
    CHECK(slow.update({0.0f, 1.0f})[1] < fast.update({0.0f, 1.0f})[1]);
}

TEST_CASE("smoother: converges to a constant input; reset and size change restart", "[smoothing]") {
    ProbabilitySmoother s(0.8f);
    s.update({0.0f, 0.0f, 1.0f});
    std::vector<float> out;
    for (int i = 0; i < 200; ++i) out = s.update({0.2f, 0.3f, 0.5f});
    CHECK(out[0] == Approx(0.2f).margin(1e-5));
    CHECK(out[2] == Approx(0.5f).margin(1e-5));

    s.reset();
    CHECK(s.update({1.0f, 0.0f, 0.0f}) == std::vector<float>{1.0f, 0.0f, 0.0f});
    CHECK(s.update({0.5f, 0.5f}) == std::vector<float>{0.5f, 0.5f});  // another model/label count
}

TEST_CASE("smoother: alpha outside [0, 1) is rejected", "[smoothing]") {
    CHECK_THROWS_AS(ProbabilitySmoother(1.0f), std::invalid_argument);
    CHECK_THROWS_AS(ProbabilitySmoother(-0.1f), std::invalid_argument);
    CHECK_NOTHROW(ProbabilitySmoother(0.99f));
}
