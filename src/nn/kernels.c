/* kernels.c - the three matrix products of a dense layer in plain C, and the
 * choice of the variant that serves nn_kernels.h (see nn/kernels.h).
 *
 * The inner loops run over `in`, which is contiguous in x, w, dw and dx, and are
 * written so that the compiler can vectorise them.  Each routine walks its
 * operands in tiles of about NN_TILE_FLOATS floats so that the tile being reused
 * stays in cache; tiling never changes the order of any sum, so the results are
 * the same for every tile size and every run.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/kernels.h"
#include "nn_kernels.h"

/* Floats per cache tile: 64 KiB, comfortably inside any L2. */
#define NN_TILE_FLOATS 16384

/* Rows of length `in` per tile (at least one). */
static size_t tile_rows(size_t in)
{
    size_t rows = in ? NN_TILE_FLOATS / in : NN_TILE_FLOATS;
    return rows ? rows : 1;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* sum_k a[k] b[k] with eight interleaved partial sums (lane j takes k = j mod 8),
 * combined pairwise; the tail beyond the last multiple of 8 is added last. */
static float dot(const float *restrict a, const float *restrict b, size_t n)
{
    float acc[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (size_t j = 0; j < 8; j++)
            acc[j] += a[k + j] * b[k + j];
    float tail = 0.0f;
    for (; k < n; k++)
        tail += a[k] * b[k];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) +
           tail;
}

/* y[k] += alpha x[k], k < n; the body works in blocks of 8 so that it
 * vectorises even under -O2's cautious cost model. */
static void axpy(float *restrict y, float alpha, const float *restrict x, size_t n)
{
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (size_t j = 0; j < 8; j++)
            y[k + j] += alpha * x[k + j];
    for (; k < n; k++)
        y[k] += alpha * x[k];
}

/* A tile of w rows is reused against every x row before moving on. */
static void generic_forward(float *restrict y, const float *restrict x, const float *restrict w,
                            const float *restrict b, size_t B, size_t in, size_t out)
{
    size_t tile = tile_rows(in);
    for (size_t o0 = 0; o0 < out; o0 += tile) {
        size_t o1 = min_size(out, o0 + tile);
        for (size_t i = 0; i < B; i++) {
            const float *xi = x + i * in;
            float *yi = y + i * out;
            for (size_t o = o0; o < o1; o++) {
                /* y[i][o] = b[o] + sum_k x[i][k] w[o][k] */
                float bias = b ? b[o] : 0.0f;
                yi[o] = bias + dot(xi, w + o * in, in);
            }
        }
    }
}

/* db[o] += sum_i dy[i][o], each sum in order of i. */
static void bias_sums(float *restrict db, const float *restrict dy, size_t ldy, size_t B,
                      size_t out)
{
    for (size_t o = 0; o < out; o++) {
        float s = 0.0f;
        for (size_t i = 0; i < B; i++)
            s += dy[i * ldy + o];
        db[o] += s;
    }
}

/* A tile of x rows is reused for every dw row; within each dw[o][k] the terms
 * are still added in order of increasing i. */
static void generic_backward_weights(float *restrict dw, size_t ldw, float *restrict db,
                                     const float *restrict dy, size_t ldy,
                                     const float *restrict x, size_t ldx, size_t B, size_t width,
                                     size_t out, int add)
{
    for (size_t o = 0; !add && o < out; o++) {
        memset(dw + o * ldw, 0, width * sizeof *dw);
        if (db)
            db[o] = 0.0f;
    }
    size_t tile = tile_rows(width);
    for (size_t i0 = 0; i0 < B; i0 += tile) {
        size_t i1 = min_size(B, i0 + tile);
        for (size_t o = 0; o < out; o++) {
            float *dwo = dw + o * ldw;
            /* dw[o][k] += sum_i dy[i][o] x[i][k] */
            for (size_t i = i0; i < i1; i++)
                axpy(dwo, dy[i * ldy + o], x + i * ldx, width);
        }
    }
    if (db)
        bias_sums(db, dy, ldy, B, out);
}

/* A tile of w rows is reused for every dx row; within each dx[i][k] the terms
 * are still added in order of increasing o. */
static void generic_backward_input(float *restrict dx, const float *restrict dy,
                                   const float *restrict w, size_t B, size_t in, size_t out)
{
    for (size_t k = 0; k < B * in; k++)
        dx[k] = 0.0f;
    size_t tile = tile_rows(in);
    for (size_t o0 = 0; o0 < out; o0 += tile) {
        size_t o1 = min_size(out, o0 + tile);
        for (size_t i = 0; i < B; i++) {
            float *dxi = dx + i * in;
            const float *dyi = dy + i * out;
            /* dx[i][k] = sum_o dy[i][o] w[o][k] */
            for (size_t o = o0; o < o1; o++)
                axpy(dxi, dyi[o], w + o * in, in);
        }
    }
}

/* dst[i] = src[i] / 255, divided (not multiplied by 1/255) so that it rounds
 * exactly like x / 255.0 in float32; in blocks of 8 so that it vectorises. */
static void generic_bytes_to_floats(float *restrict dst, const unsigned char *restrict src,
                                    size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t j = 0; j < 8; j++)
            dst[i + j] = (float)src[i + j] / 255.0f;
    for (; i < n; i++)
        dst[i] = (float)src[i] / 255.0f;
}

