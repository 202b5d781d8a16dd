// End-to-end tests of the resvk command line: runs the built binary (RESVK_BIN)
// on the shared CIFAR ResNet-20 and on small broken or unsupported models.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "classify/topk.h"
#include "model/model.h"
#include "support/onnx_builder.h"
#include "support/process.h"
#include "support/test_paths.h"

using namespace resvk::test;

namespace {

Result run(const std::vector<std::string>& args) {
    Result r = runResvk(args, "");
    INFO("command: " << r.command << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.code < 128);  // the shell reports a crash as 128 + signal
    return r;
}

// Runs a command that must succeed; on failure the message shows its output.
Result ok(const std::vector<std::string>& args) {
    Result r = run(args);
    INFO("resvk exited " << r.code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.code == 0);
    return r;
}

int countLines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

// One line "resvk: error: ..." on stderr, a failing exit code, no crash.
void requireCleanError(const Result& r, const std::string& mention = "") {
    INFO("exit " << r.code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK((r.code == 1 || r.code == 2));
    CHECK(countLines(r.err) == 1);
    CHECK(r.err.rfind("resvk: error: ", 0) == 0);
    if (!mention.empty()) CHECK(r.err.find(mention) != std::string::npos);
}

std::string cifarModel() {
    return sharedPath("models/cifar10/resnet20_cifar10.onnx");
}
std::string photo(const std::string& name) {
    return sharedPath("media/" + name);
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

// A one-node model: input [N, channels, 8, 8] -> op -> output.
std::string writeOneNodeModel(const std::string& path, const std::string& op, int channels) {
    OnnxBuilder b("one_node");
    b.node(op, "the_" + op, {"x"}, {"y"});
    b.input("x", {-1, channels, 8, 8});
    b.output("y", {-1, channels, 8, 8});
    return b.write(path);
}

// The "prob" values of a --json classify document, per image.
std::vector<std::vector<double>> probsPerImage(const std::string& json) {
    std::vector<std::vector<double>> images;
    size_t pos = 0;
    while ((pos = json.find("\"image\":", pos)) != std::string::npos) {
        const size_t next = json.find("\"image\":", pos + 1);
        std::vector<double> probs;
        for (size_t p = json.find("\"prob\":", pos); p < next; p = json.find("\"prob\":", p + 1))
            probs.push_back(std::strtod(json.c_str() + p + 7, nullptr));
        images.push_back(probs);
        pos += 1;
    }
    return images;
}

// index -> prob of each image in a --json classify document.
std::vector<std::map<int, double>> indexedProbs(const std::string& json) {
    std::vector<std::map<int, double>> images;
    size_t pos = 0;
    while ((pos = json.find("\"image\":", pos)) != std::string::npos) {
        const size_t next = json.find("\"image\":", pos + 1);
        std::map<int, double> probs;
        for (size_t p = json.find("\"index\":", pos); p < next; p = json.find("\"index\":", p + 1)) {
            const int index = std::atoi(json.c_str() + p + 8);
            const size_t q = json.find("\"prob\":", p);
            probs[index] = std::strtod(json.c_str() + q + 7, nullptr);
        }
        images.push_back(probs);
        pos += 1;
    }
    return images;
}

}  // namespace

TEST_CASE("cli: help and version", "[cli]") {
    auto r = run({"classify", "--help"});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "--top"));
    CHECK(!contains(r.out, "../shared/"));  // examples work outside this checkout
    r = run({"--help"});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "classify"));
    CHECK(!contains(r.out, "../shared/"));
    CHECK(contains(r.out, "bench"));
    r = run({"help", "info"});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "--batch"));
    r = run({"--version"});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "resvk "));
    CHECK(contains(r.out, "(git "));
}

