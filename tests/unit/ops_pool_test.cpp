// MaxPool, AveragePool and GlobalAveragePool layers against the naive reference.
#include <catch2/catch.hpp>

#include "reference/op_harness.h"

using namespace resvk;
using namespace resvk::reference;

namespace {

struct PoolCase {
    int64_t n, c, h, w;
    int kh, kw, sh, sw;
    int padT, padL, padB, padR;
    int dil;
};

std::string describe(const char* kind, const PoolCase& p, const char* extra = "") {
    std::ostringstream s;
    s << kind << " x " << p.n << "x" << p.c << "x" << p.h << "x" << p.w << ", kernel " << p.kh << "x" << p.kw
      << ", stride " << p.sh << "x" << p.sw << ", pads (t,l,b,r) " << p.padT << "," << p.padL << "," << p.padB << ","
      << p.padR << ", dilation " << p.dil << extra;
    return s.str();
}

model::Window2d windowOf(const PoolCase& p) {
    model::Window2d w;
    w.kernel[0] = p.kh;
    w.kernel[1] = p.kw;
    w.stride[0] = p.sh;
    w.stride[1] = p.sw;
    w.padBegin[0] = p.padT;
    w.padBegin[1] = p.padL;
    w.padEnd[0] = p.padB;
    w.padEnd[1] = p.padR;
    w.dilation[0] = w.dilation[1] = p.dil;
    return w;
}

//                      n  c   h   w  kh kw sh sw pt pl pb pr dil
const PoolCase kPools[] = {
    {1, 1, 5, 5, 2, 2, 2, 2, 0, 0, 0, 0, 1},    // 2x2/2, odd size drops the last row
    {1, 3, 11, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1},   // ResNet's 3x3/2 pad 1, non-square
    {3, 5, 9, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1},   // batch 3, stride 1
    {1, 7, 10, 9, 5, 5, 3, 3, 2, 1, 0, 2, 1},   // 5x5/3, asymmetric pads
    {1, 13, 8, 12, 2, 3, 1, 2, 0, 1, 1, 1, 1},  // rectangular kernel and stride
    {1, 17, 7, 7, 7, 7, 1, 1, 0, 0, 0, 0, 1},   // kernel = image
    {1, 33, 6, 5, 3, 3, 2, 1, 1, 0, 1, 2, 1},  {2, 5, 12, 11, 3, 3, 1, 1, 2, 2, 2, 2, 2},  // dilation 2
};

}  // namespace

TEST_CASE("MaxPool matches the naive reference", "[ops][pool]") {
    uint32_t seed = 300;
    for (const PoolCase& p : kPools) {
        seed += 10;
        SECTION(describe("MaxPool", p)) {
            INFO(describe("MaxPool", p));
            model::Layer l;
            l.kind = model::LayerKind::MaxPool;
            l.window = windowOf(p);
            const Tensor x = testTensor({p.n, p.c, p.h, p.w}, seed);
            const Tensor want = maxPool2d(x, l.window);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("AveragePool matches the naive reference", "[ops][pool]") {
    uint32_t seed = 500;
    for (const PoolCase& p : kPools) {
        if (p.dil != 1) continue;  // ONNX AveragePool has dilations only from opset 19
        for (bool includePad : {false, true}) {
            seed += 10;
            const std::string name = describe("AveragePool", p, includePad ? ", count_include_pad" : "");
            SECTION(name) {
                INFO(name);
                model::Layer l;
                l.kind = model::LayerKind::AveragePool;
                l.window = windowOf(p);
                l.countIncludePad = includePad;
                const Tensor x = testTensor({p.n, p.c, p.h, p.w}, seed);
                const Tensor want = averagePool2d(x, l.window, includePad);
                expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
            }
        }
    }
}

TEST_CASE("GlobalAveragePool matches the naive reference", "[ops][pool]") {
    const model::Shape shapes[] = {{1, 1, 1, 1}, {3, 5, 7, 11}, {1, 33, 13, 13}, {1, 64, 7, 7}, {2, 3, 1, 9}};
    uint32_t seed = 700;
    for (const auto& s : shapes) {
        seed += 10;
        SECTION(model::toString(s)) {
            INFO("GlobalAveragePool x " << model::toString(s));
            model::Layer l;
            l.kind = model::LayerKind::GlobalAveragePool;
            const Tensor x = testTensor(s, seed);
            const Tensor want = globalAveragePool(x);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("pool sweep: odd channels x kernel sizes x strides", "[ops][pool]") {
    const int64_t channels[] = {1, 3, 5, 7, 13, 17, 33};
    const int kernels[] = {2, 3, 5};
    const int strides[] = {1, 2, 3};
    const int64_t sizes[][2] = {{11, 7}, {9, 9}, {7, 12}, {13, 5}, {8, 10}};
    uint32_t seed = 8000;
    int i = 0;
    for (int64_t c : channels)
        for (int k : kernels)
            for (int stride : strides) {
                ++i;
                seed += 10;
                PoolCase p{
                    i % 4 == 0 ? 3 : 1, c, sizes[i % 5][0], sizes[i % 5][1], k, k, stride, stride, 0, 0, 0, 0, 1};
                const int half = (k - 1) / 2;  // pads stay below the kernel size
                if (i % 3 == 1) p.padT = p.padL = p.padB = p.padR = half;
                if (i % 3 == 2) {
                    p.padT = half;
                    p.padR = k - 1;
                }
                const bool max = i % 2 == 0;
                const bool includePad = i % 4 == 1;
                const std::string name =
                    describe(max ? "MaxPool" : "AveragePool", p, includePad && !max ? ", count_include_pad" : "");
                SECTION(name) {
                    INFO(name);
                    model::Layer l;
                    l.kind = max ? model::LayerKind::MaxPool : model::LayerKind::AveragePool;
                    l.window = windowOf(p);
                    l.countIncludePad = includePad && !max;
                    const Tensor x = testTensor({p.n, p.c, p.h, p.w}, seed);
                    const Tensor want = max ? maxPool2d(x, l.window) : averagePool2d(x, l.window, l.countIncludePad);
                    expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
                }
            }
}
