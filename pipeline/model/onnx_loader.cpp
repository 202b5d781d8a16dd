// Model::load: ModelProto -> Graph (all tensors decoded, external data read).
#include <filesystem>
#include <new>
#include <set>
#include <stdexcept>

#include <onnx/onnx_pb.h>

#include "model/graph.h"
#include "model/op_versions.h"
#include "model/regular_file.h"
#include "model/tensor_proto.h"

namespace resvk::model {
namespace {

constexpr int kMinOpset = 1;
constexpr int kMaxOpset = 17;

Attr convertAttr(const onnx::AttributeProto& a, const std::string& dir, const std::string& ctx) {
    Attr out;
    out.i = a.i();
    out.f = a.f();
    out.s = a.s();
    out.ints.assign(a.ints().begin(), a.ints().end());
    out.floats.assign(a.floats().begin(), a.floats().end());
    if (a.has_t()) out.t.push_back(tensorFromProto(a.t(), dir, ctx));
    return out;
}

// Graph inputs and outputs must be tensors: optional, sequence and map values
// are rejected here, naming the value, instead of failing later on its data.
TensorInfo convertInfo(const onnx::ValueInfoProto& v, const std::string& ctx, const char* what) {
    if (v.has_type() && !v.type().has_tensor_type()) {
        const auto& t = v.type();
        const char* kind = t.has_optional_type() || t.has_sequence_type() ? "an optional/sequence"
                           : t.has_map_type()                             ? "a map"
                           : t.has_sparse_tensor_type()                   ? "a sparse tensor"
                                                                          : "a non-tensor";
        throw Error(ctx + ": " + what + " '" + v.name() + "' is " + kind + " type, which resvk does not support");
    }
    TensorInfo info;
    info.name = v.name();
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape()) {
        for (const auto& d : v.type().tensor_type().shape().dim())
            info.shape.push_back(d.has_dim_value() && d.dim_value() > 0 ? d.dim_value() : -1);
    }
    return info;
}

}  // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const std::vector<TensorInfo>& Model::inputs() const {
    return impl_->graph.inputs;
}
const std::vector<TensorInfo>& Model::outputs() const {
    return impl_->graph.outputs;
}
int Model::opset() const {
    return impl_->graph.opset;
}
const std::string& Model::path() const {
    return impl_->path;
}

namespace {

// protobuf cannot hold a message of 2 GiB or more (larger weights live in external data)
constexpr int64_t kMaxProtoBytes = (int64_t{1} << 31) - 1;

// Parses `path` into `g`: every count and size a file claims is checked
// (tensor_proto.cpp, budget.h) before anything is allocated from it.
void loadGraph(const std::string& path, const std::string& ctx, Graph& g) {
    onnx::ModelProto proto;
    {
        const RegularFile file(path, ctx);
        if (file.size() > kMaxProtoBytes)
            throw Error(ctx + ": " + std::to_string(file.size()) +
                        " bytes, more than an ONNX file can hold (2 GiB; larger weights go in external data)");
        // parsed straight from the descriptor: no second copy of a large model in memory
        if (!proto.ParseFromFileDescriptor(file.fd()) || !proto.has_graph() || proto.ir_version() <= 0)
            throw Error(ctx + ": not an ONNX model, or the file is truncated");
    }

    bool haveOpset = false;
    for (const auto& os : proto.opset_import()) {
        if (os.domain().empty() || os.domain() == "ai.onnx") {
            // checked at full width: 2^32 + 13 must not pass as opset 13
            if (os.version() < kMinOpset || os.version() > kMaxOpset)
                throw Error(ctx + ": unsupported opset " + std::to_string(os.version()) +
                            " (supported: " + std::to_string(kMinOpset) + "-" + std::to_string(kMaxOpset) + ")");
            g.opset = static_cast<int>(os.version());
            haveOpset = true;
        }
    }
    if (!haveOpset) g.opset = 1;
    if (g.opset < kMinOpset || g.opset > kMaxOpset)
        throw Error(ctx + ": unsupported opset " + std::to_string(g.opset) +
                    " (supported: " + std::to_string(kMinOpset) + "-" + std::to_string(kMaxOpset) + ")");

    const std::string dir = std::filesystem::path(path).parent_path().string();
    const onnx::GraphProto& gp = proto.graph();
    for (const auto& init : gp.initializer()) g.initializers[init.name()] = tensorFromProto(init, dir, ctx);

    std::set<std::string> known;
    for (const auto& [name, t] : g.initializers) known.insert(name);
    for (const auto& v : gp.input()) {
        known.insert(v.name());
        if (!g.initializers.count(v.name())) g.inputs.push_back(convertInfo(v, ctx, "input"));
    }
    for (int k = 0; k < gp.node_size(); ++k) {
        const auto& np = gp.node(k);
        Node n;
        n.op = np.op_type();
        n.name = np.name();
        n.domain = np.domain() == "ai.onnx" ? std::string() : np.domain();
        n.index = k;
        n.inputs.assign(np.input().begin(), np.input().end());
        n.outputs.assign(np.output().begin(), np.output().end());
        for (const auto& a : np.attribute()) n.attrs[a.name()] = convertAttr(a, dir, ctx);
        upgradeNode(n, g.opset);
        for (const auto& name : n.inputs) {
            if (!name.empty() && !known.count(name))
                throw Error(ctx + " is malformed or truncated: node '" + n.displayName() +
                            "' reads undefined tensor '" + name + "'");
        }
        for (const auto& name : n.outputs) known.insert(name);
        g.nodes.push_back(std::move(n));
    }
    for (const auto& v : gp.output()) {
        if (!known.count(v.name()))
            throw Error(ctx + " is malformed or truncated: graph output '" + v.name() + "' is never produced");
        g.outputs.push_back(convertInfo(v, ctx, "output"));
    }
    if (g.outputs.empty()) throw Error(ctx + " is malformed or truncated: the graph has no outputs");
}

}  // namespace

Model Model::load(const std::string& path) {
    const std::string ctx = "model '" + path + "'";
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    try {
        loadGraph(path, ctx, impl->graph);
    } catch (const std::bad_alloc&) {
        // what a file can ask for is bounded; this is the machine itself running out
        throw Error(ctx + ": out of memory while loading it");
    } catch (const std::length_error&) {
        throw Error(ctx + ": a tensor is too large to load");
    }
    return Model(std::move(impl));
}

}  // namespace resvk::model
