#include "model/graph.h"

#include <cmath>

#include "model/budget.h"

namespace resvk::model {

namespace {
// Truncates toward zero, saturating instead of overflowing (INT64_MAX does not
// survive a round trip through a double); NaN becomes 0.
int64_t saturatingInt64(double v) {
    if (v >= 9.2233720368547758e18) return INT64_MAX;
    if (v <= -9.2233720368547758e18) return INT64_MIN;
    if (std::isnan(v)) return 0;
    return static_cast<int64_t>(std::trunc(v));
}
}  // namespace

Tensor Tensor::zeros(DType type, Shape shape) {
    Tensor t;
    t.type = type;
    const auto n = static_cast<size_t>(elementCount(shape));
    t.shape = std::move(shape);
    if (type == DType::Float)
        t.f.assign(n, 0.0f);
    else
        t.i.assign(n, 0);
    return t;
}

Tensor Tensor::ofInts(std::vector<int64_t> values, Shape shape) {
    Tensor t;
    t.type = DType::Int;
    t.shape = std::move(shape);
    t.i = std::move(values);
    return t;
}

Tensor Tensor::ofFloats(std::vector<float> values, Shape shape) {
    Tensor t;
    t.shape = std::move(shape);
    t.f = std::move(values);
    return t;
}

void Tensor::set(size_t k, double v) {
    if (type == DType::Float) {
        f[k] = static_cast<float>(v);
    } else if (type == DType::Bool) {
        i[k] = v != 0.0 ? 1 : 0;
    } else {
        i[k] = saturatingInt64(v);
    }
}

std::vector<int64_t> Tensor::ints() const {
    if (type != DType::Float) return i;
    // saturating: int64 parameters that reached us as floats (INT64_MAX Slice
    // ends in a graph input's value) must not overflow the conversion
    std::vector<int64_t> out(f.size());
    for (size_t k = 0; k < f.size(); ++k) out[k] = saturatingInt64(f[k]);
    return out;
}

std::vector<float> Tensor::floats() const {
    if (type == DType::Float) return f;
    std::vector<float> out(i.size());
    for (size_t k = 0; k < i.size(); ++k) out[k] = static_cast<float>(i[k]);
    return out;
}

int64_t Node::attrInt(const std::string& key, int64_t fallback) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? fallback : it->second.i;
}

float Node::attrFloat(const std::string& key, float fallback) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? fallback : it->second.f;
}

std::string Node::attrString(const std::string& key, const std::string& fallback) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? fallback : it->second.s;
}

std::vector<int64_t> Node::attrInts(const std::string& key) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? std::vector<int64_t>{} : it->second.ints;
}

const Tensor* Node::attrTensor(const std::string& key) const {
    auto it = attrs.find(key);
    return it == attrs.end() || it->second.t.empty() ? nullptr : &it->second.t.front();
}

std::string Node::displayName() const {
    return name.empty() ? op + "_" + std::to_string(index) : name;
}

bool broadcastShapes(const Shape& a, const Shape& b, Shape& out) {
    const size_t rank = std::max(a.size(), b.size());
    out.assign(rank, 1);
    for (size_t k = 0; k < rank; ++k) {
        const int64_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
        const int64_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
        if (da != db && da != 1 && db != 1) return false;
        out[k] = da == 1 ? db : da;
    }
    return true;
}

std::vector<int64_t> stridesOf(const Shape& shape) {
    std::vector<int64_t> s(shape.size(), 1);
    for (size_t k = shape.size(); k-- > 1;) s[k - 1] = saturatingMul(s[k], shape[k]);
    return s;
}

std::vector<size_t> broadcastIndex(const Shape& in, const Shape& out) {
    const size_t rank = out.size();
    std::vector<int64_t> inStride(rank, 0);
    const auto inStrides = stridesOf(in);
    for (size_t k = 0; k < in.size(); ++k) {
        const size_t o = k + (rank - in.size());
        inStride[o] = in[k] == 1 ? 0 : inStrides[k];
    }
    const auto n = static_cast<size_t>(elementCount(out));
    std::vector<size_t> map(n);
    std::vector<int64_t> idx(rank, 0);
    for (size_t e = 0; e < n; ++e) {
        int64_t off = 0;
        for (size_t k = 0; k < rank; ++k) off += idx[k] * inStride[k];
        map[e] = static_cast<size_t>(off);
        for (size_t k = rank; k-- > 0;) {
            if (++idx[k] < out[k]) break;
            idx[k] = 0;
        }
    }
    return map;
}

}  // namespace resvk::model
