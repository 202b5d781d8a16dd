// resvk: command-line front end. Dispatches to one file per subcommand; every
// failure ends as one line on stderr ("resvk: error: ...") and a non-zero exit.
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "common.h"
#include "resvk_revision.h"  // generated at build time: RESVK_GIT_REVISION
#include "video/image_decoder.h"
#include "viewer/command.h"

using namespace resvk;
using namespace resvk::app;

namespace {

const std::vector<std::pair<std::string, Command>>& commands() {
    static const std::vector<std::pair<std::string, Command>> table = {
        {"classify", {classifySpec, runClassify}},
        {"check", {checkSpec, runCheck}},
        {"info", {infoSpec, runInfo}},
        {"bench", {benchSpec, runBench}},
        {"devices", {devicesSpec, runDevices}},
        {"view", {viewSpec, runView}},
        {"models", {modelsSpec, runModels}},
    };
    return table;
}

const Command* find(const std::string& name) {
    for (const auto& [n, c] : commands())
        if (n == name) return &c;
    return nullptr;
}

std::string topHelp() {
    std::string s =
        "Usage: resvk <command> [options]\n\n"
        "Runs ResNet image classifiers from ONNX files on a Vulkan compute device.\n\nCommands:\n";
    s += "  classify  top-K classes of photos with an ONNX classifier\n"
         "  check     run ONNX backend-test folders and compare with their reference outputs\n"
         "  info      inputs, outputs, fused layers, parameters, GMACs, memory, unsupported ops\n"
         "  bench     time a model: ms per batch, images/s, GFLOP/s, per-layer profile\n"
         "  devices   list the Vulkan devices and the one used by default\n"
         "  view      play video in a window with the top-K classes drawn over it, live\n"
         "  models    named ImageNet ResNets (--model NAME): list, pull (download + sha256), verify\n"
         "\n`resvk help <command>` or `resvk <command> --help` explains each one.\n";
    s += "\nGlobal options:\n"
         "  -h, --help        show this help (or `resvk help <command>`, `resvk <command> --help`)\n"
         "  --version         print the version and the git revision it was built from, and exit\n\n"
         "Examples:\n"
         "  resvk models pull resnet18-v1-7\n"
         "  resvk classify photo.jpg --model resnet18-v1-7 --labels imagenet\n"
         "  resvk classify clip.mp4 --model model.onnx --output labelled.mp4\n"
         "  resvk check my_resnet/   # my_resnet/model.onnx, my_resnet/test_data_set_0/...\n"
         "  resvk info model.onnx\n";
    return s;
}

int usageError(const std::string& what, const std::string& command) {
    std::cerr << "resvk: error: " << what << " (see `resvk " << (command.empty() ? "" : command + " ") << "--help`)\n";
    return 2;
}

int dispatch(int argc, char** argv) {
    if (argc < 2) return usageError("missing command: classify, check, info, bench or devices", "");
    const std::string cmd = argv[1];
    if (cmd == "--help" || cmd == "-h") {
        std::cout << topHelp();
        return 0;
    }
    if (cmd == "--version") {
        std::cout << "resvk " << RESVK_VERSION << " (git " << RESVK_GIT_REVISION << ")\n";
        return 0;
    }
    if (cmd == "help") {
        if (argc < 3) {
            std::cout << topHelp();
            return 0;
        }
        const Command* c = find(argv[2]);
        if (!c) return usageError(std::string("unknown command '") + argv[2] + "'", "");
        std::cout << helpText(c->spec());
        return 0;
    }
    const Command* c = find(cmd);
    if (!c) {
        if (!cmd.empty() && cmd[0] == '-') return usageError("unknown option '" + cmd + "'", "");
        return usageError("unknown command '" + cmd + "'", "");
    }
    std::vector<std::string> rest(argv + 2, argv + argc);
    if (cmd == "view") rest = normaliseViewArgs(rest);
    Args args(c->spec(), rest);
    if (args.helpRequested()) {
        std::cout << helpText(c->spec());
        return 0;
    }
    return c->run(args);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return dispatch(argc, argv);
    } catch (const UsageError& e) {
        return usageError(e.what(), e.command);
    } catch (const std::bad_alloc&) {
        // the library's own text ("std::bad_alloc") tells a user nothing
        std::cerr << "resvk: error: out of memory\n";
        return 1;
    } catch (const std::logic_error&) {
        // length_error, out_of_range...: a check resvk lacks, not the user's fault
        std::cerr << "resvk: error: unexpected internal failure (please report it with the command line)\n";
        return 1;
    } catch (const std::exception& e) {
        std::string what = e.what();
        while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
        for (char& ch : what)
            if (ch == '\n') ch = ' ';
        std::cout.flush();
        std::cerr << "resvk: error: " << what << "\n";
        return 1;
    } catch (...) {
        std::cerr << "resvk: error: unexpected failure\n";
        return 1;
    }
}
