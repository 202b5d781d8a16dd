#pragma once
// The label files resvk ships (assets/labels/: imagenet, cifar10), so that
// `--labels imagenet` works wherever resvk is installed or built.
#include <optional>
#include <string>
#include <vector>

namespace resvk::app {

// Where the shipped files are, in order: <prefix>/share/resvk/labels for an
// installed binary in <prefix>/bin, then labels/ beside the binary (the build tree).
std::vector<std::string> shippedLabelDirs();
// <dir>/<name>.txt from the first of shippedLabelDirs() that has it.
std::optional<std::string> findShippedLabels(const std::string& name);

}  // namespace resvk::app
