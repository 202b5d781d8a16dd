# Included from the top-level CMakeLists.txt; paths are absolute so the includer's
# directory does not matter.
set(RESVK_VIDEO_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/image_decoder.cpp
)
