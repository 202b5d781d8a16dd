#pragma once
// Runs hand-built one-layer Programs on the GPU for the op tests. Header-only so
// that only the op test binaries pull in the runtime.
//
// Precision: the tests run in the context's precision (RESVK_PRECISION; auto is
// fp32 on lavapipe's CPU profile and fp16 under RESVK_DEVICE_PROFILE=gpu, see
// tests/CMakeLists.txt). In fp16 the test data is made of halves (testTensor,
// testValues), so the GPU and the reference multiply exactly the same numbers:
// products of halves are exact in fp32, accumulation is fp32 as in the fp32
// tests, and the only new error is the output's rounding to half, at most 2^-11
// of its magnitude (round to nearest; 2^-10 if a driver truncates). So a result
// passes in fp16 when |got - want| <= tolerance * (1 + 2^-10) + 2^-10 * |want|,
// with the same fp32 `tolerance` as before, and every result must itself be a
// half (proof that it was stored as one). Winograd (CPU profile only) also
// rounds its transformed tiles: `slack`, see winogradSlack() in ops_conv_test.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/program.h"
#include "reference/naive_ops.h"
#include "runtime/plan.h"
#include "vk/context.h"
#include "vk/kernel.h"

namespace resvk::reference {

inline vk::Context& gpuContext() {
    static vk::Context context;
    return context;
}

inline vk::KernelCache& gpuKernels() {
    static vk::KernelCache kernels(gpuContext());
    return kernels;
}

inline bool fp16() {
    return gpuContext().traits().precision == vk::Precision::Fp16;
}
constexpr double kHalfRounding = 1.0 / 1024;  // 2^-10, see the top of this file

// Values the precision under test stores exactly (rounded to halves in fp16).
inline std::vector<float> stored(std::vector<float> v) {
    if (fp16())
        for (float& x : v) x = roundToHalf(x);
    return v;
}
inline Tensor testTensor(const model::Shape& shape, uint32_t seed) {
    return {shape, stored(random(shape, seed).data)};
}
inline std::vector<float> testValues(size_t n, uint32_t seed) {
    return stored(randomVector(n, seed));
}

// A Program whose values are the inputs (in order), then the layer's output.
// `layer.inputs`, `layer.output` and `layer.residual` (when `hasResidual`, the
// last input) are filled in here.
inline model::Program oneLayer(model::Layer layer, const std::vector<model::Shape>& inputShapes,
                               const model::Shape& outShape, bool hasResidual = false) {
    model::Program p;
    for (size_t i = 0; i < inputShapes.size(); ++i) {
        p.values.push_back({"in" + std::to_string(i), inputShapes[i]});
        p.inputs.push_back(int(i));
    }
    p.values.push_back({"out", outShape});
    const int out = int(inputShapes.size());
    p.outputs.push_back(out);
    layer.inputs.clear();
    const size_t operands = hasResidual ? inputShapes.size() - 1 : inputShapes.size();
    for (size_t i = 0; i < operands; ++i) layer.inputs.push_back(int(i));
    layer.residual = hasResidual ? int(inputShapes.size()) - 1 : -1;
    layer.output = out;
    if (layer.name.empty()) layer.name = model::toString(layer.kind);
    p.layers.push_back(std::move(layer));
    return p;
}

// Runs the program on the GPU and returns its only output.
inline Tensor runOnGpu(model::Program program, const std::vector<Tensor>& inputs) {
    std::vector<model::HostTensor> host;
    for (size_t i = 0; i < inputs.size(); ++i)
        host.push_back({program.values[size_t(program.inputs[i])].name, inputs[i].shape, inputs[i].data});
    runtime::Plan plan(gpuContext(), gpuKernels(), std::move(program));
    auto outputs = plan.run(host);
    REQUIRE(outputs.size() == 1);
    return {outputs[0].shape, outputs[0].data};
}

inline double convTolerance(int64_t k) {
    return 1e-4 * (1.0 + std::sqrt(double(k)));
}
constexpr double kElementwiseTolerance = 1e-5;

// The error element i may have: the fp32 `tolerance`, plus in fp16 the
// output's rounding and `slack[i]` (Winograd's, when given).
inline double allowedError(const Tensor& want, size_t i, double tolerance, const std::vector<double>* slack = nullptr) {
    if (!fp16()) return tolerance;
    return tolerance * (1 + kHalfRounding) + kHalfRounding * std::fabs(double(want.data[i])) +
           (slack ? (*slack)[i] : 0.0);
}

// How far past its allowed error the worst element is (<= 0: all within).
inline double worstExcess(const Tensor& got, const Tensor& want, double tolerance,
                          const std::vector<double>* slack = nullptr, size_t* where = nullptr) {
    double worst = -INFINITY;
    for (size_t i = 0; i < got.data.size() && i < want.data.size(); ++i) {
        double e = std::fabs(double(got.data[i]) - double(want.data[i]));
        if (std::isnan(e)) e = INFINITY;
        const double excess = e - allowedError(want, i, tolerance, slack);
        if (excess > worst) {
            worst = excess;
            if (where) *where = i;
        }
    }
    return worst;
}

// Checks shape and values, naming the worst element.
inline void expectClose(const Tensor& got, const Tensor& want, double tolerance,
                        const std::vector<double>* slack = nullptr) {
    REQUIRE(model::toString(got.shape) == model::toString(want.shape));
    REQUIRE(got.data.size() == want.data.size());
    const double err = maxAbsDiff(got.data, want.data);
    size_t worst = 0;
    const double excess = worstExcess(got, want, tolerance, slack, &worst);
    INFO((fp16() ? "fp16" : "fp32") << ": max abs error " << err << "; worst element (flat index " << worst << "): got "
                                    << (got.data.empty() ? 0.f : got.data[worst]) << ", expected "
                                    << (want.data.empty() ? 0.f : want.data[worst]) << ", allowed error "
                                    << (want.data.empty() ? 0.0 : allowedError(want, worst, tolerance, slack)));
    CHECK(excess <= 0);
    if (fp16()) {
        size_t notHalf = 0;
        for (float v : got.data) notHalf += !(v == roundToHalf(v)) && !std::isnan(v);
        INFO("results that are not halves: " << notHalf);
        CHECK(notHalf == 0);
    }
}

inline std::string str(const std::vector<int64_t>& v) {
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
    s << "]";
    return s.str();
}

}  // namespace resvk::reference
