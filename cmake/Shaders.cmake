# Compiles GLSL compute shaders to SPIR-V at build time, validates them with
# spirv-val and embeds them as uint32_t arrays behind a generated ShaderId enum.
# Generated files live in the build directory only.
find_program(GLSLC glslc REQUIRED)
find_program(SPIRV_VAL spirv-val REQUIRED)

set(RESVK_SHADER_NAMES "")
set(RESVK_SHADER_SOURCES "")

# resvk_shader(NAME <id> SOURCE <file.comp> [DEFINES A=1 B=2])
# One variant of a shader; variants of one source differ by -D defines.
function(resvk_shader)
  cmake_parse_arguments(S "" "NAME;SOURCE" "DEFINES" ${ARGN})
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/${S_SOURCE})
  set(spv ${CMAKE_BINARY_DIR}/shaders/${S_NAME}.spv)
  set(cpp ${CMAKE_BINARY_DIR}/shaders/${S_NAME}.spv.cpp)
  set(defs "")
  foreach(d ${S_DEFINES})
    list(APPEND defs -D${d})
  endforeach()
  file(GLOB includes ${CMAKE_CURRENT_SOURCE_DIR}/shaders/include/*)
  add_custom_command(
    OUTPUT ${cpp}
    COMMAND ${GLSLC} --target-env=vulkan1.2 -Werror -O -fshader-stage=compute
            -I ${CMAKE_CURRENT_SOURCE_DIR}/shaders/include ${defs} -o ${spv} ${src}
    COMMAND ${SPIRV_VAL} --target-env vulkan1.2 ${spv}
    COMMAND ${CMAKE_COMMAND} -DSPV=${spv} -DOUT=${cpp} -DNAME=${S_NAME}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
    DEPENDS ${src} ${includes} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/EmbedSpirv.cmake
    COMMENT "Compiling shader ${S_NAME}"
    VERBATIM)
  set(RESVK_SHADER_NAMES ${RESVK_SHADER_NAMES} ${S_NAME} PARENT_SCOPE)
  set(RESVK_SHADER_SOURCES ${RESVK_SHADER_SOURCES} ${cpp} PARENT_SCOPE)
endfunction()

# Writes the registry (ShaderId enum + lookup) and the library holding all shaders.
function(resvk_shader_library target)
  set(dir ${CMAKE_BINARY_DIR}/shaders)
  set(enum "")
  set(decls "")
  set(table "")
  foreach(n ${RESVK_SHADER_NAMES})
    string(APPEND enum "    ${n},\n")
    string(APPEND decls "extern const uint32_t ${n}_spv[];\nextern const size_t ${n}_spv_words;\n")
    string(APPEND table "        {${n}_spv, ${n}_spv_words},\n")
  endforeach()
  file(WRITE ${dir}/shader_id.h.in
"#pragma once\n#include <cstddef>\n#include <cstdint>\n#include <span>\n\nnamespace resvk::shaders {\nenum class ShaderId {\n${enum}};\nstd::span<const uint32_t> spirv(ShaderId id);\nconst char* name(ShaderId id);\n}\n")
  configure_file(${dir}/shader_id.h.in ${dir}/shader_id.h COPYONLY)
  string(REPLACE ";" "\",\n        \"" quoted "${RESVK_SHADER_NAMES}")
  file(WRITE ${dir}/shader_registry.cpp.in
"#include \"shader_id.h\"\n\nnamespace resvk::shaders {\n${decls}\nnamespace {\nstruct Code { const uint32_t* words; size_t count; };\nconst Code table[] = {\n${table}};\nconst char* names[] = {\n        \"${quoted}\"};\n}\n\nstd::span<const uint32_t> spirv(ShaderId id) {\n    const Code& c = table[static_cast<size_t>(id)];\n    return {c.words, c.count};\n}\nconst char* name(ShaderId id) { return names[static_cast<size_t>(id)]; }\n}\n")
  configure_file(${dir}/shader_registry.cpp.in ${dir}/shader_registry.cpp COPYONLY)
  add_library(${target} STATIC ${dir}/shader_registry.cpp ${RESVK_SHADER_SOURCES})
  target_include_directories(${target} PUBLIC ${dir})
endfunction()
