// Hostile models and tensor files: every count a file claims is checked before
// anything is allocated or read from it, and the error names the file, tensor,
// node or attribute and the cause (never a crash, a hang or gigabytes of RAM).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "model/model.h"
#include "support/onnx_builder.h"
#include "support/test_paths.h"

using namespace resvk::model;
using Catch::Contains;
using resvk::test::OnnxBuilder;

namespace {

constexpr int64_t k2to32 = int64_t{1} << 32;

onnx::TensorProto* intInit(OnnxBuilder& b, const std::string& name, const std::vector<int64_t>& dims,
                           const std::vector<int64_t>& values) {
    auto* t = b.g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t v : values) t->add_int64_data(v);
    return t;
}

void externalData(onnx::TensorProto* t, const std::vector<std::pair<std::string, std::string>>& kvs) {
    t->clear_float_data();
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    for (const auto& [k, v] : kvs) {
        auto* e = t->add_external_data();
        e->set_key(k);
        e->set_value(v);
    }
}

// A model whose only node folds constants into `out`, read as the graph output.
Program compileFolding(OnnxBuilder& b, const std::string& out) {
    b.input("x", {1, 1, 2, 2});
    b.node("Relu", "relu", {"x"}, {"y"});
    b.output("y", {1, 1, 2, 2});
    b.output(out);
    return Model::load(b.save(resvk::test::tempDir())).compile({{1, 1, 2, 2}});
}

// A Conv over a 1x1x8x8 input with a 1x1x3x3 kernel and the given attribute.
std::string convModel(const std::string& attr, const std::vector<int64_t>& v) {
    OnnxBuilder b("conv");
    b.input("x", {1, 1, 8, 8});
    b.init("W", {1, 1, 3, 3}, std::vector<float>(9, 1.0f));
    auto* n = b.node("Conv", "the_conv", {"x", "W"}, {"y"});
    resvk::test::attrInts(n, attr, v);
    b.output("y");
    return b.save(resvk::test::tempDir());
}

std::string writeModelWithExternal(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& kv) {
    OnnxBuilder b("ext");
    b.input("x", {1, 1, 2, 2});
    auto* t = b.init("W", {1, 1, 1, 1}, {1.0f});
    externalData(t, kv);
    b.node("Conv", "conv", {"x", "W"}, {"y"});
    b.output("y", {1, 1, 2, 2});
    return b.save(dir);
}

void writeFloats(const std::string& path, const std::vector<float>& v) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
}

}  // namespace

TEST_CASE("hostile: wrapping initializer dims are rejected at load, not folded", "[model][hostile]") {
    // the 187-byte crash: 2^32 x 2^32 with no data wrapped to 0 elements
    OnnxBuilder b("wrap");
    b.init("big", {k2to32, k2to32}, {});
    intInit(b, "starts", {1}, {0});
    intInit(b, "ends", {1}, {1});
    b.node("Slice", "slice", {"big", "starts", "ends"}, {"s"});
    b.output("s");
    CHECK_THROWS_WITH(Model::load(b.save(resvk::test::tempDir())),
                      Contains("tensor 'big'") && Contains("4294967296x4294967296") && Contains("too many elements"));

    OnnxBuilder raw("raw");  // raw data whose byte size wraps: 2^62 floats need 2^64 bytes
    auto* t = raw.init("r", {int64_t{1} << 62}, {});
    t->set_raw_data("");
    raw.output("r");
    CHECK_THROWS_WITH(Model::load(raw.save(resvk::test::tempDir())), Contains("tensor 'r'"));

    OnnxBuilder shortData("short");  // data size must be what dims x type need
    auto* s = shortData.init("w", {4}, {});
    s->set_raw_data(std::string(12, '\0'));
    shortData.output("w");
    CHECK_THROWS_WITH(Model::load(shortData.save(resvk::test::tempDir())),
                      Contains("tensor 'w'") && Contains("12 bytes") && Contains("needs 16"));
}

