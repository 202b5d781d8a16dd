#pragma once
// `resvk classify` on video sources (files, webcams, URLs, lavfi:): the
// pipelined GPU loop with JSON Lines / CSV / text results, a summary, and an
// optional annotated copy of each source.
#include <string>
#include <vector>

#include "args.h"
#include "classify/preprocess.h"
#include "model/model.h"

namespace resvk::app {

// True when a positional argument names a still image rather than a video source.
bool isStillImage(const std::string& source);

int runClassifyVideo(const Args& args, const model::Model& model, const classify::PreprocessOptions& preprocess,
                     const std::vector<std::string>& labels);

}  // namespace resvk::app