/* ---- inputs that are mostly zero (see nn/kernels.h), in vectors of 8 ---- */

#define GENERIC_LANES 8

static void generic_row_nz(const unsigned char *restrict src, size_t n, uint64_t *restrict nz)
{
    size_t words = nni_nz_words(n, GENERIC_LANES);
    for (size_t q = 0; q < words; q++)
        nz[q] = 0;
    for (size_t v = 0; v * GENERIC_LANES < n; v++) {
        unsigned any = 0;
        for (size_t k = v * GENERIC_LANES; k < n && k < (v + 1) * GENERIC_LANES; k++)
            any |= src[k];
        if (any)
            nz[v / 64] |= (uint64_t)1 << (v % 64);
    }
}

/* The block of up to 8 bytes at src as floats, as generic_bytes_to_floats
 * converts them. */
static void block_to_floats(float dst[GENERIC_LANES], const unsigned char *restrict src, size_t n)
{
    for (size_t j = 0; j < n; j++)
        dst[j] = (float)src[j] / 255.0f;
}

/* dot over the blocks of 8 bytes whose bit is set (and the tail if its bit
 * is), each converted: the same partial sums as dot, less products that are
 * zero. */
static float dot_nz(const unsigned char *restrict a, const uint64_t *restrict nz,
                    const float *restrict b, size_t n)
{
    float acc[8] = {0}, x[GENERIC_LANES];
    size_t full = n / 8;
    for (size_t v = 0; v < full; v++) {
        if (!nni_nz_bit(nz, v))
            continue;
        block_to_floats(x, a + v * 8, 8);
        for (size_t j = 0; j < 8; j++)
            acc[j] += x[j] * b[v * 8 + j];
    }
    float tail = 0.0f;
    if (full * 8 < n && nni_nz_bit(nz, full)) {
        block_to_floats(x, a + full * 8, n - full * 8);
        for (size_t k = full * 8; k < n; k++)
            tail += x[k - full * 8] * b[k];
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) +
           tail;
}

static void generic_forward_nz(float *restrict y, const unsigned char *restrict x,
                               const uint64_t *restrict nz, size_t nz_words,
                               const float *restrict w, const float *restrict b, size_t B,
                               size_t in, size_t out)
{
    for (size_t i = 0; i < B; i++) {
        for (size_t o = 0; o < out; o++) {
            /* y[i][o] = b[o] + sum_k x[i][k] w[o][k] */
            float bias = b ? b[o] : 0.0f;
            y[i * out + o] = bias + dot_nz(x + i * in, nz + i * nz_words, w + o * in, in);
        }
    }
}

/* generic_backward_weights with add = 0: each dw[o][k] summed over the rows
 * in order, each row's axpy only on its blocks of 8 whose bit is set, from
 * the block's bytes converted. */
static void generic_backward_weights_nz(float *restrict dw, size_t ldw, float *restrict db,
                                        const float *restrict dy, size_t ldy,
                                        const unsigned char *restrict x, size_t ldx,
                                        const uint32_t *restrict cols, size_t col_words,
                                        size_t k0, size_t B, size_t width, size_t out)
{
    float xk[GENERIC_LANES];
    for (size_t o = 0; o < out; o++) {
        float *dwo = dw + o * ldw;
        memset(dwo, 0, width * sizeof *dwo);
        for (size_t i = 0; i < B; i++) {
            for (size_t k = 0; k < width; k += GENERIC_LANES) {
                const uint32_t *c = cols + (k0 + k) / GENERIC_LANES * col_words;
                size_t n = min_size(GENERIC_LANES, width - k);
                if (!(c[i / 32] >> (i % 32) & 1))
                    continue;
                block_to_floats(xk, x + i * ldx + k, n);
                /* dw[o][k] += dy[i][o] x[i][k] */
                axpy(dwo + k, dy[i * ldy + o], xk, n);
            }
        }
        if (db)
            db[o] = 0.0f;
    }
    if (db)
        bias_sums(db, dy, ldy, B, out);
}

