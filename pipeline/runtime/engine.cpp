#include "runtime/engine.h"

#include <algorithm>
#include <cstring>

#include "runtime/plan.h"

namespace resvk::runtime {

Engine::Engine(vk::Context& context, const model::Model& model)
    : context_(context),
      model_(model),
      parameterInputs_(model.parameterInputs()),
      hasParameterInputs_(std::find(parameterInputs_.begin(), parameterInputs_.end(), true) != parameterInputs_.end()),
      kernels_(std::make_unique<vk::KernelCache>(context)) {}

Engine::~Engine() = default;

Engine::PlanEntry& Engine::planFor(const std::vector<model::Shape>& inputShapes,
                                   const std::vector<model::HostTensor>* inputs) {
    PlanKey key{inputShapes, {}};
    std::vector<const model::HostTensor*> values;
    const bool withValues = inputs && hasParameterInputs_ && inputs->size() == parameterInputs_.size();
    if (withValues) {
        values.assign(inputs->size(), nullptr);
        for (size_t k = 0; k < inputs->size(); ++k) {
            if (!parameterInputs_[k]) continue;
            const auto& d = (*inputs)[k].data;
            const size_t at = key.paramBits.size();
            key.paramBits.resize(at + d.size() + 1);
            key.paramBits[at] = static_cast<uint32_t>(d.size());  // keeps concatenations apart
            if (!d.empty()) std::memcpy(&key.paramBits[at + 1], d.data(), d.size() * sizeof(float));
            values[k] = &(*inputs)[k];
        }
    }
    auto it = plans_.find(key);
    if (it == plans_.end()) {
        model::Program program = model_.compile(inputShapes, nullptr, withValues ? &values : nullptr);
        PlanEntry entry{nullptr, program.graphInputOfProgramInput};
        entry.plan = std::make_unique<Plan>(context_, *kernels_, std::move(program));
        // one plan per shapes: a new parameter value replaces the old plan
        if (withValues)
            for (auto o = plans_.begin(); o != plans_.end();)
                o = o->first.shapes == inputShapes ? plans_.erase(o) : std::next(o);
        it = plans_.emplace(std::move(key), std::move(entry)).first;
    }
    return it->second;
}

std::vector<model::HostTensor> Engine::run(const std::vector<model::HostTensor>& inputs) {
    std::vector<model::Shape> shapes;
    for (const auto& t : inputs) shapes.push_back(t.shape);
    PlanEntry& entry = planFor(shapes, &inputs);
    Plan& plan = *entry.plan;
    std::vector<model::HostTensor> outputs;
    if (!hasParameterInputs_) {
        outputs = plan.run(inputs);
    } else {
        // the plan takes only the inputs that stayed activations
        std::vector<model::HostTensor> fed;
        for (int k : entry.feed) fed.push_back(inputs.at(static_cast<size_t>(k)));
        outputs = plan.run(fed);
    }
    profile_ = profiling_ ? plan.profile() : std::vector<LayerTiming>{};
    return outputs;
}

PlanStats Engine::stats(const std::vector<model::Shape>& inputShapes) {
    return planFor(inputShapes).plan->stats();
}

}  // namespace resvk::runtime
