// How a kernel stores tensors. Every tensor kernel is compiled twice
// (resvk_shader(... FP16) in shaders.cmake): without RESVK_FP16 tensors are
// RGBA32F, with it RGBA16F. Reads need nothing here: inputs are uniform texel
// buffers whose view format (R32G32B32A32 or R16G16B16A16_SFLOAT, chosen by
// ops::Recorder) makes texelFetch return vec4 either way. Writes go through
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
#else
#define StoredVec4 vec4
#endif

StoredVec4 store4(vec4 v) { return StoredVec4(v); }

#endif
