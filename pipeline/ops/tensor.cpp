#include "ops/tensor.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "ops/half.h"

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

int64_t texelBytes(vk::Precision precision) {
    return precision == vk::Precision::Fp16 ? 8 : 16;
}

VkFormat texelFormat(vk::Precision precision) {
    return precision == vk::Precision::Fp16 ? VK_FORMAT_R16G16B16A16_SFLOAT : VK_FORMAT_R32G32B32A32_SFLOAT;
}

int64_t packedBytes(const Shape4& s, vk::Precision precision) {
    return texelCount(s) * texelBytes(precision);
}

shaders::ShaderId Recorder::kernel(shaders::ShaderId shader) const {
    if (precision == vk::Precision::Fp32) return shader;
    if (auto half = shaders::fp16Variant(shader)) return *half;
    throw std::logic_error(std::string("kernel ") + shaders::name(shader) + " has no fp16 variant");
}

size_t Recorder::dispatch(vk::KernelKey key, const vk::BufferSlice& output, const std::vector<vk::BufferSlice>& inputs,
                          const void* push, std::array<uint32_t, 3> groups, uint32_t tileLimit) {
    key.shader = kernel(key.shader);
    std::vector<vk::TexelInput> views;
    views.reserve(inputs.size());
    for (const auto& in : inputs) views.push_back({in, texelFormat(precision)});
    return stream.dispatch(key, output, views, push, groups, tileLimit);
}

namespace {

// Texel by texel in the packed order, each lane from its channel plane (0 past
// the channel count), handed to store(index, value).
template <class Store>
void forEachPackedValue(const float* nchw, const Shape4& s, Store store) {
    const int c4 = channelTexels(s[1]);
    const int64_t plane = int64_t(s[2]) * s[3];
    int64_t out = 0;
    for (int n = 0; n < s[0]; ++n)
        for (int q = 0; q < c4; ++q) {
            const int lanes = std::min(4, s[1] - 4 * q);
            const float* src = nchw + (int64_t(n) * s[1] + 4 * q) * plane;
            for (int64_t i = 0; i < plane; ++i, out += 4)
                for (int l = 0; l < 4; ++l) store(out + l, l < lanes ? src[l * plane + i] : 0.0f);
        }
}

}  // namespace

std::vector<float> pack4(const float* nchw, const Shape4& s) {
    std::vector<float> out(static_cast<size_t>(texelCount(s) * 4));
    packTexels(nchw, s, vk::Precision::Fp32, out.data());
    return out;
}

void packTexels(const float* nchw, const Shape4& s, vk::Precision precision, void* dst) {
    if (precision == vk::Precision::Fp16) {
        auto* halves = static_cast<uint16_t*>(dst);
        forEachPackedValue(nchw, s, [&](int64_t i, float v) { halves[i] = toHalf(v); });
    } else {
        auto* floats = static_cast<float*>(dst);
        forEachPackedValue(nchw, s, [&](int64_t i, float v) { floats[i] = v; });
    }
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
