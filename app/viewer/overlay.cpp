#include "viewer/overlay.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace resvk::app::viewer {

namespace {

constexpr float kMargin = 10.0f;
const ImU32 kBarBack = IM_COL32(255, 255, 255, 28);
const ImU32 kBarTop = IM_COL32(64, 170, 255, 230);
const ImU32 kBarOther = IM_COL32(140, 150, 165, 170);
const ImVec4 kDim{0.72f, 0.74f, 0.78f, 1.0f};
const ImU32 kBox = IM_COL32(255, 220, 0, 230);

constexpr ImGuiWindowFlags kPanel = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                    ImGuiWindowFlags_NoNav | ImGuiWindowFlags_AlwaysAutoResize;

// One row: the label at the left, the percentage at the right, over a bar whose
// length is the probability.
void probabilityRow(const classify::RankedLabel& r, float width, bool first) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const float height = ImGui::GetTextLineHeight() + 6.0f;
    const float p = std::clamp(r.prob, 0.0f, 1.0f);
    draw->AddRectFilled(pos, ImVec2(pos.x + width, pos.y + height), kBarBack, 3.0f);
    if (p > 0) draw->AddRectFilled(pos, ImVec2(pos.x + width * p, pos.y + height), first ? kBarTop : kBarOther, 3.0f);
    char percent[32];
    std::snprintf(percent, sizeof percent, "%.1f%%", 100.0 * r.prob);
    const float percentWidth = ImGui::CalcTextSize(percent).x;
    const ImVec2 textPos(pos.x + 6.0f, pos.y + 3.0f);
    draw->PushClipRect(pos, ImVec2(pos.x + width - percentWidth - 12.0f, pos.y + height), true);
    draw->AddText(textPos, IM_COL32_WHITE, r.label.c_str());
    draw->PopClipRect();
    draw->AddText(ImVec2(pos.x + width - percentWidth - 6.0f, textPos.y), IM_COL32_WHITE, percent);
    ImGui::Dummy(ImVec2(width, height));
}

// Each region's outline over the picture, with its name and best class inside
// its bottom-left corner (the source panel sits top-left; frame pixels mapped
// onto the letterboxed picture).
void regionBoxes(const SourceView& s, const Rect& video) {
    ImDrawList* draw = ImGui::GetBackgroundDrawList();
    for (const RegionView& r : s.regions) {
        if (r.frameWidth <= 0 || r.frameHeight <= 0) continue;
        const float sx = float(video.w) / r.frameWidth, sy = float(video.h) / r.frameHeight;
        const ImVec2 a(video.x + r.rect.x * sx, video.y + r.rect.y * sy);
        const ImVec2 b(video.x + (r.rect.x + r.rect.w) * sx, video.y + (r.rect.y + r.rect.h) * sy);
        draw->AddRect(a, b, kBox, 0.0f, 0, 2.0f);
        char text[160];
        if (r.top.empty())
            std::snprintf(text, sizeof text, "%s", r.name.c_str());
        else
            std::snprintf(text, sizeof text, "%s: %s %.1f%%", r.name.c_str(), r.top[0].label.c_str(),
                          100.0 * r.top[0].prob);
        const ImVec2 size = ImGui::CalcTextSize(text);
        const ImVec2 pos(a.x + 6.0f, std::max(a.y + 4.0f, b.y - size.y - 6.0f));
        draw->PushClipRect(a, b, true);
        draw->AddRectFilled(ImVec2(pos.x - 3, pos.y - 2), ImVec2(pos.x + size.x + 3, pos.y + size.y + 2),
                            IM_COL32(0, 0, 0, 160), 3.0f);
        draw->AddText(pos, IM_COL32_WHITE, text);
        draw->PopClipRect();
    }
}

void sourcePanel(int index, const SourceView& s, const Rect& video, std::vector<Rect>& rects) {
    const float width = std::clamp(video.w * 0.36f, 190.0f, 320.0f);
    ImGui::SetNextWindowPos(ImVec2(video.x + kMargin, video.y + kMargin));
    ImGui::SetNextWindowBgAlpha(0.6f);
    ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(width, 10000));
    char id[32];
    std::snprintf(id, sizeof id, "##source%d", index);
    ImGui::Begin(id, nullptr, kPanel | ImGuiWindowFlags_NoInputs);
    const std::string name = std::filesystem::path(s.name).filename().string();
    ImGui::TextColored(kDim, "%s  #%lld", name.empty() ? s.name.c_str() : name.c_str(),
                       static_cast<long long>(s.frame));
    if (s.top.empty() && s.regions.empty()) ImGui::TextColored(kDim, "waiting for the first result...");
    if (!s.regions.empty()) ImGui::TextColored(kDim, "%zu regions", s.regions.size());
    const float rowWidth = ImGui::GetContentRegionAvail().x;
    for (size_t i = 0; i < s.top.size(); ++i) probabilityRow(s.top[i], rowWidth, i == 0);
    const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    rects[index] = {static_cast<int>(pos.x), static_cast<int>(pos.y), static_cast<int>(size.x),
                    static_cast<int>(size.y)};
    ImGui::End();
}

