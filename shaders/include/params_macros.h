// Push-constant blocks are written once and read by both GLSL and C++:
//   RESVK_PARAMS(Name) { int a; float b; } RESVK_PARAMS_END(Name);
// In GLSL that is the shader's push_constant block named `pc`; in C++ it is a
// struct in resvk::shaders checked against the 128-byte guaranteed limit.
// Only 4-byte scalars are used, so std430 and C++ agree on the layout.
#ifndef RESVK_PARAMS_MACROS_H
#define RESVK_PARAMS_MACROS_H
#ifdef __cplusplus
#define RESVK_PARAMS(name) struct name
#define RESVK_PARAMS_END(name) \
    ;                          \
    static_assert(sizeof(name) <= 128, "push constants must fit 128 bytes")
#else
#define RESVK_PARAMS(name) layout(push_constant) uniform name
#define RESVK_PARAMS_END(name) pc
#endif
#endif
