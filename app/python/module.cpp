// The Python module `resvk`: a thin layer over the same pipeline the CLI runs
// (classify::ImageClassifier for pictures and tensors, video::VideoPipeline for
// video), with the CLI's preprocessing, labels and one-line error messages.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdio>

#include "classifier.h"
#include "video/image_decoder.h"
#include "video_results.h"

namespace py = pybind11;
using namespace resvk;
using namespace resvk::python;

namespace {

std::optional<std::array<float, 3>> triple(const std::optional<std::vector<float>>& v, const char* name) {
    if (!v) return std::nullopt;
    if (v->size() != 3)
        throw Error(std::string("--") + name + " expects 3 numbers (R, G, B), got " + std::to_string(v->size()));
    return std::array<float, 3>{(*v)[0], (*v)[1], (*v)[2]};
}

// crop= "HxW" or (H, W), as --crop.
std::string cropText(const py::object& crop) {
    if (crop.is_none()) return "";
    if (py::isinstance<py::str>(crop)) return crop.cast<std::string>();
    if (py::isinstance<py::tuple>(crop) || py::isinstance<py::list>(crop)) {
        auto t = crop.cast<std::vector<int>>();
        if (t.size() == 2) return std::to_string(t[0]) + "x" + std::to_string(t[1]);
    }
    throw Error("--crop expects HxW, e.g. 224x224, got '" + std::string(py::str(crop)) + "'");
}

std::string summaryRepr(const classify::RunSummary& s) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "RunSummary(decoded=%lld, classified=%lld, dropped=%lld, damaged=%lld, fps=%.1f, "
                  "latency_p50_ms=%.1f, latency_p95_ms=%.1f, seconds=%.2f)",
                  (long long)s.decoded, (long long)s.classified, (long long)s.dropped, (long long)s.damaged, s.fps,
                  s.latencyP50Ms, s.latencyP95Ms, s.seconds);
    return buf;
}

py::list topOf(const classify::FrameResult& r) {
    py::list out;
    for (const auto& t : r.top) out.append(py::make_tuple(t.label, t.index, t.prob));
    return out;
}

const char* kModuleDoc = R"(resvk: ONNX image classifiers on a Vulkan GPU, from Python.

The same engine, preprocessing and labels as the `resvk classify` command:

    import numpy, resvk
    print(resvk.devices())                    # which GPU resvk uses, and why
    net = resvk.Classifier("resnet20_cifar10.onnx", no_crop=True)
    print(net.device.name)
    rgb = numpy.zeros((480, 640, 3), numpy.uint8)  # HxWx3 RGB, e.g. from PIL or imageio
    for label, index, prob in net.classify(rgb, top=3):
        print(f"{prob:.3f} {label}")
    for r in resvk.classify_video(["clip.mp4"], net, every=2):
        print(r.source, r.frame, r.pts, r.top[0])

Every failure raises resvk.Error with the one-line message the CLI prints.)";

const char* kClassifierDoc = R"(An ONNX image classifier on a Vulkan device.

Classifier(model, labels=None, device=None, precision="auto", *, resize=None,
           crop=None, no_crop=False, mean=None, std=None, batch=8,
           device_profile="auto", preprocess_on="gpu")

model      path of an .onnx file with one 3-channel NCHW input, or a model name
           `resvk models pull` downloaded (e.g. "resnet18-v1-7")
labels     a file with one class name per line in output order, or "imagenet" /
           "cifar10" (the lists resvk ships); default: labels.txt next to the
           model, else names are "class N"
device     a device index from resvk.devices(); default: the first discrete GPU,
           else integrated, else any (net.device says which, and why)
precision  "auto" (fp32: fp16 measured slower on an H200), "fp32" or "fp16"
resize, crop, no_crop, mean, std
           the preprocessing of `resvk classify` (--resize S, --crop HxW or (H, W),
           --no-crop, --mean R,G,B, --std R,G,B): the short side is resized to S
           (default round(256 * H / 224)), centre-cropped to the model's input,
           scaled to [0, 1] and normalised; CIFAR models want no_crop=True
