// The GPU convolution kernels' last step, shared by conv_tiled.comp and
// conv_coopmat.comp: one output texel (channels 4*co4..4*co4+3 of GEMM row q,
// a pixel over batch * outH * outW) of split `split`. Needs pc
// (TiledConvParams), PARTIAL, outData, biasTex and residualTex declared first.
#ifndef RESVK_CONV_STORE_GLSL
#define RESVK_CONV_STORE_GLSL
void storeConvTexel(int split, int q, int co4, vec4 acc) {
    const int outPlane = pc.outH * pc.outW;
    const int n = q / outPlane;
    const int index = (n * pc.outC4 + co4) * outPlane + (q - n * outPlane);
    if (PARTIAL != 0) {  // raw sums; conv_split_reduce.comp finishes them
        outData[split * pc.outTexels + index] = store4(acc);
        return;
    }
    vec4 v = acc;
    if (pc.hasBias != 0) v += texelFetch(biasTex, co4);
    if (pc.hasResidual != 0) v += texelFetch(residualTex, index);
    if (pc.relu != 0) v = max(v, vec4(0.0));
    outData[index] = store4(v);
}
#endif
