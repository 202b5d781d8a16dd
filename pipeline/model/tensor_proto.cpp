#include "model/tensor_proto.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <new>

#include <onnx/onnx-data_pb.h>

#include "model/budget.h"
#include "model/regular_file.h"

namespace resvk::model {
namespace {

std::string tensorLabel(const onnx::TensorProto& proto) {
    return proto.name().empty() ? std::string("<unnamed>") : proto.name();
}

// A non-negative decimal integer, the whole string.
bool parseCount(const std::string& text, int64_t& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end && out >= 0;
}

// External data must stay inside the model's folder, as ONNX's own checker
// requires: a relative location without "..", which (symbolic links resolved)
// still lies under the folder, in a regular file, with offset + length inside it.
std::string readExternal(const onnx::TensorProto& proto, const std::string& baseDir, const std::string& context,
                         int64_t wantBytes) {
    const std::string what = context + ": tensor '" + tensorLabel(proto) + "'";
    std::string location;
    int64_t offset = 0;
    int64_t length = -1;
    for (const auto& kv : proto.external_data()) {
        const bool isCount = kv.key() == "offset" || kv.key() == "length";
        if (kv.key() == "location") location = kv.value();
        if (isCount && !parseCount(kv.value(), kv.key() == "offset" ? offset : length))
            throw Error(what + " has an invalid external data " + kv.key() + " '" + kv.value() +
                        "' (not a non-negative integer)");
    }
    if (location.empty()) throw Error(what + " has external data without a location");
    namespace fs = std::filesystem;
    const fs::path rel(location);
    bool climbs = false;
    for (const auto& part : rel) climbs = climbs || part == "..";
    if (rel.is_absolute() || rel.has_root_name() || climbs)
        throw Error(what + " has external data location '" + location +
                    "' outside the model's folder (it must be a relative path without '..')");
    const fs::path folder = baseDir.empty() ? fs::path(".") : fs::path(baseDir);
    const fs::path file = folder / rel;
    std::error_code ec;
    const fs::path realFolder = fs::weakly_canonical(folder, ec);
    const fs::path realFile = fs::weakly_canonical(file, ec);
    const auto [mismatch, unused] =
        std::mismatch(realFolder.begin(), realFolder.end(), realFile.begin(), realFile.end());
    if (!ec && mismatch != realFolder.end())
        throw Error(what + " has external data location '" + location + "' that links outside the model's folder");
    const RegularFile data(file.string(), context + ": external data file '" + file.string() + "' for tensor '" +
                                              tensorLabel(proto) + "'");
    if (offset > data.size())
        throw Error(context + ": external data file '" + file.string() + "' is truncated: tensor '" +
                    tensorLabel(proto) + "' starts at byte " + std::to_string(offset) + " of " +
                    std::to_string(data.size()));
    if (length < 0) length = data.size() - offset;
    // compared before reading: a wrong length must not allocate what it claims
    if (length != wantBytes)
        throw Error(what + " has " + std::to_string(length) + " bytes of external data, its shape " +
                    toString(std::vector<int64_t>(proto.dims().begin(), proto.dims().end())) + " needs " +
                    std::to_string(wantBytes));
    if (length > data.size() - offset)
        throw Error(context + ": external data file '" + file.string() + "' is truncated (tensor '" +
                    tensorLabel(proto) + "' needs bytes " + std::to_string(offset) + " to " +
                    std::to_string(offset + length) + " of " + std::to_string(data.size()) + ")");
    return data.read(offset, length);
}

// Bytes per element of the raw encoding of `dataType`, 0 when resvk does not read it.
int64_t rawElementSize(int dataType) {
    using TP = onnx::TensorProto;
    switch (dataType) {
        case TP::DOUBLE:
        case TP::INT64:
        case TP::UINT64:
            return 8;
        case TP::FLOAT:
        case TP::INT32:
        case TP::UINT32:
            return 4;
        case TP::FLOAT16:
        case TP::BFLOAT16:
        case TP::INT16:
        case TP::UINT16:
            return 2;
        case TP::INT8:
        case TP::UINT8:
        case TP::BOOL:
            return 1;
        default:
            return 0;
    }
}

// `raw` is already known to hold exactly n * sizeof(T) bytes (checked in tensorFromProto).
template <typename T>
std::vector<T> fromRaw(const std::string& raw, size_t n, const std::string& what) {
    if (raw.size() / sizeof(T) != n || raw.size() % sizeof(T) != 0)
        throw Error(what + ": raw data size does not match its shape");
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
    const std::string what = context + ": tensor '" + tensorLabel(proto) + "'";
    const int64_t count = elementCount(t.shape);  // saturating: 2^32 x 2^32 must not wrap to 0
    const int64_t elemSize = rawElementSize(proto.data_type());
    if (elemSize == 0) throw Error(what + " has unsupported data type " + std::to_string(proto.data_type()));
    const int64_t wantBytes = saturatingMul(count, elemSize);
    if (wantBytes == INT64_MAX)
        throw Error(what + " has shape " + toString(t.shape) + ", too many elements to represent");
    const auto n = static_cast<size_t>(count);
    const bool external = proto.data_location() == onnx::TensorProto::EXTERNAL;
    const bool useRaw = external || proto.has_raw_data();
    if (!external && useRaw && static_cast<int64_t>(proto.raw_data().size()) != wantBytes)
        throw Error(what + " has " + std::to_string(proto.raw_data().size()) + " bytes of data, its shape " +
                    toString(t.shape) + " needs " + std::to_string(wantBytes));
    const std::string raw = external ? readExternal(proto, baseDir, context, wantBytes) : proto.raw_data();
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

namespace {

// Backend-test data of optional / sequence values is an OptionalProto or
// SequenceProto, which can also parse as a garbled TensorProto. Only a message
// whose declared element type matches the value it holds counts as one, so
// that mere garbage is not reported as an optional.
bool isOptionalOrSequence(const std::string& bytes, std::string& name) {
    onnx::OptionalProto opt;
    if (opt.ParseFromString(bytes)) {
        using O = onnx::OptionalProto;
        const auto e = opt.elem_type();
        if ((e == O::TENSOR && opt.has_tensor_value()) || (e == O::SPARSE_TENSOR && opt.has_sparse_tensor_value()) ||
            (e == O::SEQUENCE && opt.has_sequence_value()) || (e == O::MAP && opt.has_map_value()) ||
            (e == O::OPTIONAL && opt.has_optional_value())) {
            name = opt.name();
            return true;
        }
    }
    onnx::SequenceProto seq;
    if (seq.ParseFromString(bytes)) {
        using S = onnx::SequenceProto;
        const auto e = seq.elem_type();
        if ((e == S::TENSOR && seq.tensor_values_size() > 0) ||
            (e == S::SPARSE_TENSOR && seq.sparse_tensor_values_size() > 0) ||
            (e == S::SEQUENCE && seq.sequence_values_size() > 0) || (e == S::MAP && seq.map_values_size() > 0) ||
            (e == S::OPTIONAL && seq.optional_values_size() > 0)) {
            name = seq.name();
            return true;
        }
    }
    return false;
}

}  // namespace

HostTensor readTensorFile(const std::string& path) {
    const std::string ctx = "tensor file '" + path + "'";
    std::string bytes;
    {
        const RegularFile file(path, ctx);
        if (file.size() > (int64_t{1} << 31) - 1) throw Error(ctx + ": larger than a TensorProto can be (2 GiB)");
        bytes = file.readAll();
    }
    onnx::TensorProto proto;
    std::string optName;
    const bool parsed = proto.ParseFromString(bytes);
    Tensor t;
    try {
        if (!parsed) throw Error(ctx + " is not a serialized onnx.TensorProto (or is truncated)");
        t = tensorFromProto(proto, std::filesystem::path(path).parent_path().string(), ctx);
    } catch (const Error&) {
        if (isOptionalOrSequence(bytes, optName))
            throw Error(ctx + ": value '" + optName + "' is an optional/sequence type, which resvk does not support");
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(ctx + ": out of memory while reading it");
    }
    HostTensor out;
    out.name = proto.name();
    out.shape = t.shape;
    out.data = t.floats();
    return out;
}

}  // namespace resvk::model
