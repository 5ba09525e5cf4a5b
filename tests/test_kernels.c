/* test_kernels.c - the dense-layer products against naive loops in double, for
 * every kernel variant this CPU can run (generic, and avx2 / avx512 where
 * supported), plus the properties the trainer relies on: a row's result does
 * not depend on the batch around it, and the variant is chosen as documented. */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "nn/kernels.h"
#include "nn_kernels.h"
#include "test.h"
#include "variants.h"

/* A small self-contained generator (64-bit LCG, top bits), so that these tests
 * depend on nothing but the kernels. */
static uint64_t lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* Uniform in [-1, 1). */
static float rand_real(uint64_t *s)
{
    return (float)((double)lcg_next(s) / 2147483648.0 * 2.0 - 1.0);
}

/* A multiple of 1/8 in [-2, 2]: products are multiples of 1/64 of at most 4, so
 * any sum of fewer than 2^16 of them is exact in float whatever the order. */
static float rand_dyadic(uint64_t *s)
{
    return (float)((int)(lcg_next(s) % 33) - 16) / 8.0f;
}

static float *fill(size_t n, int dyadic, uint64_t *s)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < n; k++)
        p[k] = dyadic ? rand_dyadic(s) : rand_real(s);
    return p;
}

static float *fill_nan(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < n; k++)
        p[k] = NAN;
    return p;
}

/* Checks got against a double reference: exactly for dyadic data, otherwise
 * within a relative error of the sum of absolute terms (scale). */
static int close_enough(float got, double want, double scale, int dyadic)
{
    if (dyadic)
        return (double)got == want;
    return fabs((double)got - want) <= 1e-5 * scale + 1e-30;
}

typedef struct shape {
    size_t B, in, out;
} shape;

/* Hand-picked shapes, including 784 and 785 rows and outputs. */
static const shape shapes[] = {
    {1, 1, 1},    {1, 784, 10},  {3, 7, 10},   {7, 17, 3},    {10, 33, 7},
    {17, 785, 10}, {33, 784, 17}, {3, 10, 785}, {1, 3, 33},    {10, 1, 784},
    {785, 3, 1},  {7, 785, 33},  {33, 17, 784}, {784, 10, 10}, {3, 33, 1},
    {7, 32, 65},  {5, 33, 64},   {9, 32, 64},   {6, 31, 33},   {4, 16, 48},
    {17, 785, 9}, {10, 33, 9},
};

#define N_SHAPES (sizeof shapes / sizeof shapes[0])

/* And every combination of these awkward sizes (tile edges, vector tails). */
static const size_t sizes_B[] = {1, 7, 10, 17};
static const size_t sizes_in[] = {1, 7, 10, 17, 32, 33, 64, 784, 785};
static const size_t sizes_out[] = {1, 7, 10, 17};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define N_GRID (COUNT(sizes_B) * COUNT(sizes_in) * COUNT(sizes_out))

/* Shape t of N_SHAPES + N_GRID. */
static shape shape_at(size_t t)
{
    if (t < N_SHAPES)
        return shapes[t];
    t -= N_SHAPES;
    shape s;
    s.B = sizes_B[t % COUNT(sizes_B)];
    t /= COUNT(sizes_B);
    s.in = sizes_in[t % COUNT(sizes_in)];
    t /= COUNT(sizes_in);
    s.out = sizes_out[t];
    return s;
}

static void check_forward(const nni_kernel_table *K, shape s, int dyadic, int with_bias,
                          uint64_t *seed)
{
    float *x = fill(s.B * s.in, dyadic, seed);
    float *w = fill(s.out * s.in, dyadic, seed);
    float *b = with_bias ? fill(s.out, dyadic, seed) : NULL;
    float *y = fill_nan(s.B * s.out);
    K->forward(y, x, w, b, s.B, s.in, s.out);
    size_t bad = 0;
    for (size_t i = 0; i < s.B; i++) {
        for (size_t o = 0; o < s.out; o++) {
            double want = b ? b[o] : 0.0, scale = b ? fabs(b[o]) : 0.0;
            for (size_t k = 0; k < s.in; k++) {
                double t = (double)x[i * s.in + k] * w[o * s.in + k];
                want += t;
                scale += fabs(t);
            }
            bad += !close_enough(y[i * s.out + o], want, scale, dyadic);
        }
    }
    if (bad)
        fprintf(stderr, "%s forward B=%zu in=%zu out=%zu dyadic=%d bias=%d: %zu wrong\n",
                K->name, s.B, s.in, s.out, dyadic, with_bias, bad);
    CHECK(bad == 0);
    free(x);
    free(w);
    free(b);
    free(y);
}

static void test_forward(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 1;
        for (size_t t = 0; t < N_SHAPES + N_GRID; t++)
            for (int dyadic = 0; dyadic < 2; dyadic++)
                for (int bias = 0; bias < 2; bias++)
                    check_forward(v[k], shape_at(t), dyadic, bias, &seed);
    }
}

/* Calls backward_weights `calls` times on the same data, starting from a random
 * dw and db, and checks dw = dw0 + calls * dy^T x and db = db0 + calls * sum dy. */
static void check_backward_weights(const nni_kernel_table *K, shape s, int dyadic, int with_bias,
                                   int calls, uint64_t *seed)
{
    float *dy = fill(s.B * s.out, dyadic, seed);
    float *x = fill(s.B * s.in, dyadic, seed);
    float *dw = fill(s.out * s.in, dyadic, seed);
    float *db = with_bias ? fill(s.out, dyadic, seed) : NULL;
    float *dw0 = fill(s.out * s.in, 0, seed), *db0 = fill(s.out, 0, seed);
    memcpy(dw0, dw, s.out * s.in * sizeof *dw);
    if (db)
        memcpy(db0, db, s.out * sizeof *db);
    for (int c = 0; c < calls; c++)
        K->backward_weights(dw, s.in, db, dy, s.out, x, s.in, s.B, s.in, s.out, 1);
    size_t bad = 0;
    for (size_t o = 0; o < s.out; o++) {
        for (size_t k = 0; k < s.in; k++) {
            double g = 0.0, scale = fabs(dw0[o * s.in + k]);
            for (size_t i = 0; i < s.B; i++) {
                double t = (double)dy[i * s.out + o] * x[i * s.in + k];
                g += t;
                scale += calls * fabs(t);
            }
            bad += !close_enough(dw[o * s.in + k], dw0[o * s.in + k] + calls * g, scale, dyadic);
        }
        if (db) {
            double g = 0.0, scale = fabs(db0[o]);
            for (size_t i = 0; i < s.B; i++) {
                g += dy[i * s.out + o];
                scale += calls * fabs(dy[i * s.out + o]);
            }
            bad += !close_enough(db[o], db0[o] + calls * g, scale, dyadic);
        }
    }
    if (bad)
        fprintf(stderr, "%s backward_weights B=%zu in=%zu out=%zu dyadic=%d bias=%d: %zu wrong\n",
                K->name, s.B, s.in, s.out, dyadic, with_bias, bad);
    CHECK(bad == 0);
    free(dy);
    free(x);
    free(dw);
    free(db);
    free(dw0);
    free(db0);
}

