#include "video/preprocess_rows_host.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace resvk::video {

namespace {

// Four floats as one SIMD register (GCC / Clang vector extension, any target):
// an RGBA texel of the intermediate, lane 3 = 0.
using Float4 = float __attribute__((vector_size(16)));

// GLSL's mix(), written as the specification defines it.
inline float mix(float a, float b, float t) {
    return a * (1.0f - t) + b * t;
}
inline Float4 mix(Float4 a, Float4 b, float t) {
    return a * (1.0f - t) + b * t;
}

// clamp(v, 0, 255) per lane (lane 3 to 0). The vector extension's a < b ? a : b
// is no min instruction (NaN rules), and a branch per lane was the slowest part.
inline Float4 clampToByteRange(Float4 v) {
#if defined(__SSE__)
    return _mm_min_ps(_mm_max_ps(v, _mm_setzero_ps()), _mm_setr_ps(255.0f, 255.0f, 255.0f, 0.0f));
#else
    const Float4 black = {0.0f, 0.0f, 0.0f, 0.0f}, white = {255.0f, 255.0f, 255.0f, 0.0f};
    const Float4 low = v < black ? black : v;
    return low > white ? white : low;
#endif
}

struct ColumnHeader {
    int first, count, weights;  // source column (from srcX), taps, float index of the first weight
};

}  // namespace

