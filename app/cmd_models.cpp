// resvk models: the named ImageNet ResNets, where they are, and downloading them
// (the transfer and SHA-256 are video::fetch / video::sha256File, over FFmpeg).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "common.h"
#include "json.h"
#include "model_registry.h"
#include "stop_signal.h"
#include "video/remote_file.h"

namespace resvk::app {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const CommandSpec& modelsSpec() {
    static const CommandSpec spec{
        "models",
        "[--json] | pull NAME [--to DIR] [--from URL_OR_FILE] [--timeout S] | verify FILE",
        "Lists the named models (the ONNX Model Zoo ImageNet ResNets v1/v2, 18 to 152 layers) with\n"
        "their input size, published top-1 accuracy and where they were found; `--model NAME` works\n"
        "with every command once NAME.onnx is in a folder of RESVK_MODELS (colon-separated) or in\n"
        "the download cache ($XDG_CACHE_HOME/resvk/models, else ~/.cache/resvk/models).\n"
        "`pull NAME` downloads NAME.onnx into the cache (or --to DIR) through a temporary file and\n"
        "checks its size and SHA-256 where they are known; a mismatch deletes it. `verify FILE`\n"
        "prints the SHA-256 of a file (and whether it matches the model named by its file name).",
        "pull NAME | verify FILE",
        0,
        {{"json", "", "list as one JSON document", ""},
         {"to", "DIR", "pull: the folder to save NAME.onnx in", "the cache folder"},
         {"from", "URL_OR_FILE", "pull: a mirror: an http(s):// or file:// URL or a local path", "the model's URL"},
         {"timeout", "S", "pull: give up when the server cannot be reached or sends nothing for S seconds", "30"},
         {"force", "", "pull: download again even when NAME.onnx is already there", ""}},
        {"resvk models", "resvk models pull resnet18-v2-7",
         "resvk models pull resnet50-v1-7 --from /mnt/usb/resnet50-v1-7.onnx --to ~/models",
         "RESVK_MODELS=~/models resvk classify photo.jpg --model resnet50-v1-7 --labels imagenet"},
        "Labels: these models output the 1000 ImageNet classes; pull writes no labels file. Pass\n"
        "`--labels imagenet` (the list resvk ships) to classify, or put a labels.txt beside the\n"
        "model. Preprocessing: short side to 256, centre crop 224, RGB in [0,1]\n"
        "normalised with mean 0.485,0.456,0.406 and std 0.229,0.224,0.225 (classify's defaults).\n"
        "Checksums are known for resnet18-v2-7 and resnet152-v1-7 only; the others are saved as\n"
        "\"not verified (no known checksum)\"."};
    return spec;
}

namespace {

// ---- progress on stderr (only on a terminal) -------------------------------------

std::string mib(int64_t bytes) {
    return format("%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

class ByteProgress {
public:
    ByteProgress(std::string name, int64_t total)
        : name_(std::move(name)), total_(total), enabled_(isatty(STDERR_FILENO)), start_(Clock::now()) {}
    ~ByteProgress() { finish(); }
    void update(int64_t done, bool force = false) {
        if (!enabled_) return;
        const auto now = Clock::now();
        if (!force && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        drawn_ = true;
        const double secs = std::chrono::duration<double>(now - start_).count();
        const double speed = secs > 0 ? static_cast<double>(done) / secs : 0;
        std::string line = "\r";
        line.append(name_).append("  ");
        if (total_ > 0) {
            const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
            const int width = 24, filled = static_cast<int>(frac * width);
            line.append("[").append(std::string(filled, '#')).append(std::string(width - filled, '.')).append("] ");
            line += format("%3d%%  %s / %s", static_cast<int>(frac * 100), mib(done).c_str(), mib(total_).c_str());
        } else {
            line += mib(done);
        }
        line += "  " + mib(static_cast<int64_t>(speed)) + "/s   ";
        std::fputs(line.c_str(), stderr);
        std::fflush(stderr);
    }
    void finish() {
        if (enabled_ && drawn_) std::fputs("\n", stderr);
        drawn_ = false;
        enabled_ = false;
    }

private:
    std::string name_;
    int64_t total_;
    bool enabled_;
    Clock::time_point start_, last_;
    bool drawn_ = false;
};

// ---- download -----------------------------------------------------------------

// Removes the temporary file unless it was renamed into place.
struct TempFile {
    std::string path;
    FILE* file = nullptr;
    ~TempFile() {
        if (file) std::fclose(file);
        if (!path.empty()) std::remove(path.c_str());
    }
};

struct Downloaded {
    int64_t size = 0;
    std::string sha256;
};

// Copies `source` into tmp.file, hashing as it goes. Throws one-line errors.
Downloaded download(const RegistryModel& m, const std::string& source, TempFile& tmp, double timeoutSeconds) {
    std::optional<ByteProgress> progress;
    video::FetchCallbacks callbacks;
    callbacks.opened = [&](int64_t announced) { progress.emplace(m.name, announced > 0 ? announced : m.size); };
    callbacks.write = [&](const uint8_t* data, size_t n, int64_t done) {
        if (std::fwrite(data, 1, n, tmp.file) != n)
            throw std::runtime_error("cannot write '" + tmp.path + "' (disk full?)");
        progress->update(done);
    };
    callbacks.finished = [&](int64_t done) {
        progress->update(done, true);
        progress->finish();
    };
    try {
        const video::FetchResult r = video::fetch(source, timeoutSeconds, &installStopSignals(), callbacks);
        return Downloaded{r.size, r.sha256};
    } catch (const video::FetchError& e) {
        switch (e.kind) {
            case video::FetchError::Cancelled:
                throw std::runtime_error("download of " + m.name + " interrupted");
            case video::FetchError::HttpError:
                throw std::runtime_error("cannot download " + m.name + ": the server answered '" + e.detail + "' for " +
                                         source);
            case video::FetchError::ConnectionLost:
                throw std::runtime_error(format("cannot download %s: the connection failed after %s (%s)",
                                                m.name.c_str(), mib(e.bytesDone).c_str(), e.detail.c_str()));
            case video::FetchError::Refused:
                throw std::runtime_error("cannot download " + m.name + ": " + e.what());
            case video::FetchError::Offline:
                throw std::runtime_error("cannot download " + m.name + ": network unreachable (offline?) — copy " +
                                         m.name + ".onnx into a folder named by RESVK_MODELS instead");
            case video::FetchError::Io:
                break;
        }
        throw std::runtime_error("cannot " + e.operation + " '" + source + "': " + e.detail);
    }
}

std::string foundText(const RegistryModel& m) {
    auto path = findModelFile(m.name);
    return path ? *path : "not downloaded";
}

int runList(const Args& args) {
    const auto& models = registryModels();
    if (args.has("json")) {
        Json j;
        j.beginObject().key("cache").value(modelCacheDir()).key("search").beginArray();
        for (const auto& d : modelSearchDirs()) j.value(d);
        j.endArray().key("models").beginArray();
        for (const auto& m : models) {
            auto path = findModelFile(m.name);
            j.beginObject().key("name").value(m.name).key("description").value(m.description);
            j.key("url").value(m.url).key("input_size").value(m.inputSize).key("resize").value(m.resizeShort);
            j.key("mean").beginArray();
            for (float v : m.mean) j.value(static_cast<double>(v));
            j.endArray().key("std").beginArray();
            for (float v : m.std) j.value(static_cast<double>(v));
            j.endArray().key("top1").value(m.top1).key("labels").value(m.labels);
            j.key("sha256");
            if (m.sha256.empty())
                j.null();
            else
                j.value(m.sha256);
            j.key("size");
            if (m.size < 0)
                j.null();
            else
                j.value(m.size);
            j.key("path");
            if (path)
                j.value(*path);
            else
                j.null();
            j.key("status").value(path ? "found" : "not downloaded").endObject();
        }
        j.endArray().endObject();
        std::cout << j.str() << "\n";
        return 0;
    }
    std::cout << format("%-16s %-6s %-7s %s\n", "NAME", "INPUT", "TOP-1", "STATUS");
    for (const auto& m : models)
        std::cout << format("%-16s %-6d %5.2f%%  %s\n", m.name.c_str(), m.inputSize, m.top1, foundText(m).c_str());
    std::cout << "\nImageNet ResNets from the ONNX Model Zoo (v2: pre-activation); top-1 as published.\n"
                 "Searched: RESVK_MODELS folders, then "
              << modelCacheDir()
              << ".\n"
                 "`resvk models pull NAME` downloads one; labels: --labels imagenet\n";
    return 0;
}

int runPull(const Args& args) {
    const auto& pos = args.positionals();
    if (pos.size() != 2) args.fail("pull takes exactly one model NAME");
    const RegistryModel* m = findRegistryModel(pos[1]);
    if (!m) throw std::runtime_error("unknown model '" + pos[1] + "' (see `resvk models`)");
    const double timeout = args.number("timeout", 30, 0.1);
    const std::string source = args.str("from", m->url);
    const fs::path dir = args.str("to", modelCacheDir());
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!fs::is_directory(dir, ec)) throw std::runtime_error("cannot create the folder '" + dir.string() + "'");
    const fs::path target = dir / (m->name + ".onnx");

    if (!args.has("force") && fs::is_regular_file(target, ec)) {
        if (m->sha256.empty()) {
            std::cout << m->name << " is already at " << target.string()
                      << " (not verified: no known checksum; --force downloads it again)\n";
            return 0;
        }
        if (video::sha256File(target.string(), nullptr) == m->sha256) {
            std::cout << m->name << " is already at " << target.string() << " (sha256 verified)\n";
            return 0;
        }
        std::cerr << "resvk: " << target.string() << " does not match its checksum: downloading it again\n";
    }

    TempFile tmp;
    std::string pattern = (dir / ("." + m->name + ".onnx.part-XXXXXX")).string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file in '" + dir.string() + "'");
    tmp.path = pattern;
    const mode_t mask = umask(0);  // mkstemp makes 0600; the model is an ordinary file
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    tmp.file = fdopen(fd, "wb");
    if (!tmp.file) {
        ::close(fd);
        throw std::runtime_error("cannot write in '" + dir.string() + "'");
    }
    if (isatty(STDERR_FILENO)) std::cerr << "downloading " << m->name << " from " << source << "\n";

    const Downloaded d = download(*m, source, tmp, timeout);
    const bool closed = std::fclose(tmp.file) == 0;
    tmp.file = nullptr;
    if (!closed) throw std::runtime_error("cannot write '" + tmp.path + "' (disk full?)");

    if ((m->size >= 0 && d.size != m->size) || (!m->sha256.empty() && d.sha256 != m->sha256))
        throw std::runtime_error(
            format("checksum mismatch for %s: expected sha256 %s (%s bytes), got %s (%lld bytes) "
                   "from %s; nothing was saved",
                   m->name.c_str(), m->sha256.empty() ? "unknown" : m->sha256.c_str(),
                   m->size < 0 ? "?" : std::to_string(m->size).c_str(), d.sha256.c_str(),
                   static_cast<long long>(d.size), source.c_str()));
    fs::rename(tmp.path, target, ec);
    if (ec) throw std::runtime_error("cannot move the download to '" + target.string() + "': " + ec.message());
    tmp.path.clear();
    std::cout << "saved " << m->name << " to " << target.string() << " (" << d.size << " bytes, sha256 " << d.sha256
              << ", " << (m->sha256.empty() ? "not verified (no known checksum)" : "verified") << ")\n";
    return 0;
}

int runVerify(const Args& args) {
    const auto& pos = args.positionals();
    if (pos.size() != 2) args.fail("verify takes exactly one FILE");
    int64_t size = 0;
    const std::string sha = video::sha256File(pos[1], &size);
    std::cout << sha << "  " << pos[1] << "\n";
    const RegistryModel* m = findRegistryModel(fs::path(pos[1]).stem().string());
    if (!m) return 0;
    if (m->sha256.empty()) {
        std::cout << m->name << ": not verified (no known checksum)\n";
        return 0;
    }
    const bool ok = sha == m->sha256 && (m->size < 0 || size == m->size);
    std::cout << m->name << ": "
              << (ok ? "matches the known checksum" : "does NOT match the known checksum " + m->sha256) << "\n";
    return ok ? 0 : 1;
}

}  // namespace

int runModels(const Args& args) {
    const auto& pos = args.positionals();
    if (pos.empty()) return runList(args);
    if (pos[0] == "pull") return runPull(args);
    if (pos[0] == "verify") return runVerify(args);
    args.fail("unknown models action '" + pos[0] + "': use pull or verify, or nothing to list");
}

}  // namespace resvk::app