static void test_backward_weights(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 2;
        for (size_t t = 0; t < N_SHAPES + N_GRID; t++)
            for (int dyadic = 0; dyadic < 2; dyadic++)
                for (int bias = 0; bias < 2; bias++)
                    check_backward_weights(v[k], shape_at(t), dyadic, bias, 1, &seed);
    }
}

/* += semantics: two calls add the gradient twice on top of the starting values. */
static void test_backward_weights_accumulates(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 3;
        for (size_t t = 0; t < N_SHAPES + N_GRID; t += 3)
            for (int dyadic = 0; dyadic < 2; dyadic++)
                check_backward_weights(v[k], shape_at(t), dyadic, 1, 2, &seed);
    }
}

/* With add = 0 the gradient is written over whatever dw and db held (NaN
 * here), with the same bits as zeroing them and adding; a block of columns
 * with row strides is written alone. */
static void check_backward_weights_overwrites(const nni_kernel_table *K, shape s,
                                              uint64_t *seed)
{
    float *dy = fill(s.B * s.out, 0, seed), *x = fill(s.B * s.in, 0, seed);
    float *want = calloc(s.out * s.in + s.out, sizeof *want);
    float *got = malloc((s.out * s.in + s.out) * sizeof *got);
    for (size_t i = 0; i < s.out * s.in + s.out; i++)
        got[i] = NAN;
    K->backward_weights(want, s.in, want + s.out * s.in, dy, s.out, x, s.in, s.B, s.in, s.out, 1);
    K->backward_weights(got, s.in, got + s.out * s.in, dy, s.out, x, s.in, s.B, s.in, s.out, 0);
    CHECK(memcmp(got, want, (s.out * s.in + s.out) * sizeof *got) == 0);
    /* columns [k0, in) only: those are written, the others keep their NaN */
    size_t k0 = s.in / 3;
    for (size_t i = 0; i < s.out * s.in + s.out; i++)
        got[i] = NAN;
    K->backward_weights(got + k0, s.in, NULL, dy, s.out, x + k0, s.in, s.B, s.in - k0, s.out, 0);
    size_t bad = 0;
    for (size_t o = 0; o < s.out; o++)
        for (size_t k = 0; k < s.in; k++) {
            float g = got[o * s.in + k], w = want[o * s.in + k];
            bad += k < k0 ? !isnan(g) : memcmp(&g, &w, sizeof g) != 0;
        }
    for (size_t o = 0; o < s.out; o++)
        bad += !isnan(got[s.out * s.in + o]);
    if (bad)
        fprintf(stderr, "%s backward_weights add=0 B=%zu in=%zu out=%zu: %zu wrong\n", K->name,
                s.B, s.in, s.out, bad);
    CHECK(bad == 0);
    free(dy);
    free(x);
    free(want);
    free(got);
}

static void test_backward_weights_overwrites(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 4;
        for (size_t t = 0; t < N_SHAPES + N_GRID; t++)
            check_backward_weights_overwrites(v[k], shape_at(t), &seed);
        /* enough outputs and rows that x's strips are packed in several blocks */
        check_backward_weights_overwrites(v[k], (shape){400, 40, 20}, &seed);
    }
}

static void check_backward_input(const nni_kernel_table *K, shape s, int dyadic, uint64_t *seed)
{
    float *dy = fill(s.B * s.out, dyadic, seed);
    float *w = fill(s.out * s.in, dyadic, seed);
    float *dx = fill_nan(s.B * s.in); /* must be overwritten, not added to */
    K->backward_input(dx, dy, w, s.B, s.in, s.out);
    size_t bad = 0;
    for (size_t i = 0; i < s.B; i++) {
        for (size_t k = 0; k < s.in; k++) {
            double want = 0.0, scale = 0.0;
            for (size_t o = 0; o < s.out; o++) {
                double t = (double)dy[i * s.out + o] * w[o * s.in + k];
                want += t;
                scale += fabs(t);
            }
            bad += !close_enough(dx[i * s.in + k], want, scale, dyadic);
        }
    }
    if (bad)
        fprintf(stderr, "%s backward_input B=%zu in=%zu out=%zu dyadic=%d: %zu wrong\n",
                K->name, s.B, s.in, s.out, dyadic, bad);
    CHECK(bad == 0);
    free(dy);
    free(w);
    free(dx);
}

static void test_backward_input(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 4;
        for (size_t t = 0; t < N_SHAPES + N_GRID; t++)
            for (int dyadic = 0; dyadic < 2; dyadic++)
                check_backward_input(v[k], shape_at(t), dyadic, &seed);
    }
}

/* Sizes of zero: nothing is read or written beyond what the formulas define
 * (in = 0 leaves y = b and dw untouched while db still sums dy; out = 0 zeroes dx). */
