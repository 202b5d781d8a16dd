#include "model/fuse.h"

#include <algorithm>
#include <map>
#include <set>

namespace resvk::model {
namespace {

std::vector<int> consumerCounts(const Program& p) {
    std::vector<int> count(p.values.size(), 0);
    for (const Layer& l : p.layers) {
        if (l.output < 0) continue;
        for (int v : l.inputs) ++count[static_cast<size_t>(v)];
        if (l.residual >= 0) ++count[static_cast<size_t>(l.residual)];
    }
    return count;
}

bool isProducerFusable(const Layer& producer) {
    return (producer.kind == LayerKind::Conv || producer.kind == LayerKind::Gemm) && !producer.relu;
}

// Scales output channel c of the Conv/Gemm weights by scale[c] and applies shift.
void foldAffine(Layer& p, const Layer& bn) {
    const size_t channels = static_cast<size_t>(p.weightShape[0]);
    const size_t per = p.weights.size() / channels;
    if (p.bias.empty()) p.bias.assign(channels, 0.0f);
    for (size_t c = 0; c < channels; ++c) {
        const float s = bn.weights[c];
        for (size_t k = 0; k < per; ++k) p.weights[c * per + k] *= s;
        p.bias[c] = p.bias[c] * s + bn.bias[c];
    }
}

}  // namespace

void fuseLayers(Program& p) {
    const std::set<int> outputs(p.outputs.begin(), p.outputs.end());
    const std::vector<int> consumers = consumerCounts(p);
    std::map<int, size_t> producer;  // value -> layer slot
    std::vector<bool> removed(p.layers.size(), false);

    // Merges the layer in slot `from` into slot `into` (its only consumer).
    auto merge = [&](size_t from, size_t into, Layer&& merged) {
        merged.fusedOps.insert(merged.fusedOps.end(), p.layers[into].fusedOps.begin(), p.layers[into].fusedOps.end());
        merged.output = p.layers[into].output;
        p.layers[into] = std::move(merged);
        removed[from] = true;
    };
    auto soleProducer = [&](int v) -> long {
        if (v < 0 || consumers[static_cast<size_t>(v)] != 1 || outputs.count(v)) return -1;
        auto it = producer.find(v);
        if (it == producer.end() || removed[it->second]) return -1;
        return static_cast<long>(it->second);
    };

    for (size_t j = 0; j < p.layers.size(); ++j) {
        Layer& l = p.layers[j];
        if (l.kind == LayerKind::BatchNorm) {
            const long s = soleProducer(l.inputs[0]);
            if (s >= 0 && isProducerFusable(p.layers[static_cast<size_t>(s)]) &&
                p.layers[static_cast<size_t>(s)].residual < 0) {
                Layer merged = std::move(p.layers[static_cast<size_t>(s)]);
                foldAffine(merged, l);
                merge(static_cast<size_t>(s), j, std::move(merged));
            }
        } else if (l.kind == LayerKind::Add && l.inputs.size() == 2) {
            const Shape& out = p.values[static_cast<size_t>(l.output)].shape;
            for (int side = 0; side < 2; ++side) {
                const int a = l.inputs[static_cast<size_t>(side)];
                const int other = l.inputs[static_cast<size_t>(1 - side)];
                const long s = soleProducer(a);
                if (s < 0 || a == other) continue;
                const Layer& prod = p.layers[static_cast<size_t>(s)];
                if (!isProducerFusable(prod) || prod.residual >= 0) continue;
                if (p.values[static_cast<size_t>(a)].shape != out || p.values[static_cast<size_t>(other)].shape != out)
                    continue;
                Layer merged = std::move(p.layers[static_cast<size_t>(s)]);
                merged.residual = other;
                merge(static_cast<size_t>(s), j, std::move(merged));
                break;
            }
        } else if (l.kind == LayerKind::Relu) {
            const long s = soleProducer(l.inputs[0]);
            if (s >= 0 && isProducerFusable(p.layers[static_cast<size_t>(s)])) {
                Layer merged = std::move(p.layers[static_cast<size_t>(s)]);
                merged.relu = true;
                merge(static_cast<size_t>(s), j, std::move(merged));
            }
        }
        producer[p.layers[j].output] = j;
    }
    std::vector<Layer> kept;
    for (size_t j = 0; j < p.layers.size(); ++j)
        if (!removed[j]) kept.push_back(std::move(p.layers[j]));
    p.layers = std::move(kept);
}

void removeDeadLayers(Program& p) {
    const std::set<int> outputs(p.outputs.begin(), p.outputs.end());
    for (bool changed = true; changed;) {
        changed = false;
        const auto consumers = consumerCounts(p);
        std::vector<Layer> kept;
        for (Layer& l : p.layers) {
            if (consumers[static_cast<size_t>(l.output)] == 0 && !outputs.count(l.output)) {
                changed = true;
                continue;
            }
            kept.push_back(std::move(l));
        }
        p.layers = std::move(kept);
    }
}

void compactValues(Program& p) {
    std::vector<int> remap(p.values.size(), -1);
    std::vector<Value> values;
    auto use = [&](int& v) {
        if (v < 0) return;
        auto& r = remap[static_cast<size_t>(v)];
        if (r < 0) {
            r = static_cast<int>(values.size());
            values.push_back(p.values[static_cast<size_t>(v)]);
        }
        v = r;
    };
    for (int& v : p.inputs) use(v);
    for (Layer& l : p.layers) {
        for (int& v : l.inputs) use(v);
        use(l.residual);
        use(l.output);
    }
    for (int& v : p.outputs) use(v);
    for (auto& c : p.constOutputs) use(c.value);
    p.values = std::move(values);
}

}  // namespace resvk::model
