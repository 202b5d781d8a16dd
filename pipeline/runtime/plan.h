#pragma once
// A Program placed on the GPU: weights uploaded once into one buffer,
// activations in one arena laid out by liveness, and the whole network recorded
// once into a command stream that every run replays.
#include <memory>
#include <vector>

#include "model/model.h"
#include "ops/tensor.h"
#include "runtime/engine.h"
#include "vk/buffer.h"
#include "vk/command_stream.h"
#include "vk/kernel.h"

namespace resvk::runtime {

class Plan {
public:
    Plan(vk::Context& context, vk::KernelCache& kernels, model::Program program);
    ~Plan();

    std::vector<model::HostTensor> run(const std::vector<model::HostTensor>& inputs);
    const PlanStats& stats() const { return stats_; }
    // Per-layer GPU times of the last run.
    std::vector<LayerTiming> profile() const;

private:
    struct LayerConstants {  // where a layer's packed weights and bias live
        vk::BufferSlice weights;
        vk::BufferSlice bias;
    };
    void placeActivations();
    void uploadConstants();
    ops::Tensor tensorOf(int value) const;
    ops::Tensor broadcastView(ops::Recorder& r, int value, size_t rank, int scratch);
    void recordLayer(ops::Recorder& r, const model::Layer& layer, size_t index);

    vk::Context& context_;
    model::Program program_;
    std::vector<int64_t> valueOffsets_;   // in the arena, per value (scratch values appended)
    std::vector<ops::Shape4> valueShapes_;
    vk::Buffer arena_;
    vk::Buffer weights_;
    std::vector<LayerConstants> constants_;  // per layer
    std::vector<int> scratchOf_;          // per layer: first scratch value, -1 = none
    std::unique_ptr<vk::CommandStream> stream_;
    std::vector<std::pair<size_t, size_t>> layerDispatches_;  // [begin, end) per layer
    PlanStats stats_;
};

}  // namespace resvk::runtime
