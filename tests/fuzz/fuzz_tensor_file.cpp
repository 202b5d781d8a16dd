// libFuzzer target: any bytes as a test set's input_K.pb / output_K.pb
// (readTensorFile). Every outcome but model::Error is a finding.
#include <unistd.h>

#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <string>

#include "model/model.h"

namespace {

const std::string& tensorPath() {
    static const std::string path = [] {
        const char* tmp = std::getenv("TMPDIR");
        const std::string dir = std::string(tmp ? tmp : "/tmp") + "/resvk_fuzz_tensor_" + std::to_string(::getpid());
        ::mkdir(dir.c_str(), 0700);
        return dir + "/input_0.pb";
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream f(tensorPath(), std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        (void)resvk::model::readTensorFile(tensorPath());
    } catch (const resvk::model::Error&) {
    }
    return 0;
}
