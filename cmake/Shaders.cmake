# Compiles GLSL compute shaders to SPIR-V at build time, validates them with
# spirv-val and embeds them as uint32_t arrays behind a generated ShaderId enum.
# Generated files live in the build directory only.
find_program(GLSLC glslc REQUIRED)
find_program(SPIRV_VAL spirv-val REQUIRED)

set(RESVK_SHADER_NAMES "")
set(RESVK_SHADER_SOURCES "")
set(RESVK_SHADER_FP16 "")

# resvk_shader(NAME <id> SOURCE <file.comp> [DEFINES A=1 B=2] [FP16])
# One variant of a shader; variants of one source differ by -D defines. FP16:
# a kernel that stores tensors (shaders/include/precision.glsl) is also built
# as <id>_fp16 with -DRESVK_FP16, and shaders::fp16Variant(<id>) finds it.
function(resvk_shader)
  cmake_parse_arguments(S "FP16" "NAME;SOURCE" "DEFINES" ${ARGN})
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/${S_SOURCE})
  # Every shader depends on every include; CONFIGURE_DEPENDS re-globs at build
  # time, so an include added after configuring rebuilds the shaders it changes.
  file(GLOB includes CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/shaders/include/*)
  set(variants ${S_NAME})
  if(S_FP16)
    list(APPEND variants ${S_NAME}_fp16)
    set(RESVK_SHADER_FP16 ${RESVK_SHADER_FP16} ${S_NAME} PARENT_SCOPE)
  endif()
  foreach(name ${variants})
    set(spv ${CMAKE_BINARY_DIR}/shaders/${name}.spv)
    set(cpp ${CMAKE_BINARY_DIR}/shaders/${name}.spv.cpp)
    set(defs "")
    foreach(d ${S_DEFINES})
      list(APPEND defs -D${d})
    endforeach()
    if(NOT name STREQUAL S_NAME)
      list(APPEND defs -DRESVK_FP16=1)
    endif()
    add_custom_command(
      OUTPUT ${cpp}
      COMMAND ${GLSLC} --target-env=vulkan1.2 -Werror -O -fshader-stage=compute
              -I ${CMAKE_CURRENT_SOURCE_DIR}/shaders/include ${defs} -o ${spv} ${src}
      COMMAND ${SPIRV_VAL} --target-env vulkan1.2 ${spv}
      COMMAND ${CMAKE_COMMAND} -DSPV=${spv} -DOUT=${cpp} -DNAME=${name}
              -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
      DEPENDS ${src} ${includes} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
      COMMENT "Compiling shader ${name}"
      VERBATIM)
    list(APPEND RESVK_SHADER_NAMES ${name})
    list(APPEND RESVK_SHADER_SOURCES ${cpp})
  endforeach()
  set(RESVK_SHADER_NAMES ${RESVK_SHADER_NAMES} PARENT_SCOPE)
  set(RESVK_SHADER_SOURCES ${RESVK_SHADER_SOURCES} PARENT_SCOPE)
endfunction()

# Writes the registry (ShaderId enum + lookup) and the library holding all shaders.
function(resvk_shader_library target)
  set(dir ${CMAKE_BINARY_DIR}/shaders)
  set(enum "")
  set(decls "")
  set(table "")
  set(twins "")
  foreach(n ${RESVK_SHADER_NAMES})
    string(APPEND enum "    ${n},\n")
    string(APPEND decls "extern const uint32_t ${n}_spv[];\nextern const size_t ${n}_spv_words;\n")
    string(APPEND table "        {${n}_spv, ${n}_spv_words},\n")
    if(n IN_LIST RESVK_SHADER_FP16)
      string(APPEND twins "        ShaderId::${n}_fp16,\n")
    else()
      string(APPEND twins "        std::nullopt,\n")
    endif()
  endforeach()
  file(WRITE ${dir}/shader_id.h.in
"#pragma once\n#include <cstddef>\n#include <cstdint>\n#include <optional>\n#include <span>\n\nnamespace resvk::shaders {\nenum class ShaderId {\n${enum}};\nstd::span<const uint32_t> spirv(ShaderId id);\nconst char* name(ShaderId id);\n// The same kernel storing tensors as 16-bit floats (none for kernels built without FP16).\nstd::optional<ShaderId> fp16Variant(ShaderId id);\n}\n")
  configure_file(${dir}/shader_id.h.in ${dir}/shader_id.h COPYONLY)
  string(REPLACE ";" "\",\n        \"" quoted "${RESVK_SHADER_NAMES}")
  file(WRITE ${dir}/shader_registry.cpp.in
"#include \"shader_id.h\"\n\nnamespace resvk::shaders {\n${decls}\nnamespace {\nstruct Code { const uint32_t* words; size_t count; };\nconst Code table[] = {\n${table}};\nconst char* names[] = {\n        \"${quoted}\"};\n}\n\nstd::span<const uint32_t> spirv(ShaderId id) {\n    const Code& c = table[static_cast<size_t>(id)];\n    return {c.words, c.count};\n}\nconst char* name(ShaderId id) { return names[static_cast<size_t>(id)]; }\nstd::optional<ShaderId> fp16Variant(ShaderId id) {\n    static const std::optional<ShaderId> twins[] = {\n${twins}    };\n    return twins[static_cast<size_t>(id)];\n}\n}\n")
  configure_file(${dir}/shader_registry.cpp.in ${dir}/shader_registry.cpp COPYONLY)
  add_library(${target} STATIC ${dir}/shader_registry.cpp ${RESVK_SHADER_SOURCES})
  target_include_directories(${target} PUBLIC ${dir})
endfunction()