static void check_zero_sizes(const nni_kernel_table *K)
{
    float x[4] = {1, 2, 3, 4}, w[4] = {1, 1, 1, 1}, b[2] = {5, -6};
    float y[4] = {7, 7, 7, 7};
    K->forward(y, x, w, b, 0, 2, 2);
    CHECK(y[0] == 7 && y[1] == 7 && y[2] == 7 && y[3] == 7);
    K->forward(y, x, w, b, 2, 0, 2);
    CHECK(y[0] == 5 && y[1] == -6 && y[2] == 5 && y[3] == -6);
    K->forward(y, x, w, NULL, 2, 0, 2);
    CHECK(y[0] == 0 && y[1] == 0 && y[2] == 0 && y[3] == 0);
    y[0] = 7;
    K->forward(y, x, w, b, 2, 2, 0);
    CHECK(y[0] == 7);

    float dy[4] = {1, 2, 3, 4}, dw[4] = {9, 9, 9, 9}, db[2] = {1, 1};
    K->backward_weights(dw, 2, db, dy, 2, x, 2, 0, 2, 2, 1);
    CHECK(dw[0] == 9 && dw[3] == 9 && db[0] == 1 && db[1] == 1);
    K->backward_weights(dw, 0, db, dy, 2, x, 0, 2, 0, 2, 1);
    CHECK(dw[0] == 9 && dw[3] == 9);
    CHECK(db[0] == 1 + 1 + 3 && db[1] == 1 + 2 + 4);

    float dx[4] = {9, 9, 9, 9};
    K->backward_input(dx, dy, w, 2, 2, 0);
    CHECK(dx[0] == 0 && dx[1] == 0 && dx[2] == 0 && dx[3] == 0);
    dx[0] = 9;
    K->backward_input(dx, dy, w, 0, 2, 2);
    CHECK(dx[0] == 9);
}

static void test_zero_sizes(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++)
        check_zero_sizes(v[k]);
}

/* A hand-checked 2x3 by 3x2 product. */
static void check_small_by_hand(const nni_kernel_table *K)
{
    const float x[6] = {1, 2, 3, 4, 5, 6};   /* (2, 3) */
    const float w[6] = {1, 0, -1, 2, 1, 0};  /* (2, 3) */
    const float b[2] = {0.5f, -0.5f};
    float y[4];
    K->forward(y, x, w, b, 2, 3, 2);
    CHECK(y[0] == 1 - 3 + 0.5f && y[1] == 2 + 2 - 0.5f);
    CHECK(y[2] == 4 - 6 + 0.5f && y[3] == 8 + 5 - 0.5f);

    const float dy[4] = {1, 2, 3, 4};
    float dw[6] = {0}, db[2] = {0}, dx[6];
    K->backward_weights(dw, 3, db, dy, 2, x, 3, 2, 3, 2, 1);
    CHECK(dw[0] == 1 * 1 + 3 * 4 && dw[1] == 1 * 2 + 3 * 5 && dw[2] == 1 * 3 + 3 * 6);
    CHECK(dw[3] == 2 * 1 + 4 * 4 && dw[4] == 2 * 2 + 4 * 5 && dw[5] == 2 * 3 + 4 * 6);
    CHECK(db[0] == 4 && db[1] == 6);
    K->backward_input(dx, dy, w, 2, 3, 2);
    CHECK(dx[0] == 1 + 4 && dx[1] == 2 && dx[2] == -1);
    CHECK(dx[3] == 3 + 8 && dx[4] == 4 && dx[5] == -3);
}

static void test_small_by_hand(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++)
        check_small_by_hand(v[k]);
}

/* Every byte value maps to the correctly rounded float of v / 255 (the double
 * quotient rounded to float is correctly rounded: 53 >= 2 * 24 + 2 bits), at
 * every position of a vector and for every length up to a few vectors. */
static void check_bytes_to_floats(const nni_kernel_table *K)
{
    unsigned char src[256 + 64];
    float dst[256 + 64];
    for (int v = 0; v < 256 + 64; v++)
        src[v] = (unsigned char)(v * 7);
    size_t bad = 0;
    for (size_t off = 0; off < 64; off++) {
        K->bytes_to_floats(dst, src + off, 256);
        for (size_t i = 0; i < 256; i++)
            bad += dst[i] != (float)((double)src[off + i] / 255.0);
    }
    for (size_t n = 0; n <= 70; n++) {
        for (size_t i = 0; i < 72; i++)
            dst[i] = -1.0f;
        K->bytes_to_floats(dst, src, n);
        for (size_t i = 0; i < n; i++)
            bad += dst[i] != (float)((double)src[i] / 255.0);
        for (size_t i = n; i < 72; i++)
            bad += dst[i] != -1.0f;
    }
    if (bad)
        fprintf(stderr, "%s bytes_to_floats: %zu wrong\n", K->name, bad);
    CHECK(bad == 0);
    for (int v = 0; v < 256; v++)
        src[v] = (unsigned char)v;
    K->bytes_to_floats(dst, src, 256);
    CHECK(dst[0] == 0.0f && dst[255] == 1.0f && dst[51] == 0.2f);
}

static void test_bytes_to_floats(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++)
        check_bytes_to_floats(v[k]);
}

/* Adam in every variant gives exactly the bits of the plain loop of the
 * formula in nn_optim.h (float operations in that order), for every length
 * up to a few vectors and a long one, over several steps. */
static void check_adam(const nni_kernel_table *K, size_t n, uint64_t *seed)
{
    float *w = fill(n, 0, seed), *g = fill(n, 0, seed), *m = fill(n, 0, seed);
    float *v = fill(n, 0, seed);
    for (size_t i = 0; i < n; i++)
        v[i] = fabsf(v[i]) * 1e-3f; /* a second moment is never negative */
    float *w1 = fill_nan(n), *m1 = fill_nan(n), *v1 = fill_nan(n);
    memcpy(w1, w, n * sizeof *w);
    memcpy(m1, m, n * sizeof *m);
    memcpy(v1, v, n * sizeof *v);
    const float c1 = 1.0f - 0.9f, c2 = 1.0f - 0.999f, eps = 1e-7f;
    for (int step = 1; step <= 3; step++) {
        float a = 0.001f * (float)step;
        K->adam(w, m, v, g, n, a, c1, c2, eps);
        for (size_t i = 0; i < n; i++) {
            m1[i] = m1[i] + c1 * (g[i] - m1[i]);
            v1[i] = v1[i] + c2 * (g[i] * g[i] - v1[i]);
            float q = a * m1[i];
            float d = sqrtf(v1[i]) + eps;
            w1[i] = w1[i] - q / d;
        }
    }
    int same = memcmp(w, w1, n * sizeof *w) == 0 && memcmp(m, m1, n * sizeof *m) == 0 &&
               memcmp(v, v1, n * sizeof *v) == 0;
    if (!same)
        fprintf(stderr, "%s adam n=%zu: differs from the plain formula\n", K->name, n);
    CHECK(same);
    free(w);
    free(g);
    free(m);
    free(v);
    free(w1);
    free(m1);
    free(v1);
}

