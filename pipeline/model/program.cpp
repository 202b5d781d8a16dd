// Shape helpers, names and statistics of a compiled Program.
#include "model/model.h"

namespace resvk::model {

int64_t elementCount(const Shape& shape) {
    // saturating: dims a file claims (2^32 x 2^32) must not wrap to a small count
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d == 0) return 0;
        if (__builtin_mul_overflow(n, d, &n)) return INT64_MAX;
    }
    return n;
}

std::string toString(const Shape& shape) {
    if (shape.empty()) return "scalar";
    std::string s;
    for (size_t k = 0; k < shape.size(); ++k) {
        if (k) s += 'x';
        s += shape[k] < 0 ? std::string("?") : std::to_string(shape[k]);
    }
    return s;
}

const char* toString(LayerKind kind) {
    switch (kind) {
        case LayerKind::Conv:
            return "Conv";
        case LayerKind::Gemm:
            return "Gemm";
        case LayerKind::BatchNorm:
            return "BatchNorm";
        case LayerKind::Add:
            return "Add";
        case LayerKind::Mul:
            return "Mul";
        case LayerKind::Relu:
            return "Relu";
        case LayerKind::MaxPool:
            return "MaxPool";
        case LayerKind::AveragePool:
            return "AveragePool";
        case LayerKind::GlobalAveragePool:
            return "GlobalAveragePool";
        case LayerKind::Softmax:
            return "Softmax";
        case LayerKind::Pad:
            return "Pad";
        case LayerKind::Slice:
            return "Slice";
        case LayerKind::Concat:
            return "Concat";
        case LayerKind::Reshape:
            return "Reshape";
        case LayerKind::Transpose:
            return "Transpose";
    }
    return "?";
}

int64_t layerMacs(const Program& program, const Layer& layer) {
    const Shape& out = program.values.at(static_cast<size_t>(layer.output)).shape;
    // every output element costs Cin/group * kh * kw (Conv) or K (Gemm) multiply-accumulates
    if (layer.kind == LayerKind::Conv && layer.weightShape.size() == 4)
        return elementCount(out) * layer.weightShape[1] * layer.weightShape[2] * layer.weightShape[3];
    if (layer.kind == LayerKind::Gemm && layer.weightShape.size() == 2) return elementCount(out) * layer.weightShape[1];
    return 0;
}

ProgramStats computeStats(const Program& program) {
    ProgramStats stats;
    for (const Layer& layer : program.layers) {
        stats.parameters += static_cast<int64_t>(layer.weights.size() + layer.bias.size());
        stats.macs += layerMacs(program, layer);
    }
    return stats;
}

}  // namespace resvk::model
