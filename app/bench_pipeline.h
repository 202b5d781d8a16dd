#pragma once
// `resvk bench --source ...`: the end-to-end video pipeline (decode, GPU
// preprocessing, inference, readback) timed against inference alone on the
// same batch, in the same process and on the same device.
#include "args.h"

namespace resvk::app {

int runPipelineBench(const Args& args);

}  // namespace resvk::app
