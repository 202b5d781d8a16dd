#include "support/onnx_builder.h"

#include <catch2/catch.hpp>
#include <fstream>

namespace resvk::test {

OnnxBuilder::OnnxBuilder(const std::string& graphName, int opset) {
    model.set_ir_version(8);
    model.add_opset_import()->set_version(opset);
    g = model.mutable_graph();
    g->set_name(graphName);
}

onnx::TensorProto* OnnxBuilder::init(const std::string& name, const std::vector<int64_t>& dims,
                                     const std::vector<float>& v) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float x : v) t->add_float_data(x);
    return t;
}

onnx::NodeProto* OnnxBuilder::node(const std::string& op, const std::string& name, const std::vector<std::string>& in,
                                   const std::vector<std::string>& out) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& s : in) n->add_input(s);
    for (const auto& s : out) n->add_output(s);
    return n;
}

void OnnxBuilder::input(const std::string& name, const std::vector<int64_t>& dims, int elemType) {
    setTensorType(g->add_input(), name, dims, elemType);
}

void OnnxBuilder::output(const std::string& name, const std::vector<int64_t>& dims, int elemType) {
    setTensorType(g->add_output(), name, dims, elemType);
}

void OnnxBuilder::output(const std::string& name) {
    setTensorType(g->add_output(), name, {}, onnx::TensorProto::FLOAT, false);
}

std::string OnnxBuilder::write(const std::string& path) const {
    {
        std::ofstream f(path, std::ios::binary);
        REQUIRE(model.SerializeToOstream(&f));
    }
    return path;
}

void setTensorType(onnx::ValueInfoProto* v, const std::string& name, const std::vector<int64_t>& dims, int elemType,
                   bool shapeKnown) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elemType);
    if (!shapeKnown) return;
    tt->mutable_shape();
    for (int64_t d : dims) {
        if (d < 0)
            tt->mutable_shape()->add_dim()->set_dim_param("N");
        else
            tt->mutable_shape()->add_dim()->set_dim_value(d);
    }
}

void attrInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
}

void attrInt(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

void attrFloat(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
}

void attrString(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
}

}  // namespace resvk::test
