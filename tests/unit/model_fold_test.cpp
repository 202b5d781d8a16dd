// Constant folding checked against ONNX's own backend node tests: each test's
// inputs become initializers, so the whole graph must fold on the CPU and the
// constant outputs must match the expected outputs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "model/model.h"
#include "support/onnx_builder.h"
#include "support/test_paths.h"

using namespace resvk::model;
namespace fs = std::filesystem;

namespace {

// Ops the folder must handle (prefixes of backend test names) and the variants
// that are out of scope (16-bit floats, strings, sequences, Loop-based expansions).
const char* const kFoldedOps[] = {"test_shape",
                                  "test_gather_0",
                                  "test_gather_1",
                                  "test_gather_2d",
                                  "test_gather_negative",
                                  "test_unsqueeze",
                                  "test_squeeze",
                                  "test_concat",
                                  "test_constantofshape",
                                  "test_slice",
                                  "test_cast_",
                                  "test_transpose",
                                  "test_reshape",
                                  "test_identity",
                                  "test_add",
                                  "test_sub",
                                  "test_mul",
                                  "test_div",
                                  "test_range",
                                  "test_equal",
                                  "test_where",
                                  "test_expand",
                                  "test_flatten",
                                  "test_floor",
                                  "test_ceil",
                                  "test_sqrt",
                                  "test_reduce_prod",
                                  "test_min",
                                  "test_max_",
                                  "test_constant",
                                  "test_pad",
                                  "test_neg",
                                  "test_size",
                                  "test_reduce_sum_",
                                  "test_reduce_mean",
                                  "test_reduce_max",
                                  "test_reduce_min",
                                  "test_relu",
                                  "test_dropout",
                                  "test_mod",
                                  "test_less",
                                  "test_greater",
                                  "test_abs",
                                  "test_reciprocal"};
const char* const kExcluded[] = {"FLOAT16", "STRING", "_opt", "sequence", "_expanded", "reduce_sum_square", "training"};

bool selected(const std::string& name) {
    bool wanted = false;
    for (const char* p : kFoldedOps) wanted = wanted || name.rfind(p, 0) == 0;
    for (const char* x : kExcluded) wanted = wanted && name.find(x) == std::string::npos;
    return wanted;
}

// The test's model with every graph input replaced by its test_data_set_0 value.
std::string frozenCopy(const fs::path& dir, const std::string& out) {
    onnx::ModelProto mp;
    std::ifstream in(dir / "model.onnx", std::ios::binary);
    REQUIRE(mp.ParseFromIstream(&in));
    auto* g = mp.mutable_graph();
    std::set<std::string> inits;
    for (const auto& i : g->initializer()) inits.insert(i.name());
    int k = 0;
    for (const auto& vi : g->input()) {
        if (inits.count(vi.name())) continue;
        onnx::TensorProto t;
        std::ifstream tf(dir / "test_data_set_0" / ("input_" + std::to_string(k++) + ".pb"), std::ios::binary);
        REQUIRE(t.ParseFromIstream(&tf));
        t.set_name(vi.name());
        *g->add_initializer() = t;
    }
    g->clear_input();
    std::ofstream o(out, std::ios::binary);
    REQUIRE(mp.SerializeToOstream(&o));
    return out;
}

}  // namespace

TEST_CASE("constant folding matches the ONNX backend node tests", "[model]") {
    const fs::path root = resvk::test::onnxTestData("node");
    const std::string tmp = resvk::test::tempDir();
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root))
        if (selected(e.path().filename().string())) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    REQUIRE(dirs.size() > 150);
    int checked = 0;
    for (const fs::path& dir : dirs) {
        INFO(dir.filename().string());
        const Model m = Model::load(frozenCopy(dir, tmp + "/frozen.onnx"));
        const Program p = m.compile({});
        CHECK(p.layers.empty());
        REQUIRE(p.constOutputs.size() == p.outputs.size());
        for (size_t o = 0; o < p.outputs.size(); ++o) {
            const auto& c = p.constOutputs[o];
            REQUIRE(c.value == p.outputs[o]);
            const HostTensor want =
                readTensorFile((dir / "test_data_set_0" / ("output_" + std::to_string(o) + ".pb")).string());
            REQUIRE(p.values[static_cast<size_t>(c.value)].shape == want.shape);
            REQUIRE(c.data.size() == want.data.size());
            for (size_t e = 0; e < want.data.size(); ++e) {
                if (std::isnan(want.data[e])) {
                    CHECK(std::isnan(c.data[e]));
                } else {
                    CHECK(c.data[e] == Approx(want.data[e]).epsilon(1e-5).margin(1e-6));
                }
            }
        }
        ++checked;
    }
    CHECK(checked == static_cast<int>(dirs.size()));
}
