#include "model/op_versions.h"

#include <map>
#include <vector>

namespace resvk::model {

int opVersion(const std::string& op, int opset) {
    // since_version of every version up to opset 17, for the ops the passes know
    static const std::map<std::string, std::vector<int>> kSince = {
        {"Add", {1, 6, 7, 13, 14}},
        {"Sub", {1, 6, 7, 13, 14}},
        {"Mul", {1, 6, 7, 13, 14}},
        {"Div", {1, 6, 7, 13, 14}},
        {"Sum", {1, 6, 8, 13}},
        {"Relu", {1, 6, 13, 14}},
        {"Conv", {1, 11}},
        {"BatchNormalization", {1, 6, 7, 9, 14, 15}},
        {"MaxPool", {1, 8, 10, 11, 12}},
        {"AveragePool", {1, 7, 10, 11}},
        {"GlobalAveragePool", {1}},
        {"Gemm", {1, 6, 7, 9, 11, 13}},
        {"MatMul", {1, 9, 13}},
        {"Softmax", {1, 11, 13}},
        {"Flatten", {1, 9, 11, 13}},
        {"Reshape", {1, 5, 13, 14}},
        {"Pad", {1, 2, 11, 13}},
        {"Slice", {1, 10, 11, 13}},
        {"Concat", {1, 4, 11, 13}},
        {"Identity", {1, 13, 14, 16}},
        {"Dropout", {1, 6, 7, 10, 12, 13}},
        {"Transpose", {1, 13}},
        {"Squeeze", {1, 11, 13}},
        {"Unsqueeze", {1, 11, 13}},
        {"Shape", {1, 13, 15}},
        {"Size", {1, 13}},
    };
    auto it = kSince.find(op);
    if (it == kSince.end()) return 0;
    int v = 0;
    for (int s : it->second)
        if (s <= opset) v = s;
    return v;
}

namespace {

std::string versioned(const Node& n) {
    return n.op + "-" + std::to_string(n.version);
}

// An attribute that the op's version does not define: the model is not valid
// ONNX for its opset, and guessing what the producer meant would be wrong.
bool rejectAttr(Node& n, const char* attr) {
    if (!n.has(attr)) return false;
    n.unsupportedWhy = std::string("attribute '") + attr + "' is not defined for " + versioned(n);
    return true;
}

}  // namespace

void upgradeNode(Node& n, int opset) {
    if (!n.domain.empty()) return;
    n.version = opVersion(n.op, opset);
    const int v = n.version;
    if (v == 0) return;
    n.attrs.erase("consumed_inputs");  // version-1 in-place hint, no semantics
    const std::string& op = n.op;
    if (op == "BatchNormalization") {
        if (v < 7) {
            if (n.attrInt("is_test", 0) == 0) {
                n.unsupportedWhy = "training mode (is_test=0, the default of " + versioned(n) +
                                   "); only inference (is_test=1) is supported";
                return;
            }
            n.attrs.erase("is_test");
        }
        if (v < 9) {
            if (n.attrInt("spatial", 1) == 0) {
                n.unsupportedWhy = "spatial=0 (per-activation statistics) of " + versioned(n);
                return;
            }
            n.attrs.erase("spatial");
        }
        if (v < 14 && rejectAttr(n, "training_mode")) return;
    } else if (op == "Dropout") {
        if (v < 7) {
            if (n.attrInt("is_test", 0) == 0) {
                n.unsupportedWhy = "training mode (is_test=0, the default of " + versioned(n) +
                                   "); only inference (is_test=1) is supported";
                return;
            }
            n.attrs.erase("is_test");
        }
    } else if (op == "Pad") {
        if (v < 2 && n.has("paddings")) {
            n.attrs["pads"] = n.attrs["paddings"];
            n.attrs.erase("paddings");
        }
    } else if (op == "Concat") {
        if (!n.has("axis")) {
            if (v >= 4) {
                n.unsupportedWhy = "the required attribute 'axis' is missing";
                return;
            }
            n.attrs["axis"].i = 1;  // Concat-1 defaults to axis 1
        }
    } else if (op == "MaxPool") {
        if (v < 8 && rejectAttr(n, "storage_order")) return;
        if (v < 10 && (rejectAttr(n, "ceil_mode") || rejectAttr(n, "dilations"))) return;
    } else if (op == "AveragePool") {
        if (v < 7 && rejectAttr(n, "count_include_pad")) return;
        if (v < 10 && rejectAttr(n, "ceil_mode")) return;
    } else if (op == "Reshape") {
        if (v < 5 && !n.has("shape")) {
            n.unsupportedWhy = "the required attribute 'shape' of " + versioned(n) + " is missing";
            return;
        }
        if (v >= 5) n.attrs.erase("shape");  // not an attribute any more: the input rules
        if (v < 14 && rejectAttr(n, "allowzero")) return;
    } else if (op == "Shape") {
        if (v < 15 && (rejectAttr(n, "start") || rejectAttr(n, "end"))) return;
    } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
        if (v >= 7 && (rejectAttr(n, "broadcast") || rejectAttr(n, "axis"))) return;
        // v < 7: `broadcast` / `axis` are resolved against the shapes (legacyBroadcast)
    } else if (op == "Gemm") {
        if (v >= 7 && rejectAttr(n, "broadcast")) return;
        if (v < 7 && n.input(2).empty()) {
            n.unsupportedWhy = "the required input C of " + versioned(n) + " is missing";
            return;
        }
    }
}

}  // namespace resvk::model
