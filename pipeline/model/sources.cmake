# Sources of the resvk_model library (ONNX import and load-time passes).
set(RESVK_MODEL_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/program.cpp
    ${CMAKE_CURRENT_LIST_DIR}/budget.cpp
    ${CMAKE_CURRENT_LIST_DIR}/regular_file.cpp
    ${CMAKE_CURRENT_LIST_DIR}/graph.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tensor_proto.cpp
    ${CMAKE_CURRENT_LIST_DIR}/onnx_loader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/op_params.cpp
    ${CMAKE_CURRENT_LIST_DIR}/op_versions.cpp
    ${CMAKE_CURRENT_LIST_DIR}/const_fold.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lower.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lower_nn.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lower_tensor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/fuse.cpp
    ${CMAKE_CURRENT_LIST_DIR}/compile.cpp
)
