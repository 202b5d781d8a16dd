#include "reference/naive_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace resvk::reference {

namespace {

int64_t count(const model::Shape& s) {
    int64_t n = 1;
    for (int64_t d : s) n *= d;
    return n;
}

std::vector<int64_t> stridesOf(const model::Shape& s) {
    std::vector<int64_t> st(s.size(), 1);
    for (int i = int(s.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * s[i + 1];
    return st;
}

// Multi-index of flat index `i` in shape `s`.
std::vector<int64_t> unflatten(int64_t i, const model::Shape& s) {
    std::vector<int64_t> idx(s.size());
    for (int d = int(s.size()) - 1; d >= 0; --d) {
        idx[d] = i % s[d];
        i /= s[d];
    }
    return idx;
}

enum class Pool { Max, Average };

Tensor pool2d(const Tensor& x, const model::Window2d& win, Pool kind, bool countIncludePad) {
    const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
    const int64_t oh = windowOut(h, win.kernel[0], win.stride[0], win.dilation[0], win.padBegin[0], win.padEnd[0]);
    const int64_t ow = windowOut(w, win.kernel[1], win.stride[1], win.dilation[1], win.padBegin[1], win.padEnd[1]);
    Tensor y{{n, c, oh, ow}, std::vector<float>(size_t(n * c * oh * ow))};
    for (int64_t b = 0; b < n * c; ++b)
        for (int64_t oy = 0; oy < oh; ++oy)
            for (int64_t ox = 0; ox < ow; ++ox) {
                double acc = kind == Pool::Max ? -std::numeric_limits<double>::infinity() : 0.0;
                int64_t counted = 0;
                for (int ky = 0; ky < win.kernel[0]; ++ky)
                    for (int kx = 0; kx < win.kernel[1]; ++kx) {
                        const int64_t iy = oy * win.stride[0] - win.padBegin[0] + ky * win.dilation[0];
                        const int64_t ix = ox * win.stride[1] - win.padBegin[1] + kx * win.dilation[1];
                        const bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                        // count_include_pad counts pad cells, not cells past the padded edge.
                        const bool inPadded = iy >= -win.padBegin[0] && iy < h + win.padEnd[0] &&
                                              ix >= -win.padBegin[1] && ix < w + win.padEnd[1];
                        if (!inside) {
                            if (kind == Pool::Average && countIncludePad && inPadded) ++counted;
                            continue;
                        }
                        const double v = x.data[size_t((b * h + iy) * w + ix)];
                        if (kind == Pool::Max)
                            acc = std::max(acc, v);
                        else
                            acc += v;
                        ++counted;
                    }
                if (kind == Pool::Average) acc = counted ? acc / double(counted) : 0.0;
                y.data[size_t((b * oh + oy) * ow + ox)] = float(acc);
            }
    return y;
}

}  // namespace

Tensor random(const model::Shape& shape, uint32_t seed) {
    return {shape, randomVector(size_t(count(shape)), seed)};
}

std::vector<float> randomVector(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

float roundToHalf(float x) {
    if (!std::isfinite(x)) return x;
    const double a = std::fabs(double(x));
    if (a >= 65520.0) return std::copysign(std::numeric_limits<float>::infinity(), x);
    // std::nearbyint rounds half to even in the default rounding mode. Below
    // 2^-14 halves are multiples of 2^-24; above, they keep 11 significant bits.
    if (a < std::ldexp(1.0, -14)) return float(std::nearbyint(double(x) * std::ldexp(1.0, 24)) * std::ldexp(1.0, -24));
    int e = 0;
    std::frexp(double(x), &e);  // |x| = m * 2^e, m in [0.5, 1)
    return float(std::ldexp(std::nearbyint(std::ldexp(double(x), 11 - e)), e - 11));
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return std::numeric_limits<double>::infinity();
    double m = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double d = std::fabs(double(a[i]) - double(b[i]));
        if (std::isnan(d)) return std::numeric_limits<double>::infinity();
        m = std::max(m, d);
    }
    return m;
}

int64_t windowOut(int64_t in, int kernel, int stride, int dilation, int padBegin, int padEnd) {
    return (in + padBegin + padEnd - int64_t(dilation) * (kernel - 1) - 1) / stride + 1;
}

Tensor conv2d(const Tensor& x, const std::vector<float>& w, const model::Shape& ws, const std::vector<float>& bias,
              const model::Window2d& win, int group) {
    const int64_t n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
    const int64_t co = ws[0], cig = ws[1], kh = ws[2], kw = ws[3];
    const int64_t oh = windowOut(h, int(kh), win.stride[0], win.dilation[0], win.padBegin[0], win.padEnd[0]);
    const int64_t ow = windowOut(wd, int(kw), win.stride[1], win.dilation[1], win.padBegin[1], win.padEnd[1]);
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

Tensor maxPool2d(const Tensor& x, const model::Window2d& win) {
    return pool2d(x, win, Pool::Max, false);
}

Tensor averagePool2d(const Tensor& x, const model::Window2d& win, bool countIncludePad) {
    return pool2d(x, win, Pool::Average, countIncludePad);
}

Tensor globalAveragePool(const Tensor& x) {
    const int64_t n = x.shape[0], c = x.shape[1], hw = x.shape[2] * x.shape[3];
    Tensor y{{n, c, 1, 1}, std::vector<float>(size_t(n * c))};
    for (int64_t b = 0; b < n * c; ++b) {
        double acc = 0.0;
        for (int64_t i = 0; i < hw; ++i) acc += x.data[size_t(b * hw + i)];
        y.data[size_t(b)] = float(acc / double(hw));
    }
    return y;
}

Tensor gemm(const Tensor& x, const std::vector<float>& w, int64_t m, const std::vector<float>& bias) {
    const int64_t n = x.shape[0], k = x.shape[1];
    Tensor y{{n, m}, std::vector<float>(size_t(n * m))};
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < m; ++j) {
            double acc = bias.empty() ? 0.0 : bias[size_t(j)];
            for (int64_t p = 0; p < k; ++p) acc += double(x.data[size_t(i * k + p)]) * w[size_t(j * k + p)];
            y.data[size_t(i * m + j)] = float(acc);
        }
    return y;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
    const size_t rank = std::max(a.shape.size(), b.shape.size());
    auto align = [&](const model::Shape& s) {
        model::Shape out(rank - s.size(), 1);
        out.insert(out.end(), s.begin(), s.end());
        return out;
    };
    const model::Shape sa = align(a.shape), sb = align(b.shape);
    model::Shape so(rank);
    for (size_t d = 0; d < rank; ++d) {
        if (sa[d] != sb[d] && sa[d] != 1 && sb[d] != 1) throw std::invalid_argument("shapes do not broadcast");
        so[d] = std::max(sa[d], sb[d]);
    }
    const auto ta = stridesOf(sa), tb = stridesOf(sb);
    Tensor y{so, std::vector<float>(size_t(count(so)))};
    for (int64_t i = 0; i < count(so); ++i) {
        const auto idx = unflatten(i, so);
        int64_t ia = 0, ib = 0;
        for (size_t d = 0; d < rank; ++d) {
            ia += (sa[d] == 1 ? 0 : idx[d]) * ta[d];
            ib += (sb[d] == 1 ? 0 : idx[d]) * tb[d];
        }
        const float va = a.data[size_t(ia)], vb = b.data[size_t(ib)];
        y.data[size_t(i)] = op == BinaryOp::Add ? va + vb : va * vb;
    }
    return y;
}

Tensor add(const Tensor& a, const Tensor& b) {
    return binary(BinaryOp::Add, a, b);
}

Tensor relu(const Tensor& x) {
    Tensor y = x;
    for (float& v : y.data) v = std::max(v, 0.0f);
    return y;
}

Tensor affine(const Tensor& x, const std::vector<float>& scale, const std::vector<float>& shift) {
    Tensor y = x;
    const int64_t c = x.shape.size() > 1 ? x.shape[1] : 1;
    int64_t inner = 1;
    for (size_t d = 2; d < x.shape.size(); ++d) inner *= x.shape[d];
    for (int64_t i = 0; i < count(x.shape); ++i) {
        const int64_t ch = (i / inner) % c;
        y.data[size_t(i)] = float(double(x.data[size_t(i)]) * scale[size_t(ch)] + shift[size_t(ch)]);
    }
    return y;
}

Tensor softmax(const Tensor& x, int axis) {
    Tensor y = x;
    const int64_t len = x.shape[size_t(axis)];
    int64_t inner = 1;
    for (size_t d = size_t(axis) + 1; d < x.shape.size(); ++d) inner *= x.shape[d];
    const int64_t outer = count(x.shape) / (len * inner);
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t in = 0; in < inner; ++in) {
            auto at = [&](int64_t k) { return size_t((o * len + k) * inner + in); };
            double mx = -std::numeric_limits<double>::infinity();
            for (int64_t k = 0; k < len; ++k) mx = std::max(mx, double(x.data[at(k)]));
            double sum = 0.0;
            for (int64_t k = 0; k < len; ++k) sum += std::exp(double(x.data[at(k)]) - mx);
            for (int64_t k = 0; k < len; ++k) y.data[at(k)] = float(std::exp(double(x.data[at(k)]) - mx) / sum);
        }
    return y;
}

Tensor pad(const Tensor& x, const std::vector<int64_t>& begin, const std::vector<int64_t>& end, float value) {
    model::Shape so = x.shape;
    for (size_t d = 0; d < so.size(); ++d) so[d] += begin[d] + end[d];
    Tensor y{so, std::vector<float>(size_t(count(so)), value)};
    const auto tx = stridesOf(x.shape);
    for (int64_t i = 0; i < count(so); ++i) {
        const auto idx = unflatten(i, so);
        int64_t src = 0;
        bool inside = true;
        for (size_t d = 0; d < so.size(); ++d) {
            const int64_t s = idx[d] - begin[d];
            if (s < 0 || s >= x.shape[d]) inside = false;
            src += s * tx[d];
        }
        if (inside) y.data[size_t(i)] = x.data[size_t(src)];
    }
    return y;
}

Tensor slice(const Tensor& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& steps,
             const model::Shape& so) {
    Tensor y{so, std::vector<float>(size_t(count(so)))};
    const auto tx = stridesOf(x.shape);
    for (int64_t i = 0; i < count(so); ++i) {
        const auto idx = unflatten(i, so);
        int64_t src = 0;
        for (size_t d = 0; d < so.size(); ++d) {
            const int64_t s = starts[d] + idx[d] * steps[d];
            if (s < 0 || s >= x.shape[d]) throw std::out_of_range("slice reads outside its input");
            src += s * tx[d];
        }
        y.data[size_t(i)] = x.data[size_t(src)];
    }
    return y;
}

Tensor concat(const std::vector<Tensor>& xs, int axis) {
    model::Shape so = xs.at(0).shape;
    so[size_t(axis)] = 0;
    for (const auto& x : xs) so[size_t(axis)] += x.shape[size_t(axis)];
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= so[size_t(d)];
    for (size_t d = size_t(axis) + 1; d < so.size(); ++d) inner *= so[d];
    Tensor y{so, {}};
    y.data.reserve(size_t(count(so)));
    for (int64_t o = 0; o < outer; ++o)
        for (const auto& x : xs) {
            const int64_t chunk = x.shape[size_t(axis)] * inner;
            y.data.insert(y.data.end(), x.data.begin() + o * chunk, x.data.begin() + (o + 1) * chunk);
        }
    return y;
}

Tensor reshape(const Tensor& x, const model::Shape& shape) {
    if (count(shape) != count(x.shape)) throw std::invalid_argument("reshape changes the element count");
    return {shape, x.data};
}

Tensor transpose(const Tensor& x, const std::vector<int64_t>& perm) {
    model::Shape so(perm.size());
    for (size_t d = 0; d < perm.size(); ++d) so[d] = x.shape[size_t(perm[d])];
    const auto tx = stridesOf(x.shape);
    Tensor y{so, std::vector<float>(size_t(count(so)))};
    for (int64_t i = 0; i < count(so); ++i) {
        const auto idx = unflatten(i, so);
        int64_t src = 0;
        for (size_t d = 0; d < so.size(); ++d) src += idx[d] * tx[size_t(perm[d])];
        y.data[size_t(i)] = x.data[size_t(src)];
    }
    return y;
}

}  // namespace resvk::reference
