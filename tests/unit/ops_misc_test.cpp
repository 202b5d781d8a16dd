// Elementwise, normalisation, softmax and data-movement layers against the
// naive reference, on ranks 1-4 and channel counts that are not multiples of 4
// (the GPU packs channels in fours).
#include <catch2/catch.hpp>

#include "reference/op_harness.h"

using namespace resvk;
using namespace resvk::reference;

TEST_CASE("Add and Mul broadcast like numpy", "[ops][binary]") {
    struct Case {
        model::Shape a, b;
        bool relu;
    };
    const Case cases[] = {
        {{1, 5, 7, 3}, {1, 5, 7, 3}, false},
        {{3, 13, 5, 7}, {1, 13, 1, 1}, false},
        {{3, 13, 5, 7}, {13, 1, 1}, true},
        {{1, 3, 1, 7}, {1, 1, 5, 1}, false},
        {{3, 17, 1, 1}, {3, 17, 4, 4}, false},
        {{2, 3, 4}, {4}, false},
        {{5}, {5}, true},
        {{7, 1}, {1, 9}, false},
        {{1, 33, 2, 3}, {1, 33, 2, 3}, true},
        {{6, 5}, {5}, false},
    };
    uint32_t seed = 1000;
    for (const Case& c : cases)
        for (auto op : {BinaryOp::Add, BinaryOp::Mul}) {
            seed += 10;
            const std::string name = std::string(op == BinaryOp::Add ? "Add " : "Mul ") + model::toString(c.a) + " , " +
                                     model::toString(c.b) + (c.relu ? " + relu" : "");
            SECTION(name) {
                INFO(name);
                model::Layer l;
                l.kind = op == BinaryOp::Add ? model::LayerKind::Add : model::LayerKind::Mul;
                l.relu = c.relu;
                const Tensor a = testTensor(c.a, seed), b = testTensor(c.b, seed + 1);
                Tensor want = binary(op, a, b);
                if (c.relu) want = relu(want);
                expectClose(runOnGpu(oneLayer(l, {a.shape, b.shape}, want.shape), {a, b}), want, kElementwiseTolerance);
            }
        }
}