static void test_adam(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 9;
        for (size_t n = 0; n <= 70; n++)
            check_adam(v[k], n, &seed);
        check_adam(v[k], 7960, &seed);
    }
    /* the public entry point: one element by hand, from m = v = 0 */
    float w = 1.0f, m = 0.0f, vv = 0.0f, g = 2.0f;
    nn_adam_update(&w, &m, &vv, &g, 1, 0.5f, 0.1f, 0.001f, 0.0f);
    CHECK(m == 0.1f * 2.0f && vv == 0.001f * 4.0f);
    CHECK(w == 1.0f - 0.5f * m / sqrtf(vv));
}

/* ReLU forward and backward in every variant are exactly the selections of
 * the formula, for special values (NaN, signed zeros, infinities, tiny
 * numbers) and every length up to a few vectors, also in place. */
static void check_relu(const nni_kernel_table *K, size_t n, uint64_t *seed)
{
    const float special[] = {NAN, -NAN, 0.0f, -0.0f, INFINITY, -INFINITY, 1e-45f, -1e-45f};
    float *z = fill(n, 0, seed), *dy = fill(n, 0, seed);
    for (size_t i = 0; i < n; i++)
        if (lcg_next(seed) % 4 == 0)
            z[i] = special[lcg_next(seed) % 8];
    float *y = fill_nan(n), *dz = fill_nan(n), *y1 = fill_nan(n), *dz1 = fill_nan(n);
    K->relu_forward(y, z, n);
    K->relu_backward(dz, dy, z, n);
    for (size_t i = 0; i < n; i++) {
        y1[i] = z[i] < 0.0f ? 0.0f : z[i];
        dz1[i] = z[i] > 0.0f ? dy[i] : 0.0f;
    }
    int same = memcmp(y, y1, n * sizeof *y) == 0 && memcmp(dz, dz1, n * sizeof *dz) == 0;
    /* in place */
    memcpy(y, z, n * sizeof *y);
    K->relu_forward(y, y, n);
    memcpy(dz, dy, n * sizeof *dz);
    K->relu_backward(dz, dz, z, n);
    same = same && memcmp(y, y1, n * sizeof *y) == 0 && memcmp(dz, dz1, n * sizeof *dz) == 0;
    if (!same)
        fprintf(stderr, "%s relu n=%zu: differs from the formula\n", K->name, n);
    CHECK(same);
    free(z);
    free(dy);
    free(y);
    free(dz);
    free(y1);
    free(dz1);
}

static void test_relu(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 10;
        for (size_t n = 0; n <= 70; n++)
            check_relu(v[k], n, &seed);
        check_relu(v[k], 1000, &seed);
    }
    float z[3] = {-1.0f, NAN, 2.0f}, dy[3] = {5.0f, 6.0f, 7.0f}, y[3], dz[3];
    nn_relu_forward(y, z, 3);
    nn_relu_backward(dz, dy, z, 3);
    CHECK(y[0] == 0.0f && !signbit(y[0]) && isnan(y[1]) && y[2] == 2.0f);
    CHECK(dz[0] == 0.0f && dz[1] == 0.0f && dz[2] == 7.0f);
}

/* The largest |f(z) - ref(z)| of a variant's sin or gauss over n values,
 * computed in place and out of place (which must agree bit for bit); NaN in
 * the reference must give NaN. */
static double wave_error(void (*f)(float *, const float *, size_t), double (*ref)(double),
                         const float *z, size_t n, int *mismatch)
{
    float *y = malloc(n * sizeof *y), *in_place = malloc(n * sizeof *in_place);
    double worst = 0.0;
    if (!y || !in_place) {
        free(y);
        free(in_place);
        return INFINITY;
    }
    memcpy(in_place, z, n * sizeof *z);
    f(y, z, n);
    f(in_place, in_place, n);
    for (size_t i = 0; i < n; i++) {
        double want = ref(z[i]), e = fabs((double)y[i] - want);
        *mismatch += memcmp(&y[i], &in_place[i], sizeof y[i]) != 0;
        *mismatch += isnan(want) != isnan(y[i]);
        if (!isnan(want))
            worst = e > worst ? e : worst;
    }
    free(y);
    free(in_place);
    return worst;
}

static double ref_gauss(double z)
{
    return exp(-z * z);
}

/* sin and exp(-z^2) of every variant within the stated 2e-7 of libm's
 * double results: a fine sweep of [-64, 64], random values up to the sine
 * polynomial's limit and beyond it (where sinf takes over), infinities and
 * NaN, and every tail length. */
static void test_sin_gauss(void)
{
    enum { SWEEP = 128001, RANDOM = 20000, SPECIAL = 8 };
    size_t n = SWEEP + RANDOM + SPECIAL;
    float *z = malloc(n * sizeof *z);
    CHECK(z != NULL);
    if (!z)
        return;
    uint64_t seed = 77;
    for (size_t i = 0; i < SWEEP; i++)
        z[i] = (float)(-64.0 + (double)i * 0.001);
    for (size_t i = 0; i < RANDOM; i++)
        z[SWEEP + i] = rand_real(&seed) * 8192.0f;
    const float special[SPECIAL] = {8192.0f, -8192.5f, 1e5f, -3e7f, 3e38f, INFINITY, -INFINITY, NAN};
    memcpy(z + SWEEP + RANDOM, special, sizeof special);
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        int mismatch = 0;
        double es = wave_error(v[k]->sin_forward, sin, z, n, &mismatch);
        double eg = wave_error(v[k]->gauss_forward, ref_gauss, z, n, &mismatch);
        for (size_t len = 1; len <= 40; len++) { /* every tail length, specials last */
            double e = wave_error(v[k]->sin_forward, sin, z + n - len, len, &mismatch);
            double g = wave_error(v[k]->gauss_forward, ref_gauss, z + n - len, len, &mismatch);
            es = e > es ? e : es;
            eg = g > eg ? g : eg;
        }
        printf("  %s: max |sin error| %.2e, max |exp(-z^2) error| %.2e\n", v[k]->name, es, eg);
        CHECK(es <= 2e-7);
        CHECK(eg <= 2e-7);
        CHECK(mismatch == 0);
    }
    free(z);
}

