#include "model/const_fold.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "model/budget.h"

namespace resvk::model {
namespace {

// Visits every multi-index of `shape` in row-major order.
template <typename F>
void forEachIndex(const Shape& shape, F&& fn) {
    const int64_t n = elementCount(shape);
    std::vector<int64_t> idx(shape.size(), 0);
    for (int64_t e = 0; e < n; ++e) {
        fn(idx, static_cast<size_t>(e));
        for (size_t k = shape.size(); k-- > 0;) {
            if (++idx[k] < shape[k]) break;
            idx[k] = 0;
        }
    }
}

// Every tensor folding creates comes from here: its shape is checked against
// the model's budget before anything is allocated.
Tensor alloc(const FoldBudget& budget, const Node& n, DType type, const Shape& shape) {
    budget.check(n, shape);
    return Tensor::zeros(type, shape);
}

Tensor reshaped(const Tensor& t, Shape shape) {
    Tensor out = t;
    out.shape = std::move(shape);
    return out;
}

Tensor gather(const FoldBudget& budget, const Node& n, const Tensor& data, const Tensor& indices) {
    const auto rank = static_cast<int64_t>(data.shape.size());
    if (rank == 0) badNode(n, "cannot gather from a scalar");
    const auto axis = static_cast<size_t>(normAxis(n, n.attrInt("axis", 0), rank));
    Shape outShape(data.shape.begin(), data.shape.begin() + static_cast<long>(axis));
    outShape.insert(outShape.end(), indices.shape.begin(), indices.shape.end());
    outShape.insert(outShape.end(), data.shape.begin() + static_cast<long>(axis) + 1, data.shape.end());
    int64_t outer = 1, inner = 1;
    for (size_t k = 0; k < axis; ++k) outer *= data.shape[k];
    for (size_t k = axis + 1; k < data.shape.size(); ++k) inner *= data.shape[k];
    const int64_t dim = data.shape[axis];
    const auto idx = indices.ints();
    Tensor out = alloc(budget, n, data.type, outShape);
    if (out.size() == 0) return out;  // `outer` may still be huge (a zero dim elsewhere)
    size_t o = 0;
    for (int64_t a = 0; a < outer; ++a)
        for (int64_t j : idx) {
            if (j < 0) j += dim;
            if (j < 0 || j >= dim) badNode(n, "index out of range");
            for (int64_t b = 0; b < inner; ++b)
                copyElement(out, o++, data, static_cast<size_t>((a * dim + j) * inner + b));
        }
    return out;
}

Tensor concat(const FoldBudget& budget, const Node& n, const ConstInputs& in) {
    if (in.empty()) badNode(n, "no inputs");
    const Tensor& first = *in.at(0);
    const auto rank = static_cast<int64_t>(first.shape.size());
    const auto axis = static_cast<size_t>(normAxis(n, n.attrInt("axis", 0), rank));
    Shape outShape = first.shape;
    outShape[axis] = 0;
    for (const Tensor* t : in) {
        if (!t || t->shape.size() != first.shape.size()) badNode(n, "inputs differ in rank");
        outShape[axis] = saturatingAdd(outShape[axis], t->shape[axis]);
    }
    Tensor out = alloc(budget, n, first.type, outShape);
    if (out.size() == 0) return out;
    int64_t outer = 1;
    for (size_t k = 0; k < axis; ++k) outer *= outShape[k];
    size_t o = 0;
    for (int64_t a = 0; a < outer; ++a)
        for (const Tensor* t : in) {
            const int64_t chunk = elementCount(t->shape) / std::max<int64_t>(outer, 1);
            for (int64_t b = 0; b < chunk; ++b) {
                const auto s = static_cast<size_t>(a * chunk + b);
                if (t->type == out.type)
                    copyElement(out, o++, *t, s);
                else
                    out.set(o++, t->get(s));
            }
        }
    return out;
}

Tensor slice(const FoldBudget& budget, const Node& n, int opset, const ConstInputs& in) {
    const Tensor& data = *in[0];
    const SliceSpec s = sliceSpec(n, opset, in, data.shape);
    Tensor out = alloc(budget, n, data.type, s.out);
    const auto strides = stridesOf(data.shape);
    forEachIndex(s.out, [&](const std::vector<int64_t>& idx, size_t e) {
        int64_t off = 0;
        for (size_t k = 0; k < idx.size(); ++k) off += (s.starts[k] + idx[k] * s.steps[k]) * strides[k];
        copyElement(out, e, data, static_cast<size_t>(off));
    });
    return out;
}

Tensor transpose(const FoldBudget& budget, const Node& n, const Tensor& data) {
    const auto perm = transposePerm(n, data.shape.size());
    Tensor out = alloc(budget, n, data.type, permute(data.shape, perm));
    const auto strides = stridesOf(data.shape);
    forEachIndex(out.shape, [&](const std::vector<int64_t>& idx, size_t e) {
        int64_t off = 0;
        for (size_t k = 0; k < idx.size(); ++k) off += idx[k] * strides[static_cast<size_t>(perm[k])];
        copyElement(out, e, data, static_cast<size_t>(off));
    });
    return out;
}

Tensor pad(const FoldBudget& budget, const Node& n, int opset, const ConstInputs& in) {
    const Tensor& data = *in[0];
    const PadSpec p = padSpec(n, opset, in, data.shape);
    if (p.mode != "constant") unsupported("pad mode '" + p.mode + "'");
    Tensor out = alloc(budget, n, data.type, p.out);
    const auto strides = stridesOf(data.shape);
    forEachIndex(p.out, [&](const std::vector<int64_t>& idx, size_t e) {
        int64_t off = 0;
        for (size_t k = 0; k < idx.size(); ++k) {
            const int64_t src = idx[k] - p.begin[k];
            if (src < 0 || src >= data.shape[k]) {
                out.set(e, p.value);
                return;
            }
            off += src * strides[k];
        }
        copyElement(out, e, data, static_cast<size_t>(off));
    });
    return out;
}

Tensor expandTo(const FoldBudget& budget, const Node& n, const Tensor& data, const Shape& shape) {
    Tensor out = alloc(budget, n, data.type, shape);
    const auto map = broadcastIndex(data.shape, shape);
    for (size_t e = 0; e < map.size(); ++e) copyElement(out, e, data, map[e]);
    return out;
}

Tensor binary(const FoldBudget& budget, const Node& n, const Tensor& a, const Tensor& b, DType type,
              const std::function<double(double, double)>& f) {
    Shape shape;
    if (!broadcastShapes(a.shape, b.shape, shape))
        badNode(n, "cannot broadcast " + toString(a.shape) + " with " + toString(b.shape));
    Tensor out = alloc(budget, n, type, shape);
    const auto ia = broadcastIndex(a.shape, shape);
    const auto ib = broadcastIndex(b.shape, shape);
    for (size_t e = 0; e < ia.size(); ++e) out.set(e, f(a.get(ia[e]), b.get(ib[e])));
    return out;
}

bool elementwise(const FoldBudget& budget, const Node& n, const ConstInputs& in, Tensor& out) {
    const std::string& op = n.op;
    const Tensor& a = *in.at(0);
    if (op == "Min" || op == "Max" || op == "Sum") {
        out = a;
        for (size_t k = 1; k < in.size(); ++k) {
            if (op == "Sum")
                out = binary(budget, n, out, *in[k], a.type, [](double x, double y) { return x + y; });
            else if (op == "Min")
                out = binary(budget, n, out, *in[k], a.type, [](double x, double y) { return std::min(x, y); });
            else
                out = binary(budget, n, out, *in[k], a.type, [](double x, double y) { return std::max(x, y); });
        }
        return true;
    }
    if (in.size() == 2 && in[1]) {
        const Tensor& b = *in[1];
        const bool isInt = a.type != DType::Float;
        if (op == "Add")
            out = binary(budget, n, a, b, a.type, [](double x, double y) { return x + y; });
        else if (op == "Sub")
            out = binary(budget, n, a, b, a.type, [](double x, double y) { return x - y; });
        else if (op == "Mul")
            out = binary(budget, n, a, b, a.type, [](double x, double y) { return x * y; });
        else if (op == "Div") {
            if (isInt) {
                out = binary(budget, n, a, b, a.type, [&](double x, double y) {
                    if (y == 0) badNode(n, "integer division by zero");
                    return std::trunc(x / y);
                });
            } else {
                // float division in float, as the runtime would do it
                out = binary(budget, n, a, b, a.type, [](double x, double y) {
                    return static_cast<double>(static_cast<float>(x) / static_cast<float>(y));
                });
            }
        } else if (op == "Pow")
            out = binary(budget, n, a, b, a.type, [](double x, double y) { return std::pow(x, y); });
        else if (op == "Mod" && n.attrInt("fmod", 0) != 0)
            out = binary(budget, n, a, b, a.type, [](double x, double y) { return std::fmod(x, y); });
        else if (op == "Mod")
            out = binary(budget, n, a, b, a.type,
                         [](double x, double y) { return y == 0 ? 0 : x - y * std::floor(x / y); });
        else if (op == "Equal")
            out = binary(budget, n, a, b, DType::Bool, [](double x, double y) { return x == y; });
        else if (op == "Less")
            out = binary(budget, n, a, b, DType::Bool, [](double x, double y) { return x < y; });
        else if (op == "Greater")
            out = binary(budget, n, a, b, DType::Bool, [](double x, double y) { return x > y; });
        else if (op == "LessOrEqual")
            out = binary(budget, n, a, b, DType::Bool, [](double x, double y) { return x <= y; });
        else if (op == "GreaterOrEqual")
            out = binary(budget, n, a, b, DType::Bool, [](double x, double y) { return x >= y; });
        else if (op == "And")
            out = binary(budget, n, a, b, DType::Bool, [](double x, double y) { return x != 0 && y != 0; });
        else if (op == "Or")
            out = binary(budget, n, a, b, DType::Bool, [](double x, double y) { return x != 0 || y != 0; });
        else
            return false;
        return true;
    }
    if (in.size() != 1) return false;
    std::function<double(double)> f;
    if (op == "Floor")
        f = [](double x) { return std::floor(x); };
    else if (op == "Ceil")
        f = [](double x) { return std::ceil(x); };
    else if (op == "Sqrt")
        f = [](double x) { return std::sqrt(x); };
    else if (op == "Neg")
        f = [](double x) { return -x; };
    else if (op == "Abs")
        f = [](double x) { return std::fabs(x); };
    else if (op == "Relu")
        f = [](double x) { return std::max(x, 0.0); };
    else if (op == "Reciprocal")
        f = [](double x) { return 1.0 / x; };
    else if (op == "Exp")
        f = [](double x) { return std::exp(x); };
    else if (op == "Log")
        f = [](double x) { return std::log(x); };
    else if (op == "Sigmoid")
        f = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
    else if (op == "Not")
        f = [](double x) { return x == 0 ? 1.0 : 0.0; };
    else if (op == "Round")
        f = [](double x) { return std::nearbyint(x); };
    else
        return false;
    out = a;
    for (size_t e = 0; e < a.size(); ++e) out.set(e, f(a.get(e)));
    return true;
}

Tensor reduce(const FoldBudget& budget, const Node& n, int opset, const ConstInputs& in) {
    const Tensor& data = *in[0];
    std::vector<int64_t> axes = n.attrInts("axes");
    if (n.op == "ReduceSum" && opset >= 13 && in.size() > 1 && in[1]) axes = in[1]->ints();
    const bool keep = n.attrInt("keepdims", 1) != 0;
    if (axes.empty() && n.attrInt("noop_with_empty_axes", 0) != 0) return data;
    const auto rank = static_cast<int64_t>(data.shape.size());
    std::vector<bool> reduced(data.shape.size(), axes.empty());
    for (int64_t a : axes) reduced[static_cast<size_t>(normAxis(n, a, rank))] = true;
    Shape keptShape = data.shape;
    for (size_t k = 0; k < keptShape.size(); ++k)
        if (reduced[k]) keptShape[k] = 1;
    const bool prod = n.op == "ReduceProd", mx = n.op == "ReduceMax", mn = n.op == "ReduceMin";
    const double init = prod ? 1.0
                        : mx ? -std::numeric_limits<double>::infinity()
                        : mn ? std::numeric_limits<double>::infinity()
                             : 0.0;
    budget.check(n, keptShape);  // a zero dim elsewhere lets the kept dims be huge
    std::vector<double> acc(static_cast<size_t>(elementCount(keptShape)), init);
    const auto keptStrides = stridesOf(keptShape);
    forEachIndex(data.shape, [&](const std::vector<int64_t>& idx, size_t e) {
        int64_t o = 0;
        for (size_t k = 0; k < idx.size(); ++k)
            if (!reduced[k]) o += idx[k] * keptStrides[k];
        double& a = acc[static_cast<size_t>(o)];
        const double v = data.get(e);
        a = prod ? a * v : mx ? std::max(a, v) : mn ? std::min(a, v) : a + v;
    });
    if (n.op == "ReduceMean") {
        const double count = static_cast<double>(elementCount(data.shape)) / static_cast<double>(acc.size());
        for (double& a : acc) a /= count;
    }
    Shape outShape;
    for (size_t k = 0; k < keptShape.size(); ++k)
        if (!reduced[k] || keep) outShape.push_back(keptShape[k]);
    Tensor out = alloc(budget, n, data.type, outShape);
    for (size_t e = 0; e < acc.size(); ++e) out.set(e, acc[e]);
    return out;
}

Tensor constantNode(const Node& n) {
    if (const Tensor* t = n.attrTensor("value")) return *t;
    if (n.has("value_float")) return Tensor::ofFloats({n.attrFloat("value_float", 0)}, {});
    if (n.has("value_floats")) {
        auto v = n.attrs.at("value_floats").floats;
        const auto len = static_cast<int64_t>(v.size());
        return Tensor::ofFloats(std::move(v), {len});
    }
    if (n.has("value_int")) return Tensor::ofInts({n.attrInt("value_int", 0)}, {});
    if (n.has("value_ints")) {
        auto v = n.attrInts("value_ints");
        const auto len = static_cast<int64_t>(v.size());
        return Tensor::ofInts(std::move(v), {len});
    }
    badNode(n, "unsupported constant kind (sparse or string)");
}

DType castTarget(const Node& n) {
    switch (n.attrInt("to", 1)) {
        case 1:
        case 11:
            return DType::Float;
        case 10:
        case 16:
            unsupported("casting to a 16-bit float type");
        case 9:
            return DType::Bool;
        case 2:
        case 3:
        case 4:
        case 5:
        case 6:
        case 7:
        case 12:
        case 13:
            return DType::Int;
        default:
            unsupported("cast target type " + std::to_string(n.attrInt("to", 1)));
    }
}

}  // namespace

bool foldNode(const Node& n, int opset, const ConstInputs& in, std::vector<Tensor>& out, const FoldBudget& budget) {
    const std::string& op = n.op;
    out.clear();
    if (!n.domain.empty()) return false;
    auto arg = [&](size_t k) -> const Tensor& { return constInput(n, in, k); };
    if (op == "Constant") {
        out.push_back(constantNode(n));
    } else if (op == "Identity") {
        out.push_back(arg(0));
    } else if (op == "Dropout") {
        if (in.size() > 2 && in[2] && in[2]->size() > 0 && in[2]->get(0) != 0) unsupported("training mode");
        out.push_back(arg(0));
        if (n.outputs.size() > 1) {
            Tensor mask = alloc(budget, n, DType::Bool, arg(0).shape);
            std::fill(mask.i.begin(), mask.i.end(), 1);
            out.push_back(std::move(mask));
        }
    } else if (op == "Shape") {
        const Shape& s = arg(0).shape;
        const auto rank = static_cast<int64_t>(s.size());
        int64_t b = n.attrInt("start", 0), e = n.attrInt("end", rank);
        if (b < 0) b += rank;
        if (e < 0) e += rank;
        b = std::clamp<int64_t>(b, 0, rank);
        e = std::clamp<int64_t>(e, b, rank);
        std::vector<int64_t> v(s.begin() + b, s.begin() + e);
        out.push_back(Tensor::ofInts(v, {e - b}));
    } else if (op == "Size") {
        out.push_back(Tensor::ofInts({elementCount(arg(0).shape)}, {}));
    } else if (op == "Gather") {
        out.push_back(gather(budget, n, arg(0), arg(1)));
    } else if (op == "Unsqueeze") {
        out.push_back(reshaped(arg(0), unsqueezeShape(n, opset, in, arg(0).shape)));
    } else if (op == "Squeeze") {
        out.push_back(reshaped(arg(0), squeezeShape(n, opset, in, arg(0).shape)));
    } else if (op == "Reshape") {
        out.push_back(reshaped(arg(0), reshapeShape(n, in, arg(0).shape)));
    } else if (op == "Flatten") {
        out.push_back(reshaped(arg(0), flattenShape(n, arg(0).shape)));
    } else if (op == "Concat") {
        out.push_back(concat(budget, n, in));
    } else if (op == "ConstantOfShape") {
        const auto dims = arg(0).ints();
        const Tensor* v = n.attrTensor("value");
        Tensor t = alloc(budget, n, v ? v->type : DType::Float, Shape(dims.begin(), dims.end()));
        if (v && v->size() > 0)
            for (size_t e = 0; e < t.size(); ++e) copyElement(t, e, *v, 0);
        out.push_back(std::move(t));
    } else if (op == "Slice") {
        arg(0);
        out.push_back(slice(budget, n, opset, in));
    } else if (op == "Pad") {
        arg(0);
        out.push_back(pad(budget, n, opset, in));
    } else if (op == "Cast") {
        const Tensor& a = arg(0);
        Tensor t = alloc(budget, n, castTarget(n), a.shape);
        if (t.type == a.type)
            t = a;
        else
            for (size_t e = 0; e < a.size(); ++e) t.set(e, a.get(e));
        out.push_back(std::move(t));
    } else if (op == "Transpose") {
        out.push_back(transpose(budget, n, arg(0)));
    } else if (op == "Range") {
        const Tensor& s = arg(0);
        if (s.size() != 1 || arg(1).size() != 1 || arg(2).size() != 1)
            badNode(n, "start, limit and delta must be scalars");
        const double start = s.get(0), limit = arg(1).get(0), delta = arg(2).get(0);
        if (delta == 0) badNode(n, "delta is 0");
        const double steps = std::ceil((limit - start) / delta);
        if (std::isnan(steps)) badNode(n, "start, limit or delta is not a number");
        // checked as a double: 1e300 steps must not reach the integer conversion
        const double bound = static_cast<double>(budget.limit());
        const auto count = static_cast<int64_t>(std::clamp(steps, 0.0, bound + 1));
        Tensor t = alloc(budget, n, s.type, {count});
        for (int64_t k = 0; k < count; ++k) t.set(static_cast<size_t>(k), start + static_cast<double>(k) * delta);
        out.push_back(std::move(t));
    } else if (op == "Where") {
        const Tensor &c = arg(0), &x = arg(1), &y = arg(2);
        Shape s1, s;
        if (!broadcastShapes(c.shape, x.shape, s1) || !broadcastShapes(s1, y.shape, s))
            badNode(n, "cannot broadcast the inputs");
        Tensor t = alloc(budget, n, x.type, s);
        const auto ic = broadcastIndex(c.shape, s), ix = broadcastIndex(x.shape, s), iy = broadcastIndex(y.shape, s);
        for (size_t e = 0; e < ic.size(); ++e) {
            if (c.get(ic[e]) != 0)
                copyElement(t, e, x, ix[e]);
            else
                copyElement(t, e, y, iy[e]);
        }
        out.push_back(std::move(t));
    } else if (op == "Expand") {
        const auto dims = arg(1).ints();
        Shape s;
        if (!broadcastShapes(arg(0).shape, Shape(dims.begin(), dims.end()), s))
            badNode(n, "cannot expand " + toString(arg(0).shape));
        out.push_back(expandTo(budget, n, arg(0), s));
    } else if (op == "ReduceProd" || op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax" ||
               op == "ReduceMin") {
        arg(0);
        out.push_back(reduce(budget, n, opset, in));
    } else {
        for (size_t k = 0; k < in.size(); ++k) arg(k);
        if (in.empty()) return false;
        Tensor t;
        if (!elementwise(budget, n, in, t)) return false;
        out.push_back(std::move(t));
    }
    return true;
}

}  // namespace resvk::model
