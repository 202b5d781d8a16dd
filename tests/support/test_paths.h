#pragma once
// Where tests find their data. A missing file fails the test naming the path.
#include <string>

namespace resvk::test {

std::string sharedPath(const std::string& relative);    // ../shared/<relative>, must exist
std::string onnxTestData(const std::string& relative);  // libonnx-testdata's data/<relative>
std::string resvkBinary();                              // the built CLI
std::string tempDir();                                  // a fresh folder for this test

}  // namespace resvk::test