TEST_CASE("Relu matches the reference", "[ops][relu]") {
    // The last shape has more texels than one grid row of 65535 workgroups holds,
    // so the 2-D grid fold is exercised (it once broke on lavapipe).
    const model::Shape shapes[] = {{1, 33, 7, 5}, {3, 5}, {17}, {2, 3, 5}, {3, 1, 1, 1}, {300, 16, 32, 32}};
    uint32_t seed = 1500;
    for (const auto& s : shapes) {
        seed += 10;
        SECTION(model::toString(s)) {
            INFO("Relu " << model::toString(s));
            model::Layer l;
            l.kind = model::LayerKind::Relu;
            const Tensor x = testTensor(s, seed);
            const Tensor want = relu(x);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("BatchNorm (affine per channel) matches the reference", "[ops][batchnorm]") {
    struct Case {
        model::Shape shape;
        bool relu;
    };
    const Case cases[] = {
        {{3, 13, 5, 7}, false}, {{1, 5, 4, 3}, true}, {{2, 7}, false}, {{1, 1, 3, 3}, false}, {{2, 33, 3}, true}};
    uint32_t seed = 1700;
    for (const Case& c : cases) {
        seed += 10;
        const std::string name = model::toString(c.shape) + (c.relu ? " + relu" : "");
        SECTION(name) {
            INFO("BatchNorm " << name);
            const int64_t ch = c.shape[1];
            model::Layer l;
            l.kind = model::LayerKind::BatchNorm;
            l.weightShape = {ch};
            l.weights = testValues(size_t(ch), seed + 1);
            l.bias = testValues(size_t(ch), seed + 2);
            l.relu = c.relu;
            const Tensor x = testTensor(c.shape, seed);
            Tensor want = affine(x, l.weights, l.bias);
            if (c.relu) want = relu(want);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("Softmax along every axis matches the reference", "[ops][softmax]") {
    const model::Shape shapes[] = {{3, 10}, {2, 3, 4, 5}, {1, 1000}, {1, 5, 1, 1}, {3, 7, 6}, {13}};
    uint32_t seed = 1900;
    for (const auto& s : shapes)
        for (int axis = 0; axis < int(s.size()); ++axis) {
            seed += 10;
            const std::string name = model::toString(s) + " axis " + std::to_string(axis);
            SECTION(name) {
                INFO("Softmax " << name);
                model::Layer l;
                l.kind = model::LayerKind::Softmax;
                l.axis = axis;
                Tensor x = testTensor(s, seed);
                for (float& v : x.data) v *= 4.0f;  // a wider range than [-1, 1]
                const Tensor want = softmax(x, axis);
                expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
            }
        }
}

TEST_CASE("constant Pad (and negative pads that crop) matches the reference", "[ops][pad]") {
    struct Case {
        model::Shape shape;
        std::vector<int64_t> begin, end;
        float value;
    };
    const Case cases[] = {
        {{1, 3, 5, 7}, {0, 0, 1, 2}, {0, 0, 2, 1}, 0.0f},    // spatial, asymmetric
        {{2, 5, 4, 3}, {0, 0, 1, 1}, {0, 0, 1, 1}, 0.5f},    // pad value
        {{1, 5, 3, 3}, {0, 1, 0, 0}, {0, 2, 0, 0}, -1.5f},   // channel pad, unaligned
        {{1, 3, 6, 7}, {0, 0, -1, 0}, {0, 0, 1, -2}, 0.0f},  // crop and pad
        {{1, 2, 3, 3}, {1, 0, 0, 0}, {2, 0, 0, 0}, 3.0f},    // batch pad
        {{4, 6}, {1, 2}, {0, 3}, 0.25f},                     // rank 2
        {{5}, {2}, {3}, 7.0f},                               // rank 1
    };
    uint32_t seed = 2100;
    for (const Case& c : cases) {
        seed += 10;
        const std::string name = model::toString(c.shape) + " begin " + str(c.begin) + " end " + str(c.end) +
                                 " value " + std::to_string(c.value);
        SECTION(name) {
            INFO("Pad " << name);
            model::Layer l;
            l.kind = model::LayerKind::Pad;
            l.starts = c.begin;
            l.steps = c.end;
            l.padValue = c.value;
            const Tensor x = testTensor(c.shape, seed);
            const Tensor want = pad(x, c.begin, c.end, c.value);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("Slice with steps (positive and negative) matches the reference", "[ops][slice]") {
    struct Case {
        model::Shape in;
        std::vector<int64_t> starts, steps;
        model::Shape out;
    };
    const Case cases[] = {
        {{3, 13, 7, 9}, {0, 1, 1, 0}, {1, 2, 3, 1}, {3, 6, 2, 9}},
        {{3, 13, 7, 9}, {2, 12, 6, 8}, {-1, -2, -1, -3}, {3, 7, 7, 3}},
        {{1, 17, 5, 5}, {0, 3, 0, 1}, {1, 1, 1, 1}, {1, 9, 5, 3}},  // channel offset 3
        {{1, 8, 6, 6}, {0, 5, 0, 0}, {1, 1, 2, 2}, {1, 3, 3, 3}},
        {{2, 3, 4, 5}, {1, 0, 0, 0}, {1, 1, 1, 1}, {1, 3, 4, 5}},  // batch slice
        {{6, 10}, {1, 9}, {2, -4}, {3, 3}},                        // rank 2
        {{11}, {10}, {-3}, {4}},                                   // rank 1, negative step
        {{4, 5, 6}, {3, 1, 0}, {-1, 2, 5}, {4, 2, 2}},             // rank 3
    };
    uint32_t seed = 2300;
    for (const Case& c : cases) {
        seed += 10;
        const std::string name = model::toString(c.in) + " starts " + str(c.starts) + " steps " + str(c.steps) +
                                 " -> " + model::toString(c.out);
        SECTION(name) {
            INFO("Slice " << name);
            model::Layer l;
            l.kind = model::LayerKind::Slice;
            l.starts = c.starts;
            l.steps = c.steps;
            const Tensor x = testTensor(c.in, seed);
            const Tensor want = slice(x, c.starts, c.steps, c.out);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("Concat along every axis matches the reference", "[ops][concat]") {
    struct Case {
        std::vector<model::Shape> inputs;
        int axis;
    };
    const Case cases[] = {
        {{{1, 3, 4, 5}, {1, 5, 4, 5}, {1, 1, 4, 5}}, 1},  // unaligned channel offsets
        {{{1, 4, 2, 3}, {1, 8, 2, 3}}, 1},                // aligned
        {{{2, 3, 4, 5}, {1, 3, 4, 5}}, 0},
        {{{1, 7, 2, 3}, {1, 7, 5, 3}}, 2},
        {{{3, 5, 2, 1}, {3, 5, 2, 4}, {3, 5, 2, 2}}, 3},
        {{{2, 3}, {2, 5}}, 1},
        {{{2, 3}, {4, 3}}, 0},
        {{{2, 3, 4}, {2, 1, 4}}, 1},
        {{{2, 3, 4}, {2, 3, 3}}, 2},
        {{{3}, {7}}, 0},
    };
    uint32_t seed = 2500;
    for (const Case& c : cases) {
        seed += 10;
        std::string name;
        for (const auto& s : c.inputs) name += model::toString(s) + " ";
        name += "axis " + std::to_string(c.axis);
        SECTION(name) {
            INFO("Concat " << name);
            model::Layer l;
            l.kind = model::LayerKind::Concat;
            l.axis = c.axis;
            std::vector<Tensor> xs;
            for (size_t i = 0; i < c.inputs.size(); ++i) xs.push_back(testTensor(c.inputs[i], seed + uint32_t(i)));
            const Tensor want = concat(xs, c.axis);
            expectClose(runOnGpu(oneLayer(l, c.inputs, want.shape), xs), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("Reshape keeps row-major order", "[ops][reshape]") {
    const std::pair<model::Shape, model::Shape> cases[] = {
        {{1, 13, 3, 3}, {1, 117}},    {{3, 5, 7}, {15, 7}}, {{2, 12}, {2, 3, 2, 2}},
        {{1, 6, 1, 1}, {1, 2, 3, 1}}, {{2, 5, 3, 2}, {60}}, {{1, 3, 5, 7}, {1, 5, 3, 7}},
    };
    uint32_t seed = 2700;
    for (const auto& c : cases) {
        seed += 10;
        const std::string name = model::toString(c.first) + " -> " + model::toString(c.second);
        SECTION(name) {
            INFO("Reshape " << name);
            model::Layer l;
            l.kind = model::LayerKind::Reshape;
            const Tensor x = testTensor(c.first, seed);
            const Tensor want = reshape(x, c.second);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}

TEST_CASE("Transpose with every permutation matches the reference", "[ops][transpose]") {
    std::vector<std::pair<model::Shape, std::vector<int64_t>>> cases;
    std::vector<int64_t> perm{0, 1, 2, 3};
    do cases.push_back({{2, 3, 5, 7}, perm});
    while (std::next_permutation(perm.begin(), perm.end()));
    std::vector<int64_t> perm3{0, 1, 2};
    do cases.push_back({{3, 5, 6}, perm3});
    while (std::next_permutation(perm3.begin(), perm3.end()));
    cases.push_back({{5, 7}, {1, 0}});
    cases.push_back({{1, 9, 1, 6}, {0, 3, 1, 2}});
    uint32_t seed = 2900;
    for (const auto& c : cases) {
        seed += 10;
        const std::string name = model::toString(c.first) + " perm " + str(c.second);
        SECTION(name) {
            INFO("Transpose " << name);
            model::Layer l;
            l.kind = model::LayerKind::Transpose;
            l.perm = c.second;
            const Tensor x = testTensor(c.first, seed);
            const Tensor want = transpose(x, c.second);
            expectClose(runOnGpu(oneLayer(l, {x.shape}, want.shape), {x}), want, kElementwiseTolerance);
        }
    }
}