TEST_CASE("hostile: constant folding is budgeted per model and names the node", "[model][hostile]") {
    SECTION("ConstantOfShape") {
        OnnxBuilder b("cos");
        intInit(b, "dims", {2}, {int64_t{1} << 20, int64_t{1} << 20});
        b.node("ConstantOfShape", "huge_fill", {"dims"}, {"c"});
        CHECK_THROWS_WITH(compileFolding(b, "c"), Contains("huge_fill") && Contains("1048576x1048576"));
    }
    SECTION("ConstantOfShape with wrapping or negative dims") {
        OnnxBuilder b("cos2");
        intInit(b, "dims", {2}, {k2to32, k2to32});
        b.node("ConstantOfShape", "wrap_fill", {"dims"}, {"c"});
        CHECK_THROWS_WITH(compileFolding(b, "c"), Contains("wrap_fill") && Contains("more than 2^63"));
        OnnxBuilder n("cos3");
        intInit(n, "dims", {1}, {-5});
        n.node("ConstantOfShape", "neg_fill", {"dims"}, {"c"});
        CHECK_THROWS_WITH(compileFolding(n, "c"), Contains("neg_fill") && Contains("negative dimension"));
    }
    SECTION("Range") {
        OnnxBuilder b("range");
        b.init("start", {}, {0.0f});
        b.init("limit", {}, {1e30f});
        b.init("delta", {}, {1.0f});
        b.node("Range", "long_range", {"start", "limit", "delta"}, {"r"});
        CHECK_THROWS_WITH(compileFolding(b, "r"), Contains("long_range") && Contains("creates at most"));
    }
    SECTION("Expand") {
        OnnxBuilder b("expand");
        b.init("one", {1}, {1.0f});
        intInit(b, "shape", {3}, {4096, 4096, 4096});
        b.node("Expand", "wide_expand", {"one", "shape"}, {"e"});
        CHECK_THROWS_WITH(compileFolding(b, "e"), Contains("wide_expand") && Contains("4096x4096x4096"));
    }
    SECTION("Pad") {
        OnnxBuilder b("pad");
        b.init("one", {1}, {1.0f});
        intInit(b, "pads", {2}, {0, int64_t{1} << 40});
        b.node("Pad", "fat_pad", {"one", "pads"}, {"p"});
        CHECK_THROWS_WITH(compileFolding(b, "p"), Contains("fat_pad") && Contains("creates at most"));
    }
    SECTION("Gather over a huge empty shape ends at once") {
        OnnxBuilder b("gather");
        intInit(b, "dims", {2}, {int64_t{1} << 62, 0});
        b.node("ConstantOfShape", "empty", {"dims"}, {"c"});
        intInit(b, "idx", {0}, {});
        auto* g = b.node("Gather", "gather", {"c", "idx"}, {"g"});
        resvk::test::attrInt(g, "axis", 1);
        CHECK_NOTHROW(compileFolding(b, "g"));
    }
    SECTION("Reduce over a huge empty shape") {
        OnnxBuilder b("reduce", 11);
        intInit(b, "dims", {2}, {0, int64_t{1} << 40});
        b.node("ConstantOfShape", "empty", {"dims"}, {"c"});
        auto* r = b.node("ReduceMax", "reduce", {"c"}, {"r"});
        resvk::test::attrInts(r, "axes", {0});
        CHECK_THROWS_WITH(compileFolding(b, "r"), Contains("reduce") && Contains("creates at most"));
    }
    SECTION("copies count too: Identity chains of a constant") {
        OnnxBuilder b("copies");
        b.init("w", {1 << 20}, std::vector<float>(1 << 20, 1.0f));
        std::string prev = "w";
        for (int k = 0; k < 80; ++k) {
            const std::string next = "copy" + std::to_string(k);
            b.node("Identity", next, {prev}, {next});
            prev = next;
        }
        CHECK_THROWS_WITH(compileFolding(b, prev), Contains("copy") && Contains("creates at most"));
    }
}

