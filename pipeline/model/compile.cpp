// Model::compile: input shapes -> constant folding + lowering -> fusion -> Program.
#include "model/const_fold.h"
#include "model/fuse.h"
#include "model/lower.h"

#include <map>
#include <new>
#include <set>
#include <stdexcept>

namespace resvk::model {
namespace {

// Whether input slot k of `n` carries an activation (the data operand) rather
// than a parameter that the lowering needs as a constant. Ops not listed here
// (elementwise, Concat, anything the GPU cannot run) read activations everywhere,
// so a graph input is never folded into them on the CPU.
bool isActivationSlot(const Node& n, size_t k) {
    static const std::set<std::string> dataFirst = {"Conv",
                                                    "Gemm",
                                                    "MatMul",
                                                    "BatchNormalization",
                                                    "MaxPool",
                                                    "AveragePool",
                                                    "GlobalAveragePool",
                                                    "Relu",
                                                    "Softmax",
                                                    "Flatten",
                                                    "Reshape",
                                                    "Squeeze",
                                                    "Unsqueeze",
                                                    "Slice",
                                                    "Pad",
                                                    "Transpose",
                                                    "Identity",
                                                    "Dropout",
                                                    "Shape",
                                                    "Size"};
    if (!n.domain.empty() || !dataFirst.count(n.op)) return true;
    return k == 0;
}

std::vector<bool> parameterFlags(const Graph& g) {
    std::map<std::string, size_t> index;
    for (size_t k = 0; k < g.inputs.size(); ++k) index[g.inputs[k].name] = k;
    std::vector<bool> param(g.inputs.size(), false), activation(g.inputs.size(), false);
    for (const Node& n : g.nodes)
        for (size_t s = 0; s < n.inputs.size(); ++s) {
            auto it = index.find(n.inputs[s]);
            if (it == index.end()) continue;
            (isActivationSlot(n, s) ? activation : param)[it->second] = true;
        }
    for (const auto& o : g.outputs)
        if (auto it = index.find(o.name); it != index.end()) activation[it->second] = true;
    for (size_t k = 0; k < param.size(); ++k) param[k] = param[k] && !activation[k];
    return param;
}

bool fits(const Shape& want, const Shape& got) {
    bool ok = want.empty() || want.size() == got.size();
    for (size_t d = 0; d < got.size(); ++d) {
        if (got[d] <= 0) ok = false;
        if (ok && !want.empty() && want[d] > 0 && want[d] != got[d]) ok = false;
    }
    return ok;
}

// `constant[k]`: input k is compiled as a constant (any rank, checked elsewhere).
void checkInputShapes(const std::string& ctx, const std::vector<TensorInfo>& inputs, const std::vector<Shape>& shapes,
                      const std::vector<bool>& constant) {
    if (shapes.size() != inputs.size())
        throw Error(ctx + " has " + std::to_string(inputs.size()) + " input(s), " + std::to_string(shapes.size()) +
                    " shape(s) given");
    for (size_t k = 0; k < inputs.size(); ++k) {
        if (constant[k]) continue;
        const Shape& want = inputs[k].shape;
        const Shape& got = shapes[k];
        const bool ok = fits(want, got);
        if (got.empty() || got.size() > 4)
            throw Error(ctx + ": input '" + inputs[k].name + "' has shape " + toString(got) +
                        "; resvk runs tensors of rank 1 to 4 only");
        if (!ok)
            throw Error(ctx + ": input '" + inputs[k].name + "' expects shape " +
                        (want.empty() ? std::string("of rank 1 to 4") : toString(want)) + ", got " + toString(got));
        if (elementCount(got) > kMaxActivationElements)  // a declared 1x3x2^20x2^20 input
            throw Error(ctx + ": input '" + inputs[k].name + "' of shape " + toString(got) + " has more than " +
                        std::to_string(kMaxActivationElements) + " elements, resvk's limit per tensor");
    }
}

const Shape* shapeOfInput(const Lowering& L, const std::string& name) {
    if (const Tensor* t = L.constant(name)) return &t->shape;
    const int v = L.activation(name);
    return v < 0 ? nullptr : &L.shapeOf(v);
}

// Add/Sub/Mul/Div before version 7 and Sum before version 8 do not broadcast
// numpy-style: without broadcast=1 the shapes must be equal; with it, B is
// matched to A's dims starting at `axis` (default: the trailing dims). Returns
// `n` itself when numpy broadcasting means the same, else a copy in `legacy`
// reading B reshaped to A's rank (a constant B only).
const Node& resolveLegacyBroadcast(Lowering& L, const Node& n, ConstInputs& in, Node& legacy) {
    const bool binaryOp = n.op == "Add" || n.op == "Sub" || n.op == "Mul" || n.op == "Div";
    if (!(binaryOp && n.version > 0 && n.version < 7) && !(n.op == "Sum" && n.version > 0 && n.version < 8)) return n;
    std::vector<const Shape*> shapes;
    for (const auto& name : n.inputs) {
        shapes.push_back(shapeOfInput(L, name));
        if (!shapes.back()) return n;  // reported by fold / lower
    }
    if (shapes.empty()) return n;
    const Shape& a = *shapes[0];
    const std::string ver = n.op + "-" + std::to_string(n.version);
    if (n.op == "Sum" || n.attrInt("broadcast", 0) == 0) {
        for (const Shape* s : shapes)
            if (*s != a)
                badNode(n, "inputs " + toString(a) + " and " + toString(*s) + " differ and " + ver +
                               (n.op == "Sum" ? " does not broadcast" : " has broadcast=0"));
        return n;
    }
    if (shapes.size() != 2) return n;
    const Shape& b = *shapes[1];
    const auto ra = static_cast<int64_t>(a.size()), rb = static_cast<int64_t>(b.size());
    const bool scalar = elementCount(b) == 1;
    int64_t axis = n.attrInt("axis", ra - rb);
    if (axis < 0) axis += ra;  // tolerated, though only the newer ops define negative axes
    if (!scalar && (axis < 0 || axis + rb > ra))
        badNode(n, "B " + toString(b) + " does not fit A " + toString(a) + " at axis " + std::to_string(axis) + " (" +
                       ver + ")");
    Shape aligned(a.size(), 1);
    for (int64_t k = 0; !scalar && k < rb; ++k) {
        const int64_t da = a[static_cast<size_t>(axis + k)], db = b[static_cast<size_t>(k)];
        if (db != da && db != 1)
            badNode(n, "B " + toString(b) + " does not broadcast to A " + toString(a) + " at axis " +
                           std::to_string(axis) + " (" + ver + ")");
        aligned[static_cast<size_t>(axis + k)] = db;
    }
    // numpy broadcasting aligns trailing dims: the same when B already sits at the end
    if (scalar || axis + rb == ra) return n;
    const Tensor* c = L.constant(n.input(1));
    if (!c)
        unsupported("legacy broadcast (" + ver + ", axis " + std::to_string(axis) +
                    ") of an activation B along non-trailing dims");
    legacy = n;
    legacy.inputs[1] = n.inputs[1] + "#legacy_broadcast_" + n.displayName();
    Tensor t = *c;
    t.shape = aligned;
    L.folded[legacy.inputs[1]] = std::move(t);
    in[1] = L.constant(legacy.inputs[1]);
    return legacy;
}

// Elements of the model's own constants: initializers and Constant nodes.
int64_t weightElements(const Graph& g) {
    int64_t n = 0;
    for (const auto& [name, t] : g.initializers) n = saturatingAdd(n, static_cast<int64_t>(t.size()));
    for (const Node& node : g.nodes)
        for (const auto& [key, a] : node.attrs)
            for (const Tensor& t : a.t) n = saturatingAdd(n, static_cast<int64_t>(t.size()));
    return n;
}

}  // namespace

std::vector<bool> Model::parameterInputs() const {
    return parameterFlags(impl_->graph);
}

Program Model::compile(const std::vector<Shape>& inputShapes, std::vector<std::string>* unsupportedOps,
                       const std::vector<const HostTensor*>* inputValues) const {
    const Graph& g = impl_->graph;
    const std::string ctx = "model '" + impl_->path + "'";
    if (inputValues && inputValues->size() != g.inputs.size())
        throw Error(ctx + " has " + std::to_string(g.inputs.size()) + " input(s), " +
                    std::to_string(inputValues->size()) + " input value(s) given");
    std::vector<bool> constant(g.inputs.size(), false);
    if (inputValues) {
        const auto param = parameterFlags(g);
        for (size_t k = 0; k < g.inputs.size(); ++k) constant[k] = param[k] && (*inputValues)[k];
    }
    checkInputShapes(ctx, g.inputs, inputShapes, constant);

    Lowering L{g, {}, {}, {}, {}};
    int64_t givenElements = 0;  // parameter values given by the caller count as weights
    for (const Node& n : g.nodes)
        for (const auto& name : n.inputs) L.used.insert(name);
    for (const auto& o : g.outputs) L.used.insert(o.name);
    for (size_t k = 0; k < g.inputs.size(); ++k) {
        if (!constant[k]) {
            L.prog.inputs.push_back(L.addValue(g.inputs[k].name, inputShapes[k]));
            L.prog.graphInputOfProgramInput.push_back(static_cast<int>(k));
            continue;
        }
        const HostTensor& v = *(*inputValues)[k];
        const Shape& want = g.inputs[k].shape;
        bool ok = v.shape == inputShapes[k] && (want.empty() || want.size() == v.shape.size()) &&
                  static_cast<int64_t>(v.data.size()) == elementCount(v.shape);
        for (size_t d = 0; d < v.shape.size(); ++d)  // empty dims are fine for parameters
            ok = ok && v.shape[d] >= 0 && (want.empty() || want[d] <= 0 || want[d] == v.shape[d]);
        if (!ok)
            throw Error(ctx + ": the value of input '" + g.inputs[k].name + "' has shape " + toString(v.shape) +
                        " and " + std::to_string(v.data.size()) + " element(s); expected " + toString(inputShapes[k]) +
                        (g.inputs[k].shape.empty() ? std::string() : " fitting " + toString(g.inputs[k].shape)));
        L.folded[g.inputs[k].name] = Tensor::ofFloats(v.data, v.shape);
        givenElements = saturatingAdd(givenElements, static_cast<int64_t>(v.data.size()));
    }
    FoldBudget budget(saturatingAdd(weightElements(g), givenElements));

    std::set<std::string> dead;  // outputs of nodes that could not be lowered
    for (const Node& n : g.nodes) {
        bool blocked = false, allConst = true;
        ConstInputs in;
        for (const auto& name : n.inputs) {
            blocked = blocked || dead.count(name);
            in.push_back(L.constant(name));
            if (!name.empty() && !in.back()) allConst = false;
        }
        if (blocked) {
            dead.insert(n.outputs.begin(), n.outputs.end());
            continue;
        }
        std::string why;
        bool ok = true;
        Node legacy;
        try {
            if (!n.unsupportedWhy.empty()) unsupported(n.unsupportedWhy);
            const Node& nn = resolveLegacyBroadcast(L, n, in, legacy);
            if (allConst) {
                std::vector<Tensor> out;
                ok = foldNode(nn, g.opset, in, out, budget);
                for (size_t k = 0; ok && k < out.size() && k < n.outputs.size(); ++k) {
                    if (n.outputs[k].empty()) continue;
                    budget.add(n, static_cast<int64_t>(out[k].size()));
                    L.folded[n.outputs[k]] = std::move(out[k]);
                }
            } else {
                const size_t before = L.prog.layers.size();
                lowerNode(L, nn);
                for (size_t k = before; k < L.prog.layers.size(); ++k)  // weights are copied into layers
                    budget.add(n, static_cast<int64_t>(L.prog.layers[k].weights.size() + L.prog.layers[k].bias.size()));
            }
        } catch (const Unsupported& u) {
            ok = false;
            why = u.why;
        } catch (const Error& e) {
            throw Error(ctx + ": " + e.what());
        } catch (const std::bad_alloc&) {
            // what a model can ask for is budgeted; this is the machine itself running out
            throw Error(ctx + ": out of memory at node '" + n.displayName() + "' (" + n.op + ")");
        } catch (const std::length_error&) {
            throw Error(ctx + ": node '" + n.displayName() + "' (" + n.op + ") asks for a tensor too large to hold");
        }
        if (ok) continue;
        dead.insert(n.outputs.begin(), n.outputs.end());
        if (!unsupportedOps)
            throw Error(ctx + ": unsupported op " + n.op + " in node '" + n.displayName() + "'" +
                        (why.empty() ? std::string() : " (" + why + ")"));
        unsupportedOps->push_back(n.op + " (node '" + n.displayName() + "')");
    }

    Program& p = L.prog;
    for (const auto& o : g.outputs) {
        const int v = L.activation(o.name);
        if (v >= 0) {
            p.outputs.push_back(v);
        } else if (const Tensor* t = L.constant(o.name)) {
            p.values.push_back(Value{o.name, t->shape});
            const int cv = static_cast<int>(p.values.size()) - 1;
            p.outputs.push_back(cv);
            p.constOutputs.push_back({cv, t->floats()});
        }
    }
    fuseLayers(p);
    removeDeadLayers(p);
    compactValues(p);
    return p;
}

}  // namespace resvk::model
