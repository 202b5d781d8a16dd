#include "runtime/plan.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>

#include "ops/conv.h"
#include "ops/conv_tiled.h"
#include "ops/elementwise.h"
#include "ops/half.h"
#include "ops/movement.h"
#include "ops/pool.h"
#include "ops/softmax.h"
#include "ops/winograd.h"
#include "runtime/memory_plan.h"

namespace resvk::runtime {

namespace {

constexpr int64_t kAlignment = 256;  // >= every device's texel/storage offset alignment

bool isBinary(model::LayerKind k) {
    return k == model::LayerKind::Add || k == model::LayerKind::Mul;
}
bool hasWeights(model::LayerKind k) {
    return k == model::LayerKind::Conv || k == model::LayerKind::Gemm || k == model::LayerKind::BatchNorm;
}

// numpy broadcasting aligns trailing dims: prepend 1s up to `rank`.
model::Shape alignRank(const model::Shape& s, size_t rank) {
    model::Shape out(rank - std::min(rank, s.size()), 1);
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

ops::ConvGeometry geometryOf(const model::Layer& l) {
    ops::ConvGeometry g;
    if (l.kind == model::LayerKind::Gemm) return g;  // a 1x1 convolution over (N, K, 1, 1)
    for (int d = 0; d < 2; ++d) {
        g.kernel[d] = l.window.kernel[d];
        g.stride[d] = l.window.stride[d];
        g.dilation[d] = l.window.dilation[d];
        g.padBegin[d] = l.window.padBegin[d];
        g.padEnd[d] = l.window.padEnd[d];
    }
    g.group = l.group;
    return g;
}

ops::Shape4 extend(const std::vector<int64_t>& v, int fill) {
    ops::Shape4 s{fill, fill, fill, fill};
    for (size_t d = 0; d < v.size() && d < 4; ++d) s[d] = static_cast<int>(v[d]);
    return s;
}

std::string kindLabel(const model::Layer& l) {
    std::string s;
    for (const auto& op : l.fusedOps) s += (s.empty() ? "" : "+") + op;
    return s.empty() ? model::toString(l.kind) : s;
}

}  // namespace

int64_t smallerBatch(int64_t batch, const LimitError& e) {
    if (e.perImage || batch <= 1) return 0;
    const auto byRatio = static_cast<int64_t>(static_cast<double>(batch) / std::ceil(std::max(e.ratio, 1.0)));
    return std::max<int64_t>(1, std::min(batch / 2, byRatio));
}

Plan::Plan(vk::Context& context, vk::KernelCache& kernels, model::Program program, const Prologue& prologue,
           bool timestamps)
    : context_(context), program_(std::move(program)), precision_(context.traits().precision) {
    for (const auto& v : program_.values)
        if (v.shape.size() > 4) throw model::Error("tensor '" + v.name + "' has rank > 4, which resvk does not run");
    placeActivations();
    uploadConstants();
    makeStaging();
    stream_ = std::make_unique<vk::CommandStream>(context, kernels, timestamps);
    ops::Recorder recorder = ops::Recorder::forDevice(*stream_, context.traits());
    recorder.precision = precision_;
    if (prologue) {
        std::vector<ops::Tensor> inputs;
        for (int v : program_.inputs) inputs.push_back(tensorOf(v));
        prologue(recorder, inputs);
    } else if (staged_) {
        for (size_t i = 0; i < program_.inputs.size(); ++i) {
            const ops::Tensor t = tensorOf(program_.inputs[i]);
            stream_->copy(inputStaging_.slice(inputStagingOffsets_[i], t.slice.size), t.slice);
        }
    }
    for (size_t i = 0; i < program_.layers.size(); ++i) {
        const size_t begin = stream_->dispatchCount();
        recordLayer(recorder, program_.layers[i], i);
        layerDispatches_.push_back({begin, stream_->dispatchCount()});
    }
    if (staged_)
        for (size_t i = 0; i < program_.outputs.size(); ++i) {
            if (outputStagingOffsets_[i] == VK_WHOLE_SIZE) continue;  // a constant output
            const ops::Tensor t = tensorOf(program_.outputs[i]);
            stream_->copy(t.slice, outputStaging_.slice(outputStagingOffsets_[i], t.slice.size));
        }
    stream_->finish();
    stats_.layerCount = static_cast<int64_t>(program_.layers.size());
    stats_.precision = precision_;
}

Plan::~Plan() = default;

void Plan::placeActivations() {
    const auto& values = program_.values;
    std::vector<Lifetime> lifetimes(values.size());
    for (size_t v = 0; v < values.size(); ++v) {
        valueShapes_.push_back(ops::view4(values[v].shape));
        lifetimes[v] = {bytesOf(valueShapes_[v]), INT_MAX, -1};
    }
    for (int v : program_.inputs) lifetimes[v].first = -1;
    scratch_.assign(program_.layers.size(), {});
    for (size_t i = 0; i < program_.layers.size(); ++i) {
        const auto& l = program_.layers[i];
        const int step = static_cast<int>(i);
        auto& out = lifetimes[l.output];
        out.first = std::min(out.first, step);
        out.last = std::max(out.last, step);
        auto reads = l.inputs;
        if (l.residual >= 0) reads.push_back(l.residual);
        for (int v : reads) lifetimes[v].last = std::max(lifetimes[v].last, step);
        // Scratch tensors live for this layer only.
        for (const ops::Shape4& shape : scratchShapes(l)) {
            scratch_[i].push_back(static_cast<int>(valueShapes_.size()));
            valueShapes_.push_back(shape);
            lifetimes.push_back({bytesOf(shape), step, step});
        }
    }
    for (int v : program_.outputs) lifetimes[v].last = INT_MAX;
    for (auto& t : lifetimes) {
        if (t.first == INT_MAX) t.first = -1;  // never written: an unused input
        if (t.last < t.first) t.last = t.first;
    }
    checkLimits();
    MemoryPlan plan = planMemory(lifetimes, kAlignment);
    valueOffsets_ = plan.offsets;
    stats_.activationBytes = plan.arenaBytes;
    arena_ = vk::Buffer(context_, plan.arenaBytes, vk::Buffer::Kind::StorageTexels);
}

void Plan::checkLimits() const {
    // Every tensor is bound whole, as a storage buffer (written) or a texel
    // buffer of RGBA32F/RGBA16F texels (read): each must fit both ranges.
    const auto& traits = context_.traits();
    const double limit = static_cast<double>(
        std::min<uint64_t>(traits.maxStorageBufferRange, traits.maxTexelBufferElements * ops::texelBytes(precision_)));
    auto layerOf = [&](size_t value) -> std::string {
        for (size_t i = 0; i < program_.layers.size(); ++i) {
            const auto& l = program_.layers[i];
            if (size_t(l.output) == value) return l.name;
            for (int s : scratch_[i])
                if (size_t(s) == value) return l.name;
        }
        return value < program_.values.size() ? "input " + program_.values[value].name : "?";
    };
    // Scratch tensors' first dimension is not the batch: the inputs' is.
    const int batch = program_.inputs.empty() ? 1 : valueShapes_[program_.inputs[0]][0];
    for (size_t v = 0; v < valueShapes_.size(); ++v) {
        const double bytes = static_cast<double>(bytesOf(valueShapes_[v]));
        if (bytes <= limit) continue;
        const double ratio = bytes / limit;
        throw LimitError("layer '" + layerOf(v) + "' needs a " + std::to_string(int64_t(bytes)) +
                             "-byte tensor, more than this device binds at once (" + std::to_string(int64_t(limit)) +
                             " bytes)" + (batch > 1 ? " at batch " + std::to_string(batch) : " for one image"),
                         ratio, batch <= 1 || ratio > batch);
    }
}

void Plan::makeStaging() {
    staged_ = !arena_.mapped();
    if (!staged_) return;
    // Sized once: the stream records copies to and from these every run.
    VkDeviceSize in = 0, out = 0;
    for (int v : program_.inputs) {
        inputStagingOffsets_.push_back(in);
        in += (bytesOf(valueShapes_[v]) + kAlignment - 1) / kAlignment * kAlignment;
    }
    for (int v : program_.outputs) {
        const bool constant = std::any_of(program_.constOutputs.begin(), program_.constOutputs.end(),
                                          [&](const auto& c) { return c.value == v; });
        outputStagingOffsets_.push_back(constant ? VK_WHOLE_SIZE : out);
        if (!constant) out += (bytesOf(valueShapes_[v]) + kAlignment - 1) / kAlignment * kAlignment;
    }
    inputStaging_ = vk::Buffer(context_, std::max<VkDeviceSize>(in, 16), vk::Buffer::Kind::Staging);
    outputStaging_ = vk::Buffer(context_, std::max<VkDeviceSize>(out, 16), vk::Buffer::Kind::Staging);
}

int Plan::winogradTile(const model::Layer& l) const {
    if (l.kind != model::LayerKind::Conv) return 0;
    return ops::winogradTile(geometryOf(l), valueShapes_[l.inputs.at(0)], valueShapes_[l.output],
                             context_.traits().winogradTile);
}

std::optional<ops::ConvChoice> Plan::gpuConvOf(const model::Layer& l) const {
    const auto& traits = context_.traits();
    if (!traits.tiledConv || (l.kind != model::LayerKind::Conv && l.kind != model::LayerKind::Gemm) || l.group != 1 ||
        winogradTile(l))
        return std::nullopt;
    const ops::ConvProblem problem =
        ops::convProblem(geometryOf(l), valueShapes_[l.inputs.at(0)], valueShapes_[l.output]);
    try {
        return ops::chooseGpuConv(problem, traits);
    } catch (const std::invalid_argument& e) {
        throw model::Error(e.what());
    }
}

std::vector<ops::Shape4> Plan::scratchShapes(const model::Layer& l) const {
    const auto& values = program_.values;
    std::vector<ops::Shape4> shapes;
    // Binary operands of lower rank are reshaped to the output's rank first.
    if (isBinary(l.kind))
        for (int v : l.inputs)
            if (values[v].shape.size() != values[l.output].shape.size())
                shapes.push_back(ops::view4(alignRank(values[v].shape, values[l.output].shape.size())));
    if (const int tile = winogradTile(l)) {
        shapes.push_back(ops::winogradInputScratch(valueShapes_[l.inputs.at(0)], valueShapes_[l.output], tile));
        shapes.push_back(ops::winogradOutputScratch(valueShapes_[l.output], tile));
    }
    if (const auto conv = gpuConvOf(l); conv && conv->splits > 1)
        shapes.push_back(ops::splitKScratch(*conv, valueShapes_[l.output], precision_));
    return shapes;
}

void Plan::uploadConstants() {
    // Pack every layer's constants into one host array, then one buffer, one
    // upload: as floats, or converted to halves for an fp16 plan.
    const size_t element = static_cast<size_t>(ops::texelBytes(precision_) / 4);
    std::vector<float> host;
    std::vector<std::pair<size_t, size_t>> ranges;  // element offset, element count
    auto append = [&](const std::vector<float>& data) {
        ranges.push_back({host.size(), data.size()});
        host.insert(host.end(), data.begin(), data.end());
        host.resize((host.size() * element + kAlignment - 1) / kAlignment * kAlignment / element);
    };
    for (const auto& l : program_.layers) {
        if (!hasWeights(l.kind)) continue;
        const int outC = static_cast<int>(l.weightShape.at(0));
        if (l.kind == model::LayerKind::BatchNorm) {
            append(ops::packBias(l.weights, outC));
            append(ops::packBias(l.bias, outC));
            continue;
        }
        const ops::ConvGeometry g = geometryOf(l);
        const int inC = valueShapes_[l.inputs.at(0)][1];
        const int tile = winogradTile(l);
        // The register-tiled kernels read weights in blocks of output channels;
        // the GPU's shared-memory tiles read plain rows.
        const int block = gpuConvOf(l) ? 1 : context_.traits().weightBlock;
        append(tile ? ops::packWinogradWeights(l.weights, outC, inC, tile, block)
                    : ops::packConvWeights(l.weights, outC, inC, g, block));
        append(ops::packBias(l.bias, outC));
    }
    const size_t bytes = host.size() * element;
    weights_ = vk::Buffer(context_, std::max<size_t>(bytes, 16), vk::Buffer::Kind::StorageTexels);
    for (const auto& [offset, count] : ranges)
        if (static_cast<uint64_t>(count + 3) / 4 > context_.traits().maxTexelBufferElements)
            throw LimitError("a layer's weights (" + std::to_string(count * element) +
                                 " bytes) are more than this device binds at once",
                             0.0, true);
    // Once per plan, at setup: the one blocking upload the staging path allows.
    if (precision_ == vk::Precision::Fp16)
        weights_.write(0, ops::toHalf(host).data(), bytes);
    else
        weights_.write(0, host.data(), bytes);
    stats_.weightBytes = static_cast<int64_t>(bytes);
    size_t next = 0;
    constants_.assign(program_.layers.size(), {});
    for (size_t i = 0; i < program_.layers.size(); ++i) {
        if (!hasWeights(program_.layers[i].kind)) continue;
        auto slice = [&](std::pair<size_t, size_t> r) {
            return weights_.slice(r.first * element, (r.second + 3) / 4 * ops::texelBytes(precision_));
        };
        constants_[i] = {slice(ranges[next]), slice(ranges[next + 1])};
        next += 2;
    }
}

ops::Tensor Plan::tensorOf(int value) const {
    const ops::Shape4& s = valueShapes_[value];
    return {arena_.slice(valueOffsets_[value], bytesOf(s)), s};
}

ops::Tensor Plan::broadcastView(ops::Recorder& r, int value, size_t rank, int scratch) {
    ops::Tensor t = tensorOf(value);
    if (program_.values[value].shape.size() == rank) return t;
    ops::Tensor view = tensorOf(scratch);
    ops::recordReshape(r, t, view);
    return view;
}

void Plan::recordLayer(ops::Recorder& r, const model::Layer& l, size_t index) {
    using model::LayerKind;
    const ops::Tensor out = tensorOf(l.output);
    const ops::Tensor in = tensorOf(l.inputs.at(0));
    const LayerConstants& c = constants_[index];
    switch (l.kind) {
        case LayerKind::Conv:
        case LayerKind::Gemm: {
            const ops::ConvGeometry g = geometryOf(l);
            ops::ConvBindings b{in, c.weights, c.bias, nullptr, out};
            ops::Tensor residual;
            if (l.residual >= 0) {
                residual = tensorOf(l.residual);
                b.residual = &residual;
            }
            if (const int tile = winogradTile(l)) {
                ops::recordWinogradConv(r, g, b, tensorOf(scratch_[index].at(0)), tensorOf(scratch_[index].at(1)),
                                        !l.bias.empty(), l.relu, tile);
            } else if (const auto conv = gpuConvOf(l)) {
                const ops::Tensor partials = conv->splits > 1 ? tensorOf(scratch_[index].at(0)) : ops::Tensor{};
                ops::recordGpuConv(r, g, *conv, b, &partials, !l.bias.empty(), l.relu);
            } else
                ops::recordConv(r, g, ops::chooseConvTile(out.shape, r), b, !l.bias.empty(), l.relu);
            break;
        }
        case LayerKind::BatchNorm:
            ops::recordAffine(r, in, c.weights, c.bias, l.relu, out);
            break;
        case LayerKind::Add:
        case LayerKind::Mul: {
            const size_t rank = program_.values[l.output].shape.size();
            // Scratch tensors come in operand order, one per operand of lower rank.
            auto scratch = scratch_[index].begin();
            const ops::Tensor a = broadcastView(r, l.inputs[0], rank, scratch == scratch_[index].end() ? -1 : *scratch);
            if (program_.values[l.inputs[0]].shape.size() != rank) ++scratch;
            const ops::Tensor b =
                broadcastView(r, l.inputs.at(1), rank, scratch == scratch_[index].end() ? -1 : *scratch);
            ops::recordBinary(r, l.kind == LayerKind::Add ? ops::BinaryOp::Add : ops::BinaryOp::Mul, a, b, l.relu, out);
            break;
        }
        case LayerKind::Relu:
            ops::recordRelu(r, in, out);
            break;
        case LayerKind::MaxPool:
        case LayerKind::AveragePool:
            ops::recordPool(r, l.kind == LayerKind::MaxPool ? ops::PoolKind::Max : ops::PoolKind::Average,
                            geometryOf(l), l.countIncludePad, in, out);
            break;
        case LayerKind::GlobalAveragePool:
            ops::recordGlobalAveragePool(r, in, out);
            break;
        case LayerKind::Softmax:
            ops::recordSoftmax(r, in, l.axis, out);
            break;
        case LayerKind::Pad: {
            ops::Shape4 start = extend(l.starts, 0);
            for (int& s : start) s = -s;
            ops::recordStridedCopy(r, in, start, {1, 1, 1, 1}, l.padValue, out);
            break;
        }
        case LayerKind::Slice:
            ops::recordStridedCopy(r, in, extend(l.starts, 0), extend(l.steps, 1), 0.0f, out);
            break;
        case LayerKind::Concat: {
            std::vector<ops::Tensor> inputs;
            for (int v : l.inputs) inputs.push_back(tensorOf(v));
            ops::recordConcat(r, inputs, l.axis, out);
            break;
        }
        case LayerKind::Reshape:
            ops::recordReshape(r, in, out);
            break;
        case LayerKind::Transpose: {
            ops::Shape4 perm{0, 1, 2, 3};
            for (size_t d = 0; d < l.perm.size() && d < 4; ++d) perm[d] = static_cast<int>(l.perm[d]);
            ops::recordTranspose(r, in, perm, out);
            break;
        }
    }
}

std::vector<model::HostTensor> Plan::run(const std::vector<model::HostTensor>& inputs) {
    writeInputs(inputs);
    submit();
    wait();
    return readOutputs();
}

void Plan::submit() {
    stream_->submit();
}

void Plan::wait() {
    stream_->wait();
}

void Plan::writeInputs(const std::vector<model::HostTensor>& inputs) {
    if (inputs.size() != program_.inputs.size())
        throw model::Error("the model takes " + std::to_string(program_.inputs.size()) + " input(s), got " +
                           std::to_string(inputs.size()));
    for (size_t i = 0; i < inputs.size(); ++i) {
        const auto& want = program_.values[program_.inputs[i]].shape;
        if (inputs[i].shape == want && int64_t(inputs[i].data.size()) != model::elementCount(want))
            throw model::Error("input '" + program_.values[program_.inputs[i]].name + "' must be " +
                               model::toString(want) + ", got " + model::toString(inputs[i].shape));
        writeInput(i, inputs[i].data.data(), inputs[i].shape);
    }
}

void Plan::writeInput(size_t index, const float* data, const model::Shape& shape) {
    const int v = program_.inputs.at(index);
    const auto& want = program_.values[v].shape;
    if (shape != want)
        throw model::Error("input '" + program_.values[v].name + "' must be " + model::toString(want) + ", got " +
                           model::toString(shape));
    // Packed straight into mapped memory: the staging buffer, or the arena on the
    // mapped path. An arena the mapped path had to place in device-only memory
    // (Buffer's fallback memory type) takes a host copy and Buffer::write.
    void* dst = staged_           ? static_cast<char*>(inputStaging_.mapped()) + inputStagingOffsets_[index]
                : arena_.mapped() ? static_cast<char*>(arena_.mapped()) + valueOffsets_[v]
                                  : nullptr;
    if (dst) {
        ops::packTexels(data, valueShapes_[v], precision_, dst);
        return;
    }
    std::vector<char> bytes(static_cast<size_t>(bytesOf(valueShapes_[v])));
    ops::packTexels(data, valueShapes_[v], precision_, bytes.data());
    arena_.write(valueOffsets_[v], bytes.data(), bytes.size());
}

std::vector<model::HostTensor> Plan::readOutputs() const {
    std::vector<model::HostTensor> outputs;
    for (size_t o = 0; o < program_.outputs.size(); ++o) {
        const int v = program_.outputs[o];
        model::HostTensor t{program_.values[v].name, program_.values[v].shape, {}};
        t.data.resize(static_cast<size_t>(model::elementCount(t.shape)));
        bool constant = false;
        for (const auto& co : program_.constOutputs)
            if (co.value == v) {
                t.data = co.data;
                constant = true;
            }
        if (!constant) {
            const size_t bytes = static_cast<size_t>(bytesOf(valueShapes_[v]));
            std::vector<char> raw(bytes);
            if (staged_)
                std::memcpy(raw.data(), static_cast<const char*>(outputStaging_.mapped()) + outputStagingOffsets_[o],
                            bytes);
            else
                arena_.read(valueOffsets_[v], raw.data(), bytes);
            std::vector<float> packed(static_cast<size_t>(ops::texelCount(valueShapes_[v]) * 4));
            if (precision_ == vk::Precision::Fp16)
                ops::fromHalf(reinterpret_cast<const uint16_t*>(raw.data()), packed.size(), packed.data());
            else
                std::memcpy(packed.data(), raw.data(), bytes);
            ops::unpack4(packed.data(), valueShapes_[v], t.data.data());
        }
        outputs.push_back(std::move(t));
    }
    return outputs;
}

std::vector<std::string> Plan::kernelNames() const {
    std::vector<std::string> names;
    for (auto id : stream_->recordedShaders()) names.push_back(shaders::name(id));
    return names;
}

std::vector<LayerTiming> Plan::profile() const {
    const auto ms = stream_->dispatchMilliseconds();
    std::vector<LayerTiming> out;
    for (size_t i = 0; i < program_.layers.size(); ++i) {
        const auto& l = program_.layers[i];
        LayerTiming t{l.name, kindLabel(l), model::toString(program_.values[l.output].shape), 0.0, 0.0};
        t.precision = precision_ == vk::Precision::Fp16 ? "fp16" : "fp32";
        for (size_t d = layerDispatches_[i].first; d < layerDispatches_[i].second && d < ms.size(); ++d) {
            t.ms += ms[d];
            t.kernelMs.push_back(ms[d]);
        }
        const auto& shaders = stream_->recordedShaders();
        for (size_t d = layerDispatches_[i].first; d < layerDispatches_[i].second && d < shaders.size(); ++d)
            t.kernel += (t.kernel.empty() ? "" : "+") + std::string(shaders::name(shaders[d]));
        if (t.kernel.empty()) t.kernel = "-";  // a view or a constant: no dispatch
        if (const auto conv = gpuConvOf(l)) {
            t.tile = conv->tile->name;
            t.split = conv->splits;
        }
        t.gflop = 2.0 * double(model::layerMacs(program_, l)) / 1e9;
        out.push_back(t);
    }
    return out;
}

}  // namespace resvk::runtime
