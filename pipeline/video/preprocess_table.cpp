#include "video/preprocess_table.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace resvk::video {

namespace {

// One output axis of the table: per output position the first source index, the
// tap count and the normalised weights, classify::preprocess's for the resized
// position `position + cropOffset`.
struct Axis {
    std::vector<int> first, count;
    std::vector<std::vector<float>> weights;
};

Axis makeAxis(int inSize, int resizedSize, int outSize, int cropOffset) {
    Axis a;
    a.first.assign(outSize, 0);
    a.count.assign(outSize, 0);
    a.weights.resize(outSize);
    for (int o = 0; o < outSize; ++o) {
        const int xx = o + cropOffset;
        if (xx < 0 || xx >= resizedSize) continue;  // zero padding
        if (inSize == resizedSize) {                // Pillow skips this pass
            a.first[o] = xx;
            a.count[o] = 1;
            a.weights[o] = {1.0f};
            continue;
        }
        const classify::ResampleTaps taps = classify::resampleTaps(inSize, resizedSize, xx);
        a.first[o] = taps.first;
        a.count[o] = static_cast<int>(taps.weights.size());
        for (double w : taps.weights) a.weights[o].push_back(static_cast<float>(w));
    }
    return a;
}

void matrixCoefficients(ColourMatrix m, double& kr, double& kb) {
    switch (m) {
        case ColourMatrix::Bt709:
            kr = 0.2126, kb = 0.0722;
            break;
        case ColourMatrix::Bt2020:
            kr = 0.2627, kb = 0.0593;
            break;
        case ColourMatrix::Smpte240m:
            kr = 0.212, kb = 0.087;
            break;
        default:
            kr = 0.299, kb = 0.114;
            break;
    }
}

// Rows (m0, m1, m2, offset): RGB in [0, 255] from the three components in [0, 1].
std::array<float, 12> colourRows(bool rgb, bool gray, const ColourInfo& colour) {
    std::array<float, 12> rows{};
    if (rgb || gray) {
        for (int r = 0; r < 3; ++r) rows[r * 4 + (gray ? 0 : r)] = 255.0f;
        return rows;
    }
    double kr, kb;
    matrixCoefficients(colour.matrix, kr, kb);
    const double kg = 1.0 - kr - kb;
    auto rgbOf = [&](double y8, double u8, double v8, double out[3]) {
        const double y = colour.fullRange ? y8 : (y8 - 16.0) * 255.0 / 219.0;
        const double u = (u8 - 128.0) * (colour.fullRange ? 1.0 : 255.0 / 224.0);
        const double v = (v8 - 128.0) * (colour.fullRange ? 1.0 : 255.0 / 224.0);
        out[0] = y + 2.0 * (1.0 - kr) * v;
        out[1] = y - 2.0 * kr * (1.0 - kr) / kg * v - 2.0 * kb * (1.0 - kb) / kg * u;
        out[2] = y + 2.0 * (1.0 - kb) * u;
    };
    double base[3];
    rgbOf(0, 0, 0, base);
    for (int c = 0; c < 3; ++c) {
        double unit[3];
        rgbOf(c == 0 ? 255 : 0, c == 1 ? 255 : 0, c == 2 ? 255 : 0, unit);
        for (int r = 0; r < 3; ++r) rows[r * 4 + c] = static_cast<float>(unit[r] - base[r]);
    }
    for (int r = 0; r < 3; ++r) rows[r * 4 + 3] = static_cast<float>(base[r]);
    return rows;
}

}  // namespace

void buildPreprocessTable(const classify::PreprocessOptions& options, bool rgb, bool gray, const ColourInfo& colour,
                          const shaders::PreprocessParams& frame, const std::vector<classify::PixelRect>& rects,
                          std::vector<float>& t, std::vector<shaders::PreprocessParams>& regions) {
    // Colour rows, scale, bias, per source rectangle its per-axis headers, then the weights.
    const int headersPerRect = options.inputWidth + options.inputHeight;
    t.assign(static_cast<size_t>(PREPROCESS_X_HEADERS + headersPerRect * rects.size()) * 4, 0.0f);
    const auto rowsRgb = colourRows(rgb, gray, colour);
    std::copy(rowsRgb.begin(), rowsRgb.end(), t.begin());
    for (int c = 0; c < 3; ++c) {
        t[12 + c] = options.scale / options.std[c];
        t[16 + c] = -options.mean[c] / options.std[c];
    }
    auto appendAxis = [&](const Axis& a, int headerTexel) {
        for (size_t o = 0; o < a.first.size(); ++o) {
            const size_t weightTexel = t.size() / 4;
            float* header = &t[(headerTexel + o) * 4];
            header[0] = static_cast<float>(a.first[o]);
            header[1] = static_cast<float>(a.count[o]);
            header[2] = static_cast<float>(weightTexel);
            std::vector<float> padded = a.weights[o];
            padded.resize((padded.size() + 3) & ~size_t{3}, 0.0f);
            t.insert(t.end(), padded.begin(), padded.end());
        }
    };
    regions.clear();
    for (size_t k = 0; k < rects.size(); ++k) {
        const classify::PixelRect& r = rects[k];
        shaders::PreprocessParams q = frame;
        q.srcX = r.x;
        q.srcY = r.y;
        q.xHeaders = PREPROCESS_X_HEADERS + headersPerRect * static_cast<int>(k);
        q.yHeaders = q.xHeaders + options.inputWidth;
        const classify::ResizeCrop g = classify::resizeCrop(options, r.w, r.h);
        const Axis rows = makeAxis(r.h, g.height, options.inputHeight, g.top);
        appendAxis(makeAxis(r.w, g.width, options.inputWidth, g.left), q.xHeaders);
        appendAxis(rows, q.yHeaders);
        // The horizontal pass runs only over the rows some vertical tap reads
        // (with a crop, ~7/8 of the rectangle's height); at least one, so that
        // a rectangle whose crop is all padding still has a pass to record.
        int first = r.h, end = 0;
        for (size_t o = 0; o < rows.first.size(); ++o)
            if (rows.count[o] > 0) {
                first = std::min(first, rows.first[o]);
                end = std::max(end, rows.first[o] + rows.count[o]);
            }
        q.rowsFirst = end > first ? first : 0;
        q.rowsCount = end > first ? end - first : 1;
        regions.push_back(q);
    }
}

}  // namespace resvk::video
