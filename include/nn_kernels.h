/* nn_kernels.h - the three matrix products of a dense layer.
 *
 * Layouts (all row-major, float32, caller-owned):
 *   x  (B, in)     a batch of B input rows
 *   w  (out, in)   weights: row o holds the in weights feeding output o
 *   b  (out)       biases
 *   y  (B, out)    outputs
 * Buffers must not overlap unless stated.  Sizes of zero are allowed and do
 * nothing.  These are the only hot loops of training; everything else is O(B*out).
 */
#ifndef NN_KERNELS_H
#define NN_KERNELS_H

#include <stddef.h>

/* y = x w^T + b:  y[i][o] = b[o] + sum_k x[i][k] w[o][k].  b may be NULL (zero). */
void nn_matmul_forward(float *y, const float *x, const float *w, const float *b,
                       size_t B, size_t in, size_t out);

/* Weight gradient, accumulated:  dw[o][k] += sum_i dy[i][o] x[i][k]  (dw += dy^T x),
 * and db[o] += sum_i dy[i][o] when db is not NULL. */
void nn_matmul_backward_weights(float *dw, float *db, const float *dy, const float *x,
                                size_t B, size_t in, size_t out);

/* Input gradient, overwritten:  dx[i][k] = sum_o dy[i][o] w[o][k]  (dx = dy w). */
void nn_matmul_backward_input(float *dx, const float *dy, const float *w,
                              size_t B, size_t in, size_t out);

/* Converts n bytes to floats scaled by 1/255 (pixels to [0, 1]): dst[i] = src[i] / 255. */
void nn_bytes_to_floats(float *dst, const unsigned char *src, size_t n);

/* One Keras-form Adam update of n parameters (nn_optim.h), element by element:
 *   m = m + c1 (g - m);  v = v + c2 (g^2 - v);  w = w - a m / (sqrt(v) + eps)
 * with c1 = 1 - beta1, c2 = 1 - beta2 and a the step size a_t, each operation
 * rounded to float in this order (no fused multiply-adds), so that every
 * variant gives the same bits as the plain loop. */
void nn_adam_update(float *w, float *m, float *v, const float *g, size_t n, float a, float c1,
                    float c2, float eps);

/* ReLU and its gradient, element by element (exact selections, the same bits
 * in every variant):  y = z < 0 ? 0 : z  (a NaN passes through), and
 * dz = z > 0 ? dy : 0.  y may equal z and dz may equal dy; no other overlap. */
void nn_relu_forward(float *y, const float *z, size_t n);
void nn_relu_backward(float *dz, const float *dy, const float *z, size_t n);

/* The name of the kernel variant chosen for this CPU ("avx512", "avx2", "generic"):
 * the widest it supports, or the one the environment variable NNART_KERNELS
 * names if the CPU supports it (an unsupported or unknown name is ignored).
 * Chosen once per process.  Variants may differ in rounding (the vector ones
 * use fused multiply-adds); each gives the same bits on every run. */
const char *nn_kernels_variant(void);

#endif