/* Keras Adam, one parameter at a time (see nn_adam_update). */
static void generic_adam(float *restrict w, float *restrict m, float *restrict v,
                         const float *restrict g, size_t n, float a, float c1, float c2,
                         float eps)
{
    for (size_t i = 0; i < n; i++) {
        /* m = m + (1-b1)(g - m) */
        m[i] += c1 * (g[i] - m[i]);
        /* v = v + (1-b2)(g^2 - v) */
        v[i] += c2 * (g[i] * g[i] - v[i]);
        /* w = w - a_t m / (sqrt(v) + eps) */
        w[i] -= a * m[i] / (sqrtf(v[i]) + eps);
    }
}

/* y = z < 0 ? 0 : z (a NaN passes through). */
static void generic_relu_forward(float *y, const float *z, size_t n)
{
    for (size_t k = 0; k < n; k++)
        y[k] = z[k] < 0.0f ? 0.0f : z[k];
}

/* dz = z > 0 ? dy : 0. */
static void generic_relu_backward(float *dz, const float *dy, const float *z, size_t n)
{
    for (size_t k = 0; k < n; k++)
        dz[k] = z[k] > 0.0f ? dy[k] : 0.0f;
}

/* round(x) for |x| < 2^22 in plain float operations (so that the loops
 * around it vectorise without SSE4.1): adding 1.5 2^23 leaves no fraction
 * bits, and the addition rounds to nearest, ties to even. */
static float round_small(float x)
{
    const float shift = 12582912.0f; /* 1.5 * 2^23 */
    return (x + shift) - shift;
}

/* sin z for |z| <= NNI_SIN_LIMIT (see nn/kernels.h): r = z - k pi in three
 * steps, sin r from its polynomial, then the sign (-1)^k. */
static float sin_reduced(float z)
{
    float k = round_small(z * NNI_INV_PI);
    /* r = z - k (pi_1 + pi_2 + pi_3), |r| <= pi / 2 */
    float r = z - k * NNI_PI_1;
    r = r - k * NNI_PI_2;
    r = r - k * NNI_PI_3;
    float r2 = r * r;
    /* sin r = r + r^3 (c3 + r^2 (c5 + r^2 (c7 + r^2 (c9 + r^2 c11)))) */
    float p = NNI_SIN_C11;
    p = p * r2 + NNI_SIN_C9;
    p = p * r2 + NNI_SIN_C7;
    p = p * r2 + NNI_SIN_C5;
    p = p * r2 + NNI_SIN_C3;
    float s = r + r * r2 * p;
    /* (-1)^k = 1 - 2 d^2 with d = k - 2 round(k / 2), which is 0 for an even
     * k and +-1 for an odd one */
    float d = k - 2.0f * round_small(k * 0.5f);
    return s * (1.0f - 2.0f * d * d);
}

/* In blocks of 8 so that the polynomial vectorises; a value beyond the
 * polynomial's range (or not finite) takes sinf. */
static void generic_sin_forward(float *y, const float *z, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        size_t len = n - i < 8 ? n - i : 8;
        float zb[8] = {0}, yb[8];
        memcpy(zb, z + i, len * sizeof *zb);
        for (size_t j = 0; j < 8; j++)
            yb[j] = sin_reduced(zb[j]);
        for (size_t j = 0; j < len; j++)
            y[i + j] = fabsf(zb[j]) <= NNI_SIN_LIMIT ? yb[j] : sinf(zb[j]);
    }
}

/* exp(-z^2) (see v_exp_neg in kernels_simd.h for the method): t = -z^2,
 * t = n ln2 + r, exp(r) from Cephes' polynomial, 2^n built in the exponent
 * bits (from the bits of round_small's sum, which hold n); 0 below
 * ln(smallest normal float), NaN for NaN. */
static float gauss_exp(float z)
{
    const float lo = -87.33654f, shift = 12582912.0f;
    float t = -(z * z), tc = t < lo ? lo : t;
    float big = tc * 1.44269504f + shift, n = big - shift;
    float r = tc - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    /* exp(r) = 1 + r + r^2 P(r) */
    p = p * (r * r) + (r + 1.0f);
    /* 2^n: n + 127 in the exponent field; big's low bits are n + 2^22 */
    uint32_t bits, shift_bits;
    memcpy(&bits, &big, sizeof bits);
    memcpy(&shift_bits, &shift, sizeof shift_bits);
    uint32_t pow_bits = (bits - shift_bits + 127u) << 23;
    float pow2;
    memcpy(&pow2, &pow_bits, sizeof pow2);
    return t < lo ? 0.0f : p * pow2;
}

static void generic_gauss_forward(float *y, const float *z, size_t n)
{
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (size_t j = 0; j < 8; j++)
            y[k + j] = gauss_exp(z[k + j]);
    for (; k < n; k++)
        y[k] = gauss_exp(z[k]);
}

/* Cross-entropy from logits, row by row (see nn_xent_forward_backward): each
 * exponential once, by libm's expf; sums and the loss in double. */
