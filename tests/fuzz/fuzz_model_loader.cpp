// libFuzzer target: any bytes as an ONNX model file, loaded and compiled for
// the shapes it declares. Every outcome but model::Error is a finding: a
// crash, a sanitizer report, a leak, a hang or memory past the RSS limit.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "model/model.h"

namespace {

// One file per fuzzing process, in its own folder (external data resolves there).
const std::string& modelPath() {
    static const std::string path = [] {
        const char* tmp = std::getenv("TMPDIR");
        const std::string dir = std::string(tmp ? tmp : "/tmp") + "/resvk_fuzz_model_" + std::to_string(::getpid());
        ::mkdir(dir.c_str(), 0700);
        return dir + "/model.onnx";
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream f(modelPath(), std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const auto model = resvk::model::Model::load(modelPath());
        std::vector<resvk::model::Shape> shapes;
        for (const auto& in : model.inputs()) {
            resvk::model::Shape s = in.shape.empty() ? resvk::model::Shape{1} : in.shape;
            for (auto& d : s) d = d > 0 && d <= 64 ? d : 1;  // symbolic or huge dims: small concrete ones
            shapes.push_back(s);
        }
        std::vector<std::string> unsupported;
        (void)model.compile(shapes, &unsupported);
    } catch (const resvk::model::Error&) {
        // a clear, expected rejection
    }
    return 0;
}
