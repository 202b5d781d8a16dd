#pragma once
// Small ONNX models built with the protobuf API (onnx::ModelProto and friends
// come with this header).
#ifndef ONNX_ML
#define ONNX_ML 1
#endif
#ifndef ONNX_NAMESPACE
#define ONNX_NAMESPACE onnx
#endif
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace resvk::test {

// A model of one graph: IR version 8, one opset import.
struct OnnxBuilder {
    onnx::ModelProto model;
    onnx::GraphProto* g;

    explicit OnnxBuilder(const std::string& graphName, int opset = 13);
    OnnxBuilder(const OnnxBuilder&) = delete;
    OnnxBuilder& operator=(const OnnxBuilder&) = delete;

    // A float initializer (float_data).
    onnx::TensorProto* init(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& v);
    onnx::NodeProto* node(const std::string& op, const std::string& name, const std::vector<std::string>& in,
                          const std::vector<std::string>& out);
    // Graph inputs/outputs with a known shape ({} is a scalar; a negative dim is the symbolic "N").
    void input(const std::string& name, const std::vector<int64_t>& dims, int elemType = onnx::TensorProto::FLOAT);
    void output(const std::string& name, const std::vector<int64_t>& dims, int elemType = onnx::TensorProto::FLOAT);
    // A float output whose shape is not given.
    void output(const std::string& name);

    // Serialises the model to `path` (REQUIREs success) and returns `path`.
    std::string write(const std::string& path) const;
    std::string save(const std::string& dir, const std::string& file = "model.onnx") const {
        return write(dir + "/" + file);
    }
};

// A tensor value type: `elemType` and, unless `shapeKnown` is false, `dims`.
void setTensorType(onnx::ValueInfoProto* v, const std::string& name, const std::vector<int64_t>& dims,
                   int elemType = onnx::TensorProto::FLOAT, bool shapeKnown = true);

void attrInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v);
void attrInt(onnx::NodeProto* n, const std::string& name, int64_t v);
void attrFloat(onnx::NodeProto* n, const std::string& name, float v);
void attrString(onnx::NodeProto* n, const std::string& name, const std::string& v);

}  // namespace resvk::test
