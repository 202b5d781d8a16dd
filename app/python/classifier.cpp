#include "classifier.h"

#include <algorithm>

#include "classify/labels.h"
#include "classify/shipped_labels.h"
#include "classify/topk.h"
#include "model_registry.h"
#include "module_path.h"

namespace resvk::python {

namespace {

// Where the precision choice meets the engine: the one place to wire fp16 once
// the engine can store tensors as 16-bit floats (issue 10).
// The CLI's --precision rule (vk/device_traits.h); what ran is read back from the context.
vk::PrecisionRequest checkPrecision(const std::string& precision) {
    if (precision != "auto" && precision != "fp32" && precision != "fp16")
        throw Error("precision must be auto, fp32 or fp16, got '" + precision + "'");
    return vk::parsePrecisionRequest(precision);
}

model::Model loadModel(const std::string& path) {
    model::Model m = model::Model::load(app::resolveModelPath(path));
    if (m.inputs().empty()) throw model::Error("model " + path + " has no inputs");
    return m;
}

std::string shapeOf(const py::array& a) {
    std::string s = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
    return s + (a.ndim() == 1 ? ",)" : ")");
}

std::string describeArray(const py::array& a) {
    return std::string(py::str(a.dtype())) + " array of shape " + shapeOf(a);
}

std::string inputShape(const classify::InputGeometry& g) {
    return "Nx3x" + std::to_string(g.height) + "x" + std::to_string(g.width);
}

// One picture or tensor of a classify() call, kept alive while the GPU reads it.
struct Item {
    py::array array;  // uint8 HxWx3 (rows may be padded) or C-contiguous float32 Nx3xHxW
    bool picture;
};

// What a Python object holds: pictures or float tensors, each read in place
// where its layout allows (packed RGB pixels, C-contiguous floats).
Item itemOf(const py::handle& object, const classify::InputGeometry& g) {
    if (!py::isinstance<py::array>(object))
        throw Error(std::string("classify takes numpy arrays, got ") + std::string(py::str(object.get_type())));
    auto a = py::reinterpret_borrow<py::array>(object);
    if (a.dtype().is(py::dtype::of<uint8_t>()) && a.ndim() == 3 && a.shape(2) == 3) {
        if (a.shape(0) < 1 || a.shape(1) < 1 || a.shape(0) > 65535 || a.shape(1) > 65535)
            throw Error("a picture must be 1 to 65535 pixels on each side, got " + describeArray(a));
        if (a.strides(2) != 1 || a.strides(1) != 3 || a.strides(0) < a.shape(1) * 3)
            a = py::array::ensure(a, py::array::c_style);  // e.g. a flipped view: one packed copy
        return {a, true};
    }
    if (a.dtype().is(py::dtype::of<float>()) && (a.ndim() == 3 || a.ndim() == 4)) {
        const int off = a.ndim() == 4 ? 1 : 0;
        if (a.shape(off) != 3 || a.shape(off + 1) != g.height || a.shape(off + 2) != g.width || (off && a.shape(0) < 1))
            throw Error("a float32 input must be " + inputShape(g) + " or 3x" + std::to_string(g.height) + "x" +
                        std::to_string(g.width) + " (preprocessed for the model), got " + describeArray(a));
        return {py::array::ensure(a, py::array::c_style), false};
    }
    throw Error("classify takes HxWx3 uint8 RGB pictures or " + inputShape(g) +
                " float32 tensors (a list or a batch), got " + describeArray(a) +
                (a.dtype().is(py::dtype::of<double>()) ? "; convert with x.astype(numpy.float32)" : ""));
}

int64_t itemsIn(const Item& item) {
    return item.picture ? 1 : (item.array.ndim() == 4 ? item.array.shape(0) : 1);
}

}  // namespace

std::vector<Device> listDevices() {
    const auto devices = vk::Context::listDevices();
    const vk::DeviceChoice choice = vk::chooseDevice(devices);
    std::vector<Device> out;
    for (const auto& d : devices) {
        Device p{d.index,
                 d.name,
                 d.type,
                 d.driver,
                 std::to_string(VK_API_VERSION_MAJOR(d.apiVersion)) + "." +
                     std::to_string(VK_API_VERSION_MINOR(d.apiVersion)) + "." +
                     std::to_string(VK_API_VERSION_PATCH(d.apiVersion)),
                 d.deviceLocalBytes,
                 d.usable,
                 d.index == choice.index,
                 ""};
        p.why = p.isDefault ? choice.reason
                : d.usable  ? "usable; pick it with device=" + std::to_string(d.index)
                            : "not usable: needs Vulkan 1.2 with a compute queue";
        out.push_back(std::move(p));
    }
    return out;
}

Classifier::Classifier(const std::string& model, const ClassifierOptions& options)
    : modelPath_(model), model_(loadModel(model)), precision_(options.precision) {
    contextOptions_.traits.precision = checkPrecision(options.precision);
    if (options.crop.size() && options.noCrop) throw Error("--crop and --no-crop exclude each other");
    if (options.batch < 1 || options.batch > 4096)
        throw Error("--batch must be an integer from 1 to 4096, got '" + std::to_string(options.batch) + "'");
    geometry_ = classify::checkInput(model_, options.crop);
    classify::PreprocessChoice choice{options.resize, options.noCrop, options.mean, options.std};
    preprocess_ = classify::preprocessOptions(geometry_, choice);
    labels_ =
        classify::findLabels(options.labels, app::resolveModelPath(model), classify::shippedLabelDirs(modulePath()));
    batch_ = geometry_.batch > 0 ? geometry_.batch : options.batch;
    route_ = options.route;
    if (options.device) {
        if (*options.device < 0)
            throw Error("device must be a device index from resvk.devices(), got " + std::to_string(*options.device));
        contextOptions_.deviceIndex = *options.device;
    }
    try {
        contextOptions_.traits.profile = vk::parseProfileRequest(options.deviceProfile);
    } catch (const std::invalid_argument& e) {
        throw Error(std::string("--device-profile: ") + e.what());
    }
    {
        py::gil_scoped_release unlocked;  // opening a device compiles nothing but may take a while
        try {
            context_ = std::make_unique<vk::Context>(contextOptions_);
        } catch (const std::invalid_argument& e) {  // e.g. fp16 asked of a device without 16-bit storage
            throw Error(e.what());
        }
        classifier_ = std::make_unique<classify::ImageClassifier>(*context_, model_, geometry_, preprocess_, batch_);
    }
    precision_ = context_->traits().precisionName();
    for (const auto& d : listDevices())
        if (d.index == context_->info().index) device_ = d;
    if (options.device) device_.why = "chosen with device=" + std::to_string(*options.device);
}

py::list Classifier::ranked(const std::vector<float>& probs, int top) const {
    py::list out;
    for (const auto& p : classify::topK(probs, top))
        out.append(py::make_tuple(classify::labelFor(labels_, p.index), p.index, p.prob));
    return out;
}

py::object Classifier::classify(const py::object& images, int top) {
    if (top < 1) throw Error("--top must be an integer from 1 to 1000000, got '" + std::to_string(top) + "'");
    // One picture or tensor gives one ranked list; a batch or a list, a list of them.
    std::vector<Item> items;
    bool single = false;
    if (py::isinstance<py::list>(images) || py::isinstance<py::tuple>(images)) {
        for (const auto& element : images) items.push_back(itemOf(element, geometry_));
        for (const auto& item : items)
            if (!item.picture && item.array.ndim() == 4)
                throw Error("a list holds single pictures (HxWx3 uint8 or 3xHxW float32); pass a batch as one array");
    } else if (py::isinstance<py::array>(images) && py::reinterpret_borrow<py::array>(images).ndim() == 4 &&
               py::reinterpret_borrow<py::array>(images).dtype().is(py::dtype::of<uint8_t>())) {
        auto batch = py::reinterpret_borrow<py::array>(images);
        for (py::ssize_t i = 0; i < batch.shape(0); ++i) items.push_back(itemOf(batch[py::int_(i)], geometry_));
    } else {
        items.push_back(itemOf(images, geometry_));
        single = items[0].array.ndim() == 3;  // HxWx3 or 3xHxW
    }
    if (!items.empty() &&
        std::any_of(items.begin(), items.end(), [&](const Item& i) { return i.picture != items[0].picture; }))
        throw Error("a list mixes uint8 pictures and float32 tensors; classify them in two calls");

    std::vector<std::vector<float>> probs;
    {
        py::gil_scoped_release unlocked;
        std::lock_guard<std::mutex> lock(gpu_);
        if (!items.empty() && items[0].picture) {
            std::vector<classify::RgbView> views;
            for (const auto& item : items)
                views.push_back({static_cast<const uint8_t*>(item.array.data()), int(item.array.shape(1)),
                                 int(item.array.shape(0)), item.array.strides(0)});
            probs = classifier_->classify(views, route_);
        } else {
            for (const auto& item : items) {
                auto rows = classifier_->classify(static_cast<const float*>(item.array.data()), itemsIn(item));
                probs.insert(probs.end(), rows.begin(), rows.end());
            }
        }
    }
    if (single) return ranked(probs.at(0), top);
    py::list out;
    for (const auto& p : probs) out.append(ranked(p, top));
    return out;
}

py::array Classifier::logits(const py::object& x) {
    Item item = itemOf(x, geometry_);
    if (item.picture)
        throw Error("logits takes " + inputShape(geometry_) + " float32 tensors (preprocessed), got " +
                    describeArray(py::reinterpret_borrow<py::array>(x)));
    model::HostTensor out;
    {
        py::gil_scoped_release unlocked;
        std::lock_guard<std::mutex> lock(gpu_);
        out = classifier_->logits(static_cast<const float*>(item.array.data()), itemsIn(item));
    }
    // The result owns its data: the vector moves into the array's base object.
    auto* data = new std::vector<float>(std::move(out.data));
    py::capsule owner(data, [](void* p) { delete static_cast<std::vector<float>*>(p); });
    std::vector<py::ssize_t> shape(out.shape.begin(), out.shape.end());
    if (item.array.ndim() == 3 && !shape.empty()) shape.erase(shape.begin());  // one item in, one row out
    return py::array_t<float>(shape, data->data(), owner);
}

std::string Classifier::repr() const {
    return "resvk.Classifier('" + modelPath_ + "', input 3x" + std::to_string(geometry_.height) + "x" +
           std::to_string(geometry_.width) + ", " + std::to_string(labels_.size()) + " labels, device '" +
           device_.name + "')";
}

}  // namespace resvk::python
