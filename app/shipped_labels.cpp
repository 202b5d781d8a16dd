#include "shipped_labels.h"

#include <filesystem>

namespace resvk::app {

namespace fs = std::filesystem;

std::vector<std::string> shippedLabelDirs() {
    // The binary's own location, not the current directory: the labels travel
    // with the binary (an install prefix, an unpacked .deb, build/).
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    const fs::path bin = exe.parent_path();
    return {(bin.parent_path() / "share/resvk/labels").string(), (bin / "labels").string()};
}

std::optional<std::string> findShippedLabels(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos) return std::nullopt;
    for (const auto& dir : shippedLabelDirs()) {
        const fs::path p = fs::path(dir) / (name + ".txt");
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return std::nullopt;
}

}  // namespace resvk::app
