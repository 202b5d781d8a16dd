# Included from the top-level CMakeLists.txt; paths are absolute so the includer's
# directory does not matter.
set(RESVK_PUBLISH_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/topics.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mqtt_publisher.cpp
    ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp
)
