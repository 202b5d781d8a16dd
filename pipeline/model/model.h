#pragma once
// Loading an ONNX model and compiling it for concrete input shapes.
// Only pipeline/model/ sees protobuf; everything else sees Program and HostTensor.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "program.h"

namespace resvk::model {

// A problem with the model or its data; what() is one line a user can act on.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct TensorInfo {
    std::string name;
    Shape shape;  // -1 where the dimension is symbolic (dynamic batch)
};

// A host-side float tensor (row-major / NCHW).
struct HostTensor {
    std::string name;
    Shape shape;
    std::vector<float> data;
};

class Model {
public:
    // Parses the file (and its external-data files). Throws Error for missing,
    // truncated or non-ONNX files, unsupported opsets and missing external data.
    static Model load(const std::string& path);

    Model(Model&&) noexcept;
    Model& operator=(Model&&) noexcept;
    ~Model();

    const std::vector<TensorInfo>& inputs() const;  // real inputs (initializers excluded)
    const std::vector<TensorInfo>& outputs() const;
    int opset() const;
    const std::string& path() const;

    // Shape inference, constant folding (every node whose inputs are constant),
    // BatchNorm folding into the preceding Conv where exact, fusion of
    // Conv + bias + residual Add + ReLU. Ops the GPU runtime cannot run are
    // listed in *unsupported as "OpType (node 'name')"; when unsupported is null
    // the first one throws Error instead. Wrong input rank/shape throws Error.
    //
    // inputValues (null, or one entry per inputs(), entries may be null) gives
    // the values of graph inputs known at compile time. A given input that is a
    // parameter input (see parameterInputs()) is compiled as a constant and is
    // not a Program input; every other given value is ignored. Parameter inputs
    // may have any rank (the rank 1..4 rule applies to activations only); a
    // value whose shape is not inputShapes[k] or does not fit the declared
    // shape throws Error. Program::graphInputOfProgramInput says which graph
    // input each Program input is.
    Program compile(const std::vector<Shape>& inputShapes, std::vector<std::string>* unsupported = nullptr,
                    const std::vector<const HostTensor*>* inputValues = nullptr) const;

    // Per inputs(): true for a graph input read only at parameter positions
    // (Conv W/B, Gemm B/C, MatMul B, BatchNorm scale/B/mean/var, Reshape shape,
    // Slice starts/ends/axes/steps, Pad pads/value, Squeeze/Unsqueeze axes...)
    // and never as an activation (a data operand or a graph output). Such an
    // input (ONNX backend node tests pass weights this way) runs only when its
    // value is given to compile().
    std::vector<bool> parameterInputs() const;

private:
    struct Impl;
    explicit Model(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Reads a serialized onnx.TensorProto (the .pb files of ONNX backend tests).
// Float, double, int32/64, uint8, bool data are converted to float. Throws Error.
HostTensor readTensorFile(const std::string& path);

// Statistics for `resvk info`.
struct ProgramStats {
    int64_t parameters = 0;  // weights + biases after folding
    int64_t macs = 0;        // multiply-accumulates for the whole batch
};
ProgramStats computeStats(const Program& program);
// Multiply-accumulates of one layer of `program` (Conv and Gemm; 0 for the rest).
int64_t layerMacs(const Program& program, const Layer& layer);

}  // namespace resvk::model
