set(RESVK_APP_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/args.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_classify.cpp
  ${CMAKE_CURRENT_LIST_DIR}/classify_setup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/classify_video.cpp
  ${CMAKE_CURRENT_LIST_DIR}/progress.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stop_signal.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_info.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_bench.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_pipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_devices.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_view.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/window.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/swapchain.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/frame_converter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/renderer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/overlay.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/display_pacer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/cost_phases.cpp
  ${CMAKE_CURRENT_LIST_DIR}/viewer/viewer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_models.cpp
  ${CMAKE_CURRENT_LIST_DIR}/model_registry.cpp)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/main.cpp PROPERTIES
  COMPILE_DEFINITIONS RESVK_VERSION="${PROJECT_VERSION}")