/* Cross-entropy from logits in double: row loss logsumexp(z) - z_label and
 * gradient (softmax(z) - onehot) / norm. */
static double ref_xent_row(const float *z, size_t label, double *grad, size_t C, size_t norm)
{
    double m = z[0], sum = 0.0;
    for (size_t j = 1; j < C; j++)
        m = z[j] > m ? z[j] : m;
    for (size_t j = 0; j < C; j++)
        sum += exp((double)z[j] - m);
    for (size_t j = 0; j < C; j++)
        grad[j] = (exp((double)z[j] - m) / sum - (j == label ? 1.0 : 0.0)) / (double)norm;
    return m + log(sum) - z[label];
}

/* The bits of a double (a NaN's payload included). */
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* A batch against each of its rows alone (B = 1), whatever the values: each
 * row's loss (row_loss) and gradient must be the same bits as the row's own
 * call (nn/kernels.h), the sum must be the row losses added in row order,
 * and without dz the losses must not change.  Returns the mismatches. */
static size_t xent_rows_alone(const nni_kernel_table *K, const float *z,
                              const unsigned char *labels, size_t B, size_t C, size_t norm)
{
    float *dz = fill_nan(B * C), *dz1 = fill_nan(C);
    double *row_loss = malloc(B * sizeof *row_loss), *row_loss2 = malloc(B * sizeof *row_loss);
    if (!row_loss || !row_loss2) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    double total = K->xent(z, labels, dz, B, C, norm, row_loss), sum = 0.0;
    size_t bad = 0;
    for (size_t i = 0; i < B; i++) {
        double alone = K->xent(z + i * C, labels + i, dz1, 1, C, norm, NULL);
        bad += !same_bits(alone, row_loss[i]);
        bad += memcmp(dz1, dz + i * C, C * sizeof *dz1) != 0;
        sum += row_loss[i];
    }
    bad += isnan(sum) ? !isnan(total) : !same_bits(sum, total);
    bad += !same_bits(K->xent(z, labels, NULL, B, C, norm, row_loss2), total);
    bad += memcmp(row_loss, row_loss2, B * sizeof *row_loss) != 0;
    bad += !same_bits(K->xent(z, labels, dz, B, C, norm, NULL), total);
    free(dz);
    free(dz1);
    free(row_loss);
    free(row_loss2);
    return bad;
}

/* Class counts from 1 to past 4 vectors of 16, batches of 1 and of several
 * groups of rows and a remainder, logits spread over [-s, s] (s up to 120,
 * so that some exponentials underflow to 0): each row's loss within 1e-6
 * (relative, float exponentials) of the reference, each gradient within
 * 2e-6 of its magnitude (a few float roundings), and the batch the same
 * bits as its rows alone. */
static void check_xent(const nni_kernel_table *K, size_t B, size_t C, float spread, size_t norm,
                       uint64_t *seed)
{
    float *z = fill(B * C, 0, seed), *dz = fill_nan(B * C);
    double *grad = malloc(C * sizeof *grad);
    unsigned char *labels = malloc(B);
    if (!grad || !labels) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < B * C; k++)
        z[k] *= spread;
    for (size_t i = 0; i < B; i++)
        labels[i] = (unsigned char)(lcg_next(seed) % C);
    double total = K->xent(z, labels, dz, B, C, norm, NULL), want = 0.0;
    size_t bad = 0;
    for (size_t i = 0; i < B; i++) {
        double row = ref_xent_row(z + i * C, labels[i], grad, C, norm);
        double got = K->xent(z + i * C, labels + i, NULL, 1, C, norm, NULL);
        want += row;
        bad += !(fabs(got - row) <= 1e-6 * (1.0 + fabs(row)));
        for (size_t j = 0; j < C; j++)
            bad += !(fabs(dz[i * C + j] - grad[j]) <= 2e-6 * fabs(grad[j]) + 1e-12 / (double)norm);
    }
    size_t apart = xent_rows_alone(K, z, labels, B, C, norm);
    if (bad || apart)
        fprintf(stderr, "%s xent B=%zu C=%zu spread=%g norm=%zu: %zu values wrong, %zu unlike the rows alone\n",
                K->name, B, C, (double)spread, norm, bad, apart);
    CHECK(bad == 0);
    CHECK(apart == 0);
    CHECK(fabs(total - want) <= 1e-6 * (1.0 + fabs(want)));
    free(z);
    free(dz);
    free(grad);
    free(labels);
}

static void test_xent(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    const float spreads[] = {0.5f, 5.0f, 60.0f, 120.0f};
    const size_t batches[] = {1, 7, 37};
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 12;
        for (size_t C = 1; C <= 70; C++)
            for (size_t s = 0; s < 4; s++)
                check_xent(v[k], batches[(C + s) % 3], C, spreads[s], C % 2 ? 128 : 7, &seed);
        check_xent(v[k], 37, 100, 5.0f, 3, &seed);
        check_xent(v[k], 256, 10, 8.0f, 256, &seed);
        check_xent(v[k], 128, 10, 5.0f, 1, &seed);
    }
}

/* A logit that is not a plain number: infinities, NaNs of either sign and
 * several payloads, zeros of both signs, the float extremes, a subnormal, or
 * a small integer (ties). */
static float xent_odd_value(uint64_t *seed)
{
    static const uint32_t nans[] = {0x7fc00000u, 0xffc00000u, 0x7fc12345u, 0xff800001u};
    float f;
    switch (lcg_next(seed) % 10) {
    case 0: return INFINITY;
    case 1: return -INFINITY;
    case 2: memcpy(&f, &nans[lcg_next(seed) % 4], sizeof f); return f;
    case 3: return 0.0f;
    case 4: return -0.0f;
    case 5: return FLT_MAX;
    case 6: return -FLT_MAX;
    case 7: return 1e-40f;
    default: return (float)(lcg_next(seed) % 3);
    }
}

