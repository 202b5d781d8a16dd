#pragma once
// CPU evaluation of nodes whose inputs are all constant (torch's shape
// arithmetic, weight preprocessing, Constant nodes...).
#include <vector>

#include "model/op_params.h"

namespace resvk::model {

// Evaluates `n`. `in[k]` is null only for omitted optional inputs. Returns false
// when the op has no CPU implementation; throws Error for invalid parameters.
bool foldNode(const Node& n, int opset, const ConstInputs& in, std::vector<Tensor>& out);

}  // namespace resvk::model
