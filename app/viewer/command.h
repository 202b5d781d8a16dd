#pragma once
// `resvk view`: the desktop viewer command (spec, entry point, argv fix-up).
#include <string>
#include <vector>

#include "args.h"

namespace resvk::app {

const CommandSpec& viewSpec();
int runView(const Args& args);
// `--screenshot-after N FILE.png` takes two values; the option parser takes one,
// so FILE becomes `--screenshot-file FILE` before parsing.
std::vector<std::string> normaliseViewArgs(std::vector<std::string> argv);

}  // namespace resvk::app