TEST_CASE("hostile: an activation larger than resvk's limit per tensor is an error", "[model][hostile]") {
    OnnxBuilder b("pad_act");
    b.input("x", {1, 1, 8, 8});
    intInit(b, "pads", {8}, {0, 0, 0, 0, 0, 0, int64_t{1} << 20, int64_t{1} << 20});
    b.node("Pad", "huge_pad", {"x", "pads"}, {"y"});
    b.output("y");
    CHECK_THROWS_WITH(Model::load(b.save(resvk::test::tempDir())).compile({{1, 1, 8, 8}}),
                      Contains("huge_pad") && Contains("limit per tensor"));
}

TEST_CASE("hostile: an input declared larger than resvk's limit per tensor is an error", "[model][hostile]") {
    OnnxBuilder b("big_input");
    b.input("x", {1, 3, int64_t{1} << 20, int64_t{1} << 20});
    b.node("Relu", "relu", {"x"}, {"y"});
    b.output("y");
    const Model m = Model::load(b.save(resvk::test::tempDir()));
    CHECK_THROWS_WITH(m.compile({{1, 3, int64_t{1} << 20, int64_t{1} << 20}}),
                      Contains("input 'x'") && Contains("limit per tensor"));
    CHECK_THROWS_WITH(m.compile({{k2to32, k2to32, k2to32, 1}}), Contains("input 'x'"));
}

TEST_CASE("hostile: integer attributes are range-checked at their real width", "[model][hostile]") {
    const int64_t wraps = k2to32 + 1;  // was read as 1 after a cast to int
    CHECK_THROWS_WITH(Model::load(convModel("strides", {wraps, 1})).compile({{1, 1, 8, 8}}),
                      Contains("the_conv") && Contains("strides 4294967297 is out of range"));
    CHECK_THROWS_WITH(Model::load(convModel("dilations", {1, wraps})).compile({{1, 1, 8, 8}}),
                      Contains("the_conv") && Contains("dilations 4294967297"));
    CHECK_THROWS_WITH(Model::load(convModel("pads", {wraps, 0, 0, 0})).compile({{1, 1, 8, 8}}),
                      Contains("the_conv") && Contains("pads 4294967297"));
    CHECK_THROWS_WITH(Model::load(convModel("pads", {-1, 0, 0, 0})).compile({{1, 1, 8, 8}}),
                      Contains("pads -1 is out of range"));
    CHECK_NOTHROW(Model::load(convModel("strides", {2, 2})).compile({{1, 1, 8, 8}}));

    OnnxBuilder pad("pad_wrap");  // pads that cancel out but narrow to 1 on the GPU
    pad.input("x", {1, 1, 8, 8});
    intInit(pad, "pads", {8}, {0, 0, 0, k2to32 + 1, 0, 0, 0, -k2to32});
    pad.node("Pad", "the_pad", {"x", "pads"}, {"y"});
    pad.output("y");
    CHECK_THROWS_WITH(Model::load(pad.save(resvk::test::tempDir())).compile({{1, 1, 8, 8}}),
                      Contains("the_pad") && Contains("pads 4294967297 is out of range"));

    OnnxBuilder b("opset", 13);
    b.model.mutable_opset_import(0)->set_version(k2to32 + 13);
    b.input("x", {1, 1, 2, 2});
    b.node("Relu", "relu", {"x"}, {"y"});
    b.output("y", {1, 1, 2, 2});
    CHECK_THROWS_WITH(Model::load(b.save(resvk::test::tempDir())), Contains("unsupported opset 4294967309"));
}

