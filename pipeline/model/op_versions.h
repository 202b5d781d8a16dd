#pragma once
// Per-op versions: a model's opset import picks, for each op, the newest
// version of that op not newer than the opset. upgradeNode() reads the old
// attribute forms into what the passes expect (or marks the node unsupported
// with the reason), so that folding and lowering see one set of semantics.
#include <string>

#include "model/graph.h"

namespace resvk::model {

// The version of `op` (default domain) in effect at `opset`; 0 when unknown.
int opVersion(const std::string& op, int opset);
// Rewrites the legacy attributes of `n` at `opset` (sets n.version, and
// n.unsupportedWhy when the version's semantics cannot be honoured).
void upgradeNode(Node& n, int opset);

}  // namespace resvk::model
