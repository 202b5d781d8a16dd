#pragma once
// Regions of interest: `--roi [SOURCE@]NAME=X,Y,W,H`. Each region of a frame is
// classified as its own picture (the same preprocessing as a whole frame, applied
// to the rectangle). Pure parsing and geometry, shared by every front-end.
//
//   NAME     letters, digits, '_', '-', '.' (it appears in JSON, CSV and topic names)
//   X,Y,W,H  the rectangle's left, top, width and height: pixels (whole numbers,
//            e.g. 0,0,320,240), or fractions of the frame when all four are at most
//            1 (e.g. 0.5,0,0.5,1 = the right half; 0,0,1,1 = the whole frame)
//   SOURCE@  only for that source: its 0-based position among the sources on the
//            command line ("1@door=..."), or the source argument exactly as given
//            ("rtsp://cam/stream@door=..."; the last '@' before '=' separates it).
//            Without it the region applies to every source.
#include <stdexcept>
#include <string>
#include <vector>

namespace resvk::classify {

// One line naming the --roi value and what is wrong with it.
struct RegionError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct RegionSpec {
    std::string source;  // "" = every source; else an index or the source argument
    std::string name;
    double x = 0, y = 0, w = 1, h = 1;
    bool fractional = true;  // x, y, w, h are fractions of the frame (else pixels)
};

struct PixelRect {
    int x = 0, y = 0, w = 0, h = 0;
    bool operator==(const PixelRect& o) const { return x == o.x && y == o.y && w == o.w && h == o.h; }
};

// Parses one --roi value; throws RegionError ("--roi 'TEXT': why").
RegionSpec parseRegion(const std::string& text);

// The rectangle in a width x height frame (fractions rounded to whole pixels,
// at least 1x1). Throws RegionError when it does not lie inside the frame.
PixelRect resolveRegion(const RegionSpec& spec, int width, int height);
// The same, clipped to the frame instead of failing (a live stream whose size
// changed); a region wholly outside keeps a 1x1 rectangle at the nearest corner.
PixelRect clipRegion(const RegionSpec& spec, int width, int height);

// The regions of each source (in command-line order), in the order given. Throws
// RegionError for a SOURCE that names no source and for a name used twice for
// one source. Sources without regions get an empty list (= the whole frame).
std::vector<std::vector<RegionSpec>> regionsPerSource(const std::vector<RegionSpec>& regions,
                                                      const std::vector<std::string>& sources);

}  // namespace resvk::classify
