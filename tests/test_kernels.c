/* test_kernels.c - the dense-layer products against naive loops in double. */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "nn_kernels.h"
#include "test.h"

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

static const shape shapes[] = {
    {1, 1, 1},    {1, 784, 10},  {3, 7, 10},   {7, 17, 3},    {10, 33, 7},
    {17, 785, 10}, {33, 784, 17}, {3, 10, 785}, {1, 3, 33},    {10, 1, 784},
    {785, 3, 1},  {7, 785, 33},  {33, 17, 784}, {784, 10, 10}, {3, 33, 1},
};

#define N_SHAPES (sizeof shapes / sizeof shapes[0])

static void check_forward(shape s, int dyadic, int with_bias, uint64_t *seed)
{
    float *x = fill(s.B * s.in, dyadic, seed);
    float *w = fill(s.out * s.in, dyadic, seed);
    float *b = with_bias ? fill(s.out, dyadic, seed) : NULL;
    float *y = fill_nan(s.B * s.out);
    nn_matmul_forward(y, x, w, b, s.B, s.in, s.out);
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
        fprintf(stderr, "forward B=%zu in=%zu out=%zu dyadic=%d bias=%d: %zu wrong\n", s.B,
                s.in, s.out, dyadic, with_bias, bad);
    CHECK(bad == 0);
    free(x);
    free(w);
    free(b);
    free(y);
}

static void test_forward(void)
{
    uint64_t seed = 1;
    for (size_t t = 0; t < N_SHAPES; t++)
        for (int dyadic = 0; dyadic < 2; dyadic++)
            for (int bias = 0; bias < 2; bias++)
                check_forward(shapes[t], dyadic, bias, &seed);
}

/* Calls backward_weights `calls` times on the same data, starting from a random
 * dw and db, and checks dw = dw0 + calls * dy^T x and db = db0 + calls * sum dy. */
static void check_backward_weights(shape s, int dyadic, int with_bias, int calls,
                                   uint64_t *seed)
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
        nn_matmul_backward_weights(dw, db, dy, x, s.B, s.in, s.out);
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
        fprintf(stderr, "backward_weights B=%zu in=%zu out=%zu dyadic=%d bias=%d: %zu wrong\n",
                s.B, s.in, s.out, dyadic, with_bias, bad);
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
    uint64_t seed = 2;
    for (size_t t = 0; t < N_SHAPES; t++)
        for (int dyadic = 0; dyadic < 2; dyadic++)
            for (int bias = 0; bias < 2; bias++)
                check_backward_weights(shapes[t], dyadic, bias, 1, &seed);
}

/* += semantics: two calls add the gradient twice on top of the starting values. */
static void test_backward_weights_accumulates(void)
{
    uint64_t seed = 3;
    for (size_t t = 0; t < N_SHAPES; t += 3)
        for (int dyadic = 0; dyadic < 2; dyadic++)
            check_backward_weights(shapes[t], dyadic, 1, 2, &seed);
}

static void check_backward_input(shape s, int dyadic, uint64_t *seed)
{
    float *dy = fill(s.B * s.out, dyadic, seed);
    float *w = fill(s.out * s.in, dyadic, seed);
    float *dx = fill_nan(s.B * s.in); /* must be overwritten, not added to */
    nn_matmul_backward_input(dx, dy, w, s.B, s.in, s.out);
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
        fprintf(stderr, "backward_input B=%zu in=%zu out=%zu dyadic=%d: %zu wrong\n", s.B, s.in,
                s.out, dyadic, bad);
    CHECK(bad == 0);
    free(dy);
    free(w);
    free(dx);
}

static void test_backward_input(void)
{
    uint64_t seed = 4;
    for (size_t t = 0; t < N_SHAPES; t++)
        for (int dyadic = 0; dyadic < 2; dyadic++)
            check_backward_input(shapes[t], dyadic, &seed);
}

/* Sizes of zero: nothing is read or written beyond what the formulas define
 * (in = 0 leaves y = b and dw untouched while db still sums dy; out = 0 zeroes dx). */
