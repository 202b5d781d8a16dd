#include "classify/shipped_labels.h"

#include <filesystem>

#include "classify/labels.h"

namespace resvk::classify {

namespace fs = std::filesystem;

std::vector<std::string> shippedLabelDirs(const std::string& codePath) {
    // The code's own location, not the current directory: the labels travel
    // with it (an install prefix, an unpacked .deb, build/).
    const fs::path dir = fs::path(codePath).parent_path();
    return {(dir.parent_path() / "share/resvk/labels").string(), (dir / "labels").string(),
            (dir.parent_path().parent_path().parent_path() / "share/resvk/labels").string(),
            (dir.parent_path() / "labels").string()};
}

std::vector<std::string> shippedLabelDirsOfExecutable() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return shippedLabelDirs(exe.string());
}

std::optional<std::string> findShippedLabels(const std::string& name, const std::vector<std::string>& dirs) {
    if (name.empty() || name.find('/') != std::string::npos) return std::nullopt;
    for (const auto& dir : dirs) {
        const fs::path p = fs::path(dir) / (name + ".txt");
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
    }
    return std::nullopt;
}

std::vector<std::string> findLabels(const std::optional<std::string>& labels, const std::string& modelPath,
                                    const std::vector<std::string>& shippedDirs) {
    std::error_code ec;
    if (labels) {
        // a file of that name wins over a shipped list (e.g. a folder named cifar10 does not)
        if (!fs::is_regular_file(*labels, ec))
            if (auto shipped = findShippedLabels(*labels, shippedDirs)) return loadLabels(*shipped);
        return loadLabels(*labels);
    }
    const auto next = fs::path(modelPath).parent_path() / "labels.txt";
    if (fs::is_regular_file(next, ec)) return loadLabels(next.string());
    return {};
}

}  // namespace resvk::classify
