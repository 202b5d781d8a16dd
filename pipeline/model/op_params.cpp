#include "model/op_params.h"

#include <algorithm>

#include "model/budget.h"

namespace resvk::model {

void badNode(const Node& n, const std::string& msg) {
    throw Error("node '" + n.displayName() + "' (" + n.op + "): " + msg);
}

const Tensor& constInput(const Node& /*n*/, const ConstInputs& in, size_t k) {
    if (k >= in.size() || !in[k]) unsupported("input " + std::to_string(k) + " is not a constant");
    return *in[k];
}

int64_t normAxis(const Node& n, int64_t axis, int64_t rank) {
    if (axis < -rank || axis >= rank)
        badNode(n, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
    return axis < 0 ? axis + rank : axis;
}

SliceSpec sliceSpec(const Node& n, int opset, const ConstInputs& in, const Shape& data) {
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset < 10) {
        starts = n.attrInts("starts");
        ends = n.attrInts("ends");
        axes = n.attrInts("axes");
    } else {
        starts = constInput(n, in, 1).ints();
        ends = constInput(n, in, 2).ints();
        if (in.size() > 3 && in[3])
            axes = in[3]->ints();
        else if (!n.input(3).empty())
            constInput(n, in, 3);
        if (in.size() > 4 && in[4])
            steps = in[4]->ints();
        else if (!n.input(4).empty())
            constInput(n, in, 4);
    }
    const auto rank = static_cast<int64_t>(data.size());
    if (axes.empty())
        for (size_t k = 0; k < starts.size(); ++k) axes.push_back(static_cast<int64_t>(k));
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
        badNode(n, "starts/ends/axes/steps differ in length");
    SliceSpec s;
    s.starts.assign(data.size(), 0);
    s.steps.assign(data.size(), 1);
    s.out = data;
    for (size_t k = 0; k < starts.size(); ++k) {
        const auto a = static_cast<size_t>(normAxis(n, axes[k], rank));
        const int64_t dim = data[a];
        const int64_t step = steps[k];
        if (step == 0) badNode(n, "slice step is 0");
        int64_t b = starts[k], e = ends[k];
        if (b < 0) b += dim;
        if (e < 0) e += dim;
        if (step > 0) {
            b = std::clamp<int64_t>(b, 0, dim);
            e = std::clamp<int64_t>(e, 0, dim);
        } else {
            b = std::clamp<int64_t>(b, -1, dim - 1);
            e = std::clamp<int64_t>(e, -1, dim - 1);
        }
        // b and e are clamped to [-1, dim]; the step may be anything (INT64_MIN included)
        const int64_t span = step > 0 ? e - b : b - e;
        const uint64_t stride = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
        const int64_t extent = span <= 0 ? 0 : 1 + static_cast<int64_t>(static_cast<uint64_t>(span - 1) / stride);
        s.starts[a] = std::max<int64_t>(b, 0);
        s.steps[a] = step;
        s.out[a] = extent;
    }
    return s;
}

PadSpec padSpec(const Node& n, int opset, const ConstInputs& in, const Shape& data) {
    PadSpec p;
    p.mode = n.attrString("mode", "constant");
    std::vector<int64_t> pads;
    if (opset < 11) {
        pads = n.attrInts("pads");
        p.value = n.attrFloat("value", 0.0f);
    } else {
        pads = constInput(n, in, 1).ints();
        if (!n.input(2).empty()) {
            const Tensor& v = constInput(n, in, 2);
            if (v.size() > 0) p.value = static_cast<float>(v.get(0));
        }
        if (!n.input(3).empty()) badNode(n, "the axes input is not supported");
    }
    const size_t rank = data.size();
    if (pads.size() != 2 * rank) badNode(n, "pads must have 2 * rank entries");
    p.begin.assign(pads.begin(), pads.begin() + static_cast<long>(rank));
    p.end.assign(pads.begin() + static_cast<long>(rank), pads.end());
    p.out = data;
    for (size_t k = 0; k < rank; ++k) {
        p.out[k] = saturatingAdd(saturatingAdd(data[k], p.begin[k]), p.end[k]);
        if (p.out[k] < 0) badNode(n, "padding makes a negative dimension");
    }
    return p;
}

Shape reshapeShape(const Node& n, const ConstInputs& in, const Shape& data) {
    std::vector<int64_t> spec =
        n.has("shape") && (in.size() < 2 || !in[1]) ? n.attrInts("shape") : constInput(n, in, 1).ints();
    const bool allowZero = n.attrInt("allowzero", 0) != 0;
    Shape out(spec.size());
    int inferred = -1;
    int64_t known = 1;
    for (size_t k = 0; k < spec.size(); ++k) {
        int64_t d = spec[k];
        if (d == 0 && !allowZero) {
            if (k >= data.size()) badNode(n, "shape copies a dimension the input does not have");
            d = data[k];
        }
        if (d == -1) {
            if (inferred >= 0) badNode(n, "more than one -1 in the target shape");
            inferred = static_cast<int>(k);
            continue;
        }
        if (d < 0) badNode(n, "invalid target dimension " + std::to_string(d));
        out[k] = d;
        known = saturatingMul(known, d);
    }
    const int64_t total = elementCount(data);
    if (inferred >= 0) {
        if (known == 0 || total % known != 0)
            badNode(n, "cannot reshape " + toString(data) + " to the requested shape");
        out[static_cast<size_t>(inferred)] = total / known;
    } else if (known != total) {
        badNode(n, "cannot reshape " + toString(data) + " to " + toString(out));
    }
    return out;
}

static std::vector<int64_t> axesOf(const Node& n, int opset, const ConstInputs& in) {
    if (opset < 13) return n.attrInts("axes");
    if (in.size() > 1 && in[1]) return in[1]->ints();
    if (!n.input(1).empty()) constInput(n, in, 1);
    return {};
}

Shape squeezeShape(const Node& n, int opset, const ConstInputs& in, const Shape& data) {
    const auto axes = axesOf(n, opset, in);
    const auto rank = static_cast<int64_t>(data.size());
    std::vector<bool> drop(data.size(), false);
    if (axes.empty()) {
        for (size_t k = 0; k < data.size(); ++k) drop[k] = data[k] == 1;
    }
    for (int64_t a : axes) {
        const auto k = static_cast<size_t>(normAxis(n, a, rank));
        if (data[k] != 1) badNode(n, "cannot squeeze a dimension of size " + std::to_string(data[k]));
        drop[k] = true;
    }
    Shape out;
    for (size_t k = 0; k < data.size(); ++k)
        if (!drop[k]) out.push_back(data[k]);
    return out;
}

Shape unsqueezeShape(const Node& n, int opset, const ConstInputs& in, const Shape& data) {
    const auto axes = axesOf(n, opset, in);
    const auto rank = static_cast<int64_t>(data.size() + axes.size());
    std::vector<bool> inserted(static_cast<size_t>(rank), false);
    for (int64_t a : axes) {
        const auto k = static_cast<size_t>(normAxis(n, a, rank));
        if (inserted[k]) badNode(n, "repeated axis");
        inserted[k] = true;
    }
    Shape out;
    size_t src = 0;
    for (size_t k = 0; k < inserted.size(); ++k) out.push_back(inserted[k] ? 1 : data[src++]);
    return out;
}

Shape flattenShape(const Node& n, const Shape& data) {
    const auto rank = static_cast<int64_t>(data.size());
    int64_t axis = n.attrInt("axis", 1);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis > rank) badNode(n, "axis out of range");
    int64_t a = 1, b = 1;
    for (int64_t k = 0; k < rank; ++k) {
        int64_t& side = k < axis ? a : b;
        side = saturatingMul(side, data[static_cast<size_t>(k)]);
    }
    return {a, b};
}

std::vector<int64_t> transposePerm(const Node& n, size_t rank) {
    std::vector<int64_t> perm = n.attrInts("perm");
    if (perm.empty())
        for (size_t k = 0; k < rank; ++k) perm.push_back(static_cast<int64_t>(rank - 1 - k));
    if (perm.size() != rank) badNode(n, "perm does not match the input rank");
    std::vector<bool> seen(rank, false);
    for (auto& p : perm) {
        p = normAxis(n, p, static_cast<int64_t>(rank));
        if (seen[static_cast<size_t>(p)]) badNode(n, "perm repeats an axis");
        seen[static_cast<size_t>(p)] = true;
    }
    return perm;
}

Shape permute(const Shape& s, const std::vector<int64_t>& perm) {
    Shape out;
    for (int64_t p : perm) out.push_back(s[static_cast<size_t>(p)]);
    return out;
}

}  // namespace resvk::model
