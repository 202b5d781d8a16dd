#include "classify/roi.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>

namespace resvk::classify {

namespace {

[[noreturn]] void fail(const std::string& text, const std::string& why) {
    throw RegionError("--roi '" + text + "': " + why);
}

bool validName(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

std::string describe(const RegionSpec& s) {
    std::ostringstream out;
    out << s.x << "," << s.y << "," << s.w << "," << s.h;
    return out.str();
}

}  // namespace

RegionSpec parseRegion(const std::string& text) {
    const std::string usage = "expected [SOURCE@]NAME=X,Y,W,H (pixels, or fractions 0..1), e.g. left=0,0,0.5,1";
    const size_t eq = text.rfind('=');
    if (eq == std::string::npos) fail(text, usage);
    RegionSpec spec;
    std::string left = text.substr(0, eq);
    if (const size_t at = left.rfind('@'); at != std::string::npos) {
        spec.source = left.substr(0, at);
        left = left.substr(at + 1);
        if (spec.source.empty()) fail(text, "empty SOURCE before '@'; " + usage);
    }
    spec.name = left;
    if (spec.name.empty()) fail(text, "no region name; " + usage);
    if (!validName(spec.name)) fail(text, "a region name has only letters, digits, '_', '-' and '.'");

    std::vector<double> v;
    std::vector<bool> whole;
    std::stringstream ss(text.substr(eq + 1));
    for (std::string item; std::getline(ss, item, ',');) {
        errno = 0;
        char* end = nullptr;
        const double d = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(d)) fail(text, usage);
        v.push_back(d);
        whole.push_back(d == std::floor(d));
    }
    if (v.size() != 4 || text.back() == ',') fail(text, usage);
    for (double d : v)
        if (d < 0) fail(text, "negative coordinates");
    spec.fractional = std::all_of(v.begin(), v.end(), [](double d) { return d <= 1.0; });
    if (!spec.fractional && !std::all_of(whole.begin(), whole.end(), [](bool b) { return b; }))
        fail(text, "mixes fractions and pixels: give all four as fractions (<= 1) or as whole pixels");
    spec.x = v[0], spec.y = v[1], spec.w = v[2], spec.h = v[3];
    if (spec.w <= 0 || spec.h <= 0) fail(text, "width and height must be positive");
    if (spec.fractional && (spec.x + spec.w > 1.0 + 1e-9 || spec.y + spec.h > 1.0 + 1e-9))
        fail(text, "reaches outside the frame (X+W and Y+H must be at most 1)");
    return spec;
}

namespace {
PixelRect toPixels(const RegionSpec& s, int width, int height) {
    if (!s.fractional)
        return {static_cast<int>(s.x), static_cast<int>(s.y), static_cast<int>(s.w), static_cast<int>(s.h)};
    const int x0 = static_cast<int>(std::lround(s.x * width)), y0 = static_cast<int>(std::lround(s.y * height));
    const int x1 = static_cast<int>(std::lround((s.x + s.w) * width));
    const int y1 = static_cast<int>(std::lround((s.y + s.h) * height));
    return {std::min(x0, width - 1), std::min(y0, height - 1), std::max(1, x1 - x0), std::max(1, y1 - y0)};
}
}  // namespace

PixelRect resolveRegion(const RegionSpec& spec, int width, int height) {
    const PixelRect r = toPixels(spec, width, height);
    if (int64_t(r.x) + r.w > width || int64_t(r.y) + r.h > height)
        throw RegionError("--roi " + spec.name + "=" + describe(spec) + " lies outside the " + std::to_string(width) +
                          "x" + std::to_string(height) + " frame" +
                          (spec.source.empty() ? std::string() : " of source " + spec.source));
    return r;
}

PixelRect clipRegion(const RegionSpec& spec, int width, int height) {
    PixelRect r = toPixels(spec, width, height);
    r.x = std::clamp(r.x, 0, std::max(0, width - 1));
    r.y = std::clamp(r.y, 0, std::max(0, height - 1));
    r.w = std::clamp(r.w, 1, std::max(1, width - r.x));
    r.h = std::clamp(r.h, 1, std::max(1, height - r.y));
    return r;
}

std::vector<std::vector<RegionSpec>> regionsPerSource(const std::vector<RegionSpec>& regions,
                                                      const std::vector<std::string>& sources) {
    std::vector<std::vector<RegionSpec>> out(sources.size());
    for (const RegionSpec& r : regions) {
        std::vector<size_t> targets;
        if (r.source.empty()) {
            for (size_t i = 0; i < sources.size(); ++i) targets.push_back(i);
        } else {
            for (size_t i = 0; i < sources.size(); ++i)
                if (sources[i] == r.source || std::to_string(i) == r.source) targets.push_back(i);
            if (targets.empty())
                throw RegionError("--roi " + r.source + "@" + r.name + ": '" + r.source +
                                  "' is no source (give a source's 0-based index or its argument as written)");
        }
        for (size_t i : targets) {
            for (const RegionSpec& other : out[i])
                if (other.name == r.name)
                    throw RegionError("--roi: region name '" + r.name + "' is used twice for source " +
                                      std::to_string(i) + " (" + sources[i] + ")");
            out[i].push_back(r);
        }
    }
    return out;
}

}  // namespace resvk::classify