TEST_CASE("hostile: external data stays inside the model's folder", "[model][hostile]") {
    namespace fs = std::filesystem;
    const std::string root = resvk::test::tempDir();
    const std::string dir = root + "/model";
    fs::create_directories(dir);
    writeFloats(root + "/outside.bin", {5.0f});
    writeFloats(dir + "/w.bin", {5.0f, 6.0f});

    SECTION("a good location loads") {
        const auto p =
            Model::load(writeModelWithExternal(dir, {{"location", "w.bin"}, {"offset", "4"}})).compile({{1, 1, 2, 2}});
        CHECK(p.layers.at(0).weights == std::vector<float>{6.0f});
    }
    SECTION("'..' and absolute paths are refused") {
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "../outside.bin"}})),
                          Contains("tensor 'W'") && Contains("outside the model's folder"));
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", root + "/outside.bin"}})),
                          Contains("outside the model's folder"));
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "sub/../../outside.bin"}})),
                          Contains("outside the model's folder"));
    }
    SECTION("a symbolic link out of the folder is refused") {
        fs::create_symlink(root + "/outside.bin", dir + "/link.bin");
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "link.bin"}})),
                          Contains("links outside the model's folder"));
    }
    SECTION("folders, FIFOs and devices are not data files") {
        fs::create_directories(dir + "/folder");
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "folder"}})),
                          Contains("folder") && Contains("is a folder"));
        REQUIRE(::mkfifo((dir + "/fifo").c_str(), 0600) == 0);
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "fifo"}})), Contains("FIFO"));
    }
    SECTION("offset and length must lie inside the file and match the shape") {
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "w.bin"}, {"offset", "12"}})),
                          Contains("truncated"));
        CHECK_THROWS_WITH(
            Model::load(writeModelWithExternal(dir, {{"location", "w.bin"}, {"offset", "4"}, {"length", "8"}})),
            Contains("8 bytes of external data") && Contains("needs 4"));
        CHECK_THROWS_WITH(
            Model::load(writeModelWithExternal(dir, {{"location", "w.bin"}, {"length", "4611686018427387904"}})),
            Contains("tensor 'W'") && Contains("needs 4"));
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(
                              dir, {{"location", "w.bin"}, {"offset", "9223372036854775807"}, {"length", "4"}})),
                          Contains("truncated"));
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "w.bin"}, {"offset", "-4"}})),
                          Contains("invalid external data offset '-4'"));
        CHECK_THROWS_WITH(Model::load(writeModelWithExternal(dir, {{"location", "w.bin"}, {"offset", "4x"}})),
                          Contains("invalid external data offset '4x'"));
    }
}

