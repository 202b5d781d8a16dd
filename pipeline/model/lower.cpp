// The Lowering context (values, constants, layer emission) and the dispatch
// of one node to its op family.
#include "model/lower.h"

#include "model/budget.h"

namespace resvk::model {

const Tensor* Lowering::constant(const std::string& name) const {
    if (name.empty()) return nullptr;
    if (auto it = folded.find(name); it != folded.end()) return &it->second;
    if (act.count(name)) return nullptr;
    if (auto it = graph.initializers.find(name); it != graph.initializers.end()) return &it->second;
    return nullptr;
}

int Lowering::activation(const std::string& name) const {
    auto it = act.find(name);
    return it == act.end() ? -1 : it->second;
}

int Lowering::addValue(const std::string& name, Shape shape) {
    prog.values.push_back(Value{name, std::move(shape)});
    const int v = static_cast<int>(prog.values.size()) - 1;
    act[name] = v;
    return v;
}

Layer& Lowering::emit(const Node& n, LayerKind kind, std::vector<int> inputs, Shape outShape) {
    if (outShape.empty() || outShape.size() > 4)
        unsupported("the result has rank " + std::to_string(outShape.size()) + " (1 to 4 supported)");
    for (int64_t d : outShape)
        if (d <= 0) unsupported("the result " + toString(outShape) + " is empty");
    // the runtime allocates every activation: a model must not ask for more than this
    if (elementCount(outShape) > kMaxActivationElements)
        badNode(n, "its result " + toString(outShape) + " has more than " + std::to_string(kMaxActivationElements) +
                       " elements, resvk's limit per tensor");
    Layer l;
    l.kind = kind;
    l.name = n.displayName();
    l.fusedOps = {n.op};
    l.inputs = std::move(inputs);
    l.output = addValue(n.outputs.at(0), std::move(outShape));
    prog.layers.push_back(std::move(l));
    return prog.layers.back();
}

void Lowering::requireOnlyFirstOutput(const Node& n) const {
    for (size_t k = 1; k < n.outputs.size(); ++k)
        if (!n.outputs[k].empty() && used.count(n.outputs[k])) unsupported("output " + std::to_string(k) + " is used");
}

void lowerNode(Lowering& L, const Node& n) {
    if (!n.domain.empty()) unsupported("domain '" + n.domain + "'");
    if (n.outputs.empty() || n.outputs[0].empty()) unsupported("no output");
    if (!lowerNeuralOp(L, n) && !lowerTensorOp(L, n)) unsupported("");
}

}  // namespace resvk::model
