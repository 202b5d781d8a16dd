#include "ops/tensor.h"

#include <algorithm>

namespace resvk::ops {

Shape4 view4(const std::vector<int64_t>& shape) {
    Shape4 s{1, 1, 1, 1};
    for (size_t i = 0; i < shape.size() && i < 4; ++i) s[i] = static_cast<int>(shape[i]);
    return s;
}

int channelTexels(int channels) {
    return (channels + 3) / 4;
}

int64_t texelCount(const Shape4& s) {
    return int64_t(s[0]) * channelTexels(s[1]) * s[2] * s[3];
}

int64_t packedBytes(const Shape4& s) {
    return texelCount(s) * 16;
}

std::vector<float> pack4(const float* nchw, const Shape4& s) {
    const int c4 = channelTexels(s[1]);
    const int64_t plane = int64_t(s[2]) * s[3];
    std::vector<float> out(static_cast<size_t>(texelCount(s) * 4), 0.0f);
    for (int n = 0; n < s[0]; ++n)
        for (int c = 0; c < s[1]; ++c) {
            const float* src = nchw + (int64_t(n) * s[1] + c) * plane;
            float* dst = out.data() + ((int64_t(n) * c4 + c / 4) * plane) * 4 + (c & 3);
            for (int64_t i = 0; i < plane; ++i) dst[i * 4] = src[i];
        }
    return out;
}

void unpack4(const float* packed, const Shape4& s, float* nchw) {
    const int c4 = channelTexels(s[1]);
    const int64_t plane = int64_t(s[2]) * s[3];
    for (int n = 0; n < s[0]; ++n)
        for (int c = 0; c < s[1]; ++c) {
            const float* src = packed + ((int64_t(n) * c4 + c / 4) * plane) * 4 + (c & 3);
            float* dst = nchw + (int64_t(n) * s[1] + c) * plane;
            for (int64_t i = 0; i < plane; ++i) dst[i] = src[i * 4];
        }
}

std::array<uint32_t, 3> flatGrid(int64_t invocations, uint32_t localSize) {
    const int64_t groups = std::max<int64_t>(1, (invocations + localSize - 1) / localSize);
    const int64_t x = std::min<int64_t>(groups, 65535);
    return {static_cast<uint32_t>(x), static_cast<uint32_t>((groups + x - 1) / x), 1};
}

}  // namespace resvk::ops
