#pragma once
// A Program placed on the GPU: weights uploaded once into one buffer,
// activations in one arena laid out by liveness, and the whole network recorded
// once into a command stream that every run replays.
#include <functional>
#include <memory>
#include <vector>

#include <optional>

#include "model/model.h"
#include "ops/conv_choice.h"
#include "ops/tensor.h"
#include "runtime/engine.h"
#include "vk/buffer.h"
#include "vk/command_stream.h"
#include "vk/kernel.h"

namespace resvk::runtime {

// Records work that fills the network's input tensors on the GPU (e.g. video
// frame preprocessing) at the start of the stream, before the first layer.
using Prologue = std::function<void(ops::Recorder&, const std::vector<ops::Tensor>& inputs)>;

// A tensor or weight array larger than the device lets one kernel bind
// (maxStorageBufferRange / maxTexelBufferElements). `ratio` (> 1) is how far
// over the limit it is, so a batch split `ratio` ways or more might fit;
// `perImage` means it does not scale with the batch, so no split helps.
struct LimitError : model::Error {
    LimitError(const std::string& what, double ratio, bool perImage)
        : model::Error(what), ratio(ratio), perImage(perImage) {}
    double ratio;
    bool perImage;
};

// The next sub-batch to try after a batch of `batch` raised `e`: at most
// batch / ceil(ratio) and at most half of it; 0 when no smaller batch can fit.
int64_t smallerBatch(int64_t batch, const LimitError& e);

class Plan {
public:
    // Throws LimitError when a tensor of the program exceeds the device's limits.
    // `timestamps`: bracket every dispatch with timestamps (profile()); off, the
    // GPU may overlap dispatches that do not depend on each other.
    Plan(vk::Context& context, vk::KernelCache& kernels, model::Program program, const Prologue& prologue = {},
         bool timestamps = false);
    ~Plan();

    // Host inputs in, host outputs out, synchronously.
    std::vector<model::HostTensor> run(const std::vector<model::HostTensor>& inputs);

    // The same in steps, so the caller can overlap its own work with the GPU's:
    void writeInputs(const std::vector<model::HostTensor>& inputs);
    // Program input `index` from `data` (row-major, `shape`), read in place:
    // callers with their own buffers (a numpy array) need no HostTensor copy.
    void writeInput(size_t index, const float* data, const model::Shape& shape);
    void submit();  // starts the recorded work; returns at once
    void wait();    // until the last submit() finished
    std::vector<model::HostTensor> readOutputs() const;

    const PlanStats& stats() const { return stats_; }
    // Per-layer GPU times of the last run (empty without timestamps).
    std::vector<LayerTiming> profile() const;
    // The kernels the plan recorded, in dispatch order (tests check the branch taken).
    std::vector<std::string> kernelNames() const;

private:
    struct LayerConstants {  // where a layer's packed weights and bias live
        vk::BufferSlice weights;
        vk::BufferSlice bias;
    };
    void placeActivations();
    void checkLimits() const;
    void uploadConstants();
    void makeStaging();
    ops::Tensor tensorOf(int value) const;
    int64_t bytesOf(const ops::Shape4& shape) const { return ops::packedBytes(shape, precision_); }
    std::vector<ops::Shape4> scratchShapes(const model::Layer& layer) const;
    // Winograd output tile of a convolution (ops::winogradTile), 0 for none.
    int winogradTile(const model::Layer& layer) const;
    // The GPU convolution kernel, tile and split of a layer (ops/conv_choice.h),
    // or nothing where the layer runs another kernel.
    std::optional<ops::ConvChoice> gpuConvOf(const model::Layer& layer) const;
    ops::Tensor broadcastView(ops::Recorder& r, int value, size_t rank, int scratch);
    void recordLayer(ops::Recorder& r, const model::Layer& layer, size_t index);

    vk::Context& context_;
    model::Program program_;
    // Every tensor and weight array of the plan is stored in this (the device's choice).
    vk::Precision precision_;
    std::vector<int64_t> valueOffsets_;  // in the arena, per value (scratch values appended)
    std::vector<ops::Shape4> valueShapes_;
    vk::Buffer arena_;
    vk::Buffer weights_;
    // The staging memory path: inputs are packed into inputStaging_ and outputs
    // read from outputStaging_; the recorded stream copies them in and out, so
    // a run is still one submission.
    bool staged_ = false;
    vk::Buffer inputStaging_, outputStaging_;
    std::vector<VkDeviceSize> inputStagingOffsets_, outputStagingOffsets_;  // per program input / output
    std::vector<LayerConstants> constants_;                                 // per layer
    std::vector<std::vector<int>> scratch_;  // per layer: scratch tensors (value ids past the program's)
    std::unique_ptr<vk::CommandStream> stream_;
    std::vector<std::pair<size_t, size_t>> layerDispatches_;  // [begin, end) per layer
    PlanStats stats_;
};

}  // namespace resvk::runtime
