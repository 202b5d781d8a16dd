#pragma once
// Ctrl-C / SIGTERM ask long-running commands to stop cleanly: the first signal
// sets a flag the frame loop polls; a second one ends the process at once.
#include <atomic>

namespace resvk::app {

const std::atomic<bool>& installStopSignals();
// The shell's code for death by the signal that asked to stop: 130 for SIGINT, 143 for SIGTERM.
int stoppedExitCode();

}  // namespace resvk::app