/* Batches with odd logits (about one in 8, or whole rows of -inf), labels
 * past the classes (about one in 8) and ties, over class counts on both
 * sides of the vector widths: the batch must give the same bits as its rows
 * alone, NaNs included. */
static void test_xent_odd(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    const size_t classes[] = {1, 2, 3, 7, 8, 9, 10, 15, 16, 17, 31, 33, 40, 64, 65, 70};
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 99;
        size_t bad = 0;
        for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++) {
            size_t C = classes[c], B = 45;
            float *z = fill(B * C, 0, &seed);
            unsigned char labels[45];
            for (size_t i = 0; i < B; i++) {
                labels[i] = (unsigned char)(lcg_next(&seed) % 8 ? lcg_next(&seed) % C
                                                                : C + lcg_next(&seed) % (256 - C));
                int all_minus_inf = lcg_next(&seed) % 16 == 0;
                for (size_t j = 0; j < C; j++) {
                    float *zij = &z[i * C + j];
                    *zij = all_minus_inf ? -INFINITY : *zij * 5.0f;
                    if (lcg_next(&seed) % 8 == 0)
                        *zij = xent_odd_value(&seed);
                }
            }
            size_t apart = xent_rows_alone(v[k], z, labels, B, C, c % 2 ? 45 : 2);
            if (apart)
                fprintf(stderr, "%s xent C=%zu odd values: %zu unlike the rows alone\n",
                        v[k]->name, C, apart);
            bad += apart;
            free(z);
        }
        CHECK(bad == 0);
    }
}

/* The exponentials alone: with logits (0, x) and x <= -18, e^x is below
 * half an ulp of 1, so the sum is exactly 1 and dz_1 = e^x: it must be within
 * 2 ulp of exp(x) down to the smallest normal float (e^-87.33) and 0 below
 * it.  Then special values: -inf logits have probability 0, NaN and +inf make
 * the loss NaN, and a label outside the classes makes it NaN too, with the
 * softmax as the gradient. */
static void test_xent_exp(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        size_t bad = 0;
        unsigned char label = 0;
        for (double x = -18.0; x > -87.3; x -= 0.0137) {
            float z[2] = {0.0f, (float)x}, dz[2];
            v[k]->xent(z, &label, dz, 1, 2, 1, NULL);
            double want = exp((double)z[1]);
            bad += !(fabs(dz[1] - want) <= 2.0 * FLT_EPSILON * want);
        }
        for (double x = -87.5; x > -300.0; x -= 3.7) {
            float z[2] = {0.0f, (float)x}, dz[2];
            v[k]->xent(z, &label, dz, 1, 2, 1, NULL);
            bad += !(dz[1] >= 0.0f && dz[1] < 1e-37f);
        }
        if (bad)
            fprintf(stderr, "%s xent: %zu exponentials wrong\n", v[k]->name, bad);
        CHECK(bad == 0);

        float z[4] = {1.0f, -INFINITY, 2.0f, -INFINITY}, dz[4];
        double loss = v[k]->xent(z, &label, dz, 1, 4, 1, NULL);
        CHECK(dz[1] == 0.0f && dz[3] == 0.0f && fabs(loss - log1p(exp(1.0))) < 1e-6);
        float zn[3] = {0.0f, NAN, 1.0f}, zi[3] = {0.0f, INFINITY, 1.0f};
        CHECK(isnan(v[k]->xent(zn, &label, dz, 1, 3, 1, NULL)));
        CHECK(isnan(v[k]->xent(zi, &label, dz, 1, 3, 1, NULL)));
        unsigned char outside = 5;
        float zo[2] = {0.0f, 0.0f};
        CHECK(isnan(v[k]->xent(zo, &outside, dz, 1, 2, 1, NULL)));
        CHECK(dz[0] == 0.5f && dz[1] == 0.5f);
    }
}

/* The public functions use the variant nn_kernels_variant names, which is the
 * one NNART_KERNELS asks for when supported, else the widest available. */
static void test_variant(void)
{
    const char *v = nn_kernels_variant();
    CHECK(v != NULL);
    if (!v)
        return;
    CHECK(!strcmp(v, "generic") || !strcmp(v, "avx2") || !strcmp(v, "avx512"));
    CHECK(nni_kernels_active() == nni_kernels_choose(getenv("NNART_KERNELS")));
    CHECK(!strcmp(v, nni_kernels_active()->name));

    uint64_t seed = 6;
    shape s = {5, 37, 9};
    float *x = fill(s.B * s.in, 0, &seed), *w = fill(s.out * s.in, 0, &seed);
    float *y1 = fill_nan(s.B * s.out), *y2 = fill_nan(s.B * s.out);
    nn_matmul_forward(y1, x, w, NULL, s.B, s.in, s.out);
    nni_kernels_active()->forward(y2, x, w, NULL, s.B, s.in, s.out);
    CHECK(memcmp(y1, y2, s.B * s.out * sizeof *y1) == 0);
    free(x);
    free(w);
    free(y1);
    free(y2);
}

static void test_choose(void)
{
    const nni_kernel_table *best = nni_kernels_choose(NULL);
    const nni_kernel_table *widest = nni_kernels_avx512() ? nni_kernels_avx512()
                                    : nni_kernels_avx2() ? nni_kernels_avx2()
                                                        : nni_kernels_generic();
    CHECK(best == widest);
    CHECK(nni_kernels_choose("bogus") == best);
    CHECK(nni_kernels_choose("") == best);
    CHECK(nni_kernels_choose("generic") == nni_kernels_generic());
    CHECK(nni_kernels_find("generic") == nni_kernels_generic());
    CHECK(nni_kernels_find("bogus") == NULL);
    CHECK(nni_kernels_find(NULL) == NULL);
    /* An unsupported variant falls back to the best; a supported one is taken. */
    CHECK(nni_kernels_choose("avx512") == (nni_kernels_avx512() ? nni_kernels_avx512() : best));
    CHECK(nni_kernels_choose("avx2") == (nni_kernels_avx2() ? nni_kernels_avx2() : best));
    if (nni_kernels_avx512())
        CHECK(!strcmp(nni_kernels_avx512()->name, "avx512"));
    if (nni_kernels_avx2())
        CHECK(!strcmp(nni_kernels_avx2()->name, "avx2"));
#if !defined(__x86_64__)
    CHECK(nni_kernels_avx2() == NULL && nni_kernels_avx512() == NULL);
#endif
}

