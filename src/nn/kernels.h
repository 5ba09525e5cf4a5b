/* kernels.h - the kernel variants behind nn_kernels.h.
 *
 * Each instruction set has one table of the kernels.  The public
 * functions call the table chosen once per process: the one named by the
 * environment variable NNART_KERNELS (generic, avx2 or avx512) when this CPU
 * can run it, otherwise the widest the CPU supports.  Variants may round
 * differently from one another (the SIMD ones use fused multiply-adds and
 * another summation order), but each gives the same bits on every call, and
 * each output element is computed the same way whatever the batch size or the
 * position of its row, so a row's result never depends on how a batch is split.
 * The Adam update and ReLU are the exceptions: they round exactly as the
 * plain formula does (no fused multiply-adds), so all variants give the same
 * bits.  The cross-entropy's exponentials are libm's expf in the generic
 * variant and a polynomial of about the same accuracy in the SIMD ones; the
 * sin and exp(-z^2) activations are polynomials in every variant (with fused
 * multiply-adds in the SIMD ones).
 */
#ifndef NNI_KERNELS_H
#define NNI_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef struct nni_kernel_table {
    const char *name; /* "generic", "avx2" or "avx512" */
    void (*forward)(float *y, const float *x, const float *w, const float *b, size_t B,
                    size_t in, size_t out);
    /* The weight gradient of a block of columns, with explicit row strides:
     * dw[o][k] += sum_i dy[i][o] x[i][k] for o < out, k < width, i < B, where
     * row o of dw starts at dw + o ldw, row i of dy at dy + i ldy and row i of
     * x at x + i ldx; and db[o] += sum_i dy[i][o] when db is not NULL.
     * With add = 0 the sums start from zero instead: dw and db are
     * overwritten, with the same bits as zeroing them first and adding.
     * nn_matmul_backward_weights is (dw, in, db, dy, out, x, in, B, in, out, 1). */
    void (*backward_weights)(float *dw, size_t ldw, float *db, const float *dy, size_t ldy,
                             const float *x, size_t ldx, size_t B, size_t width, size_t out,
                             int add);
    /* backward_weights works in tiles of wg_rows rows (outputs) by wg_cols
     * columns (inputs): a block of weights whose height and width are
     * multiples of these is covered by whole tiles (the results are the same
     * bits for any block; only the speed differs). */
    size_t wg_rows, wg_cols;
    void (*backward_input)(float *dx, const float *dy, const float *w, size_t B, size_t in,
                           size_t out);
    void (*bytes_to_floats)(float *dst, const unsigned char *src, size_t n);
    void (*adam)(float *w, float *m, float *v, const float *g, size_t n, float a, float c1,
                 float c2, float eps);
    void (*relu_forward)(float *y, const float *z, size_t n);
    void (*relu_backward)(float *dz, const float *dy, const float *z, size_t n);
    /* y = sin z and y = exp(-z^2), n values (y may equal z): polynomials,
     * each within 2e-7 of the true value (sin for |z| <= NNI_SIN_LIMIT; larger
     * |z| take libm's sinf) */
    void (*sin_forward)(float *y, const float *z, size_t n);
    void (*gauss_forward)(float *y, const float *z, size_t n);
    /* nn_xent_forward_backward (nn_layers.h) for C >= 1; if row_loss is not
     * NULL it also receives each row's loss (the return value is their sum,
     * added in row order).  The bits of each row's loss and gradient are
     * those of the row alone (B = 1). */
    double (*xent)(const float *z, const unsigned char *labels, float *dz, size_t B, size_t C,
                   size_t norm, double *row_loss);
    /* Inputs that are mostly zero, as pixels are, given as bytes: each
     * value is byte / 255, converted as bytes_to_floats converts it, in
     * registers.  A row of n bytes is seen as vectors of `lanes` from its
     * start (the last one partial when lanes does not divide n).  Its
     * nonzero bits are nni_nz_words(n, lanes) words of 64, bit v % 64 of
     * word v / 64 set when vector v holds a byte other than 0; a batch's
     * column bits are, for each vector v, col_words words of 32 at
     * cols + v col_words, bit i % 32 of word i / 32 set when row i's
     * vector v does.  row_nz writes a row's nonzero bits to nz.
     * forward_nz is forward for x (B, in) of bytes whose row i has its
     * nonzero bits at nz + i nz_words; backward_weights_nz is
     * backward_weights with add = 0 for x of bytes (and dw) starting at
     * column k0 of the rows, a multiple of lanes, with the column bits of
     * the whole rows.  Both read only the vectors whose bit is set, and give
     * the same bits as forward and backward_weights on bytes_to_floats(x)
     * with zeros in the others whenever w (forward) and dy (weights) are
     * finite: every product skipped is a zero, and adding a zero to a sum
     * that starts from +0 leaves it as it is. */
    size_t lanes;
    void (*row_nz)(const unsigned char *src, size_t n, uint64_t *nz);
    void (*forward_nz)(float *y, const unsigned char *x, const uint64_t *nz, size_t nz_words,
                       const float *w, const float *b, size_t B, size_t in, size_t out);
    void (*backward_weights_nz)(float *dw, size_t ldw, float *db, const float *dy, size_t ldy,
                                const unsigned char *x, size_t ldx, const uint32_t *cols,
                                size_t col_words, size_t k0, size_t B, size_t width,
                                size_t out);
} nni_kernel_table;

