// --roi parsing and geometry (classify/roi.h): pixels and fractions, per-source
// regions, and each malformed value as one clear message.
#include "classify/roi.h"

#include <catch2/catch.hpp>

using namespace resvk::classify;

namespace {
std::string errorOf(const std::string& text) {
    try {
        parseRegion(text);
    } catch (const RegionError& e) {
        return e.what();
    }
    return "";
}
bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("roi: pixels, fractions and a source prefix", "[roi]") {
    RegionSpec px = parseRegion("door=10,20,300,200");
    CHECK(px.name == "door");
    CHECK(px.source.empty());
    CHECK_FALSE(px.fractional);
    CHECK(resolveRegion(px, 640, 360) == PixelRect{10, 20, 300, 200});

    RegionSpec half = parseRegion("right=0.5,0,0.5,1");
    CHECK(half.fractional);
    CHECK(resolveRegion(half, 64, 32) == PixelRect{32, 0, 32, 32});
    CHECK(resolveRegion(half, 65, 33) == PixelRect{33, 0, 32, 33});  // rounded edges, no gap, no overlap
    CHECK(resolveRegion(parseRegion("all=0,0,1,1"), 97, 61) == PixelRect{0, 0, 97, 61});

    RegionSpec at = parseRegion("1@left=0,0,0.5,1");
    CHECK(at.source == "1");
    CHECK(at.name == "left");
    // A URL keeps its own '@' and '=': the last '@' before the last '=' separates SOURCE.
    RegionSpec url = parseRegion("rtsp://user:pw@cam/s?a=b@gate=0,0,100,50");
    CHECK(url.source == "rtsp://user:pw@cam/s?a=b");
    CHECK(url.name == "gate");
}

TEST_CASE("roi: regions per source, by index or by the argument as given", "[roi]") {
    const std::vector<std::string> sources = {"a.mp4", "udp://127.0.0.1:5000"};
    auto per = regionsPerSource({parseRegion("both=0,0,1,1"), parseRegion("0@left=0,0,0.5,1"),
                                 parseRegion("udp://127.0.0.1:5000@top=0,0,1,0.5")},
                                sources);
    REQUIRE(per.size() == 2);
    REQUIRE(per[0].size() == 2);
    CHECK(per[0][0].name == "both");
    CHECK(per[0][1].name == "left");
    REQUIRE(per[1].size() == 2);
    CHECK(per[1][1].name == "top");
    CHECK(regionsPerSource({}, sources)[1].empty());

    CHECK_THROWS_WITH(regionsPerSource({parseRegion("x=0,0,1,1"), parseRegion("x=0,0,0.5,1")}, sources),
                      Catch::Contains("region name 'x' is used twice for source 0"));
    CHECK_THROWS_WITH(regionsPerSource({parseRegion("0@x=0,0,1,1"), parseRegion("x=0,0,0.5,1")}, sources),
                      Catch::Contains("used twice"));
    CHECK_NOTHROW(regionsPerSource({parseRegion("0@x=0,0,1,1"), parseRegion("1@x=0,0,0.5,1")}, sources));
    CHECK_THROWS_WITH(regionsPerSource({parseRegion("2@x=0,0,1,1")}, sources), Catch::Contains("'2' is no source"));
}

TEST_CASE("roi: outside the frame is an error; clipping is for frames that changed size", "[roi]") {
    CHECK_THROWS_WITH(resolveRegion(parseRegion("big=600,0,100,100"), 640, 360),
                      Catch::Contains("lies outside the 640x360 frame"));
    CHECK_THROWS_AS(resolveRegion(parseRegion("low=0,300,10,61"), 640, 360), RegionError);
    CHECK_NOTHROW(resolveRegion(parseRegion("edge=630,350,10,10"), 640, 360));
    CHECK(clipRegion(parseRegion("big=600,0,100,100"), 640, 360) == PixelRect{600, 0, 40, 100});
    CHECK(clipRegion(parseRegion("far=900,900,10,10"), 640, 360) == PixelRect{639, 359, 1, 1});
}

TEST_CASE("roi: malformed values are one clear message each", "[roi]") {
    CHECK(contains(errorOf("door"), "expected [SOURCE@]NAME=X,Y,W,H"));
    CHECK(contains(errorOf("=0,0,1,1"), "no region name"));
    CHECK(contains(errorOf("@x=0,0,1,1"), "empty SOURCE"));
    CHECK(contains(errorOf("a b=0,0,1,1"), "only letters, digits"));
    CHECK(contains(errorOf("x=0,0,1"), "expected"));
    CHECK(contains(errorOf("x=0,0,1,1,"), "expected"));
    CHECK(contains(errorOf("x=0,0,1,1,1"), "expected"));
    CHECK(contains(errorOf("x=a,0,1,1"), "expected"));
    CHECK(contains(errorOf("x=0,0,,1"), "expected"));
    CHECK(contains(errorOf("x=-1,0,10,10"), "negative"));
    CHECK(contains(errorOf("x=0,0,0,10"), "positive"));
    CHECK(contains(errorOf("x=0.5,0,100,100"), "mixes fractions and pixels"));
    CHECK(contains(errorOf("x=0.6,0,0.5,1"), "outside the frame"));
    CHECK(contains(errorOf("x=nan,0,1,1"), "expected"));
    CHECK(errorOf("door=0,0,1,1").empty());
    CHECK(errorOf("door=0,0,1,1").empty());
    for (const char* bad : {"door", "x=0,0,1", "x=0.5,0,100,100"})
        CHECK(contains(errorOf(bad), std::string("'") + bad + "'"));
}