/* The same inputs give bit-identical outputs on every call. */
static void test_deterministic(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 5;
        shape s = {17, 785, 10};
        float *x = fill(s.B * s.in, 0, &seed), *w = fill(s.out * s.in, 0, &seed);
        float *y1 = fill_nan(s.B * s.out), *y2 = fill_nan(s.B * s.out);
        v[k]->forward(y1, x, w, NULL, s.B, s.in, s.out);
        v[k]->forward(y2, x, w, NULL, s.B, s.in, s.out);
        CHECK(memcmp(y1, y2, s.B * s.out * sizeof *y1) == 0);
        free(x);
        free(w);
        free(y1);
        free(y2);
    }
}

/* A row's forward output and input gradient are the same bits whether it is
 * computed alone or inside any batch, and the weight gradient of a batch is the
 * same bits as that of its rows fed in consecutive calls (each dw element adds
 * its terms in order of rows): the trainer and the evaluator split batches. */
static void check_split(const nni_kernel_table *K, shape s, uint64_t *seed)
{
    float *x = fill(s.B * s.in, 0, seed), *w = fill(s.out * s.in, 0, seed);
    float *b = fill(s.out, 0, seed), *dy = fill(s.B * s.out, 0, seed);
    float *y = fill_nan(s.B * s.out), *y1 = fill_nan(s.B * s.out);
    float *dx = fill_nan(s.B * s.in), *dx1 = fill_nan(s.B * s.in);
    float *dw = fill(s.out * s.in, 0, seed), *dw1 = fill_nan(s.out * s.in);
    memcpy(dw1, dw, s.out * s.in * sizeof *dw);
    K->forward(y, x, w, b, s.B, s.in, s.out);
    K->backward_input(dx, dy, w, s.B, s.in, s.out);
    K->backward_weights(dw, s.in, NULL, dy, s.out, x, s.in, s.B, s.in, s.out, 1);
    /* the same rows in pieces of 1, 2, 3, ... rows */
    for (size_t i0 = 0, len = 1; i0 < s.B; i0 += len, len++) {
        size_t n = s.B - i0 < len ? s.B - i0 : len;
        K->forward(y1 + i0 * s.out, x + i0 * s.in, w, b, n, s.in, s.out);
        K->backward_input(dx1 + i0 * s.in, dy + i0 * s.out, w, n, s.in, s.out);
        K->backward_weights(dw1, s.in, NULL, dy + i0 * s.out, s.out, x + i0 * s.in, s.in, n, s.in,
                            s.out, 1);
    }
    int same = memcmp(y, y1, s.B * s.out * sizeof *y) == 0 &&
               memcmp(dx, dx1, s.B * s.in * sizeof *dx) == 0 &&
               memcmp(dw, dw1, s.out * s.in * sizeof *dw) == 0;
    if (!same)
        fprintf(stderr, "%s split B=%zu in=%zu out=%zu: results differ\n", K->name, s.B, s.in,
                s.out);
    CHECK(same);
    free(x);
    free(w);
    free(b);
    free(dy);
    free(y);
    free(y1);
    free(dx);
    free(dx1);
    free(dw);
    free(dw1);
}

/* The weight gradient of a block of columns and rows inside larger matrices
 * (row strides larger than the block): the block gets exactly the bits of the
 * whole product, and nothing outside it changes.  The trainer computes the
 * weight gradient in such blocks. */
static void check_weight_blocks(const nni_kernel_table *K, shape s, uint64_t *seed)
{
    float *x = fill(s.B * s.in, 0, seed), *dy = fill(s.B * s.out, 0, seed);
    float *dw = fill(s.out * s.in, 0, seed), *db = fill(s.out, 0, seed);
    float *dw1 = fill_nan(s.out * s.in), *db1 = fill_nan(s.out);
    memcpy(dw1, dw, s.out * s.in * sizeof *dw);
    memcpy(db1, db, s.out * sizeof *db);
    K->backward_weights(dw, s.in, db, dy, s.out, x, s.in, s.B, s.in, s.out, 1);
    /* columns [k0, k0 + kw) of rows [o0, o0 + ow) in turn, db with the first */
    size_t kw = s.in / 3 + 1, ow = s.out / 2 + 1;
    for (size_t o0 = 0; o0 < s.out; o0 += ow)
        for (size_t k0 = 0; k0 < s.in; k0 += kw) {
            size_t w = s.in - k0 < kw ? s.in - k0 : kw, h = s.out - o0 < ow ? s.out - o0 : ow;
            K->backward_weights(dw1 + o0 * s.in + k0, s.in, k0 == 0 ? db1 + o0 : NULL,
                                dy + o0, s.out, x + k0, s.in, s.B, w, h, 1);
        }
    int same = memcmp(dw, dw1, s.out * s.in * sizeof *dw) == 0 &&
               memcmp(db, db1, s.out * sizeof *db) == 0;
    if (!same)
        fprintf(stderr, "%s weight blocks B=%zu in=%zu out=%zu: results differ\n", K->name, s.B,
                s.in, s.out);
    CHECK(same);
    free(x);
    free(dy);
    free(dw);
    free(db);
    free(dw1);
    free(db1);
}

static void test_weight_blocks(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    const shape block_shapes[] = {{33, 785, 10}, {17, 200, 17}, {128, 784, 13}, {5, 7, 3}};
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 8;
        for (size_t t = 0; t < COUNT(block_shapes); t++)
            check_weight_blocks(v[k], block_shapes[t], &seed);
    }
}

