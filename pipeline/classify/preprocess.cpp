#include "classify/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace resvk::classify {
namespace {

// The resampler below reproduces Pillow's Resample.c (ImagingResample with the
// BILINEAR filter) step for step, including its 8-bit fixed-point arithmetic and
// the rounded 8-bit intermediate between the horizontal and vertical pass. Matching
// it closely matters: the networks were trained and the references generated on
// PIL-resized inputs, and plain (non-antialiased) bilinear downscaling differs by
// several grey levels on detailed photos.
constexpr int kPrecisionBits = 32 - 8 - 2;

double triangle(double x) {
    x = std::fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

// For each output position: the first input index, the tap count, and the
// fixed-point weights (ksize per position).
struct Coefficients {
    int ksize = 0;
    std::vector<int> first, count;
    std::vector<int32_t> weights;
};

Coefficients computeCoefficients(int inSize, int outSize) {
    // Downscaling widens the triangle by the scale factor: that is the antialiasing.
    const double filterScale = std::max(static_cast<double>(inSize) / outSize, 1.0);
    Coefficients c;
    c.ksize = static_cast<int>(std::ceil(filterScale)) * 2 + 1;
    c.first.resize(outSize);
    c.count.resize(outSize);
    c.weights.assign(static_cast<size_t>(outSize) * c.ksize, 0);
    for (int xx = 0; xx < outSize; ++xx) {
        const ResampleTaps taps = resampleTaps(inSize, outSize, xx);
        for (size_t x = 0; x < taps.weights.size(); ++x) {
            const double w = taps.weights[x];
            const double fixed = w * (1 << kPrecisionBits);
            c.weights[static_cast<size_t>(xx) * c.ksize + x] = static_cast<int32_t>(w < 0 ? fixed - 0.5 : fixed + 0.5);
        }
        c.first[xx] = taps.first;
        c.count[xx] = static_cast<int>(taps.weights.size());
    }
    return c;
}

uint8_t clip8(int32_t accumulator) {
    return static_cast<uint8_t>(std::clamp(accumulator >> kPrecisionBits, 0, 255));
}

// Separate passes, horizontal first, 8-bit in between: exactly Pillow's order.
video::RgbImage resampleHorizontal(const video::RgbImage& in, int outWidth) {
    const Coefficients c = computeCoefficients(in.width, outWidth);
    video::RgbImage out;
    out.width = outWidth;
    out.height = in.height;
    out.pixels.resize(static_cast<size_t>(outWidth) * in.height * 3);
    for (int y = 0; y < in.height; ++y) {
        const uint8_t* row = in.pixels.data() + static_cast<size_t>(y) * in.width * 3;
        uint8_t* dst = out.pixels.data() + static_cast<size_t>(y) * outWidth * 3;
        for (int xx = 0; xx < outWidth; ++xx) {
            const int32_t* k = c.weights.data() + static_cast<size_t>(xx) * c.ksize;
            for (int ch = 0; ch < 3; ++ch) {
                int32_t acc = 1 << (kPrecisionBits - 1);
                for (int x = 0; x < c.count[xx]; ++x) acc += row[(c.first[xx] + x) * 3 + ch] * k[x];
                dst[xx * 3 + ch] = clip8(acc);
            }
        }
    }
    return out;
}

video::RgbImage resampleVertical(const video::RgbImage& in, int outHeight) {
    const Coefficients c = computeCoefficients(in.height, outHeight);
    video::RgbImage out;
    out.width = in.width;
    out.height = outHeight;
    const size_t rowBytes = static_cast<size_t>(in.width) * 3;
    out.pixels.resize(rowBytes * outHeight);
    for (int yy = 0; yy < outHeight; ++yy) {
        const int32_t* k = c.weights.data() + static_cast<size_t>(yy) * c.ksize;
        uint8_t* dst = out.pixels.data() + rowBytes * yy;
        for (size_t i = 0; i < rowBytes; ++i) {
            int32_t acc = 1 << (kPrecisionBits - 1);
            for (int y = 0; y < c.count[yy]; ++y) acc += in.pixels[rowBytes * (c.first[yy] + y) + i] * k[y];
            dst[i] = clip8(acc);
        }
    }
    return out;
}

}  // namespace

video::RgbImage resizeBilinear(const video::RgbImage& image, int width, int height) {
    if (width <= 0 || height <= 0) throw std::invalid_argument("resize target must be positive");
    // Pillow skips a pass whose size does not change (so does this: same output bits).
    video::RgbImage horizontal = image.width == width ? image : resampleHorizontal(image, width);
    return horizontal.height == height ? horizontal : resampleVertical(horizontal, height);
}

ResampleTaps resampleTaps(int inSize, int outSize, int position) {
    const double scale = static_cast<double>(inSize) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = 1.0 * filterScale;
    const double center = (position + 0.5) * scale;
    // Truncation toward zero, as Pillow's (int) casts.
    const int xmin = std::max(static_cast<int>(center - support + 0.5), 0);
    const int xmax = std::min(static_cast<int>(center + support + 0.5), inSize) - xmin;
    ResampleTaps t;
    t.first = xmin;
    t.weights.resize(static_cast<size_t>(std::max(xmax, 0)));
    double sum = 0.0;
    for (size_t x = 0; x < t.weights.size(); ++x) {
        t.weights[x] = triangle((static_cast<double>(x) + xmin - center + 0.5) / filterScale);
        sum += t.weights[x];
    }
    if (sum != 0.0)
        for (double& w : t.weights) w /= sum;
    return t;
}

ResizeCrop resizeCrop(const PreprocessOptions& options, int width, int height) {
    const int outH = options.inputHeight, outW = options.inputWidth;
    if (!options.centerCrop) return {outW, outH, 0, 0};
    const int shortTarget =
        options.resizeShort > 0 ? options.resizeShort : static_cast<int>(std::lround(256.0 * outH / 224.0));
    // The long side is rounded to nearest. torchvision's Resize(int) truncates
    // instead, but the shared references (the ground truth our tests check)
    // were made with rounding: squirrel_cls.jpg 535x426 became 322x256, not 321.
    const bool wide = width > height;
    const int shortSide = wide ? height : width;
    const int longSide = wide ? width : height;
    const int longTarget = static_cast<int>(std::lround(static_cast<double>(shortTarget) * longSide / shortSide));
    ResizeCrop r{wide ? longTarget : shortTarget, wide ? shortTarget : longTarget, 0, 0};
    // Centre crop with the offset rounded down, as in the shared references
    // (butterfly.jpg, resized to 355 wide, was cropped from x = 65; torchvision's
    // CenterCrop would round 65.5 to 66). A crop larger than the picture zero-pads
    // like torchvision (left/top pad = (crop - size) / 2).
    auto offset = [](int size, int crop) { return crop > size ? -((crop - size) / 2) : (size - crop) / 2; };
    r.left = offset(r.width, outW);
    r.top = offset(r.height, outH);
    return r;
}

void preprocess(const video::RgbImage& image, const PreprocessOptions& options, float* out) {
    if (image.width <= 0 || image.height <= 0 ||
        image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3)
        throw std::invalid_argument("preprocess: empty or inconsistent image");
    const int outH = options.inputHeight, outW = options.inputWidth;
    if (outH <= 0 || outW <= 0) throw std::invalid_argument("preprocess: input size must be positive");

    const ResizeCrop g = resizeCrop(options, image.width, image.height);
    const video::RgbImage resized = resizeBilinear(image, g.width, g.height);
    const int top = g.top, left = g.left;

    const size_t plane = static_cast<size_t>(outH) * outW;
    for (int y = 0; y < outH; ++y) {
        const int sy = y + top;
        for (int x = 0; x < outW; ++x) {
            const int sx = x + left;
            const bool inside = sy >= 0 && sy < resized.height && sx >= 0 && sx < resized.width;
            const uint8_t* px = inside ? &resized.pixels[(static_cast<size_t>(sy) * resized.width + sx) * 3] : nullptr;
            for (int ch = 0; ch < 3; ++ch) {
                const float value = inside ? px[ch] * options.scale : 0.0f;
                out[ch * plane + static_cast<size_t>(y) * outW + x] = (value - options.mean[ch]) / options.std[ch];
            }
        }
    }
}

}  // namespace resvk::classify
