#include "ops/half.h"

#include <cstring>

namespace resvk::ops {

uint16_t toHalf(float value) {
    uint32_t x;
    std::memcpy(&x, &value, sizeof x);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t a = x & 0x7fffffffu;
    if (a > 0x7f800000u) return sign | 0x7e00u;   // NaN stays a (quiet) NaN
    if (a >= 0x477ff000u) return sign | 0x7c00u;  // 65520 and up round to infinity
    if (a >= 0x38800000u) {
        // Normal: drop 13 mantissa bits, rounding half to even; a carry into the
        // exponent is the right result, and the exponent bias moves from 127 to 15.
        const uint32_t rounded = a + 0xfffu + ((a >> 13) & 1u);
        return sign | static_cast<uint16_t>((rounded - 0x38000000u) >> 13);
    }
    if (a < 0x33000000u) return sign;  // below 2^-25: rounds to zero
    // Subnormal half: a count of 2^-24 units, rounded half to even.
    const uint32_t mantissa = (a & 0x7fffffu) | 0x800000u;
    const uint32_t shift = 126u - (a >> 23);  // 14..24
    uint32_t q = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1u), halfway = 1u << (shift - 1u);
    if (rest > halfway || (rest == halfway && (q & 1u))) ++q;
    return sign | static_cast<uint16_t>(q);
}

float fromHalf(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1fu) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {
        // Subnormal half: normalise into a float exponent.
        exponent = 113;
        while (!(mantissa & 0x400u)) {
            mantissa <<= 1;
            --exponent;
        }
        bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

std::vector<uint16_t> toHalf(const std::vector<float>& values) {
    std::vector<uint16_t> out(values.size());
    for (size_t i = 0; i < values.size(); ++i) out[i] = toHalf(values[i]);
    return out;
}

void fromHalf(const uint16_t* bits, size_t count, float* out) {
    for (size_t i = 0; i < count; ++i) out[i] = fromHalf(bits[i]);
}

}  // namespace resvk::ops
