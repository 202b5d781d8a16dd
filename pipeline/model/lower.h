#pragma once
// Lowering of ONNX nodes that read activations into Program layers, with
// per-op shape inference. Constants (initializers and folded values) are read
// from the Lowering context; the fusion passes run afterwards (fuse.h).
#include <map>
#include <set>
#include <string>

#include "model/graph.h"
#include "model/op_params.h"

namespace resvk::model {

struct Lowering {
    const Graph& graph;
    Program prog;
    std::map<std::string, int> act;        // activation name -> value index
    std::map<std::string, Tensor> folded;  // constants computed at compile time
    std::set<std::string> used;            // names read by some node or graph output

    const Tensor* constant(const std::string& name) const;
    int activation(const std::string& name) const;  // -1 when not an activation
    int addValue(const std::string& name, Shape shape);
    const Shape& shapeOf(int value) const { return prog.values[static_cast<size_t>(value)].shape; }
    // Appends a layer for node `n` writing a new value named n.outputs[0].
    Layer& emit(const Node& n, LayerKind kind, std::vector<int> inputs, Shape outShape);
    // Makes output k of `n` another name for value `v` (Identity, no-op reshapes...).
    void alias(const Node& n, int v, size_t k = 0) { act[n.outputs.at(k)] = v; }
    // Throws Unsupported when any output after the first is read by something.
    void requireOnlyFirstOutput(const Node& n) const;
};

// Lowers `n` (some input is an activation). Throws Unsupported or Error.
void lowerNode(Lowering& L, const Node& n);
// Per family, called by lowerNode; return false when the op is not theirs.
bool lowerNeuralOp(Lowering& L, const Node& n);  // Conv, pools, BN, Gemm, MatMul
bool lowerTensorOp(Lowering& L, const Node& n);  // elementwise, reshapes, slices...

}  // namespace resvk::model
