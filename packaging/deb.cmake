# The .deb (`cpack` in build/): Depends derived by dpkg-shlibdeps from the libraries
# the installed binaries link, Recommends for what they load at run time. Included
# last from the top CMakeLists.txt, once every installed part (the Python module,
# the GStreamer plugin) is known.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME resvk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "real-time image and video classification with ResNets on Vulkan compute")
set(CPACK_PACKAGE_DESCRIPTION
  "resvk runs ResNet image classifiers exported to ONNX on any Vulkan 1.2 device (a GPU, or Mesa's\n"
  "lavapipe on the CPU), on photos, video files, webcams and network streams decoded by FFmpeg.")
set(CPACK_PACKAGE_CONTACT "resvk developers <resvk@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
# Depends: whatever the linked shared libraries need (libavcodec59, libvulkan1, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A Vulkan driver (Mesa's covers CPUs and most GPUs; vendors ship their own) and the
# font the annotated video's labels are drawn with.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "mesa-vulkan-drivers | vulkan-icd, fonts-dejavu-core")
# The Python module links no libpython (dpkg-shlibdeps cannot see what it needs):
# Debian's python3 imports it and it hands out numpy arrays.
if(RESVK_PYTHON)
  set(python_abi ${Python3_VERSION_MAJOR}.${Python3_VERSION_MINOR})
  math(EXPR python_next_minor "${Python3_VERSION_MINOR} + 1")
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", python3 (>= ${python_abi}), "
         "python3 (<< ${Python3_VERSION_MAJOR}.${python_next_minor}), python3-numpy")
endif()
include(CPack)