static void test_zero_sizes(void)
{
    float x[4] = {1, 2, 3, 4}, w[4] = {1, 1, 1, 1}, b[2] = {5, -6};
    float y[4] = {7, 7, 7, 7};
    nn_matmul_forward(y, x, w, b, 0, 2, 2);
    CHECK(y[0] == 7 && y[1] == 7 && y[2] == 7 && y[3] == 7);
    nn_matmul_forward(y, x, w, b, 2, 0, 2);
    CHECK(y[0] == 5 && y[1] == -6 && y[2] == 5 && y[3] == -6);
    nn_matmul_forward(y, x, w, NULL, 2, 0, 2);
    CHECK(y[0] == 0 && y[1] == 0 && y[2] == 0 && y[3] == 0);
    y[0] = 7;
    nn_matmul_forward(y, x, w, b, 2, 2, 0);
    CHECK(y[0] == 7);

    float dy[4] = {1, 2, 3, 4}, dw[4] = {9, 9, 9, 9}, db[2] = {1, 1};
    nn_matmul_backward_weights(dw, db, dy, x, 0, 2, 2);
    CHECK(dw[0] == 9 && dw[3] == 9 && db[0] == 1 && db[1] == 1);
    nn_matmul_backward_weights(dw, db, dy, x, 2, 0, 2);
    CHECK(dw[0] == 9 && dw[3] == 9);
    CHECK(db[0] == 1 + 1 + 3 && db[1] == 1 + 2 + 4);

    float dx[4] = {9, 9, 9, 9};
    nn_matmul_backward_input(dx, dy, w, 2, 2, 0);
    CHECK(dx[0] == 0 && dx[1] == 0 && dx[2] == 0 && dx[3] == 0);
    dx[0] = 9;
    nn_matmul_backward_input(dx, dy, w, 0, 2, 2);
    CHECK(dx[0] == 9);
}

/* A hand-checked 2x3 by 3x2 product. */
static void test_small_by_hand(void)
{
    const float x[6] = {1, 2, 3, 4, 5, 6};   /* (2, 3) */
    const float w[6] = {1, 0, -1, 2, 1, 0};  /* (2, 3) */
    const float b[2] = {0.5f, -0.5f};
    float y[4];
    nn_matmul_forward(y, x, w, b, 2, 3, 2);
    CHECK(y[0] == 1 - 3 + 0.5f && y[1] == 2 + 2 - 0.5f);
    CHECK(y[2] == 4 - 6 + 0.5f && y[3] == 8 + 5 - 0.5f);

    const float dy[4] = {1, 2, 3, 4};
    float dw[6] = {0}, db[2] = {0}, dx[6];
    nn_matmul_backward_weights(dw, db, dy, x, 2, 3, 2);
    CHECK(dw[0] == 1 * 1 + 3 * 4 && dw[1] == 1 * 2 + 3 * 5 && dw[2] == 1 * 3 + 3 * 6);
    CHECK(dw[3] == 2 * 1 + 4 * 4 && dw[4] == 2 * 2 + 4 * 5 && dw[5] == 2 * 3 + 4 * 6);
    CHECK(db[0] == 4 && db[1] == 6);
    nn_matmul_backward_input(dx, dy, w, 2, 3, 2);
    CHECK(dx[0] == 1 + 4 && dx[1] == 2 && dx[2] == -1);
    CHECK(dx[3] == 3 + 8 && dx[4] == 4 && dx[5] == -3);
}

/* Every byte value maps to the correctly rounded float of v / 255 (the double
 * quotient rounded to float is correctly rounded: 53 >= 2 * 24 + 2 bits). */
static void test_bytes_to_floats(void)
{
    unsigned char src[256];
    float dst[256];
    for (int v = 0; v < 256; v++)
        src[v] = (unsigned char)v;
    nn_bytes_to_floats(dst, src, 256);
    size_t bad = 0;
    for (int v = 0; v < 256; v++)
        bad += dst[v] != (float)((double)v / 255.0);
    CHECK(bad == 0);
    CHECK(dst[0] == 0.0f && dst[255] == 1.0f);
    dst[0] = -1.0f;
    nn_bytes_to_floats(dst, src, 0);
    CHECK(dst[0] == -1.0f);
}

static void test_variant(void)
{
    const char *v = nn_kernels_variant();
    CHECK(v != NULL);
    if (v)
        CHECK(!strcmp(v, "generic") || !strcmp(v, "avx2") || !strcmp(v, "avx512"));
}

/* The same inputs give bit-identical outputs on every call. */
static void test_deterministic(void)
{
    uint64_t seed = 5;
    shape s = {17, 785, 10};
    float *x = fill(s.B * s.in, 0, &seed), *w = fill(s.out * s.in, 0, &seed);
    float *y1 = fill_nan(s.B * s.out), *y2 = fill_nan(s.B * s.out);
    nn_matmul_forward(y1, x, w, NULL, s.B, s.in, s.out);
    nn_matmul_forward(y2, x, w, NULL, s.B, s.in, s.out);
    CHECK(memcmp(y1, y2, s.B * s.out * sizeof *y1) == 0);
    free(x);
    free(w);
    free(y1);
    free(y2);
}

int main(void)
{
    RUN(test_forward);
    RUN(test_backward_weights);
    RUN(test_backward_weights_accumulates);
    RUN(test_backward_input);
    RUN(test_zero_sizes);
    RUN(test_small_by_hand);
    RUN(test_bytes_to_floats);
    RUN(test_variant);
    RUN(test_deterministic);
    return t_summary();
}
