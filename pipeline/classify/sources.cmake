# Included from the top-level CMakeLists.txt; paths are absolute so the includer's
# directory does not matter.
set(RESVK_CLASSIFY_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/preprocess.cpp
    ${CMAKE_CURRENT_LIST_DIR}/labels.cpp
    ${CMAKE_CURRENT_LIST_DIR}/topk.cpp
    ${CMAKE_CURRENT_LIST_DIR}/smoothing.cpp
    ${CMAKE_CURRENT_LIST_DIR}/result_sink.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_input.cpp
    ${CMAKE_CURRENT_LIST_DIR}/shipped_labels.cpp
    ${CMAKE_CURRENT_LIST_DIR}/image_classifier.cpp
    ${CMAKE_CURRENT_LIST_DIR}/roi.cpp
)
