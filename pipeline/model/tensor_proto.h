#pragma once
// Conversion of onnx.TensorProto into the IR's Tensor (the only place that
// decodes tensor payloads, inline or external).
#include <string>

#include <onnx/onnx_pb.h>

#include "model/graph.h"

namespace resvk::model {

// `baseDir` resolves external data locations; `context` names the file in errors.
Tensor tensorFromProto(const onnx::TensorProto& proto, const std::string& baseDir, const std::string& context);

}  // namespace resvk::model
