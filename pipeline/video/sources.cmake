# Included from the top-level CMakeLists.txt; paths are absolute so the includer's
# directory does not matter.
set(RESVK_VIDEO_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/image_decoder.cpp
    ${CMAKE_CURRENT_LIST_DIR}/frame_source.cpp
)
list(APPEND RESVK_VIDEO_SOURCES ${CMAKE_CURRENT_LIST_DIR}/preprocess_gpu.cpp)
# preprocess_gpu records Vulkan dispatches, so the media library needs the engine.
# resvk_media is defined after this file is included: link it at the end of the
# directory (CMakeLists.txt is others' to edit; moving this there is cleaner).
cmake_language(DEFER CALL target_link_libraries resvk_media PUBLIC resvk_engine)
list(APPEND RESVK_VIDEO_SOURCES ${CMAKE_CURRENT_LIST_DIR}/annotated_writer.cpp)