TEST_CASE("cli: classify two photos with the CIFAR ResNet-20", "[cli]") {
    const std::vector<std::string> base = {
        "classify", photo("squirrel_cls.jpg"), photo("orange.jpg"), "--model", cifarModel(), "--resize", "32",
        "--no-crop"};
    auto r = ok(base);
    CHECK(r.err.empty());
    CHECK(contains(r.out, "squirrel_cls.jpg\n"));
    CHECK(contains(r.out, "orange.jpg\n"));
    // 2 names + 2 x 5 predictions + 1 blank line; labels come from labels.txt next to the model
    CHECK(countLines(r.out) == 13);
    const std::string labels = slurp(sharedPath("models/cifar10/labels.txt"));
    const size_t firstPred = r.out.find("\n  ") + 3;
    const std::string line = r.out.substr(firstPred, r.out.find('\n', firstPred) - firstPred);
    const std::string label = line.substr(7, line.rfind(" (") - 7);
    CHECK(contains(labels, label));

    auto args = base;
    args.insert(args.end(), {"--json", "--top", "3", "--batch", "1"});
    r = ok(args);
    CHECK(r.out.front() == '{');
    CHECK(contains(r.out, "\"model\":"));
    CHECK(contains(r.out, "\"device\":"));
    CHECK(contains(r.out, "\"results\":["));
    CHECK(contains(r.out, "\"label\":"));
    CHECK(contains(r.out, "\"index\":"));
    const auto images = probsPerImage(r.out);
    REQUIRE(images.size() == 2);
    for (const auto& probs : images) {
        CHECK(probs.size() == 3);
        double sum = 0;
        for (size_t i = 0; i < probs.size(); ++i) {
            CHECK(probs[i] >= 0.0);
            if (i) CHECK(probs[i] <= probs[i - 1]);
            sum += probs[i];
        }
        CHECK(sum <= 1.0 + 1e-5);
        CHECK(sum > 0.3);
    }
}

TEST_CASE("cli: classify agrees with the PyTorch reference of the same photos", "[cli]") {
    // cifar_resnet20's test_data_set_0 is squirrel_cls.jpg, set 3 orange.jpg, both resized to 32x32.
    auto r = ok({"classify", photo("squirrel_cls.jpg"), photo("orange.jpg"), "--model", cifarModel(), "--no-crop",
                 "--top", "10", "--json"});
    const auto images = indexedProbs(r.out);
    REQUIRE(images.size() == 2);
    const int sets[] = {0, 3};
    for (int i = 0; i < 2; ++i) {
        const auto want = resvk::model::readTensorFile(
            sharedPath("models/reference/cifar_resnet20/test_data_set_" + std::to_string(sets[i]) + "/output_0.pb"));
        REQUIRE(want.data.size() == 10);
        const std::vector<float> probs = resvk::classify::softmax(want.data.data(), 10);
        REQUIRE(images[i].size() == 10);
        const int best = resvk::classify::topK(probs, 1)[0].index;
        INFO("image " << i << ", reference top-1 " << best);
        CHECK(images[i].begin()->first >= 0);
        double gotBest = -1;
        int gotIndex = -1;
        for (const auto& [index, prob] : images[i]) {
            CHECK(prob == Approx(probs[index]).margin(0.01));  // measured <= 0.0022: decoder/resize rounding
            if (prob > gotBest) {
                gotBest = prob;
                gotIndex = index;
            }
        }
        CHECK(gotIndex == best);
    }
}

TEST_CASE("cli: check the CIFAR ResNet-20 reference", "[cli]") {
    const std::string dir = sharedPath("models/reference/cifar_resnet20");
    auto r = run({"check", dir});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "PASS cifar_resnet20/test_data_set_0"));
    CHECK(contains(r.out, " passed, 0 failed"));
    r = run({"check", dir, "--atol", "0", "--rtol", "0"});
    CHECK(r.code == 1);
    CHECK(contains(r.out, "FAIL "));
    CHECK(contains(r.out, "mismatches"));
}

TEST_CASE("cli: info on ResNet-20", "[cli]") {
    auto r = ok({"info", cifarModel()});
    CHECK(contains(r.out, "Conv+Add+Relu"));
    CHECK(contains(r.out, "Nx3x32x32"));
    CHECK(contains(r.out, "GMACs per image:  0.041"));
    CHECK(contains(r.out, "unsupported ops:  none"));
    CHECK(contains(r.out, "activations"));
    r = ok({"info", cifarModel(), "--json", "--batch=2"});
    CHECK(contains(r.out, "\"gmacs_per_image\":0.04"));
    CHECK(contains(r.out, "\"unsupported\":[]"));
}

TEST_CASE("cli: bench and devices", "[cli]") {
    auto r = ok({"bench", "--model", cifarModel(), "--iters", "2", "--warmup", "1", "--profile"});
    CHECK(contains(r.out, "images/s:"));
    CHECK(contains(r.out, "slowest layers"));
    CHECK(contains(r.out, "median of 2 profiled runs"));  // --iters 2: both profiled, after a warm-up
    r = ok({"bench", "--model", cifarModel(), "--iters", "9", "--warmup", "0", "--profile", "--json"});
    CHECK(contains(r.out, "\"profiled_runs\":5"));  // at most five, whatever --iters says
    r = run({"devices"});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "llvmpipe"));
    r = run({"devices", "--json"});
    CHECK(r.code == 0);
    CHECK(contains(r.out, "\"usable\":true"));
}

