#pragma once
// Class names for a model's outputs: one name per line, in output order.
#include <string>
#include <vector>

namespace resvk::classify {

// Reads one label per line; trims surrounding whitespace (including the \r of
// files written on Windows). Throws std::runtime_error naming the file when it is
// missing, unreadable or holds no labels.
std::vector<std::string> loadLabels(const std::string& path);

// The label for an output index, or "class <index>" when the list has none for it,
// so a model with more outputs than labels still prints something useful.
std::string labelFor(const std::vector<std::string>& labels, int index);

}  // namespace resvk::classify
