// Model::compile: input shapes -> constant folding + lowering -> fusion -> Program.
#include "model/const_fold.h"
#include "model/fuse.h"
#include "model/lower.h"

namespace resvk::model {
namespace {

void checkInputShapes(const std::string& ctx, const std::vector<TensorInfo>& inputs,
                      const std::vector<Shape>& shapes) {
    if (shapes.size() != inputs.size())
        throw Error(ctx + " has " + std::to_string(inputs.size()) + " input(s), " +
                    std::to_string(shapes.size()) + " shape(s) given");
    for (size_t k = 0; k < inputs.size(); ++k) {
        const Shape& want = inputs[k].shape;
        const Shape& got = shapes[k];
        bool ok = want.empty() || want.size() == got.size();
        for (size_t d = 0; d < got.size(); ++d) {
            if (got[d] <= 0) ok = false;
            if (ok && !want.empty() && want[d] > 0 && want[d] != got[d]) ok = false;
        }
        if (got.empty() || got.size() > 4)
            throw Error(ctx + ": input '" + inputs[k].name + "' has shape " + toString(got) +
                        "; resvk runs tensors of rank 1 to 4 only");
        if (!ok)
            throw Error(ctx + ": input '" + inputs[k].name + "' expects shape " +
                        (want.empty() ? std::string("of rank 1 to 4") : toString(want)) + ", got " +
                        toString(got));
    }
}

}  // namespace

Program Model::compile(const std::vector<Shape>& inputShapes,
                       std::vector<std::string>* unsupportedOps) const {
    const Graph& g = impl_->graph;
    const std::string ctx = "model '" + impl_->path + "'";
    checkInputShapes(ctx, g.inputs, inputShapes);

    Lowering L{g, {}, {}, {}, {}};
    for (const Node& n : g.nodes)
        for (const auto& name : n.inputs) L.used.insert(name);
    for (const auto& o : g.outputs) L.used.insert(o.name);
    for (size_t k = 0; k < g.inputs.size(); ++k)
        L.prog.inputs.push_back(L.addValue(g.inputs[k].name, inputShapes[k]));

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
        try {
            if (allConst) {
                std::vector<Tensor> out;
                ok = foldNode(n, g.opset, in, out);
                for (size_t k = 0; ok && k < out.size() && k < n.outputs.size(); ++k)
                    if (!n.outputs[k].empty()) L.folded[n.outputs[k]] = std::move(out[k]);
            } else {
                lowerNode(L, n);
            }
        } catch (const Unsupported& u) {
            ok = false;
            why = u.why;
        } catch (const Error& e) {
            throw Error(ctx + ": " + e.what());
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
