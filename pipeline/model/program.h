#pragma once
// The compiled form of a model: what the load-time passes (constant folding,
// BatchNorm folding, fusion, shape inference) hand to the GPU runtime.
// Every shape here is concrete (the batch size is fixed at compile time), every
// constant is already folded, and every layer is one GPU dispatch family.
// Nothing here knows about protobuf or Vulkan.
#include <cstdint>
#include <string>
#include <vector>

namespace resvk::model {

using Shape = std::vector<int64_t>;

int64_t elementCount(const Shape& shape);  // saturates at INT64_MAX instead of wrapping
std::string toString(const Shape& shape);  // "1x3x224x224"

// An activation tensor flowing between layers (never a constant).
struct Value {
    std::string name;
    Shape shape;  // rank 1..4, all dims concrete
};

enum class LayerKind {
    Conv,       // 2-D convolution (+ bias, + residual add, + ReLU), any group
    Gemm,       // y = x W^T + b on a [N, K] input (also MatMul with constant B)
    BatchNorm,  // standalone per-channel y = x * scale + shift (not foldable)
    Add,        // elementwise a + b with numpy broadcasting (both activations)
    Mul,        // elementwise a * b with numpy broadcasting (both activations)
    Relu,
    MaxPool,
    AveragePool,
    GlobalAveragePool,
    Softmax,    // along `axis` of the output value
    Pad,        // constant padding (may be negative = crop)
    Slice,      // starts/steps per dim (already normalised, ends implied by out shape)
    Concat,     // along `axis`
    Reshape,    // Reshape, Flatten, Squeeze, Unsqueeze: row-major order preserved
    Transpose,  // perm
};

const char* toString(LayerKind kind);

struct Window2d {  // convolution and pooling geometry (H then W)
    int kernel[2] = {1, 1};
    int stride[2] = {1, 1};
    int dilation[2] = {1, 1};
    int padBegin[2] = {0, 0};  // top, left (auto_pad already resolved)
    int padEnd[2] = {0, 0};    // bottom, right
};

struct Layer {
    LayerKind kind = LayerKind::Relu;
    std::string name;                   // ONNX node name of the first fused node
    std::vector<std::string> fusedOps;  // ONNX op types merged into this layer, in order
    std::vector<int> inputs;            // indices into Program::values (activations only)
    int output = -1;                    // index into Program::values

    // Conv, Gemm: weights in ONNX layout, Conv [Cout, Cin/group, kh, kw], Gemm [M, K].
    // BatchNorm: `weights` holds the per-channel scale, `bias` the shift.
    std::vector<float> weights;
    Shape weightShape;
    std::vector<float> bias;  // empty = no bias
    int group = 1;
    bool relu = false;  // ReLU fused after everything else
    int residual = -1;  // Conv/Gemm: value added before ReLU, -1 = none

    Window2d window;               // Conv, MaxPool, AveragePool
    bool countIncludePad = false;  // AveragePool
    int axis = 0;                  // Softmax, Concat (non-negative, < output rank)
    std::vector<int64_t> starts;   // Slice: start per dim; Pad: begin pads per dim
    std::vector<int64_t> steps;    // Slice: step per dim; Pad: end pads per dim
    std::vector<int64_t> perm;     // Transpose
    float padValue = 0.0f;         // Pad
};

struct Program {
    std::vector<Value> values;
    std::vector<int> inputs;  // graph inputs, in ONNX order
    // For each inputs[i], the index into Model::inputs() it came from. Equal to
    // 0, 1, 2... unless compile() turned parameter inputs with given values into
    // constants; those are absent here (feed the runtime only the listed ones).
    std::vector<int> graphInputOfProgramInput;
    std::vector<int> outputs;   // graph outputs, in ONNX order
    std::vector<Layer> layers;  // topologically sorted
    // Graph outputs that folded to constants are returned as-is (rare; kept for conformance).
    struct ConstOutput {
        int value;
        std::vector<float> data;
    };
    std::vector<ConstOutput> constOutputs;
};

}  // namespace resvk::model