// The numbers after `"key":` in a JSON object: one for a number, every element for an array.
std::vector<double> jsonNumbers(const std::string& json, const std::string& key) {
    std::vector<double> out;
    size_t at = json.find("\"" + key + "\":");
    if (at == std::string::npos) return out;
    const char* p = json.c_str() + at + key.size() + 3;
    const bool array = *p == '[';
    if (array) ++p;
    while (true) {
        char* end = nullptr;
        const double v = std::strtod(p, &end);
        if (end == p) break;
        out.push_back(v);
        p = end;
        if (!array || *p != ',') break;
        ++p;
    }
    return out;
}

TEST_CASE("cli: bench --source reports the pipeline per step against inference alone", "[cli]") {
    auto r = ok({"bench", "--source", "lavfi:testsrc2=size=160x120:rate=30", "--model", cifarModel(), "--crop",
                 "32x32", "--frames", "6", "--iters", "4", "--warmup", "1", "--json"});
    const auto steps = jsonNumbers(r.out, "pipeline_steps_ms");
    const auto runs = jsonNumbers(r.out, "inference_runs_ms");
    REQUIRE(steps.size() == 6);  // batch 1: one step per timed frame
    REQUIRE(runs.size() == 4);
    const double stepMin = *std::min_element(steps.begin(), steps.end());
    const double runMin = *std::min_element(runs.begin(), runs.end());
    CHECK(jsonNumbers(r.out, "pipeline_step_ms_min") == std::vector<double>{stepMin});
    REQUIRE(jsonNumbers(r.out, "pipeline_overhead_percent_min").size() == 1);
    CHECK(jsonNumbers(r.out, "pipeline_overhead_percent_min")[0] ==
          Approx(100.0 * (stepMin / runMin - 1.0)).margin(1e-6));
    // The steps cover the timed interval: their sum is the throughput's time.
    double sum = 0;
    for (double t : steps) sum += t;
    CHECK(jsonNumbers(r.out, "pipeline_ms_timed")[0] == Approx(sum).epsilon(1e-6));
    CHECK(contains(r.out, "\"segments\":1,"));  // min(--frames / 4, --iters - 1)
    CHECK(jsonNumbers(r.out, "pipeline_cpu_ms_per_frame")[0] > 0.0);
    CHECK(jsonNumbers(r.out, "inference_cpu_ms_per_image")[0] > 0.0);
    // lavapipe computes on the host's cores: the decoder yields them (video/frame_source.h)
    CHECK(contains(r.out, "\"decoder_threads\":1,\"decoder_low_priority\":true"));
    // Interleaved: 3 segments of 2 timed steps, each against the runs on either side of it.
    r = ok({"bench", "--source", "lavfi:testsrc2=size=160x120:rate=30", "--model", cifarModel(), "--crop", "32x32",
            "--frames", "6", "--iters", "4", "--warmup", "1", "--segments", "3", "--json"});
    CHECK(contains(r.out, "\"segments\":3,"));
    // 3 warm-up frames, 6 timed, 2 untimed after each of the 2 pauses (results of work run during them).
    CHECK(jsonNumbers(r.out, "classified_frames_total") == std::vector<double>{3 + 6 + 2 * 2});
    CHECK(jsonNumbers(r.out, "pipeline_steps_ms").size() == 6);
    CHECK(jsonNumbers(r.out, "inference_runs_ms").size() == 4);
    const auto segmentOverheads = jsonNumbers(r.out, "segment_overheads_percent");
    REQUIRE(segmentOverheads.size() == 3);
    std::vector<double> sorted = segmentOverheads;
    std::sort(sorted.begin(), sorted.end());
    CHECK(jsonNumbers(r.out, "pipeline_overhead_percent_paired") == std::vector<double>{sorted[1]});
    sum = 0;
    for (double t : jsonNumbers(r.out, "pipeline_steps_ms")) sum += t;
    CHECK(jsonNumbers(r.out, "pipeline_ms_timed")[0] == Approx(sum).epsilon(1e-6));
    // No more segments than timed frames.
    r = ok({"bench", "--source", "lavfi:testsrc2=size=160x120:rate=30", "--model", cifarModel(), "--crop", "32x32",
            "--frames", "2", "--iters", "2", "--warmup", "1", "--segments", "5", "--json"});
    CHECK(contains(r.out, "\"segments\":2,"));
    r = ok({"bench", "--source", "lavfi:testsrc2=size=160x120:rate=30", "--model", cifarModel(), "--crop", "32x32",
            "--frames", "3", "--iters", "2", "--warmup", "1"});
    CHECK(contains(r.out, "per step: min"));
    CHECK(contains(r.out, "pooled medians"));
    CHECK(contains(r.out, "in 1 segment between inference-alone runs"));
    CHECK(contains(r.out, "CPU time:"));
    CHECK(contains(r.out, "decoding:     1 thread per source, lowest priority (the network runs on these cores)"));
    // RESVK_HOST_CORES=0 forces the other branch on the same device.
    r = runResvk({"bench", "--source", "lavfi:testsrc2=size=160x120:rate=30", "--model", cifarModel(), "--crop",
                  "32x32", "--frames", "3", "--iters", "2", "--warmup", "1", "--json"},
                 "env RESVK_HOST_CORES=0");
    REQUIRE(r.code == 0);
    CHECK(contains(r.out, "\"decoder_low_priority\":false"));
}

