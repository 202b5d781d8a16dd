// End-to-end check of the importer: the compiled Program, run with the naive
// CPU reference ops (exactly the layer semantics the GPU runtime implements),
// reproduces PyTorch's outputs for the real models.
#include <catch2/catch.hpp>

#include <map>

#include "model/model.h"
#include "reference/naive_ops.h"
#include "support/test_paths.h"

using namespace resvk;
using model::LayerKind;

namespace {

std::vector<reference::Tensor> runProgram(const model::Program& p, const std::vector<model::HostTensor>& inputs) {
    std::map<int, reference::Tensor> vals;
    for (size_t k = 0; k < p.inputs.size(); ++k) vals[p.inputs[k]] = {inputs[k].shape, inputs[k].data};
    for (const model::Layer& l : p.layers) {
        const reference::Tensor& x = vals.at(l.inputs.at(0));
        const model::Shape& outShape = p.values.at(static_cast<size_t>(l.output)).shape;
        reference::Tensor y;
        switch (l.kind) {
            case LayerKind::Conv:
            case LayerKind::Gemm:
                y = l.kind == LayerKind::Conv
                        ? reference::conv2d(x, l.weights, l.weightShape, l.bias, l.window, l.group)
                        : reference::gemm(x, l.weights, l.weightShape[0], l.bias);
                if (l.residual >= 0) y = reference::add(y, vals.at(l.residual));
                if (l.relu) y = reference::relu(y);
                break;
            case LayerKind::BatchNorm:
                y = reference::affine(x, l.weights, l.bias);
                break;
            case LayerKind::Add:
                y = reference::binary(reference::BinaryOp::Add, x, vals.at(l.inputs[1]));
                break;
            case LayerKind::Mul:
                y = reference::binary(reference::BinaryOp::Mul, x, vals.at(l.inputs[1]));
                break;
            case LayerKind::Relu:
                y = reference::relu(x);
                break;
            case LayerKind::MaxPool:
                y = reference::maxPool2d(x, l.window);
                break;
            case LayerKind::AveragePool:
                y = reference::averagePool2d(x, l.window, l.countIncludePad);
                break;
            case LayerKind::GlobalAveragePool:
                y = reference::globalAveragePool(x);
                break;
            case LayerKind::Softmax:
                y = reference::softmax(x, l.axis);
                break;
            case LayerKind::Pad:
                y = reference::pad(x, l.starts, l.steps, l.padValue);
                break;
            case LayerKind::Slice:
                y = reference::slice(x, l.starts, l.steps, outShape);
                break;
            case LayerKind::Concat: {
                std::vector<reference::Tensor> xs;
                for (int v : l.inputs) xs.push_back(vals.at(v));
                y = reference::concat(xs, l.axis);
                break;
            }
            case LayerKind::Reshape:
                y = reference::reshape(x, outShape);
                break;
            case LayerKind::Transpose:
                y = reference::transpose(x, l.perm);
                break;
        }
        REQUIRE(y.shape == outShape);
        vals[l.output] = std::move(y);
    }
    std::vector<reference::Tensor> out;
    for (int v : p.outputs) out.push_back(vals.at(v));
    return out;
}

void checkCase(const std::string& dir, int sets) {
    const model::Model m = model::Model::load(test::sharedPath(dir + "/model.onnx"));
    for (int s = 0; s < sets; ++s) {
        INFO(dir << " test_data_set_" << s);
        const std::string base = dir + "/test_data_set_" + std::to_string(s) + "/";
        const model::HostTensor in = model::readTensorFile(test::sharedPath(base + "input_0.pb"));
        const model::HostTensor want = model::readTensorFile(test::sharedPath(base + "output_0.pb"));
        const model::Program p = m.compile({in.shape});
        const auto got = runProgram(p, {in});
        REQUIRE(got.size() == 1);
        CHECK(got[0].shape == want.shape);
        CHECK(reference::maxAbsDiff(got[0].data, want.data) < 1e-4);
    }
}

}  // namespace

TEST_CASE("compiled CIFAR ResNet-20 reproduces PyTorch on the CPU reference", "[model]") {
    checkCase("models/reference/cifar_resnet20", 5);
}

TEST_CASE("compiled torchvision ResNet-18 reproduces PyTorch on the CPU reference", "[model][slow]") {
    checkCase("models/reference/torchvision_resnet18", 1);
}
