# Installing resvk like a Debian tool: the binary, the label lists it ships, the man
# page resvk(1) and the bash completion (both generated from the built binary's
# --help); the .deb is packaging/deb.cmake. Included from the top CMakeLists.txt.
include(GNUInstallDirs)

# The git revision `resvk --version` prints, refreshed at every build.
set(RESVK_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
add_custom_target(resvk_git_revision
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUTPUT=${RESVK_GENERATED_DIR}/resvk_revision.h
          -P ${CMAKE_CURRENT_LIST_DIR}/git_revision.cmake
  BYPRODUCTS ${RESVK_GENERATED_DIR}/resvk_revision.h
  COMMENT "Reading the git revision")
add_dependencies(resvk resvk_git_revision)
target_include_directories(resvk PRIVATE ${RESVK_GENERATED_DIR})

# Labels beside the built binary (build/labels/), where `--labels NAME` finds them
# before installing; installed ones are in share/resvk/labels. imagenet.txt is
# classification_classes_ILSVRC2012.txt of Debian's opencv-doc (examples/data/dnn,
# OpenCV's licence), the 1000 classes in the output order of the standard ImageNet
# ResNets; cifar10.txt is CIFAR-10's ten classes in label order.
set(RESVK_LABELS ${PROJECT_SOURCE_DIR}/assets/labels/imagenet.txt ${PROJECT_SOURCE_DIR}/assets/labels/cifar10.txt)
foreach(file ${RESVK_LABELS})
  get_filename_component(name ${file} NAME)
  configure_file(${file} ${CMAKE_BINARY_DIR}/labels/${name} COPYONLY)
endforeach()

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(RESVK_DOCS_GENERATOR ${CMAKE_CURRENT_LIST_DIR}/docs_from_help.py)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/resvk.1.gz
  COMMAND Python3::Interpreter ${RESVK_DOCS_GENERATOR} man $<TARGET_FILE:resvk> ${CMAKE_BINARY_DIR}/resvk.1.gz
  DEPENDS resvk ${RESVK_DOCS_GENERATOR} COMMENT "Generating the man page resvk(1) from --help")
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/resvk.bash-completion
  COMMAND Python3::Interpreter ${RESVK_DOCS_GENERATOR} completion $<TARGET_FILE:resvk>
          ${CMAKE_BINARY_DIR}/resvk.bash-completion
  DEPENDS resvk ${RESVK_DOCS_GENERATOR} COMMENT "Generating the bash completion from --help")
add_custom_target(resvk_docs ALL DEPENDS ${CMAKE_BINARY_DIR}/resvk.1.gz ${CMAKE_BINARY_DIR}/resvk.bash-completion)

install(TARGETS resvk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${RESVK_LABELS} DESTINATION ${CMAKE_INSTALL_DATADIR}/resvk/labels)
install(FILES ${CMAKE_BINARY_DIR}/resvk.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/resvk.bash-completion DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME resvk)
