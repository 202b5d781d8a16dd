#include "reference/naive_ops.h"

namespace resvk::reference {

Tensor conv2d(const Tensor& x, const std::vector<float>& w, const model::Shape& ws, const std::vector<float>& bias,
              const model::Window2d& win, int group) {
    const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
    const int64_t co = ws[0], cig = ws[1], kh = ws[2], kw = ws[3];
    const int64_t oh = (h + win.padBegin[0] + win.padEnd[0] - win.dilation[0] * (kh - 1) - 1) / win.stride[0] + 1;
    const int64_t ow = (wd + win.padBegin[1] + win.padEnd[1] - win.dilation[1] * (kw - 1) - 1) / win.stride[1] + 1;
    Tensor y{{n, co, oh, ow}, std::vector<float>(size_t(n * co * oh * ow))};
    const int64_t cog = co / group;
    for (int64_t b = 0; b < n; ++b)
        for (int64_t o = 0; o < co; ++o)
            for (int64_t oy = 0; oy < oh; ++oy)
                for (int64_t ox = 0; ox < ow; ++ox) {
                    double acc = bias.empty() ? 0.0 : bias[o];
                    const int64_t g = o / cog;
                    for (int64_t i = 0; i < cig; ++i)
                        for (int64_t ky = 0; ky < kh; ++ky)
                            for (int64_t kx = 0; kx < kw; ++kx) {
                                int64_t iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
                                int64_t ix = ox * win.stride[1] - win.padBegin[1] + kx * win.dilation[1];
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                acc += double(x.data[((b * c + g * cig + i) * h + iy) * wd + ix]) *
                                       w[((o * cig + i) * kh + ky) * kw + kx];
                            }
                    y.data[((b * co + o) * oh + oy) * ow + ox] = float(acc);
                }
    return y;
}

}  // namespace resvk::reference
