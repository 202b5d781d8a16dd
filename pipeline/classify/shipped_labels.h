#pragma once
// The label files resvk ships (assets/labels/: imagenet, cifar10), so that
// `--labels imagenet` (or labels="imagenet" in Python) works wherever resvk is
// installed or built, and the label lookup every front-end shares.
#include <optional>
#include <string>
#include <vector>

namespace resvk::classify {

// Where the shipped files are for code at `codePath` (the resvk binary, the
// Python module), in order: <prefix>/share/resvk/labels for code installed in
// <prefix>/bin, labels/ beside it (the build tree's binary), then the same for
// the Python module (<prefix>/lib/python3/dist-packages, build/python).
std::vector<std::string> shippedLabelDirs(const std::string& codePath);
// The running executable's shippedLabelDirs() (/proc/self/exe).
std::vector<std::string> shippedLabelDirsOfExecutable();
// <dir>/<name>.txt from the first of `dirs` that has it.
std::optional<std::string> findShippedLabels(const std::string& name, const std::vector<std::string>& dirs);

// The labels for a model: `labels` names a file or, when no file has that name,
// a shipped list ("imagenet", "cifar10"); none given means labels.txt next to
// the model when there is one, else none (results say "class N"). Throws
// std::runtime_error naming the file when it cannot be read.
std::vector<std::string> findLabels(const std::optional<std::string>& labels, const std::string& modelPath,
                                    const std::vector<std::string>& shippedDirs);

}  // namespace resvk::classify
