#pragma once
// CPU evaluation of nodes whose inputs are all constant (torch's shape
// arithmetic, weight preprocessing, Constant nodes...).
#include <vector>

#include "model/budget.h"
#include "model/op_params.h"

namespace resvk::model {

// Evaluates `n`. `in[k]` is null only for omitted optional inputs. Returns false
// when the op has no CPU implementation; throws Error for invalid parameters
// and for results that do not fit in `budget` (checked before allocating).
bool foldNode(const Node& n, int opset, const ConstInputs& in, std::vector<Tensor>& out, const FoldBudget& budget);

}  // namespace resvk::model
