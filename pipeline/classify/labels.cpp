#include "classify/labels.h"

#include <sstream>
#include <stdexcept>

#include "model/regular_file.h"

namespace resvk::classify {
namespace {

std::string trim(const std::string& s) {
    constexpr const char* kSpace = " \t\r\n\f\v";
    const auto begin = s.find_first_not_of(kSpace);
    if (begin == std::string::npos) return {};
    return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

}  // namespace

std::vector<std::string> loadLabels(const std::string& path) {
    // a regular file of at most 64 MiB: a FIFO must not hang, /dev/zero not fill memory
    const model::RegularFile in(path, "labels file '" + path + "'");
    constexpr int64_t kMaxBytes = int64_t{64} << 20;
    if (in.size() > kMaxBytes) throw std::runtime_error("labels file '" + path + "' is larger than 64 MiB");
    std::istringstream file(in.readAll());
    std::vector<std::string> labels;
    std::string line;
    while (std::getline(file, line)) labels.push_back(trim(line));
    // Trailing blank lines are an editor artefact, not classes; blank lines in the
    // middle are kept so later labels stay aligned with their output index.
    while (!labels.empty() && labels.back().empty()) labels.pop_back();
    if (labels.empty()) throw std::runtime_error("labels file '" + path + "' holds no labels");
    return labels;
}

std::string labelFor(const std::vector<std::string>& labels, int index) {
    if (index >= 0 && static_cast<size_t>(index) < labels.size() && !labels[index].empty()) return labels[index];
    return "class " + std::to_string(index);
}

}  // namespace resvk::classify