TEST_CASE("hostile: model and tensor files must be regular files", "[model][hostile]") {
    const std::string dir = resvk::test::tempDir();
    CHECK_THROWS_WITH(Model::load(dir), Contains(dir) && Contains("is a folder"));
    CHECK_THROWS_WITH(Model::load("/dev/zero"), Contains("/dev/zero") && Contains("is a device"));
    REQUIRE(::mkfifo((dir + "/model.onnx").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(Model::load(dir + "/model.onnx"), Contains("FIFO"));
    REQUIRE(::mkfifo((dir + "/input_0.pb").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(readTensorFile(dir + "/input_0.pb"), Contains("input_0.pb") && Contains("FIFO"));
    CHECK_THROWS_WITH(readTensorFile(dir), Contains("is a folder"));
    CHECK_THROWS_WITH(readTensorFile(dir + "/none.pb"), Contains("none.pb") && Contains("not found"));
}

TEST_CASE("hostile: an undecodable tensor file is not called an optional", "[model][hostile]") {
    const std::string dir = resvk::test::tempDir();
    for (const std::string& bytes : {std::string("\x08\x01", 2), std::string("\x10\x05\x2a\x00", 4),
                                     std::string("garbage garbage garbage"), std::string("\x0a\x00\x10\x01", 4)}) {
        const std::string path = dir + "/output_0.pb";
        std::ofstream(path, std::ios::binary) << bytes;
        INFO("bytes: " << bytes.size());
        try {
            readTensorFile(path);
        } catch (const Error& e) {
            CHECK_THAT(std::string(e.what()), !Contains("optional") && Contains("output_0.pb"));
        }
    }
}

TEST_CASE("hostile: every op with missing, empty or odd inputs is an Error or unsupported, never a crash",
          "[model][hostile]") {
    // A small structure-aware sweep of what byte fuzzing reaches rarely: each op
    // resvk folds or lowers, with 0 to 3 inputs drawn from odd values.
    const std::vector<std::string> ops = {"Constant",
                                          "Identity",
                                          "Dropout",
                                          "Shape",
                                          "Size",
                                          "Gather",
                                          "Unsqueeze",
                                          "Squeeze",
                                          "Reshape",
                                          "Flatten",
                                          "Concat",
                                          "ConstantOfShape",
                                          "Slice",
                                          "Pad",
                                          "Cast",
                                          "Transpose",
                                          "Range",
                                          "Where",
                                          "Expand",
                                          "ReduceProd",
                                          "ReduceSum",
                                          "ReduceMean",
                                          "ReduceMax",
                                          "ReduceMin",
                                          "Min",
                                          "Max",
                                          "Sum",
                                          "Add",
                                          "Sub",
                                          "Mul",
                                          "Div",
                                          "Pow",
                                          "Mod",
                                          "Equal",
                                          "Less",
                                          "And",
                                          "Floor",
                                          "Sqrt",
                                          "Neg",
                                          "Relu",
                                          "Reciprocal",
                                          "Log",
                                          "Not",
                                          "Round",
                                          "Conv",
                                          "MaxPool",
                                          "AveragePool",
                                          "GlobalAveragePool",
                                          "BatchNormalization",
                                          "Gemm",
                                          "MatMul",
                                          "Softmax"};
    const std::vector<std::string> pool = {"x", "scalar", "empty", "ints", "neg", "mat", "big"};
    const std::string dir = resvk::test::tempDir();
    int compiled = 0, rejected = 0;
    for (const auto& op : ops)
        for (bool oddAttrs : {false, true})
            for (int count = 0; count <= (oddAttrs ? 2 : 3); ++count) {  // kept to a few seconds
                int combos = 1;
                for (int k = 0; k < count; ++k) combos *= static_cast<int>(pool.size());
                for (int c = 0; c < combos; ++c) {
                    OnnxBuilder b("sweep", 13);
                    b.input("x", {1, 1, 2, 2});
                    b.init("scalar", {}, {2.0f});
                    b.init("empty", {0}, {});
                    intInit(b, "ints", {2}, {1, 2});
                    intInit(b, "neg", {1}, {-3});
                    b.init("mat", {2, 3}, {1, 2, 3, 4, 5, 6});
                    intInit(b, "big", {1}, {int64_t{1} << 40});
                    std::vector<std::string> in;
                    for (int k = 0, rest = c; k < count; ++k, rest /= static_cast<int>(pool.size()))
                        in.push_back(pool[static_cast<size_t>(rest) % pool.size()]);
                    auto* node = b.node(op, "probe", in, {"y"});
                    if (oddAttrs) {
                        using resvk::test::attrInt;
                        using resvk::test::attrInts;
                        attrInt(node, "axis", int64_t{1} << 40);
                        attrInts(node, "axes", {-100, 100});
                        attrInts(node, "perm", {7, 0});
                        attrInts(node, "kernel_shape", {int64_t{1} << 31, 0});
                        attrInts(node, "strides", {0, -1});
                        attrInts(node, "pads", {-5, 0, 0, int64_t{1} << 40});
                        attrInts(node, "starts", {INT64_MIN});
                        attrInts(node, "ends", {INT64_MAX});
                        attrInt(node, "to", int64_t{1} << 33);
                        attrInt(node, "group", -1);
                        attrInt(node, "keepdims", 0);
                        attrInts(node, "value_ints", {});
                    }
                    b.output("y");
                    INFO(op << (oddAttrs ? " (odd attributes)" : "") << " with inputs "
                            << Catch::Detail::stringify(in));
                    try {
                        std::vector<std::string> unsupported;
                        (void)Model::load(b.save(dir)).compile({{1, 1, 2, 2}}, &unsupported);
                        ++compiled;
                    } catch (const Error&) {
                        ++rejected;
                    }
                }
            }
    CHECK(compiled > 0);
    CHECK(rejected > 0);
}
