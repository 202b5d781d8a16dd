#pragma once
// Running commands from tests: shell quoting, whole-file reads, a command run
// with its stdout/stderr captured, and a background child process that is
// signalled and reaped when its guard goes out of scope.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace resvk::test {

std::string quote(const std::string& s);          // one word for /bin/sh, in single quotes
std::string slurp(const std::string& path);       // the whole file ("" when missing)
std::string capture(const std::string& command);  // stdout of a /bin/sh command
bool hasFfmpegEncoder(const std::string& name);   // `ffmpeg -encoders` lists it
int freeLocalPort(int socketType);                // an unused 127.0.0.1 port (SOCK_DGRAM/SOCK_STREAM)

struct Result {
    int code = -1;  // exit status of the command (-1 when the shell was killed by a signal; the
                    // shell reports a crashed child as 128 + signal, `timeout` a hang as 124)
    std::string out, err;
    double seconds = 0;   // wall time
    std::string command;  // the shell command line run
};

// Runs `command` through /bin/sh with stdin from /dev/null and stdout/stderr
// captured (in files of one temporary folder per test binary).
Result runCaptured(const std::string& command);

// Runs the built resvk (RESVK_BIN) with `args`, shell-quoted; `prefix` (if not
// empty) goes before it, e.g. "env -u DISPLAY" or "timeout -k 5 60".
Result runResvk(const std::vector<std::string>& args, const std::string& prefix);

// A process in the background, started with posix_spawnp (PATH is searched):
// stdin from /dev/null, stdout/stderr to files ("" keeps the test's own).
// At scope exit it is killed and reaped: at once with SIGKILL (Stop::Kill), or
// with SIGTERM and, after 2 s, SIGKILL (Stop::Terminate).
class ChildProcess {
public:
    enum class Stop { Kill, Terminate };

    explicit ChildProcess(std::vector<std::string> args, const std::string& outPath = "/dev/null",
                          const std::string& errPath = "/dev/null", Stop atExit = Stop::Kill);
    ChildProcess(std::vector<std::string> args, Stop atExit)
        : ChildProcess(std::move(args), "/dev/null", "/dev/null", atExit) {}
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig);
    bool running();
    // The exit status (minus the signal number when killed), or nullopt if still running after `limit`.
    std::optional<int> wait(std::chrono::milliseconds limit);
    // Stops it gracefully (SIGTERM, then SIGKILL).
    void stop();

private:
    pid_t pid_ = -1;
    int status_ = 0;
    Stop atExit_;
};

}  // namespace resvk::test
