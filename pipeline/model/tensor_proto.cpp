#include "model/tensor_proto.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include <onnx/onnx-data_pb.h>

namespace resvk::model {
namespace {

std::string tensorLabel(const onnx::TensorProto& proto) {
    return proto.name().empty() ? std::string("<unnamed>") : proto.name();
}

std::string readExternal(const onnx::TensorProto& proto, const std::string& baseDir, const std::string& context) {
    std::string location;
    int64_t offset = 0;
    int64_t length = -1;
    for (const auto& kv : proto.external_data()) {
        try {
            if (kv.key() == "location")
                location = kv.value();
            else if (kv.key() == "offset")
                offset = std::stoll(kv.value());
            else if (kv.key() == "length")
                length = std::stoll(kv.value());
        } catch (const std::exception&) {
            throw Error(context + ": tensor '" + tensorLabel(proto) + "' has an invalid external data " + kv.key() +
                        " '" + kv.value() + "'");
        }
    }
    if (location.empty())
        throw Error(context + ": tensor '" + tensorLabel(proto) + "' has external data without a location");
    const std::filesystem::path file = std::filesystem::path(baseDir) / location;
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(context + ": external data file '" + file.string() + "' for tensor '" + tensorLabel(proto) +
                    "' not found");
    in.seekg(0, std::ios::end);
    const auto fileSize = static_cast<int64_t>(in.tellg());
    if (length < 0) length = fileSize - offset;
    if (offset < 0 || offset + length > fileSize)
        throw Error(context + ": external data file '" + file.string() + "' is truncated (tensor '" +
                    tensorLabel(proto) + "')");
    std::string bytes(static_cast<size_t>(length), '\0');
    in.seekg(offset);
    in.read(bytes.data(), length);
    if (!in) throw Error(context + ": cannot read external data file '" + file.string() + "'");
    return bytes;
}

template <typename T>
std::vector<T> fromRaw(const std::string& raw, size_t n, const std::string& what) {
    if (raw.size() != n * sizeof(T)) throw Error(what + ": raw data size does not match its shape");
    std::vector<T> out(n);
    if (n) std::memcpy(out.data(), raw.data(), raw.size());
    return out;
}

float halfToFloat(uint16_t h) {
    const uint32_t sign = (h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {
            exp = 127 - 15 + 1;
            while (!(mant & 0x400u)) {
                mant <<= 1;
                --exp;
            }
            bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

}  // namespace

Tensor tensorFromProto(const onnx::TensorProto& proto, const std::string& baseDir, const std::string& context) {
    Tensor t;
    for (int64_t d : proto.dims()) {
        if (d < 0) throw Error(context + ": tensor '" + tensorLabel(proto) + "' has a negative dimension");
        t.shape.push_back(d);
    }
    const auto n = static_cast<size_t>(elementCount(t.shape));
    const std::string what = context + ": tensor '" + tensorLabel(proto) + "'";
    const bool external = proto.data_location() == onnx::TensorProto::EXTERNAL;
    const std::string raw = external ? readExternal(proto, baseDir, context) : proto.raw_data();
    const bool useRaw = external || proto.has_raw_data();
    using TP = onnx::TensorProto;

    auto intsFrom = [&](auto typed, auto tag) {
        using T = decltype(tag);
        std::vector<int64_t> v;
        if (useRaw) {
            for (T x : fromRaw<T>(raw, n, what)) v.push_back(static_cast<int64_t>(x));
        } else {
            for (auto x : typed) v.push_back(static_cast<int64_t>(x));
        }
        return v;
    };

    switch (proto.data_type()) {
        case TP::FLOAT:
            t.type = DType::Float;
            t.f = useRaw ? fromRaw<float>(raw, n, what)
                         : std::vector<float>(proto.float_data().begin(), proto.float_data().end());
            break;
        case TP::DOUBLE: {
            t.type = DType::Float;
            std::vector<double> d = useRaw
                                        ? fromRaw<double>(raw, n, what)
                                        : std::vector<double>(proto.double_data().begin(), proto.double_data().end());
            t.f.assign(d.begin(), d.end());
            break;
        }
        case TP::FLOAT16: {
            t.type = DType::Float;
            std::vector<uint16_t> h;
            if (useRaw)
                h = fromRaw<uint16_t>(raw, n, what);
            else
                for (int32_t x : proto.int32_data()) h.push_back(static_cast<uint16_t>(x));
            for (uint16_t x : h) t.f.push_back(halfToFloat(x));
            break;
        }
        case TP::BFLOAT16: {
            t.type = DType::Float;
            std::vector<uint16_t> h;
            if (useRaw)
                h = fromRaw<uint16_t>(raw, n, what);
            else
                for (int32_t x : proto.int32_data()) h.push_back(static_cast<uint16_t>(x));
            for (uint16_t x : h) {
                const uint32_t bits = static_cast<uint32_t>(x) << 16;
                float f;
                std::memcpy(&f, &bits, 4);
                t.f.push_back(f);
            }
            break;
        }
        case TP::INT64:
            t.type = DType::Int;
            t.i = intsFrom(proto.int64_data(), int64_t{});
            break;
        case TP::UINT64:
            t.type = DType::Int;
            t.i = intsFrom(proto.uint64_data(), uint64_t{});
            break;
        case TP::INT32:
            t.type = DType::Int;
            t.i = intsFrom(proto.int32_data(), int32_t{});
            break;
        case TP::UINT32:
            t.type = DType::Int;
            t.i = intsFrom(proto.uint64_data(), uint32_t{});
            break;
        case TP::INT16:
            t.type = DType::Int;
            t.i = intsFrom(proto.int32_data(), int16_t{});
            break;
        case TP::UINT16:
            t.type = DType::Int;
            t.i = intsFrom(proto.int32_data(), uint16_t{});
            break;
        case TP::INT8:
            t.type = DType::Int;
            t.i = intsFrom(proto.int32_data(), int8_t{});
            break;
        case TP::UINT8:
            t.type = DType::Int;
            t.i = intsFrom(proto.int32_data(), uint8_t{});
            break;
        case TP::BOOL:
            t.type = DType::Bool;
            t.i = intsFrom(proto.int32_data(), uint8_t{});
            break;
        default:
            throw Error(what + " has unsupported data type " + std::to_string(proto.data_type()));
    }
    if (t.size() != n)
        throw Error(what + " holds " + std::to_string(t.size()) + " values, its shape " + toString(t.shape) +
                    " needs " + std::to_string(n));
    return t;
}

HostTensor readTensorFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("tensor file '" + path + "' not found");
    onnx::TensorProto proto;
    if (!proto.ParseFromIstream(&in))
        throw Error("tensor file '" + path + "' is not a serialized onnx.TensorProto (or is truncated)");
    const std::string dir = std::filesystem::path(path).parent_path().string();
    Tensor t;
    try {
        t = tensorFromProto(proto, dir, "tensor file '" + path + "'");
    } catch (const Error&) {
        // backend-test data of optional / sequence inputs is an OptionalProto or
        // SequenceProto, which reads as a garbled TensorProto: say what it is
        in.clear();
        in.seekg(0);
        onnx::OptionalProto opt;
        onnx::SequenceProto seq;
        if (opt.ParseFromIstream(&in) && opt.has_elem_type() &&
            (opt.has_tensor_value() || opt.has_sequence_value() || opt.has_optional_value() || opt.has_map_value() ||
             opt.has_sparse_tensor_value()))
            throw Error("tensor file '" + path + "': input '" + opt.name() +
                        "' is an optional/sequence type, which resvk does not support");
        in.clear();
        in.seekg(0);
        if (seq.ParseFromIstream(&in) && seq.has_elem_type() && seq.elem_type() != 0)
            throw Error("tensor file '" + path + "': input '" + seq.name() +
                        "' is an optional/sequence type, which resvk does not support");
        throw;
    }
    HostTensor out;
    out.name = proto.name();
    out.shape = t.shape;
    out.data = t.floats();
    return out;
}

}  // namespace resvk::model