batch      pictures per GPU run
preprocess_on
           "gpu": pictures are resized, cropped and normalised on the GPU, the
           way `resvk classify` treats video frames (fast for big pictures);
           "cpu": torchvision's arithmetic to the letter (PIL's 8-bit resize),
           the way `resvk classify` treats photos: the CLI's numbers exactly.
           Measured on the shared photos: probabilities within 4e-3 for a
           32x32 CIFAR model, 1e-6 at 224x224; the same top-1.
device_profile
           "auto", "cpu" or "gpu": the kernel family (like --device-profile)

A Classifier may be shared by threads: calls run one at a time on
the device, with the GIL released.)";

const char* kClassifyDoc = R"(classify(images, top=5) -> ranked labels

images: one picture, a batch or a list:
  - an HxWx3 uint8 RGB array (any size: it is resized and cropped, see
    preprocess_on),
  - an NxHxWx3 uint8 batch of pictures of one size,
  - a 3xHxW or Nx3xHxW float32 array already preprocessed for the model,
  - a list of pictures (sizes may differ) or of 3xHxW float32 arrays.
Returns [(label, index, prob), ...] best first for one picture, a list of those
for a batch or a list. Probabilities are the softmax of the model's outputs
(or the outputs themselves when they already are probabilities). Arrays are
read in place where their layout allows (packed rows, C-contiguous).)";

const char* kLogitsDoc = R"(logits(x) -> numpy.ndarray

The model's raw output for x, an Nx3xHxW (or 3xHxW) float32 array already
preprocessed (H, W the model's input). A C-contiguous float32 array is not
copied on the way in: the engine reads it in place while it uploads.)";

const char* kVideoDoc = R"(classify_video(sources, classifier, every=1, smooth=0.0, top=5, *,
               batch=8, realtime=False, timeout=10.0, input_format=None,
               video_size=None, framerate=None) -> iterator of FrameResult

Classifies video like `resvk classify SOURCE... --json`: sources are video
files, webcams (/dev/video0), network streams (rtsp://, udp://, http://...)
or FFmpeg sources (lavfi:testsrc2); several are batched together. Frames are
decoded by FFmpeg and preprocessed on the GPU. every=N classifies every Nth
frame; smooth=A averages probabilities over time (A = weight of the past, in
[0, 1)); live sources give their newest frame, dropping what inference cannot
keep up with. Each result has the fields of a --json line: source, frame, pts,
time, latency_ms and top [(label, index, prob), ...].

The run happens on a thread of its own (on the classifier's device), so the
loop body does not slow decoding. Ctrl-C stops it cleanly. Use it as a context
manager, or call close(), to stop early; a source that ended with an error or
damaged frames gives a RuntimeWarning at the end; `summary` then holds the
counts.

    with resvk.classify_video(["clip.mp4"], net, every=5) as results:
        for r in results:
            print(r.frame, r.top[0][0]))";

}  // namespace