/* Words of nonzero bits for a row of n floats in vectors of `lanes`. */
static inline size_t nni_nz_words(size_t n, size_t lanes)
{
    return ((n + lanes - 1) / lanes + 63) / 64;
}

/* Whether vector v's bit is set in a row's nonzero bits. */
static inline int nni_nz_bit(const uint64_t *nz, size_t v)
{
    return (int)(nz[v / 64] >> (v % 64) & 1);
}

/* The largest |z| whose sine the polynomial computes. */
#define NNI_SIN_LIMIT 8192.0f

/* The constants of sin z = (-1)^k sin r, r = z - k pi, k = round(z / pi):
 * pi = NNI_PI_1 + NNI_PI_2 + NNI_PI_3 split so that k NNI_PI_1 and k NNI_PI_2
 * are exact for |z| <= NNI_SIN_LIMIT (Cody and Waite; Cephes' constants for
 * pi / 4, times 4), and sin r = r + r^3 P(r^2), P the Taylor series to r^11
 * (|error| <= (pi/2)^13 / 13! < 6e-8 for |r| <= pi/2). */
#define NNI_INV_PI 0.318309886183790672f
#define NNI_PI_1 3.140625f
#define NNI_PI_2 9.67502593994140625e-4f
#define NNI_PI_3 1.509957990978376432e-7f
#define NNI_SIN_C11 -2.50521084e-8f
#define NNI_SIN_C9 2.75573192e-6f
#define NNI_SIN_C7 -1.98412698e-4f
#define NNI_SIN_C5 8.33333333e-3f
#define NNI_SIN_C3 -1.66666667e-1f

/* The portable C kernels; always available. */
NNI_HIDDEN const nni_kernel_table *nni_kernels_generic(void);
/* AVX2 + FMA kernels: NULL unless built for x86-64 and the CPU has both. */
NNI_HIDDEN const nni_kernel_table *nni_kernels_avx2(void);
/* AVX-512F kernels: NULL unless built for x86-64 and the CPU (and OS) has it. */
NNI_HIDDEN const nni_kernel_table *nni_kernels_avx512(void);

/* The table for a variant name, or NULL if the name is unknown or this CPU
 * cannot run it. */
NNI_HIDDEN const nni_kernel_table *nni_kernels_find(const char *name);

/* What a request (a variant name, or NULL for none) resolves to: the named
 * variant if this CPU can run it, otherwise the widest supported one. */
NNI_HIDDEN const nni_kernel_table *nni_kernels_choose(const char *request);

/* The table in use: nni_kernels_choose(getenv("NNART_KERNELS")), resolved on
 * the first call and then fixed for the life of the process. */
NNI_HIDDEN const nni_kernel_table *nni_kernels_active(void);

#endif
