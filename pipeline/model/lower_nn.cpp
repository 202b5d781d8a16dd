// Lowering of Conv, pooling, BatchNormalization, Gemm and MatMul.
#include <cmath>

#include "model/budget.h"
#include "model/lower.h"

namespace resvk::model {
namespace {

const Tensor& weight(const Lowering& L, const Node& n, size_t k, const char* what) {
    const Tensor* t = L.constant(n.input(k));
    if (!t) unsupported(std::string(what) + " is not a constant");
    if (t->type != DType::Float) badNode(n, std::string(what) + " is not a float tensor");
    return *t;
}

int activationInput(const Lowering& L, const Node& n, size_t rank) {
    const int v = L.activation(n.input(0));
    if (v < 0) unsupported("the data input is not an activation");
    if (rank && L.shapeOf(v).size() != rank)
        unsupported("only rank-" + std::to_string(rank) + " inputs are supported, got " + toString(L.shapeOf(v)));
    return v;
}

// Resolves kernel/stride/dilation/padding (auto_pad included) for a 2-D window.
Shape windowShape(const Node& n, const Shape& in, const int kernel[2], bool ceilMode, Window2d& w) {
    const auto strides = n.attrInts("strides");
    const auto dilations = n.attrInts("dilations");
    const auto pads = n.attrInts("pads");
    if ((!strides.empty() && strides.size() != 2) || (!dilations.empty() && dilations.size() != 2) ||
        (!pads.empty() && pads.size() != 4))
        badNode(n, "strides/dilations/pads do not match a 2-D window");
    const std::string autoPad = n.attrString("auto_pad", "NOTSET");
    Shape out = {in[0], 0, in[2], in[3]};
    for (int k = 0; k < 2; ++k) {
        // range-checked at full width: 2^32 + 1 must not narrow to 1
        const auto uk = static_cast<size_t>(k);
        w.kernel[k] = kernel[k];
        w.stride[k] = strides.empty() ? 1 : narrowAttr(n, "strides", strides[uk], 1);
        w.dilation[k] = dilations.empty() ? 1 : narrowAttr(n, "dilations", dilations[uk], 1);
        if (w.kernel[k] < 1) badNode(n, "invalid window");
        const int64_t size = in[static_cast<size_t>(2 + k)];
        const int64_t span = static_cast<int64_t>(w.dilation[k]) * (w.kernel[k] - 1) + 1;
        int64_t o;
        if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
            o = (size + w.stride[k] - 1) / w.stride[k];
            const int64_t total = std::max<int64_t>(0, (o - 1) * w.stride[k] + span - size);
            const int64_t small = total / 2;
            w.padBegin[k] = static_cast<int>(autoPad == "SAME_UPPER" ? small : total - small);
            w.padEnd[k] = static_cast<int>(total - w.padBegin[k]);
        } else {
            if (autoPad == "VALID") {
                w.padBegin[k] = w.padEnd[k] = 0;
            } else if (autoPad == "NOTSET") {
                w.padBegin[k] = pads.empty() ? 0 : narrowAttr(n, "pads", pads[uk], 0);
                w.padEnd[k] = pads.empty() ? 0 : narrowAttr(n, "pads", pads[uk + 2], 0);
            } else {
                badNode(n, "unknown auto_pad " + autoPad);
            }
            const int64_t room = size + w.padBegin[k] + w.padEnd[k] - span;
            if (room < 0) badNode(n, "the window is larger than the padded input " + toString(in));
            o = (ceilMode ? (room + w.stride[k] - 1) / w.stride[k] : room / w.stride[k]) + 1;
            // with ceil_mode the last window must start inside the input or the begin padding
            if (ceilMode && (o - 1) * w.stride[k] >= size + w.padBegin[k]) --o;
        }
        out[static_cast<size_t>(2 + k)] = o;
    }
    return out;
}

void lowerConv(Lowering& L, const Node& n) {
    const int x = activationInput(L, n, 4);
    const Shape& in = L.shapeOf(x);
    const Tensor& w = weight(L, n, 1, "the weight");
    if (w.shape.size() != 4) unsupported("only 2-D convolution is supported");
    const auto group = n.attrInt("group", 1);
    if (group < 1 || saturatingMul(w.shape[1], group) != in[1] || w.shape[0] % group != 0)
        badNode(n, "weights " + toString(w.shape) + " do not match input " + toString(in) + " with group " +
                       std::to_string(group));
    const auto ks = n.attrInts("kernel_shape");
    if (!ks.empty() && (ks.size() != 2 || ks[0] != w.shape[2] || ks[1] != w.shape[3]))
        badNode(n, "kernel_shape does not match the weights");
    const int kernel[2] = {narrowAttr(n, "the kernel height", w.shape[2], 1),
                           narrowAttr(n, "the kernel width", w.shape[3], 1)};
    Window2d win;
    Shape out = windowShape(n, in, kernel, false, win);
    out[1] = w.shape[0];
    std::vector<float> bias;
    if (!n.input(2).empty()) {
        bias = weight(L, n, 2, "the bias").f;
        if (static_cast<int64_t>(bias.size()) != w.shape[0]) badNode(n, "bias size mismatch");
    }
    Layer& l = L.emit(n, LayerKind::Conv, {x}, out);
    l.weights = w.f;
    l.weightShape = w.shape;
    l.bias = std::move(bias);
    l.group = static_cast<int>(group);
    l.window = win;
}

void lowerPool(Lowering& L, const Node& n) {
    const int x = activationInput(L, n, 4);
    const Shape& in = L.shapeOf(x);
    if (n.op == "GlobalAveragePool") {
        L.emit(n, LayerKind::GlobalAveragePool, {x}, {in[0], in[1], 1, 1});
        return;
    }
    L.requireOnlyFirstOutput(n);
    const auto ks = n.attrInts("kernel_shape");
    if (ks.size() != 2) unsupported("only 2-D pooling is supported");
    const int kernel[2] = {narrowAttr(n, "kernel_shape", ks[0], 1), narrowAttr(n, "kernel_shape", ks[1], 1)};
    Window2d win;
    const bool isMax = n.op == "MaxPool";
    if (!isMax && n.has("dilations")) {
        for (int64_t d : n.attrInts("dilations"))
            if (d != 1) unsupported("dilated average pooling");
    }
    Shape out = windowShape(n, in, kernel, n.attrInt("ceil_mode", 0) != 0, win);
    out[1] = in[1];
    if (isMax && n.attrInt("storage_order", 0) != 0) unsupported("storage_order");
    Layer& l = L.emit(n, isMax ? LayerKind::MaxPool : LayerKind::AveragePool, {x}, out);
    l.window = win;
    l.countIncludePad = n.attrInt("count_include_pad", 0) != 0;
}

void lowerBatchNorm(Lowering& L, const Node& n) {
    L.requireOnlyFirstOutput(n);
    const int x = activationInput(L, n, 0);
    const Shape in = L.shapeOf(x);
    if (in.size() < 2) unsupported("BatchNormalization needs a channel axis");
    if (n.attrInt("training_mode", 0) != 0) unsupported("training mode");
    const auto& gamma = weight(L, n, 1, "scale").f;
    const auto& beta = weight(L, n, 2, "B").f;
    const auto& mean = weight(L, n, 3, "mean").f;
    const auto& var = weight(L, n, 4, "var").f;
    const auto c = static_cast<size_t>(in[1]);
    if (gamma.size() != c || beta.size() != c || mean.size() != c || var.size() != c)
        unsupported("parameters that are not per-channel (" + std::to_string(c) + " channels)");
    const float eps = n.attrFloat("epsilon", 1e-5f);
    Layer& l = L.emit(n, LayerKind::BatchNorm, {x}, in);
    l.weights.resize(c);
    l.bias.resize(c);
    for (size_t k = 0; k < c; ++k) {
        const float s = gamma[k] / std::sqrt(var[k] + eps);
        l.weights[k] = s;
        l.bias[k] = beta[k] - mean[k] * s;
    }
    l.weightShape = {in[1]};
}

// y = alpha * A * op(B) + beta * C with A an [N, K] activation and B constant.
void lowerGemm(Lowering& L, const Node& n) {
    const bool matmul = n.op == "MatMul";
    const int a = L.activation(n.input(0));
    if (a < 0) unsupported("A is not an activation");
    const Shape in = L.shapeOf(a);
    if (in.size() != 2) unsupported("A must be 2-D, got " + toString(in));
    if (!matmul && n.attrInt("transA", 0) != 0) unsupported("transA with an activation A");
    const Tensor& b = weight(L, n, 1, "B");
    if (b.shape.size() != 2) unsupported("B must be 2-D");
    const bool transB = !matmul && n.attrInt("transB", 0) != 0;
    const int64_t k = transB ? b.shape[1] : b.shape[0];
    const int64_t m = transB ? b.shape[0] : b.shape[1];
    if (k != in[1]) badNode(n, "A " + toString(in) + " does not match B " + toString(b.shape));
    const float alpha = matmul ? 1.0f : n.attrFloat("alpha", 1.0f);
    const float beta = matmul ? 1.0f : n.attrFloat("beta", 1.0f);
    std::vector<float> w(static_cast<size_t>(m * k));
    for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < k; ++c)
            w[static_cast<size_t>(r * k + c)] = alpha * b.f[static_cast<size_t>(transB ? r * k + c : c * m + r)];
    std::vector<float> bias;
    if (!matmul && !n.input(2).empty() && beta != 0.0f) {
        const Tensor& cT = weight(L, n, 2, "C");
        if (n.version > 0 && n.version < 7 && n.attrInt("broadcast", 0) == 0 && cT.shape != Shape{in[0], m})
            badNode(n, "C " + toString(cT.shape) + " is not " + toString({in[0], m}) + " and Gemm-" +
                           std::to_string(n.version) + " has broadcast=0");
        Shape full;
        if (!broadcastShapes(cT.shape, {in[0], m}, full) || full != Shape{in[0], m})
            badNode(n, "C " + toString(cT.shape) + " does not broadcast to " + toString({in[0], m}));
        const bool perRowOnly = cT.shape.size() == 2 && cT.shape[0] != 1 && in[0] != 1;
        if (perRowOnly) unsupported("C varies along the batch");
        const auto map = broadcastIndex(cT.shape.size() == 2 ? Shape{cT.shape[1]} : cT.shape, {m});
        bias.resize(static_cast<size_t>(m));
        for (size_t j = 0; j < bias.size(); ++j) bias[j] = beta * cT.f[map[j]];
    }
    Layer& l = L.emit(n, LayerKind::Gemm, {a}, {in[0], m});
    l.weights = std::move(w);
    l.weightShape = {m, k};
    l.bias = std::move(bias);
}

}  // namespace

bool lowerNeuralOp(Lowering& L, const Node& n) {
    if (n.op == "Conv")
        lowerConv(L, n);
    else if (n.op == "MaxPool" || n.op == "AveragePool" || n.op == "GlobalAveragePool")
        lowerPool(L, n);
    else if (n.op == "BatchNormalization")
        lowerBatchNorm(L, n);
    else if (n.op == "Gemm" || n.op == "MatMul")
        lowerGemm(L, n);
    else
        return false;
    return true;
}

}  // namespace resvk::model
