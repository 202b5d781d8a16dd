#include "support/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_paths.h"

extern "C" char** environ;

namespace resvk::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q.append("'\\''");
        else
            q.push_back(c);
    }
    q.push_back('\'');
    return q;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string capture(const std::string& command) {
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        size_t n;
        while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
        pclose(pipe);
    }
    return out;
}

bool hasFfmpegEncoder(const std::string& name) {
    static const std::string list = capture("ffmpeg -hide_banner -encoders 2>/dev/null");
    return list.find(" " + name + " ") != std::string::npos;
}

int freeLocalPort(int socketType) {
    int fd = socket(AF_INET, socketType, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

Result runCaptured(const std::string& command) {
    static const std::string dir = tempDir();
    Result r;
    r.command = command;
    r.command.append(" >").append(quote(dir + "/out")).append(" 2>").append(quote(dir + "/err")).append(" </dev/null");
    const auto begin = Clock::now();
    const int status = std::system(r.command.c_str());
    r.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir + "/out");
    r.err = slurp(dir + "/err");
    return r;
}

Result runResvk(const std::vector<std::string>& args, const std::string& prefix) {
    std::string cmd = prefix.empty() ? "" : prefix + " ";
    cmd.append(quote(resvkBinary()));
    for (const auto& a : args) cmd.append(" ").append(quote(a));
    return runCaptured(cmd);
}

ChildProcess::ChildProcess(std::vector<std::string> args, const std::string& outPath, const std::string& errPath,
                           Stop atExit)
    : atExit_(atExit) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (!outPath.empty())
        posix_spawn_file_actions_addopen(&actions, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!errPath.empty())
        posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    INFO("could not start " << args[0]);
    REQUIRE(pid_ > 0);
}

ChildProcess::~ChildProcess() {
    if (pid_ <= 0) return;
    if (atExit_ == Stop::Terminate) {
        kill(pid_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(20ms);
        }
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
}

void ChildProcess::signal(int sig) {
    kill(pid_, sig);
}

bool ChildProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        status_ = status;
        return false;
    }
    return true;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds limit) {
    const auto end = Clock::now() + limit;
    while (running() && Clock::now() < end) std::this_thread::sleep_for(20ms);
    if (running()) return std::nullopt;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -WTERMSIG(status_);
}

void ChildProcess::stop() {
    if (!running()) return;
    kill(pid_, SIGTERM);
    if (!wait(2000ms)) {
        kill(pid_, SIGKILL);
        wait(2000ms);
    }
}

}  // namespace resvk::test
