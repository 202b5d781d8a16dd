// A convolution's last step on one output texel: bias, residual and ReLU, as
// the kernel was built for them (specialisation constant EPILOGUE, bits
// RESVK_EPILOGUE_* of conv_params.h). Not push constants: gallivm runs an `if`
// body under a mask for every lane even when the condition is false for all, so
// a residual read behind pc.hasResidual cost every layer one fetch per output
// texel. Include after EPILOGUE, biasTex and residualTex.
#ifndef RESVK_CONV_EPILOGUE_GLSL
#define RESVK_CONV_EPILOGUE_GLSL

vec4 epilogueBias(int co4) {
    return (EPILOGUE & RESVK_EPILOGUE_BIAS) != 0 ? imageLoad(biasTex, co4) : vec4(0.0);
}

// v: the sums plus epilogueBias; index: the output texel (the residual's too).
vec4 epilogueFinish(vec4 v, int index) {
    if ((EPILOGUE & RESVK_EPILOGUE_RESIDUAL) != 0) v += imageLoad(residualTex, index);
    if ((EPILOGUE & RESVK_EPILOGUE_RELU) != 0) v = max(v, vec4(0.0));
    return v;
}

#endif
