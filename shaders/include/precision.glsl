// How a kernel stores tensors. Every tensor kernel is compiled twice
// (resvk_shader(... FP16) in shaders.cmake): without RESVK_FP16 tensors are
// RGBA32F, with it RGBA16F. Inputs are texel buffers whose view format
// (R32G32B32A32 or R16G16B16A16_SFLOAT, chosen by ops::Recorder) makes a read
// return vec4 either way: texelFetch on a uniform texel buffer needs nothing
// here; imageLoad on a storage texel buffer names the view's format:
//   layout(binding = 1, TEXEL_FORMAT) uniform readonly imageBuffer inTex;
// (the register-tiled and Winograd kernels, the ones lavapipe runs: it calls a
// function for every texelFetch, whose call clobbers every vector register,
// and inlines imageLoad; bench/README.md). Writes go through
// the std430 output buffer, whose element type is StoredVec4:
//   layout(std430, binding = 0) writeonly buffer Out { StoredVec4 outData[]; };
//   outData[i] = store4(v);
// Arithmetic stays fp32; only the stored value is rounded (16-bit storage needs
// storageBuffer16BitAccess, not shaderFloat16).
#ifndef RESVK_PRECISION_GLSL
#define RESVK_PRECISION_GLSL

#ifdef RESVK_FP16
#extension GL_EXT_shader_16bit_storage : require
#define StoredVec4 f16vec4
#define TEXEL_FORMAT rgba16f
#else
#define StoredVec4 vec4
#define TEXEL_FORMAT rgba32f
#endif

// A macro, not a function: a function returning f16vec4 would hold a half value
// outside storage, which needs the Float16 capability (shaderFloat16); converted
// right in the store, 16-bit storage suffices.
#define store4(v) StoredVec4(v)

#endif