void statsPanel(const ViewStats& st) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x - kMargin, kMargin), ImGuiCond_Always, ImVec2(1.0f, 0.0f));
    ImGui::SetNextWindowBgAlpha(0.5f);
    ImGui::Begin("##stats", nullptr, kPanel | ImGuiWindowFlags_NoInputs);
    ImGui::Text("decode     %6.1f fps", st.decodeFps);
    ImGui::Text("inference  %6.1f fps", st.inferenceFps);
    ImGui::Text("display    %6.1f fps", st.displayFps);
    ImGui::Text("latency    %6.1f ms", st.latencyMs);
    ImGui::Text("dropped    %lld decoded, %lld shown", static_cast<long long>(st.dropped),
                static_cast<long long>(st.displaySkipped));
    ImGui::Separator();
    ImGui::TextColored(kDim, "%s", st.device.c_str());
    ImGui::TextColored(kDim, "%s  (%s)", st.model.c_str(), st.input.c_str());
    ImGui::TextColored(kDim, "present: %s", st.presentMode.c_str());
    if (st.displayBudget < 1.0)
        ImGui::TextColored(kDim, "window: at most %g %% of inference", 100.0 * st.displayBudget);
    ImGui::End();
}

void settingsPanel(ViewSettings& s) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(kMargin, display.y - kMargin), ImGuiCond_Always, ImVec2(0.0f, 1.0f));
    ImGui::SetNextWindowBgAlpha(0.75f);
    ImGui::Begin("Settings", nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_AlwaysAutoResize |
                     ImGuiWindowFlags_NoCollapse);
    ImGui::PushItemWidth(200.0f);
    ImGui::SliderInt("top K", &s.top, 1, 10);
    ImGui::SliderFloat("smoothing", &s.smoothing, 0.0f, 0.95f, "%.2f");
    ImGui::SliderInt("frame stride", &s.every, 1, 30);
    ImGui::PopItemWidth();
    ImGui::Checkbox("labels (o)", &s.overlay);
    ImGui::SameLine();
    ImGui::Checkbox("stats (i)", &s.stats);
    ImGui::Separator();
    ImGui::TextColored(kDim, "space pause   . step   f fullscreen");
    ImGui::TextColored(kDim, "s screenshot   c settings   q quit");
    ImGui::End();
}

void badge(const char* text) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y - kMargin), ImGuiCond_Always, ImVec2(0.5f, 1.0f));
    ImGui::SetNextWindowBgAlpha(0.6f);
    ImGui::Begin("##badge", nullptr, kPanel | ImGuiWindowFlags_NoInputs);
    ImGui::TextUnformatted(text);
    ImGui::End();
}

}  // namespace

Overlay::Overlay() {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing written next to the user's files
    io.LogFilename = nullptr;
    const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(font, ec) || !io.Fonts->AddFontFromFileTTF(font, 16.0f))
        io.Fonts->AddFontDefault();
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 6.0f;
    style.WindowBorderSize = 0.0f;
    style.WindowPadding = ImVec2(10, 8);
    style.ItemSpacing = ImVec2(6, 4);
}

Overlay::~Overlay() {
    ImGui::DestroyContext();
}

bool Overlay::wantsKeyboard() const {
    return ImGui::GetIO().WantCaptureKeyboard;
}

std::vector<Rect> Overlay::draw(const std::vector<SourceView>& sources, const std::vector<Rect>& videoRects,
                                const ViewStats& stats, ViewSettings& settings) {
    std::vector<Rect> rects(sources.size());
    if (settings.overlay)
        for (size_t i = 0; i < sources.size(); ++i)
            if (videoRects[i].w > 0) {
                regionBoxes(sources[i], videoRects[i]);
                sourcePanel(static_cast<int>(i), sources[i], videoRects[i], rects);
            }
    if (settings.stats) statsPanel(stats);
    if (settings.settings) settingsPanel(settings);
    if (stats.paused)
        badge("paused  (space: resume, .: next frame)");
    else if (stats.ended)
        badge("end of input  (q: quit)");
    return rects;
}

}  // namespace resvk::app::viewer
