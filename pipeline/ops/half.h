#pragma once
// IEEE 754 binary16 on the host: how fp16 plans upload weights and inputs and
// read outputs back (the GPU reads them through RGBA16F views, which are the
// same bits). Conversion to half rounds to nearest, ties to even; magnitudes
// from 65520 up become infinity, as the GPU's own conversion does.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace resvk::ops {

uint16_t toHalf(float value);
float fromHalf(uint16_t bits);

std::vector<uint16_t> toHalf(const std::vector<float>& values);
void fromHalf(const uint16_t* bits, size_t count, float* out);

}  // namespace resvk::ops
