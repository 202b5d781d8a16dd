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
        entry.plan = std::make_unique<Plan>(context_, *kernels_, std::move(program), Prologue{}, profiling_);
        // one plan per shapes: a new parameter value replaces the old plan
        if (withValues)
            for (auto o = plans_.begin(); o != plans_.end();)
                o = o->first.shapes == inputShapes ? plans_.erase(o) : std::next(o);
        it = plans_.emplace(std::move(key), std::move(entry)).first;
    }
    return it->second;
}

void Engine::setProfiling(bool on) {
    if (on != profiling_) plans_.clear();
    profiling_ = on;
}

int64_t Engine::batchOf(const std::vector<model::Shape>& shapes) const {
    for (size_t k = 0; k < shapes.size(); ++k)
        if (!(k < parameterInputs_.size() && parameterInputs_[k]) && !shapes[k].empty()) return shapes[k][0];
    return 0;
}

std::vector<model::HostTensor> Engine::run(const std::vector<model::HostTensor>& inputs) {
    std::vector<model::Shape> shapes;
    for (const auto& t : inputs) shapes.push_back(t.shape);
    const int64_t batch = batchOf(shapes);
    if (auto known = subBatches_.find(shapes); known != subBatches_.end())
        return runSplit(inputs, batch, known->second);
    try {
        return runWhole(inputs);
    } catch (const LimitError& e) {
        const int64_t sub = smallerBatch(batch, e);
        if (sub == 0) throw;
        return runSplit(inputs, batch, sub);
    }
}

std::vector<model::HostTensor> Engine::runWhole(const std::vector<model::HostTensor>& inputs) {
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

namespace {

// Items [begin, begin + count) along dim 0 of every batched input.
std::vector<model::HostTensor> sliceBatch(const std::vector<model::HostTensor>& inputs,
                                          const std::vector<bool>& batched, int64_t begin, int64_t count) {
    std::vector<model::HostTensor> part;
    for (size_t k = 0; k < inputs.size(); ++k) {
        if (!batched[k]) {
            part.push_back(inputs[k]);
            continue;
        }
        const auto& t = inputs[k];
        const size_t item = t.data.size() / static_cast<size_t>(t.shape[0]);
        model::HostTensor s{t.name, t.shape, {}};
        s.shape[0] = count;
        s.data.assign(t.data.begin() + begin * item, t.data.begin() + (begin + count) * item);
        part.push_back(std::move(s));
    }
    return part;
}

}  // namespace

std::vector<model::HostTensor> Engine::runSplit(const std::vector<model::HostTensor>& inputs, int64_t batch,
                                                int64_t sub) {
    std::vector<model::Shape> shapes;
    std::vector<bool> batched;
    for (size_t k = 0; k < inputs.size(); ++k) {
        shapes.push_back(inputs[k].shape);
        batched.push_back(!(k < parameterInputs_.size() && parameterInputs_[k]) && !inputs[k].shape.empty() &&
                          inputs[k].shape[0] == batch);
    }
    for (;;) {
        try {
            std::vector<model::HostTensor> outputs;
            for (int64_t begin = 0; begin < batch; begin += sub) {
                const int64_t count = std::min(sub, batch - begin);
                auto part = runWhole(sliceBatch(inputs, batched, begin, count));
                if (begin == 0) {
                    outputs = std::move(part);
                    continue;
                }
                // Outputs whose first dim is the batch are concatenated; the others
                // (constants, batch-independent results) are the same in every part.
                for (size_t o = 0; o < outputs.size(); ++o) {
                    if (part[o].shape.empty() || part[o].shape[0] != count) continue;
                    outputs[o].shape[0] += count;
                    outputs[o].data.insert(outputs[o].data.end(), part[o].data.begin(), part[o].data.end());
                }
            }
            subBatches_[shapes] = sub;
            return outputs;
        } catch (const LimitError& e) {
            sub = smallerBatch(sub, e);
            if (sub == 0) {
                subBatches_.erase(shapes);
                throw;
            }
        }
    }
}

PlanStats Engine::stats(const std::vector<model::Shape>& inputShapes) {
    try {
        return planFor(inputShapes).plan->stats();
    } catch (const LimitError& e) {
        const int64_t batch = batchOf(inputShapes);
        for (int64_t sub = smallerBatch(batch, e);;) {
            if (sub == 0) throw;
            auto shapes = inputShapes;
            for (auto& s : shapes)
                if (!s.empty() && s[0] == batch) s[0] = sub;
            try {
                PlanStats stats = planFor(shapes).plan->stats();
                stats.subBatch = sub;
                return stats;
            } catch (const LimitError& smaller) {
                sub = smallerBatch(sub, smaller);
            }
        }
    }
}

}  // namespace resvk::runtime
