# Included from the top-level CMakeLists.txt; paths are absolute so the includer's
# directory does not matter.
set(RESVK_VIDEO_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/image_decoder.cpp
    ${CMAKE_CURRENT_LIST_DIR}/frame_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/preprocess_gpu.cpp
    ${CMAKE_CURRENT_LIST_DIR}/preprocess_table.cpp
    ${CMAKE_CURRENT_LIST_DIR}/preprocess_rows_host.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gap_worker.cpp
    ${CMAKE_CURRENT_LIST_DIR}/annotated_writer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/video_pipeline.cpp
    ${CMAKE_CURRENT_LIST_DIR}/picture_classifier.cpp
    ${CMAKE_CURRENT_LIST_DIR}/frame_result.cpp
    ${CMAKE_CURRENT_LIST_DIR}/png_writer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/remote_file.cpp
)
