# The Python module `resvk` (pybind11 + numpy), built into build/python so that
# `PYTHONPATH=build/python python3 -c 'import resvk'` works, and installed into
# Debian's dist-packages folder beside its type stubs. On by default when
# Debian's pybind11-dev and python3-dev are there. Included from the top CMakeLists.txt.
find_package(Python3 COMPONENTS Interpreter Development.Module)
if(Python3_Development.Module_FOUND)
  find_package(pybind11 CONFIG QUIET)
endif()
set(RESVK_PYTHON_DEFAULT OFF)
if(pybind11_FOUND)
  set(RESVK_PYTHON_DEFAULT ON)
endif()
option(RESVK_PYTHON "build the Python module (needs pybind11-dev, python3-dev)" ${RESVK_PYTHON_DEFAULT})
if(NOT RESVK_PYTHON)
  return()
endif()
if(NOT pybind11_FOUND)
  message(FATAL_ERROR "RESVK_PYTHON is on but pybind11 was not found (apt-get install pybind11-dev python3-dev)")
endif()

set(RESVK_PYTHON_DIR ${CMAKE_BINARY_DIR}/python)
pybind11_add_module(resvk_python MODULE
  ${CMAKE_CURRENT_LIST_DIR}/module.cpp
  ${CMAKE_CURRENT_LIST_DIR}/classifier.cpp
  ${CMAKE_CURRENT_LIST_DIR}/video_results.cpp
  ${PROJECT_SOURCE_DIR}/app/model_registry.cpp)
set_target_properties(resvk_python PROPERTIES OUTPUT_NAME resvk LIBRARY_OUTPUT_DIRECTORY ${RESVK_PYTHON_DIR})
target_include_directories(resvk_python PRIVATE ${PROJECT_SOURCE_DIR}/app)
target_link_libraries(resvk_python PRIVATE resvk_engine resvk_media)
configure_file(${CMAKE_CURRENT_LIST_DIR}/resvk.pyi ${RESVK_PYTHON_DIR}/resvk.pyi COPYONLY)

# Debian's path for modules of packages (/usr/lib/python3/dist-packages, the same
# on every architecture); the module finds the labels at <prefix>/share/resvk/labels.
set(RESVK_PYTHON_INSTALL_DIR lib/python3/dist-packages CACHE PATH
  "where the Python module is installed, relative to the prefix")
install(TARGETS resvk_python LIBRARY DESTINATION ${RESVK_PYTHON_INSTALL_DIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/resvk.pyi DESTINATION ${RESVK_PYTHON_INSTALL_DIR})
