# cmake -P script: SPV (input .spv), OUT (output .cpp), NAME (symbol prefix).
file(READ ${SPV} hex HEX)
string(LENGTH "${hex}" len)
math(EXPR words "${len} / 8")
# SPIR-V is a little-endian word stream: regroup each 4 bytes into one uint32 literal.
string(REGEX REPLACE "(..)(..)(..)(..)" "0x\\4\\3\\2\\1u," body "${hex}")
string(REGEX REPLACE "((0x........u,){8})" "\\1\n" body "${body}")
file(WRITE ${OUT} "#include <cstddef>\n#include <cstdint>\nnamespace resvk::shaders {\nextern const uint32_t ${NAME}_spv[] = {\n${body}};\nextern const size_t ${NAME}_spv_words = ${words};\n}\n")
