#pragma once
// A model running on the GPU: compiles a plan per set of input shapes (so the
// batch size is free), uploads weights once, replays a recorded command buffer.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/model.h"
#include "vk/context.h"
#include "vk/kernel.h"

namespace resvk::runtime {

struct LayerTiming {
    std::string name;    // layer (first fused ONNX node) name
    std::string kind;    // e.g. "Conv+Add+Relu"
    std::string shape;   // output shape
    double ms = 0.0;     // GPU time from timestamp queries
    double gflop = 0.0;  // floating-point work (2 * MACs) / 1e9
    // What ran it: the kernels dispatched ("conv_tiled_128x32+conv_split_reduce"),
    // the GPU convolution's block tile and K split ("-" / 1 for other kernels),
    // and the storage precision.
    std::string kernel;
    std::vector<double> kernelMs;  // each dispatched kernel's GPU time, in the order of `kernel`
    std::string tile = "-";
    int split = 1;
    std::string precision = "fp32";
};

struct PlanStats {
    int64_t activationBytes = 0;  // after liveness-based reuse
    int64_t weightBytes = 0;
    int64_t layerCount = 0;
    // When the asked batch exceeds the device's buffer limits: the sub-batch it
    // runs in instead (0 = the whole batch at once).
    int64_t subBatch = 0;
    vk::Precision precision = vk::Precision::Fp32;  // how tensors and weights are stored
};

class Plan;

class Engine {
public:
    Engine(vk::Context& context, const model::Model& model);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Runs on host tensors (NCHW floats, shapes as the model's inputs with the
    // batch filled in), one per Model::inputs(). Throws model::Error for a wrong
    // input count or shape. Parameter inputs (Model::parameterInputs(): weights
    // or op parameters passed as graph inputs) are compiled into the plan as
    // constants; a plan is reused only for the same shapes and the same
    // parameter values (a new value replaces the plan for those shapes).
    // A batch whose tensors exceed the device's buffer limits runs as several
    // sub-batches (the caller asked for a batch, not for an error); a single image
    // that cannot fit throws LimitError naming the layer.
    std::vector<model::HostTensor> run(const std::vector<model::HostTensor>& inputs);

    // Profiling records timestamps around every dispatch: plans are rebuilt
    // when it changes, since timestamps keep a GPU from overlapping dispatches.
    void setProfiling(bool on);
    // Per-layer GPU times of the last run(); empty unless profiling is on.
    const std::vector<LayerTiming>& lastProfile() const { return profile_; }

    // Compiles without input values: throws for models with parameter inputs.
    PlanStats stats(const std::vector<model::Shape>& inputShapes);

private:
    struct PlanKey {
        std::vector<model::Shape> shapes;
        std::vector<uint32_t> paramBits;  // parameter inputs' data, bit for bit, in input order
        bool operator<(const PlanKey& o) const {
            return shapes != o.shapes ? shapes < o.shapes : paramBits < o.paramBits;
        }
    };
    struct PlanEntry {
        std::unique_ptr<Plan> plan;
        std::vector<int> feed;  // Program::graphInputOfProgramInput
    };
    PlanEntry& planFor(const std::vector<model::Shape>& inputShapes,
                       const std::vector<model::HostTensor>* inputs = nullptr);
    std::vector<model::HostTensor> runWhole(const std::vector<model::HostTensor>& inputs);
    // Runs the batch in parts of `sub` items, halving further while a part does not fit.
    std::vector<model::HostTensor> runSplit(const std::vector<model::HostTensor>& inputs, int64_t batch, int64_t sub);
    int64_t batchOf(const std::vector<model::Shape>& shapes) const;  // 0: no batched input

    vk::Context& context_;
    const model::Model& model_;
    std::vector<bool> parameterInputs_;  // model_.parameterInputs()
    bool hasParameterInputs_ = false;
    std::unique_ptr<vk::KernelCache> kernels_;
    std::map<PlanKey, PlanEntry> plans_;
    std::map<std::vector<model::Shape>, int64_t> subBatches_;  // shapes that did not fit -> sub-batch that does
    bool profiling_ = false;
    std::vector<LayerTiming> profile_;
};

}  // namespace resvk::runtime
