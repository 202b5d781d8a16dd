#pragma once
// Load-time passes over lowered layers: BatchNorm folding into the preceding
// Conv/Gemm, residual Add and ReLU fusion, dead layer removal, value compaction.
#include "model/program.h"

namespace resvk::model {

void fuseLayers(Program& program);
void removeDeadLayers(Program& program);
// Drops values no layer or graph input/output refers to and renumbers the rest.
void compactValues(Program& program);

}  // namespace resvk::model
