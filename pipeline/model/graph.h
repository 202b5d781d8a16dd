#pragma once
// The importer's own graph IR: ONNX nodes with decoded attributes and constant
// tensors, free of protobuf so that the passes can be read (and tested) alone.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/model.h"

namespace resvk::model {

enum class DType { Float, Int, Bool };

// A constant tensor. Float data lives in `f`; integer and boolean data in `i`
// (kept as int64 so that INT64_MAX-style Slice ends survive folding exactly).
struct Tensor {
    DType type = DType::Float;
    Shape shape;
    std::vector<float> f;
    std::vector<int64_t> i;

    static Tensor zeros(DType type, Shape shape);
    static Tensor ofInts(std::vector<int64_t> values, Shape shape);
    static Tensor ofFloats(std::vector<float> values, Shape shape);

    size_t size() const { return type == DType::Float ? f.size() : i.size(); }
    double get(size_t k) const { return type == DType::Float ? f[k] : static_cast<double>(i[k]); }
    void set(size_t k, double v);
    std::vector<int64_t> ints() const;
    std::vector<float> floats() const;
};

// Copies element sk of src to element dk of dst (same dtype, exact for int64).
inline void copyElement(Tensor& dst, size_t dk, const Tensor& src, size_t sk) {
    if (dst.type == DType::Float)
        dst.f[dk] = src.f[sk];
    else
        dst.i[dk] = src.i[sk];
}

struct Attr {
    int64_t i = 0;
    float f = 0.0f;
    std::string s;
    std::vector<int64_t> ints;
    std::vector<float> floats;
    std::vector<Tensor> t;  // zero or one tensor
};

struct Node {
    std::string op;
    std::string name;
    std::string domain;
    int index = 0;
    int version = 0;                  // the op's version at the model's opset (0: unknown op)
    std::string unsupportedWhy;       // set by upgradeNode: the version's semantics resvk cannot honour
    std::vector<std::string> inputs;  // "" = omitted optional input
    std::vector<std::string> outputs;
    std::map<std::string, Attr> attrs;

    bool has(const std::string& key) const { return attrs.count(key) != 0; }
    int64_t attrInt(const std::string& key, int64_t fallback) const;
    float attrFloat(const std::string& key, float fallback) const;
    std::string attrString(const std::string& key, const std::string& fallback) const;
    std::vector<int64_t> attrInts(const std::string& key) const;  // empty when absent
    const Tensor* attrTensor(const std::string& key) const;
    std::string displayName() const;  // the ONNX name, or "<OpType>_<index>"
    std::string input(size_t k) const { return k < inputs.size() ? inputs[k] : std::string(); }
};

struct Graph {
    int opset = 0;
    std::vector<Node> nodes;
    std::map<std::string, Tensor> initializers;
    std::vector<TensorInfo> inputs;  // initializers excluded
    std::vector<TensorInfo> outputs;
};

struct Model::Impl {
    std::string path;
    Graph graph;
};

// Numpy broadcasting of two shapes; false when incompatible.
bool broadcastShapes(const Shape& a, const Shape& b, Shape& out);
// For each element of `out`, the flat index of the element of `in` (broadcast to out).
std::vector<size_t> broadcastIndex(const Shape& in, const Shape& out);
// Row-major strides.
std::vector<int64_t> stridesOf(const Shape& shape);

}  // namespace resvk::model
