#pragma once
// Runs hand-built one-layer Programs on the GPU for the op tests. Header-only so
// that only the op test binaries pull in the runtime.
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

// Checks shape and values, naming the worst element.
inline void expectClose(const Tensor& got, const Tensor& want, double tolerance) {
    REQUIRE(model::toString(got.shape) == model::toString(want.shape));
    REQUIRE(got.data.size() == want.data.size());
    const double err = maxAbsDiff(got.data, want.data);
    size_t worst = 0;
    double worstErr = -1.0;
    for (size_t i = 0; i < got.data.size(); ++i) {
        const double e = std::fabs(double(got.data[i]) - double(want.data[i]));
        if (!(e <= worstErr)) {
            worstErr = e;
            worst = i;
        }
    }
    INFO("max abs error " << err << " (tolerance " << tolerance << ") at flat index " << worst << ": got "
                          << (got.data.empty() ? 0.f : got.data[worst]) << ", expected "
                          << (want.data.empty() ? 0.f : want.data[worst]));
    CHECK(err <= tolerance);
}

inline std::string str(const std::vector<int64_t>& v) {
    std::ostringstream s;
    s << "[";
    for (size_t i = 0; i < v.size(); ++i) s << (i ? "," : "") << v[i];
    s << "]";
    return s.str();
}

}  // namespace resvk::reference