void resizeRowsOnHost(const unsigned char* planes, size_t planeBytes, const float* table, size_t tableFloats,
                      const shaders::PreprocessParams& p, float* rows) {
    auto fail = [](const std::string& what) {
        throw std::logic_error("host preprocessing: " + what + " (the table does not match the frame)");
    };
    if (p.outWidth <= 0 || p.rowsCount <= 0) return;
    if (size_t(p.xHeaders + p.outWidth) * 4 > tableFloats) fail("column headers past the table");

    // Every column's taps, and the source columns they span together.
    std::vector<ColumnHeader> columns(size_t(p.outWidth));
    int spanBegin = p.srcWidth, spanEnd = 0;
    for (int ox = 0; ox < p.outWidth; ++ox) {
        const float* h = table + size_t(p.xHeaders + ox) * 4;
        ColumnHeader c{int(h[0]), int(h[1]), int(h[2]) * 4};
        if (c.count < 0 || c.weights < 0 || size_t(c.weights) + size_t(c.count) > tableFloats)
            fail("column " + std::to_string(ox) + "'s weights past the table");
        if (c.count > 0) {
            spanBegin = std::min(spanBegin, p.srcX + c.first);
            spanEnd = std::max(spanEnd, p.srcX + c.first + c.count);
        }
        columns[size_t(ox)] = c;
    }
    if (spanBegin >= spanEnd) spanBegin = spanEnd = 0;
    const int yBegin = p.srcY + p.rowsFirst, yEnd = yBegin + p.rowsCount;
    if (spanBegin < 0 || spanEnd > p.srcWidth || yBegin < 0 || yEnd > p.srcHeight)
        fail("taps outside the " + std::to_string(p.srcWidth) + "x" + std::to_string(p.srcHeight) + " frame");

    const bool gray = (p.flags & PREPROCESS_GRAY) != 0;
    const bool bilinear = (p.flags & PREPROCESS_CHROMA_BILINEAR) != 0;
    // The last byte each component reads, so no tap can leave the planes.
    auto lastByte = [&](int c, int x, int y) {
        return int64_t(p.compStart[c]) + int64_t(y) * p.compStride[c] + int64_t(x) * p.compStep[c];
    };
    if (spanEnd > spanBegin) {
        int64_t last = lastByte(0, spanEnd - 1, yEnd - 1);
        if (!gray)
            for (int c = 1; c < 3; ++c)
                last = std::max(last, bilinear
                                          ? lastByte(c, p.chromaWidth - 1, p.chromaHeight - 1)
                                          : lastByte(c, (spanEnd - 1) >> p.chromaShiftX, (yEnd - 1) >> p.chromaShiftY));
        if (last >= int64_t(planeBytes)) fail("taps past the frame's bytes");
    }

    const int span = spanEnd - spanBegin;
    const auto spanSize = static_cast<size_t>(span);
    // Bilinear chroma: each source column's two chroma columns and the weight
    // between them, the same for every row.
    std::vector<int> chromaLo(spanSize), chromaHi(spanSize);
    std::vector<float> chromaAx(spanSize);
    int chromaBegin = 0, chromaEnd = 0;
    if (bilinear && span > 0) {
        const float step = 1.0f / float(1 << p.chromaShiftX);
        for (int i = 0; i < span; ++i) {
            const float fx = (float(spanBegin + i) + 0.5f - p.chromaSiteX) * step;
            const float fx0 = std::floor(fx);
            chromaAx[size_t(i)] = fx - fx0;
            chromaLo[size_t(i)] = std::clamp(int(fx0), 0, p.chromaWidth - 1);
            chromaHi[size_t(i)] = std::clamp(int(fx0) + 1, 0, p.chromaWidth - 1);
        }
        chromaBegin = chromaLo.front();
        chromaEnd = chromaHi.back() + 1;
        for (int& c : chromaLo) c -= chromaBegin;
        for (int& c : chromaHi) c -= chromaBegin;
    }
    // Per chroma column of a row: what its U and V add to RGB (the matrix is
    // linear, so interpolating this is interpolating U and V first).
    std::vector<Float4> rowChroma(size_t(std::max(chromaEnd - chromaBegin, 0)));

    // byte / 255, as the kernel's read of an R8_UNORM component converts.
    float unorm[256];
    for (int b = 0; b < 256; ++b) unorm[b] = float(b) / 255.0f;
    auto component = [&](int c, int x, int y) {
        return unorm[planes[p.compStart[c] + size_t(y) * p.compStride[c] + size_t(x) * p.compStep[c]]];
    };
    // The colour matrix by component: the RGB one component in [0, 1] adds, and
    // the offset (lane 3 stays 0, as the intermediate wants it).
    Float4 toRgb[4];
    for (int j = 0; j < 4; ++j) toRgb[j] = Float4{table[j], table[4 + j], table[8 + j], 0.0f};
    // One row converted to RGB, clamped to [0, 255] as an 8-bit picture.
    std::vector<Float4> line(spanSize);

    for (int k = 0; k < p.rowsCount; ++k) {
        const int y = yBegin + k;
        if (bilinear) {
            // The vertical half of the chroma interpolation, once per chroma column.
            const float fy = (float(y) + 0.5f - p.chromaSiteY) / float(1 << p.chromaShiftY);
            const float fy0 = std::floor(fy), ay = fy - fy0;
            const int top = std::clamp(int(fy0), 0, p.chromaHeight - 1);
            const int bottom = std::clamp(int(fy0) + 1, 0, p.chromaHeight - 1);
            for (int cx = chromaBegin; cx < chromaEnd; ++cx) {
                const float u = mix(component(1, cx, top), component(1, cx, bottom), ay);
                const float v = mix(component(2, cx, top), component(2, cx, bottom), ay);
                rowChroma[size_t(cx - chromaBegin)] = toRgb[1] * u + toRgb[2] * v;
            }
        }
        const unsigned char* luma = planes + p.compStart[0] + size_t(y) * p.compStride[0];
        for (int i = 0; i < span; ++i) {
            const int x = spanBegin + i;
            const float l = unorm[luma[size_t(x) * p.compStep[0]]];
            Float4 chroma = {0.0f, 0.0f, 0.0f, 0.0f};
            if (bilinear) {
                chroma = mix(rowChroma[size_t(chromaLo[size_t(i)])], rowChroma[size_t(chromaHi[size_t(i)])],
                             chromaAx[size_t(i)]);
            } else if (!gray) {
                chroma = toRgb[1] * component(1, x >> p.chromaShiftX, y >> p.chromaShiftY) +
                         toRgb[2] * component(2, x >> p.chromaShiftX, y >> p.chromaShiftY);
            }
            line[size_t(i)] = clampToByteRange(toRgb[0] * l + chroma + toRgb[3]);
        }
        // The horizontal taps, in the kernel's order.
        float* out = rows + size_t(k) * size_t(p.outWidth) * 4;
        for (int ox = 0; ox < p.outWidth; ++ox) {
            const ColumnHeader& c = columns[size_t(ox)];
            const float* w = table + c.weights;
            Float4 sum = {0.0f, 0.0f, 0.0f, 0.0f};
            if (c.count > 0) {
                const Float4* px = &line[size_t(p.srcX + c.first - spanBegin)];
                for (int t = 0; t < c.count; ++t) sum += w[t] * px[t];
            }
            std::memcpy(out + size_t(ox) * 4, &sum, sizeof sum);
        }
    }
}

}  // namespace resvk::video