static void test_split_batches(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    const shape split_shapes[] = {{33, 785, 10}, {17, 10, 17}, {40, 64, 7}, {13, 7, 1},
                                  {21, 32, 64}, {40, 33, 300}, {400, 40, 20}};
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 7;
        for (size_t t = 0; t < COUNT(split_shapes); t++)
            check_split(v[k], split_shapes[t], &seed);
    }
}

/* The strided weight gradient that training runs on blocks of a layer, against
 * naive loops in double: inside matrices dw (rows ldw apart), dy (ldy) and x
 * (ldx) wider than the block, the block of `out` rows by `width` columns
 * starting at row o0 and column k0 of dw (columns o0.. of dy, k0.. of x) gets
 * dw[o][k] += sum_i dy[i][o] x[i][k], db[o] += sum_i dy[i][o]; every float
 * outside the block, and beyond B rows, keeps its bits. */
static void check_strided_weights(const nni_kernel_table *K, shape s, size_t o0, size_t k0,
                                  size_t pad, int dyadic, uint64_t *seed)
{
    size_t ldw = k0 + s.in + pad, ldx = k0 + s.in + pad + 1, ldy = o0 + s.out + pad + 2;
    size_t rows_w = o0 + s.out + 1, rows_x = s.B + 1;
    float *dw = fill(rows_w * ldw, dyadic, seed), *dw0 = fill_nan(rows_w * ldw);
    float *db = fill(o0 + s.out + 1, dyadic, seed), *db0 = fill_nan(o0 + s.out + 1);
    float *dy = fill(rows_x * ldy, dyadic, seed), *x = fill(rows_x * ldx, dyadic, seed);
    memcpy(dw0, dw, rows_w * ldw * sizeof *dw);
    memcpy(db0, db, (o0 + s.out + 1) * sizeof *db);
    K->backward_weights(dw + o0 * ldw + k0, ldw, db + o0, dy + o0, ldy, x + k0, ldx, s.B, s.in,
                        s.out, 1);
    size_t bad = 0, outside = 0;
    for (size_t o = 0; o < rows_w; o++) {
        int in_rows = o >= o0 && o < o0 + s.out;
        for (size_t k = 0; k < ldw; k++) {
            float got = dw[o * ldw + k], was = dw0[o * ldw + k];
            if (!in_rows || k < k0 || k >= k0 + s.in) {
                outside += memcmp(&got, &was, sizeof got) != 0;
                continue;
            }
            double g = 0.0, scale = fabs(was);
            for (size_t i = 0; i < s.B; i++) {
                double t = (double)dy[i * ldy + o] * x[i * ldx + k];
                g += t;
                scale += fabs(t);
            }
            bad += !close_enough(got, was + g, scale, dyadic);
        }
        if (!in_rows) {
            outside += memcmp(&db[o], &db0[o], sizeof *db) != 0;
            continue;
        }
        double g = 0.0, scale = fabs(db0[o]);
        for (size_t i = 0; i < s.B; i++) {
            g += dy[i * ldy + o];
            scale += fabs(dy[i * ldy + o]);
        }
        bad += !close_enough(db[o], db0[o] + g, scale, dyadic);
    }
    if (bad || outside)
        fprintf(stderr,
                "%s strided weights B=%zu width=%zu out=%zu at (%zu, %zu) pad %zu: %zu wrong, "
                "%zu changed outside\n",
                K->name, s.B, s.in, s.out, o0, k0, pad, bad, outside);
    CHECK(bad == 0 && outside == 0);
    free(dw);
    free(dw0);
    free(db);
    free(db0);
    free(dy);
    free(x);
}

static void test_strided_weights(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    /* blocks at the origin and inside, widths across tile and vector edges */
    const size_t offsets[][2] = {{0, 0}, {3, 5}, {12, 64}, {1, 17}};
    const size_t widths[] = {1, 7, 8, 23, 24, 25, 64, 65, 100};
    const size_t outs[] = {1, 3, 4, 6, 7, 13};
    for (size_t k = 0; k < nv; k++) {
        uint64_t seed = 13;
        for (size_t f = 0; f < COUNT(offsets); f++)
            for (size_t wi = 0; wi < COUNT(widths); wi++)
                for (size_t oi = 0; oi < COUNT(outs); oi++) {
                    shape s = {1 + (wi + oi) % 9 * 5, widths[wi], outs[oi]};
                    for (int dyadic = 0; dyadic < 2; dyadic++)
                        check_strided_weights(v[k], s, offsets[f][0], offsets[f][1],
                                              (wi + f) % 3, dyadic, &seed);
                }
    }
}

/* Each table names the tile of its weight gradient: positive, and for the
 * vector variants whole vectors of columns. */
static void test_weight_tiles(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    CHECK(v[0]->wg_rows == 1 && v[0]->wg_cols == 8);
    for (size_t k = 0; k < nv; k++)
        CHECK(v[k]->wg_rows >= 1 && v[k]->wg_cols >= 8 && v[k]->wg_cols % 8 == 0);
    if (nni_kernels_avx2())
        CHECK(nni_kernels_avx2()->wg_rows == 4 && nni_kernels_avx2()->wg_cols == 24);
    if (nni_kernels_avx512())
        CHECK(nni_kernels_avx512()->wg_rows == 6 && nni_kernels_avx512()->wg_cols == 64);
}

int main(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    printf("kernel variants tested:");
    for (size_t k = 0; k < nv; k++)
        printf(" %s", v[k]->name);
    printf(" (active: %s)\n", nn_kernels_variant());
    RUN(test_forward);
    RUN(test_backward_weights);
    RUN(test_backward_weights_accumulates);
    RUN(test_backward_weights_overwrites);
    RUN(test_backward_input);
    RUN(test_zero_sizes);
    RUN(test_small_by_hand);
    RUN(test_bytes_to_floats);
    RUN(test_variant);
    RUN(test_choose);
    RUN(test_deterministic);
    RUN(test_strided_weights);
    RUN(test_weight_tiles);
    RUN(test_split_batches);
    RUN(test_weight_blocks);
    RUN(test_adam);
    RUN(test_relu);
    RUN(test_xent);
    RUN(test_xent_odd);
    RUN(test_xent_exp);
    RUN(test_sin_gauss);
    return t_summary();
}
