#pragma once
// Reading op parameters that moved from attributes to inputs across opsets, and
// the shape rules shared by constant folding and activation lowering.
// `in[k]` is the constant value of input k, or null (activation / omitted).
#include <string>
#include <vector>

#include "model/graph.h"

namespace resvk::model {

using ConstInputs = std::vector<const Tensor*>;

// Thrown when a node is valid ONNX that resvk cannot run (or fold); compile()
// lists it instead of failing.
struct Unsupported {
    std::string why;
};
[[noreturn]] inline void unsupported(const std::string& why) {
    throw Unsupported{why};
}

struct SliceSpec {
    std::vector<int64_t> starts;  // per dim of the input, clamped
    std::vector<int64_t> steps;   // per dim, never 0
    Shape out;
};
SliceSpec sliceSpec(const Node& n, int opset, const ConstInputs& in, const Shape& data);

struct PadSpec {
    std::vector<int64_t> begin, end;  // per dim
    float value = 0.0f;
    std::string mode = "constant";
    Shape out;
};
PadSpec padSpec(const Node& n, int opset, const ConstInputs& in, const Shape& data);

Shape reshapeShape(const Node& n, const ConstInputs& in, const Shape& data);
Shape squeezeShape(const Node& n, int opset, const ConstInputs& in, const Shape& data);
Shape unsqueezeShape(const Node& n, int opset, const ConstInputs& in, const Shape& data);
Shape flattenShape(const Node& n, const Shape& data);
std::vector<int64_t> transposePerm(const Node& n, size_t rank);
Shape permute(const Shape& s, const std::vector<int64_t>& perm);

// Normalises a possibly negative axis for `rank`; throws Error naming the node.
int64_t normAxis(const Node& n, int64_t axis, int64_t rank);
// Throws Error("node '<name>' (<op>): <msg>").
[[noreturn]] void badNode(const Node& n, const std::string& msg);
// The constant input k; throws Unsupported when it is computed at run time.
const Tensor& constInput(const Node& n, const ConstInputs& in, size_t k);

}  // namespace resvk::model