TEST_CASE("cli: errors are one line and a non-zero exit", "[cli]") {
    const std::string tmp = tempDir();
    const std::string text = tmp + "/notes.txt";
    std::ofstream(text) << "not a model, not an image\n";
    const std::string truncated = tmp + "/truncated.onnx";
    {
        std::string bytes = slurp(cifarModel()).substr(0, 1000);
        std::ofstream(truncated, std::ios::binary) << bytes;
    }
    const std::string img = photo("orange.jpg");
    const std::string model = cifarModel();

    requireCleanError(run({"classify", img, "--model", tmp + "/missing.onnx"}), "missing.onnx");
    requireCleanError(run({"classify", img, "--model", text}), "notes.txt");
    requireCleanError(run({"classify", img, "--model", truncated}), "truncated.onnx");
    requireCleanError(run({"info", truncated}), "truncated.onnx");
    requireCleanError(run({"classify", tmp + "/nope.jpg", "--model", model}), "nope.jpg");
    requireCleanError(run({"classify", img, text, "--model", model}), "notes.txt");
    requireCleanError(run({"classify", img, "--model", model, "--top", "0"}), "--top");
    requireCleanError(run({"classify", img, "--model", model, "--top", "many"}), "--top");
    requireCleanError(run({"classify", img, "--model", model, "--frobnicate"}), "--frobnicate");
    requireCleanError(run({"classify", img, "--model"}), "--model");
    requireCleanError(run({"classify", img}), "--model");
    requireCleanError(run({"frobnicate"}), "frobnicate");
    requireCleanError(run({"check", tmp}), "model.onnx");
    requireCleanError(run({"bench", "--model", model, "--segments", "3"}), "--segments needs --source");
    requireCleanError(run({"bench", "--source", "lavfi:testsrc2", "--model", model, "--segments", "0"}), "--segments");
    requireCleanError(run({"bench", "--source", "lavfi:testsrc2", "--model", model, "--frames", "8", "--iters", "2",
                           "--segments", "5"}),
                      "--segments 5 needs --iters 3 or more");
    auto r = run({"classify", img, "--model", model, "--bogus"});
    CHECK(r.code == 2);
    CHECK(contains(r.err, "--help"));
    CHECK(r.out.empty());
}

TEST_CASE("cli: unsupported ops and non-image models", "[cli]") {
    const std::string tmp = tempDir();
    const std::string celu = writeOneNodeModel(tmp + "/celu.onnx", "Celu", 3);
    auto r = run({"info", celu});
    CHECK(r.code == 1);
    CHECK(contains(r.out, "Celu (node 'the_Celu')"));
    requireCleanError(r, "Celu");
    requireCleanError(run({"classify", photo("orange.jpg"), "--model", celu}), "Celu");

    const std::string gray = writeOneNodeModel(tmp + "/gray.onnx", "Relu", 1);
    requireCleanError(run({"classify", photo("orange.jpg"), "--model", gray}), "3-channel");
}

TEST_CASE("cli: no usable Vulkan device is one clear line", "[cli]") {
    // Point the loader at a driver manifest that does not exist: no devices at all.
    ::setenv("VK_ICD_FILENAMES", "/nonexistent/resvk-test-icd.json", 1);
    ::setenv("VK_DRIVER_FILES", "/nonexistent/resvk-test-icd.json", 1);
    const Result none = run({"bench", "--model", cifarModel(), "--iters", "1"});
    const Result devices = run({"devices"});
    ::unsetenv("VK_ICD_FILENAMES");
    ::unsetenv("VK_DRIVER_FILES");
    requireCleanError(none, "Vulkan");
    requireCleanError(devices, "Vulkan");
    requireCleanError(run({"bench", "--model", cifarModel(), "--iters", "1", "--device", "7"}), "device 7");
}
