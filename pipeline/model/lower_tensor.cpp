// Lowering of elementwise ops, shape ops (Reshape family, Slice, Pad, Concat,
// Transpose, Shape) and Softmax.
#include <algorithm>

#include "model/budget.h"
#include "model/lower.h"

namespace resvk::model {

namespace {

// x * scale + shift per channel (axis 1), from Add/Sub/Mul/Div with a constant.
void lowerAffine(Lowering& L, const Node& n, int x, size_t xPos, const Tensor& c) {
    const Shape xs = L.shapeOf(x);
    Shape full;
    if (!broadcastShapes(xs, c.shape, full)) badNode(n, "cannot broadcast the inputs");
    if (full != xs) unsupported("the constant operand broadcasts the activation");
    if (xs.size() < 2 || c.shape.size() > xs.size()) unsupported("a constant operand on a rank-1 tensor");
    const size_t off = xs.size() - c.shape.size();
    for (size_t k = 0; k < c.shape.size(); ++k)
        if (k + off != 1 && c.shape[k] != 1) unsupported("a constant operand that is not per-channel");
    const bool perChannel = off <= 1 && c.shape.size() > 1 - off && c.shape[1 - off] != 1;
    const auto channels = static_cast<size_t>(xs[1]);
    std::vector<float> cv(channels);
    for (size_t k = 0; k < channels; ++k) cv[k] = static_cast<float>(c.get(perChannel ? k : 0));
    std::vector<float> scale(channels, 1.0f), shift(channels, 0.0f);
    for (size_t k = 0; k < channels; ++k) {
        if (n.op == "Add" || n.op == "Sum")
            shift[k] = cv[k];
        else if (n.op == "Mul")
            scale[k] = cv[k];
        else if (n.op == "Sub" && xPos == 0)
            shift[k] = -cv[k];
        else if (n.op == "Sub") {
            scale[k] = -1.0f;
            shift[k] = cv[k];
        } else if (n.op == "Div" && xPos == 0)
            scale[k] = 1.0f / cv[k];
        else
            unsupported("division by an activation");
    }
    Layer& l = L.emit(n, LayerKind::BatchNorm, {x}, xs);
    l.weights = std::move(scale);
    l.bias = std::move(shift);
    l.weightShape = {xs[1]};
}

void lowerElementwise(Lowering& L, const Node& n) {
    if (n.inputs.size() != 2) unsupported("expected two inputs");
    const int a = L.activation(n.input(0)), b = L.activation(n.input(1));
    if (a >= 0 && b >= 0) {
        if (n.op != "Add" && n.op != "Sum" && n.op != "Mul") unsupported(n.op + " of two activations");
        Shape out;
        if (!broadcastShapes(L.shapeOf(a), L.shapeOf(b), out))
            badNode(n, "cannot broadcast " + toString(L.shapeOf(a)) + " with " + toString(L.shapeOf(b)));
        L.emit(n, n.op == "Mul" ? LayerKind::Mul : LayerKind::Add, {a, b}, out);
        return;
    }
    const Tensor* c = L.constant(n.input(a >= 0 ? 1 : 0));
    if (!c) unsupported("an operand is neither an activation nor a constant");
    lowerAffine(L, n, a >= 0 ? a : b, a >= 0 ? 0 : 1, *c);
}

void lowerSoftmax(Lowering& L, const Node& n, int x) {
    const Shape s = L.shapeOf(x);
    const auto rank = static_cast<int64_t>(s.size());
    int64_t axis;
    if (L.graph.opset >= 13) {
        axis = normAxis(n, n.attrInt("axis", -1), rank);
    } else {
        // the old Softmax flattens to 2-D at `axis`: one real axis only if at most one
        // of the trailing dims is not 1
        const int64_t from = normAxis(n, n.attrInt("axis", 1), rank);
        axis = -1;
        for (int64_t k = from; k < rank; ++k) {
            if (s[static_cast<size_t>(k)] == 1) continue;
            if (axis >= 0) unsupported("opset < 13 Softmax over several axes");
            axis = k;
        }
        if (axis < 0) axis = rank - 1;
    }
    Layer& l = L.emit(n, LayerKind::Softmax, {x}, s);
    l.axis = static_cast<int>(axis);
}

void lowerConcat(Lowering& L, const Node& n) {
    std::vector<int> ins;
    for (const auto& name : n.inputs) {
        const int v = L.activation(name);
        if (v < 0) unsupported("Concat with a constant input");
        ins.push_back(v);
    }
    Shape out = L.shapeOf(ins[0]);
    const int64_t axis = normAxis(n, n.attrInt("axis", 0), static_cast<int64_t>(out.size()));
    const auto ax = static_cast<size_t>(axis);
    out[ax] = 0;
    for (int v : ins) {
        const Shape& s = L.shapeOf(v);
        if (s.size() != out.size()) badNode(n, "inputs differ in rank");
        for (size_t k = 0; k < s.size(); ++k)
            if (k != ax && s[k] != out[k]) badNode(n, "inputs differ outside the concat axis");
        out[ax] += s[ax];
    }
    if (ins.size() == 1) {
        L.alias(n, ins[0]);
        return;
    }
    Layer& l = L.emit(n, LayerKind::Concat, ins, out);
    l.axis = static_cast<int>(axis);
}

ConstInputs constInputs(const Lowering& L, const Node& n) {
    ConstInputs in;
    for (const auto& name : n.inputs) in.push_back(L.constant(name));
    return in;
}

}  // namespace

bool lowerTensorOp(Lowering& L, const Node& n) {
    const std::string& op = n.op;
    if (op == "Sum" && n.inputs.size() == 1) {
        const int v = L.activation(n.input(0));
        if (v < 0) unsupported("the input is not an activation");
        L.alias(n, v);
        return true;
    }
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || (op == "Sum" && n.inputs.size() == 2)) {
        lowerElementwise(L, n);
        return true;
    }
    if (op == "Concat") {
        lowerConcat(L, n);
        return true;
    }
    const int x = L.activation(n.input(0));
    if (x < 0) unsupported("the data input is not an activation");
    const Shape in = L.shapeOf(x);
    const ConstInputs cin = constInputs(L, n);
    const int opset = L.graph.opset;
    if (op == "Identity" || op == "Dropout") {
        L.requireOnlyFirstOutput(n);
        if (op == "Dropout" && !n.input(2).empty()) {
            const Tensor* training = L.constant(n.input(2));
            if (!training || (training->size() > 0 && training->get(0) != 0)) unsupported("training mode");
        }
        L.alias(n, x);
    } else if (op == "Shape" || op == "Size") {
        const auto rank = static_cast<int64_t>(in.size());
        if (op == "Size") {
            L.folded[n.outputs.at(0)] = Tensor::ofInts({elementCount(in)}, {});
        } else {
            int64_t b = n.attrInt("start", 0), e = n.attrInt("end", rank);
            if (b < 0) b += rank;
            if (e < 0) e += rank;
            b = std::clamp<int64_t>(b, 0, rank);
            e = std::clamp<int64_t>(e, b, rank);
            L.folded[n.outputs.at(0)] = Tensor::ofInts(std::vector<int64_t>(in.begin() + b, in.begin() + e), {e - b});
        }
    } else if (op == "Relu") {
        L.emit(n, LayerKind::Relu, {x}, in);
    } else if (op == "Softmax") {
        lowerSoftmax(L, n, x);
    } else if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze") {
        Shape out = op == "Flatten"   ? flattenShape(n, in)
                    : op == "Reshape" ? reshapeShape(n, cin, in)
                    : op == "Squeeze" ? squeezeShape(n, opset, cin, in)
                                      : unsqueezeShape(n, opset, cin, in);
        if (out == in)
            L.alias(n, x);
        else
            L.emit(n, LayerKind::Reshape, {x}, out);
    } else if (op == "Slice") {
        SliceSpec s = sliceSpec(n, opset, cin, in);
        bool identity = s.out == in;
        for (size_t k = 0; k < in.size(); ++k) identity = identity && s.starts[k] == 0 && s.steps[k] == 1;
        if (identity) {
            L.alias(n, x);
            return true;
        }
        Layer& l = L.emit(n, LayerKind::Slice, {x}, s.out);
        l.starts = std::move(s.starts);
        l.steps = std::move(s.steps);
    } else if (op == "Pad") {
        PadSpec p = padSpec(n, opset, cin, in);
        if (p.mode != "constant") unsupported("pad mode '" + p.mode + "'");
        // the GPU reads pads as int: 2^32 + 1 with -2^32 at the other end must not become 1
        for (size_t k = 0; k < in.size(); ++k) {
            narrowAttr(n, "pads", p.begin[k], -INT32_MAX);
            narrowAttr(n, "pads", p.end[k], -INT32_MAX);
        }
        bool identity = true;
        for (size_t k = 0; k < in.size(); ++k) identity = identity && p.begin[k] == 0 && p.end[k] == 0;
        if (identity) {
            L.alias(n, x);
            return true;
        }
        Layer& l = L.emit(n, LayerKind::Pad, {x}, p.out);
        l.starts = std::move(p.begin);
        l.steps = std::move(p.end);
        l.padValue = p.value;
    } else if (op == "Transpose") {
        auto perm = transposePerm(n, in.size());
        bool identity = true;
        for (size_t k = 0; k < perm.size(); ++k) identity = identity && perm[k] == static_cast<int64_t>(k);
        if (identity) {
            L.alias(n, x);
            return true;
        }
        Layer& l = L.emit(n, LayerKind::Transpose, {x}, permute(in, perm));
        l.perm = std::move(perm);
    } else {
        return false;
    }
    return true;
}

}  // namespace resvk::model
