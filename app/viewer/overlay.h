#pragma once
// Everything Dear ImGui draws over the video: per source, a panel with the
// top-K labels and probability bars; the optional stats panel; the settings
// panel; a "paused" badge. Owns the ImGui context (created before the renderer's
// backends, destroyed after them).
#include <cstdint>
#include <string>
#include <vector>

#include "classify/result_sink.h"
#include "viewer/layout.h"

namespace resvk::app::viewer {

// A region of interest (--roi) drawn over its source: outline and labels.
struct RegionView {
    std::string name;
    Rect rect;  // in the frame's pixels
    int frameWidth = 0, frameHeight = 0;
    std::vector<classify::RankedLabel> top;
};

struct SourceView {
    std::string name;
    int64_t frame = -1;                      // index of the frame shown, -1 before the first
    std::vector<classify::RankedLabel> top;  // whole frame (empty with regions)
    std::vector<RegionView> regions;         // --roi: each region's box and labels
};

struct ViewStats {
    double decodeFps = 0, inferenceFps = 0, displayFps = 0;
    double latencyMs = 0;                     // decode -> result, recent average
    int64_t dropped = 0, displaySkipped = 0;  // frames the sources / the window dropped
    std::string device, model, input, presentMode;
    double displayBudget = 1.0;  // the share of a busy network the window may take
    bool paused = false, ended = false;
};

struct ViewSettings {
    int top = 5;
    float smoothing = 0.0f;
    int every = 1;
    bool overlay = true, stats = false, settings = false;
};

class Overlay {
public:
    Overlay();
    ~Overlay();
    Overlay(const Overlay&) = delete;
    Overlay& operator=(const Overlay&) = delete;

    // Builds this frame's UI (between the renderer's beginFrame and endFrame).
    // Returns each source's panel rectangle (empty when the overlay is off).
    std::vector<Rect> draw(const std::vector<SourceView>& sources, const std::vector<Rect>& videoRects,
                           const ViewStats& stats, ViewSettings& settings);
    // True when ImGui uses the keyboard (a settings widget is active).
    bool wantsKeyboard() const;
};

}  // namespace resvk::app::viewer
