// resvk info: what a model contains and what running it costs.
#include <iostream>

#include "common.h"
#include "json.h"
#include "runtime/engine.h"

namespace resvk::app {

const CommandSpec& infoSpec() {
    static const CommandSpec spec{
        "info",
        "MODEL.onnx [options]",
        "Describes a model: inputs and outputs (symbolic dimensions shown as N), opset, the layers\n"
        "left after constant folding, BatchNorm folding and fusion (each with its fused ONNX ops,\n"
        "output shape, parameters and millions of multiply-accumulates), parameter and GMAC totals,\n"
        "the GPU memory the plan needs, and any ops the GPU runtime cannot run (exit 1 if any).",
        "MODEL.onnx",
        1,
        {{"batch", "N", "batch size to compile for (shapes, MACs and memory are for this batch)", "1"},
         {"json", "", "print one JSON document instead of text", ""},
         deviceOption(),
         deviceProfileOption(),
         precisionOption()},
        {"resvk info model.onnx", "resvk info resnet50-v2-7 --batch 8", "resvk info model.onnx --json"},
        "Symbolic spatial dimensions are compiled as 224. The memory line needs a Vulkan device;\n"
        "without one it says unavailable."};
    return spec;
}

namespace {
std::string joinOps(const model::Layer& layer) {
    std::string s;
    for (const auto& op : layer.fusedOps) s += (s.empty() ? "" : "+") + op;
    return s.empty() ? model::toString(layer.kind) : s;
}
}  // namespace

int runInfo(const Args& args) {
    if (args.positionals().size() != 1) args.fail("info takes exactly one MODEL.onnx");
    const int batch = args.integer("batch", 1, 1, 4096);
    const bool json = args.has("json");
    const std::string path = args.positionals()[0];
    model::Model m = loadModel(path);

    std::vector<model::Shape> shapes;
    for (const auto& in : m.inputs()) shapes.push_back(concreteShape(in, batch));
    std::vector<std::string> unsupported;
    model::Program program = m.compile(shapes, &unsupported);
    const model::ProgramStats total = model::computeStats(program);

    std::string memory, memoryError, device, traits, precision;
    runtime::PlanStats plan;
    if (unsupported.empty()) {
        try {
            auto context = openDevice(args);
            device = describe(context->info());
            traits = context->traits().describe();
            precision = context->traits().precisionName();
            runtime::Engine engine(*context, m);
            plan = engine.stats(shapes);
        } catch (const vk::Error& e) {
            memoryError = e.what();
        }
    } else {
        memoryError = "the model has unsupported ops";
    }
    const double mib = 1024.0 * 1024.0;
    const double gmacsPerImage = static_cast<double>(total.macs) / batch / 1e9;

    Json j;
    j.beginObject().key("model").value(path).key("opset").value(m.opset()).key("batch").value(batch);
    auto tensors = [&](const char* name, const std::vector<model::TensorInfo>& list) {
        j.key(name).beginArray();
        for (const auto& t : list)
            j.beginObject().key("name").value(t.name).key("shape").value(shapeText(t.shape)).endObject();
        j.endArray();
    };
    tensors("inputs", m.inputs());
    tensors("outputs", m.outputs());
    if (!json) {
        std::cout << "model:   " << path << "\nopset:   " << m.opset() << "\ninputs:\n";
        for (const auto& t : m.inputs()) std::cout << "  " << t.name << "  " << shapeText(t.shape) << "\n";
        std::cout << "outputs:\n";
        for (const auto& t : m.outputs()) std::cout << "  " << t.name << "  " << shapeText(t.shape) << "\n";
        std::cout << "\nlayers after fusion (batch " << batch << "): " << program.layers.size() << "\n";
        std::cout << format("%5s  %-28s %-34s %-16s %10s %9s\n", "#", "name", "ops", "output", "params", "MMACs");
    }
    j.key("layers").beginArray();
    model::Program one;
    one.values = program.values;
    for (size_t i = 0; i < program.layers.size(); ++i) {
        one.layers.clear();
        one.layers.push_back(std::move(program.layers[i]));
        const model::ProgramStats s = model::computeStats(one);
        program.layers[i] = std::move(one.layers[0]);
        const model::Layer& layer = program.layers[i];
        const std::string ops = joinOps(layer);
        const std::string shape = model::toString(program.values.at(layer.output).shape);
        j.beginObject()
            .key("index")
            .value(static_cast<int64_t>(i))
            .key("name")
            .value(layer.name)
            .key("kind")
            .value(model::toString(layer.kind))
            .key("ops")
            .value(ops)
            .key("shape")
            .value(shape)
            .key("params")
            .value(s.parameters)
            .key("macs")
            .value(s.macs)
            .endObject();
        if (!json)
            std::cout << format("%5zu  %-28s %-34s %-16s %10lld %9.2f\n", i, layer.name.c_str(), ops.c_str(),
                                shape.c_str(), static_cast<long long>(s.parameters), s.macs / 1e6);
    }
    j.endArray().key("parameters").value(total.parameters).key("gmacs_per_image").value(gmacsPerImage);
    j.key("memory");
    if (memoryError.empty())
        j.beginObject()
            .key("activation_bytes")
            .value(plan.activationBytes)
            .key("weight_bytes")
            .value(plan.weightBytes)
            .key("sub_batch")
            .value(plan.subBatch ? plan.subBatch : int64_t(batch))
            .endObject();
    else
        j.null();
    j.key("device").value(device).key("device_profile").value(traits).key("precision").value(precision);
    j.key("unsupported").beginArray();
    for (const auto& u : unsupported) j.value(u);
    j.endArray().endObject();

    if (json) {
        std::cout << j.str() << "\n";
    } else {
        std::cout << "\nparameters:       " << total.parameters << format(" (%.2f M)\n", total.parameters / 1e6);
        std::cout << format("GMACs per image:  %.3f  (%.3f GFLOPs)\n", gmacsPerImage, 2 * gmacsPerImage);
        if (memoryError.empty()) {
            std::cout << format("memory (batch %d): activations %.2f MiB, weights %.2f MiB\n", batch,
                                plan.activationBytes / mib, plan.weightBytes / mib);
            if (plan.subBatch)
                std::cout << format(
                    "                  (runs in sub-batches of %lld: a batch of %d exceeds the "
                    "device's buffer limits; memory is per sub-batch)\n",
                    static_cast<long long>(plan.subBatch), batch);
            std::cout << "device:           " << device << "\nprofile:          " << traits << "\n";
        } else
            std::cout << "memory:           unavailable (" << memoryError << ")\n";
        if (unsupported.empty())
            std::cout << "unsupported ops:  none\n";
        else {
            std::cout << "unsupported ops:  " << unsupported.size() << "\n";
            for (const auto& u : unsupported) std::cout << "  " << u << "\n";
        }
    }
    if (!unsupported.empty()) {
        std::cerr << "resvk: error: " << path << " has " << unsupported.size()
                  << " op(s) the GPU runtime cannot run: " << unsupported[0] << (unsupported.size() > 1 ? ", ..." : "")
                  << "\n";
        return 1;
    }
    return 0;
}

}  // namespace resvk::app
