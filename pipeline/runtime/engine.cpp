#include "runtime/engine.h"

#include "runtime/plan.h"

namespace resvk::runtime {

Engine::Engine(vk::Context& context, const model::Model& model)
    : context_(context), model_(model), kernels_(std::make_unique<vk::KernelCache>(context)) {}

Engine::~Engine() = default;

Plan& Engine::planFor(const std::vector<model::Shape>& inputShapes) {
    auto it = plans_.find(inputShapes);
    if (it == plans_.end())
        it = plans_.emplace(inputShapes, std::make_unique<Plan>(context_, *kernels_, model_.compile(inputShapes)))
                 .first;
    return *it->second;
}

std::vector<model::HostTensor> Engine::run(const std::vector<model::HostTensor>& inputs) {
    std::vector<model::Shape> shapes;
    for (const auto& t : inputs) shapes.push_back(t.shape);
    Plan& plan = planFor(shapes);
    auto outputs = plan.run(inputs);
    profile_ = profiling_ ? plan.profile() : std::vector<LayerTiming>{};
    return outputs;
}

PlanStats Engine::stats(const std::vector<model::Shape>& inputShapes) { return planFor(inputShapes).stats(); }

}  // namespace resvk::runtime