PYBIND11_MODULE(resvk, m) {
    m.doc() = kModuleDoc;
    static py::exception<Error> error(m, "Error");
    error.doc() = "A failure with a one-line message, the same as `resvk` prints after 'resvk: error:'.";
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const py::error_already_set&) {
            throw;
        } catch (const py::builtin_exception&) {
            throw;
        } catch (const std::bad_alloc&) {
            error("out of memory");
        } catch (const std::logic_error& e) {
            error((std::string("unexpected internal failure: ") + e.what()).c_str());
        } catch (const std::exception& e) {
            std::string what = e.what();
            while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
            for (char& ch : what)
                if (ch == '\n') ch = ' ';
            error(what.c_str());
        }
    });

    py::class_<Device>(m, "Device", "A Vulkan device: what resvk.devices() lists and Classifier.device names.")
        .def_readonly("index", &Device::index, "the index to pass as device=")
        .def_readonly("name", &Device::name)
        .def_readonly("type", &Device::type, "'discrete GPU', 'integrated GPU', 'CPU', ...")
        .def_readonly("driver", &Device::driver)
        .def_readonly("vulkan", &Device::vulkan, "the Vulkan version it offers")
        .def_readonly("memory", &Device::memory, "device-local memory, bytes")
        .def_readonly("usable", &Device::usable, "Vulkan 1.2 with a compute queue")
        .def_readonly("default", &Device::isDefault, "the device a Classifier without device= uses")
        .def_readonly("why", &Device::why, "why it is (or is not) the one used")
        .def("__repr__", [](const Device& d) {
            return "resvk.Device(index=" + std::to_string(d.index) + ", name='" + d.name + "', type='" + d.type +
                   "', default=" + (d.isDefault ? "True" : "False") + ", why='" + d.why + "')";
        });

    m.def(
        "decode_image",
        [](const std::string& path) {
            auto* image = new video::RgbImage;
            try {
                py::gil_scoped_release unlocked;
                *image = video::decodeImage(path);
            } catch (...) {
                delete image;
                throw;
            }
            py::capsule owner(image, [](void* p) { delete static_cast<video::RgbImage*>(p); });
            return py::array_t<uint8_t>({image->height, image->width, 3}, image->pixels.data(), owner);
        },
        py::arg("path"),
        "decode_image(path) -> numpy.ndarray\n\nA photo (jpg, png, bmp, webp, tiff, ...) as HxWx3 uint8 RGB, decoded "
        "by FFmpeg exactly as `resvk classify photo.jpg` decodes it.");

    m.def("devices", &listDevices,
          "devices() -> list of Device\n\nThe Vulkan devices of this machine: name, type, driver, whether resvk "
          "can use it, which one it uses by default and why (like `resvk devices`).");

    py::class_<Classifier>(m, "Classifier", kClassifierDoc)
        .def(py::init([](const std::string& model, std::optional<std::string> labels, std::optional<int> device,
                         const std::string& precision, std::optional<int> resize, const py::object& crop, bool noCrop,
                         std::optional<std::vector<float>> mean, std::optional<std::vector<float>> std, int batch,
                         const std::string& deviceProfile, const std::string& preprocessOn) {
                 ClassifierOptions o;
                 o.labels = std::move(labels);
                 o.device = device;
                 o.precision = precision;
                 o.deviceProfile = deviceProfile;
                 o.resize = resize;
                 o.crop = cropText(crop);
                 o.noCrop = noCrop;
                 o.mean = triple(mean, "mean");
                 o.std = triple(std, "std");
                 o.batch = batch;
                 if (preprocessOn != "gpu" && preprocessOn != "cpu")
                     throw Error("preprocess_on must be gpu or cpu, got '" + preprocessOn + "'");
                 o.route = preprocessOn == "gpu" ? classify::PictureRoute::Gpu : classify::PictureRoute::Cpu;
                 return std::make_unique<Classifier>(model, o);
             }),
             py::arg("model"), py::arg("labels") = py::none(), py::arg("device") = py::none(),
             py::arg("precision") = "auto", py::kw_only(), py::arg("resize") = py::none(), py::arg("crop") = py::none(),
             py::arg("no_crop") = false, py::arg("mean") = py::none(), py::arg("std") = py::none(),
             py::arg("batch") = 8, py::arg("device_profile") = "auto", py::arg("preprocess_on") = "gpu")
        .def("classify", &Classifier::classify, py::arg("images"), py::arg("top") = 5, kClassifyDoc)
        .def("logits", &Classifier::logits, py::arg("x"), kLogitsDoc)
        .def_property_readonly("device", &Classifier::device, "the Device this classifier runs on, and why")
        .def_property_readonly("model", &Classifier::modelPath, "the model as given")
        .def_property_readonly("labels", &Classifier::labels, "the class names (empty: 'class N')")
        .def_property_readonly(
            "input_shape",
            [](const Classifier& c) {
                const auto& g = c.geometry();
                return py::make_tuple(g.batch > 0 ? py::object(py::int_(g.batch)) : py::object(py::none()), 3, g.height,
                                      g.width);
            },
            "(N, 3, H, W) the network takes; N is None when the batch is free")
        .def_property_readonly("precision", &Classifier::precision, "the precision it runs in")
        .def_property_readonly("preprocess_on", &Classifier::preprocessOn, "where pictures are preprocessed")
        .def_property_readonly("_last_input_address", &Classifier::lastInputAddress,
                               "address logits() last uploaded from (tests: the caller's array, not a copy)")
        .def("__repr__", &Classifier::repr);

    py::class_<classify::FrameResult>(m, "FrameResult", "One classified video frame: the fields of a --json line.")
        .def_readonly("source", &classify::FrameResult::source, "the source as given")
        .def_readonly("frame", &classify::FrameResult::frame, "0-based frame number within the source")
        .def_readonly("pts", &classify::FrameResult::pts, "presentation time, seconds")
        .def_readonly("time", &classify::FrameResult::wallTime, "when the result was ready, unix seconds")
        .def_readonly("latency_ms", &classify::FrameResult::latencyMs, "decode to result")
        .def_property_readonly("top", &topOf, "[(label, index, prob), ...] best first (smoothed with smooth=)")
        .def("__repr__", [](const classify::FrameResult& r) {
            return "resvk.FrameResult(source='" + r.source + "', frame=" + std::to_string(r.frame) +
                   ", pts=" + std::to_string(r.pts) + ", top=" + std::string(py::repr(topOf(r))) + ")";
        });

    py::class_<classify::RunSummary>(m, "RunSummary", "The counts of a finished classify_video run.")
        .def_readonly("decoded", &classify::RunSummary::decoded)
        .def_readonly("classified", &classify::RunSummary::classified)
        .def_readonly("dropped", &classify::RunSummary::dropped, "live frames inference could not keep up with")
        .def_readonly("damaged", &classify::RunSummary::damaged, "frames the decoder reported corrupt")
        .def_readonly("fps", &classify::RunSummary::fps)
        .def_readonly("latency_p50_ms", &classify::RunSummary::latencyP50Ms)
        .def_readonly("latency_p95_ms", &classify::RunSummary::latencyP95Ms)
        .def_readonly("seconds", &classify::RunSummary::seconds)
        .def("__repr__", &summaryRepr);

    py::class_<VideoResults>(m, "VideoResults", "The iterator classify_video() returns.")
        .def("__iter__", [](py::object self) { return self; })
        .def("__next__", &VideoResults::next)
        .def("close", &VideoResults::close, "stop the run and wait for it")
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__", [](VideoResults& r, py::args) { r.close(); })
        .def_property_readonly("summary", &VideoResults::summary, "the RunSummary once the run ended, else None");

    m.def(
        "classify_video",
        [](const py::object& sourceList, py::object classifier, int every, float smooth, int top, int batch,
           bool realtime, double timeout, std::optional<std::string> inputFormat, std::optional<std::string> videoSize,
           std::optional<std::string> framerate) {
            if (!py::isinstance<Classifier>(classifier)) throw Error("classify_video needs a resvk.Classifier");
            // one source may be given alone: "clip.mp4" as ["clip.mp4"]
            const auto sources = py::isinstance<py::str>(sourceList)
                                     ? std::vector<std::string>{sourceList.cast<std::string>()}
                                     : sourceList.cast<std::vector<std::string>>();
            VideoOptions o;
            o.every = every;
            o.smooth = smooth;
            o.top = top;
            o.batch = batch;
            o.realtime = realtime;
            o.timeout = timeout;
            o.inputFormat = inputFormat.value_or("");
            o.videoSize = videoSize.value_or("");
            o.framerate = framerate.value_or("");
            return std::make_unique<VideoResults>(std::move(classifier), sources, o);
        },
        py::arg("sources"), py::arg("classifier"), py::arg("every") = 1, py::arg("smooth") = 0.0f, py::arg("top") = 5,
        py::kw_only(), py::arg("batch") = 8, py::arg("realtime") = false, py::arg("timeout") = 10.0,
        py::arg("input_format") = py::none(), py::arg("video_size") = py::none(), py::arg("framerate") = py::none(),
        kVideoDoc);
}
