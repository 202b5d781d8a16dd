// ops::packTexels against the layout written out by hand: texel (n, c/4, y, x)
// holds channels 4q .. 4q+3 of one pixel, lanes past the channel count zero,
// as floats or as halves.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "ops/half.h"
#include "ops/tensor.h"

using namespace resvk;

TEST_CASE("packTexels writes the pack4 layout in order, as floats or halves", "[tensor]") {
    for (const ops::Shape4 s : {ops::Shape4{2, 3, 5, 7}, ops::Shape4{1, 5, 2, 3}, ops::Shape4{3, 8, 1, 1}}) {
        INFO("shape " << s[0] << "x" << s[1] << "x" << s[2] << "x" << s[3]);
        std::vector<float> nchw(size_t(s[0]) * s[1] * s[2] * s[3]);
        for (size_t i = 0; i < nchw.size(); ++i) nchw[i] = 0.25f * float(i) - 3.0f;
        const int c4 = (s[1] + 3) / 4;
        std::vector<float> expected(size_t(s[0]) * c4 * s[2] * s[3] * 4, -1.0f);
        for (int n = 0; n < s[0]; ++n)
            for (int q = 0; q < c4; ++q)
                for (int y = 0; y < s[2]; ++y)
                    for (int x = 0; x < s[3]; ++x)
                        for (int l = 0; l < 4; ++l) {
                            const int c = 4 * q + l;
                            const size_t texel = ((size_t(n) * c4 + q) * s[2] + y) * s[3] + x;
                            expected[texel * 4 + l] = c < s[1] ? nchw[((size_t(n) * s[1] + c) * s[2] + y) * s[3] + x]
                                                               : 0.0f;
                        }
        REQUIRE(ops::packedBytes(s, vk::Precision::Fp32) == int64_t(expected.size() * sizeof(float)));
        std::vector<float> floats(expected.size(), 99.0f);
        ops::packTexels(nchw.data(), s, vk::Precision::Fp32, floats.data());
        CHECK(floats == expected);
        CHECK(ops::pack4(nchw.data(), s) == expected);
        REQUIRE(ops::packedBytes(s, vk::Precision::Fp16) == int64_t(expected.size() * sizeof(uint16_t)));
        std::vector<uint16_t> halves(expected.size(), 0xffff);
        ops::packTexels(nchw.data(), s, vk::Precision::Fp16, halves.data());
        CHECK(halves == ops::toHalf(expected));
    }
}
