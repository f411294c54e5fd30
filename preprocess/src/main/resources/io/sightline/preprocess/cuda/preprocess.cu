// Sightline's fused preprocessing kernel: [undistort remap] -> ROI crop -> INTER_AREA resize -> normalise,
// one thread per output pixel, written into one [H,W,1] float32 slot of the batch tensor.
//
// Compiled at run time by NVRTC (CudaPreprocessor) for the device's compute capability, without
// fast-math: every float operation below is IEEE round-to-nearest, so PreprocessArithmetic (Java)
// computes the very same values. Each step names the line of PreprocessArithmetic it mirrors and
// the OpenCV code whose arithmetic it reproduces.

// Fixed-point remap (OpenCV remapBilinear, 8U, CV_16SC2 maps, INTER_BITS = 5, COEF_BITS = 15).
// Mirrors PreprocessArithmetic.pixel(). Returns the frame's gray level at ROI-independent frame
// coordinates (x, y), undistorted when maps are given.
__device__ __forceinline__ int sl_pixel(const unsigned char* frame, int stride, int frameW, int frameH,
                                        const float* mapX, const float* mapY, int x, int y) {
    if (mapX == 0) return frame[y * stride + x];                        // ref: no maps -> the raw pixel
    int m = y * frameW + x;
    int iu = __float2int_rn(mapX[m] * 32.0f);                           // ref: iu = (int) rint(mapX * 32) (exact: the map holds ix + tx/32)
    int iv = __float2int_rn(mapY[m] * 32.0f);                           // ref: iv = (int) rint(mapY * 32)
    int sx = iu >> 5, sy = iv >> 5;                                     // ref: sx = iu >> 5 (floor, as OpenCV's map1)
    int tx = iu & 31, ty = iv & 31;                                     // ref: tx = iu & 31 (OpenCV's map2 index ty*32+tx)
    int w00 = (32 - ty) * (32 - tx) * 32;                               // ref: w00, OpenCV's wtab: (1-y)(1-x)*32768
    int w01 = (32 - ty) * tx * 32;                                      // ref: w01
    int w10 = ty * (32 - tx) * 32;                                      // ref: w10
    int w11 = ty * tx * 32;                                             // ref: w11
    bool x0in = sx >= 0 && sx < frameW, x1in = sx + 1 >= 0 && sx + 1 < frameW;   // ref: BORDER_CONSTANT, value 0
    bool y0in = sy >= 0 && sy < frameH, y1in = sy + 1 >= 0 && sy + 1 < frameH;
    int p00 = (x0in && y0in) ? frame[sy * stride + sx] : 0;             // ref: tap(sx, sy)
    int p01 = (x1in && y0in) ? frame[sy * stride + sx + 1] : 0;         // ref: tap(sx + 1, sy)
    int p10 = (x0in && y1in) ? frame[(sy + 1) * stride + sx] : 0;       // ref: tap(sx, sy + 1)
    int p11 = (x1in && y1in) ? frame[(sy + 1) * stride + sx + 1] : 0;   // ref: tap(sx + 1, sy + 1)
    int v = p00 * w00 + p01 * w01 + p10 * w10 + p11 * w11;              // ref: v (integer: exact in any order)
    return min(255, (v + (1 << 14)) >> 15);                             // ref: FixedPtCast: (v + 2^14) >> 15
}

// OpenCV's resizeAreaFast_ for one destination pixel of an integer kx x ky shrink:
// 2x2 uses the vector path's (sum + 2) >> 2; any other factor saturate_cast<uchar>(sum * (1.f/area)),
// cvRound = round half to even. Mirrors PreprocessArithmetic.areaMean().
__device__ __forceinline__ int sl_area_mean(int sum, int kx, int ky, float areaScale) {
    if (kx == 2 && ky == 2) return (sum + 2) >> 2;                      // ref: (sum + 2) >> 2
    int r = __float2int_rn(__fmul_rn((float) sum, areaScale));          // ref: (int) Math.rint((float) sum * areaScale)
    return max(0, min(255, r));                                         // ref: saturate to 0..255
}

extern "C" __global__ void sightline_preprocess(
        const unsigned char* frame, int stride, int frameW, int frameH,
        const float* mapX, const float* mapY,                           // null: no undistortion
        int roiX, int roiY,
        int kx, int ky, int twoStep, float areaScale,                   // twoStep: halve first, then kx/2 x ky/2
        float alpha, float beta,
        int outW, int outH, float* out) {
    int ox = blockIdx.x * blockDim.x + threadIdx.x;
    int oy = blockIdx.y * blockDim.y + threadIdx.y;
    if (ox >= outW || oy >= outH) return;
    int g;
    if (twoStep) {                                                      // ref: twoStep branch (Preprocessor.halvesFirst)
        int hx = kx >> 1, hy = ky >> 1;                                 // the second step's factor
        int sum = 0;
        for (int j = 0; j < hy; j++) {                                  // ref: same loops; integer sums
            for (int i = 0; i < hx; i++) {
                int x = roiX + 2 * (ox * hx + i), y = roiY + 2 * (oy * hy + j);   // top-left of the 2x2 cell in the frame
                int s2 = sl_pixel(frame, stride, frameW, frameH, mapX, mapY, x, y)
                       + sl_pixel(frame, stride, frameW, frameH, mapX, mapY, x + 1, y)
                       + sl_pixel(frame, stride, frameW, frameH, mapX, mapY, x, y + 1)
                       + sl_pixel(frame, stride, frameW, frameH, mapX, mapY, x + 1, y + 1);
                sum += sl_area_mean(s2, 2, 2, 0.25f);                   // ref: the halved image's gray level
            }
        }
        g = sl_area_mean(sum, hx, hy, areaScale);                       // ref: areaScale = 1f / (hx * hy)
    } else {
        int sum = 0;
        for (int j = 0; j < ky; j++)
            for (int i = 0; i < kx; i++)
                sum += sl_pixel(frame, stride, frameW, frameH, mapX, mapY, roiX + ox * kx + i, roiY + oy * ky + j);
        g = sl_area_mean(sum, kx, ky, areaScale);                       // ref: areaScale = 1f / (kx * ky)
    }
    out[oy * outW + ox] = __fmaf_rn((float) g, alpha, beta);            // ref: Math.fma((float) g, alpha, beta) (OpenCV convertTo: v_fma)
}