static double generic_xent(const float *z, const unsigned char *labels, float *dz, size_t B,
                           size_t C, size_t norm, double *row_loss)
{
    double total = 0.0, inv_norm = 1.0 / (double)norm;
    for (size_t i = 0; i < B; i++) {
        const float *zi = z + i * C;
        float m = zi[0];
        for (size_t j = 1; j < C; j++)
            m = zi[j] > m ? zi[j] : m;
        double sum = 0.0;
        for (size_t j = 0; j < C; j++) {
            /* e_j = exp(z_j - max z): the largest term is exactly 1, none overflows */
            float e = expf(zi[j] - m);
            if (dz)
                dz[i * C + j] = e;
            sum += e;
        }
        size_t label = labels[i];
        /* E_i = -log softmax(z)_label = logsumexp(z) - z_label
         *     = (max z - z_label) + log sum_j e_j */
        double loss = label < C ? ((double)m - zi[label]) + log(sum) : NAN;
        if (row_loss)
            row_loss[i] = loss;
        total += loss;
        if (dz) {
            float *dzi = dz + i * C;
            double inv_sum = 1.0 / sum;
            for (size_t j = 0; j < C; j++) {
                /* dE/dz_j = (softmax(z)_j - onehot_j) / norm, softmax(z)_j = e_j / sum_k e_k */
                double p = dzi[j] * inv_sum;
                dzi[j] = (float)((p - (j == label ? 1.0 : 0.0)) * inv_norm);
            }
        }
    }
    return total;
}

const nni_kernel_table *nni_kernels_generic(void)
{
    static const nni_kernel_table table = {
        .name = "generic",
        .forward = generic_forward,
        .backward_weights = generic_backward_weights,
        .wg_rows = 1, /* one row at a time */
        .wg_cols = 8, /* axpy's blocks of 8 */
        .backward_input = generic_backward_input,
        .bytes_to_floats = generic_bytes_to_floats,
        .adam = generic_adam,
        .relu_forward = generic_relu_forward,
        .relu_backward = generic_relu_backward,
        .sin_forward = generic_sin_forward,
        .gauss_forward = generic_gauss_forward,
        .xent = generic_xent,
        .lanes = GENERIC_LANES,
        .row_nz = generic_row_nz,
        .forward_nz = generic_forward_nz,
        .backward_weights_nz = generic_backward_weights_nz,
    };
    return &table;
}

const nni_kernel_table *nni_kernels_find(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "generic") == 0)
        return nni_kernels_generic();
    if (strcmp(name, "avx2") == 0)
        return nni_kernels_avx2();
    if (strcmp(name, "avx512") == 0)
        return nni_kernels_avx512();
    return NULL;
}

const nni_kernel_table *nni_kernels_choose(const char *request)
{
    const nni_kernel_table *t = nni_kernels_find(request);
    if (!t)
        t = nni_kernels_avx512();
    if (!t)
        t = nni_kernels_avx2();
    return t ? t : nni_kernels_generic();
}

/* The choice is made once; a race between first callers is harmless because
 * they all compute the same answer. */
const nni_kernel_table *nni_kernels_active(void)
{
    static _Atomic(const nni_kernel_table *) chosen;
    const nni_kernel_table *t = atomic_load_explicit(&chosen, memory_order_acquire);
    if (!t) {
        t = nni_kernels_choose(getenv("NNART_KERNELS"));
        atomic_store_explicit(&chosen, t, memory_order_release);
    }
    return t;
}

void nn_matmul_forward(float *y, const float *x, const float *w, const float *b, size_t B,
                       size_t in, size_t out)
{
    nni_kernels_active()->forward(y, x, w, b, B, in, out);
}

void nn_matmul_backward_weights(float *dw, float *db, const float *dy, const float *x, size_t B,
                                size_t in, size_t out)
{
    nni_kernels_active()->backward_weights(dw, in, db, dy, out, x, in, B, in, out, 1);
}

void nn_matmul_backward_input(float *dx, const float *dy, const float *w, size_t B, size_t in,
                              size_t out)
{
    nni_kernels_active()->backward_input(dx, dy, w, B, in, out);
}

void nn_bytes_to_floats(float *dst, const unsigned char *src, size_t n)
{
    nni_kernels_active()->bytes_to_floats(dst, src, n);
}

void nn_adam_update(float *w, float *m, float *v, const float *g, size_t n, float a, float c1,
                    float c2, float eps)
{
    nni_kernels_active()->adam(w, m, v, g, n, a, c1, c2, eps);
}

void nn_relu_forward(float *y, const float *z, size_t n)
{
    nni_kernels_active()->relu_forward(y, z, n);
}

void nn_relu_backward(float *dz, const float *dy, const float *z, size_t n)
{
    nni_kernels_active()->relu_backward(dz, dy, z, n);
}

const char *nn_kernels_variant(void)
{
    return nni_kernels_active()->name;
}
