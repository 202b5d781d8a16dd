#pragma once
// What `classify` needs before it runs anything, for photos and video alike:
// the model's input geometry, the preprocessing the options ask for, labels.
// The checks themselves live in pipeline/classify (model_input.h,
// shipped_labels.h), shared with the other front-ends; here they read Args.
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "args.h"
#include "classify/model_input.h"
#include "classify/preprocess.h"
#include "classify/roi.h"
#include "model/model.h"
#include "video/frame_source.h"

namespace resvk::app {

using classify::InputGeometry;

// Throws model::Error unless the model takes one 3-channel NCHW image; --crop.
InputGeometry checkInput(const model::Model& m, const Args& args);
classify::PreprocessOptions preprocessOptions(const Args& args, const InputGeometry& g);
// --labels, else labels.txt next to the model, else none ("class N").
std::vector<std::string> findLabels(const Args& args, const std::string& modelPath);
// The options classify and view share, each group in one place:
// --model/--labels; preprocessing (--resize, --crop, --no-crop, --mean, --std);
// video sources (--timeout, --input-format, --video-size, --framerate, --reconnect).
std::vector<OptionSpec> modelOptionSpecs();
std::vector<OptionSpec> preprocessOptionSpecs();
std::vector<OptionSpec> sourceOptionSpecs();
// Concatenates option groups for a CommandSpec.
std::vector<OptionSpec> optionGroups(std::initializer_list<std::vector<OptionSpec>> groups);

// --roi NAME=X,Y,W,H (repeatable), parsed and checked against the sources' frame
// sizes: per source its regions (empty: the whole frame). A usage error names the
// bad value (malformed, outside the frame, a name used twice, no such source).
std::vector<OptionSpec> regionOptionSpecs();
std::vector<std::vector<classify::RegionSpec>> regionOptions(
    const Args& args, const std::vector<std::unique_ptr<video::FrameSource>>& sources);
// The same checks that need no open source (before any slow work).
void checkRegionSyntax(const Args& args);

// --input-format, --video-size, --framerate, --timeout, --reconnect; `realtime` paces files.
video::SourceOptions sourceOptions(const Args& args, bool realtime);

}  // namespace resvk::app
