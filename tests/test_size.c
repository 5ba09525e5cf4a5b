/* test_size.c - the overflow-checked size arithmetic of src/internal.h:
 * nni_size_mul, nni_size_add and nni_alloc, at the edges of size_t, against
 * the compiler's own overflow checks where it has them. */
#include <stdint.h>

#include "internal.h"
#include "test.h"

/* Values around the places where products and sums stop fitting: 0, 1, 2,
 * the square root of 2^bits, a half, a third, and the top. */
static const size_t edges[] = {
    0,
    1,
    2,
    3,
    255,
    (size_t)1 << (sizeof(size_t) * 4 - 1),
    ((size_t)1 << (sizeof(size_t) * 4)) - 1,
    (size_t)1 << (sizeof(size_t) * 4),
    ((size_t)1 << (sizeof(size_t) * 4)) + 1,
    SIZE_MAX / 3,
    SIZE_MAX / 3 + 1,
    SIZE_MAX / 2,
    SIZE_MAX / 2 + 1,
    SIZE_MAX - 1,
    SIZE_MAX,
};
#define N_EDGES (sizeof edges / sizeof edges[0])

static void test_mul_edges(void)
{
    size_t r = 7;
    CHECK(nni_size_mul(&r, 0, SIZE_MAX) == 0 && r == 0);
    CHECK(nni_size_mul(&r, SIZE_MAX, 0) == 0 && r == 0);
    CHECK(nni_size_mul(&r, 1, SIZE_MAX) == 0 && r == SIZE_MAX);
    CHECK(nni_size_mul(&r, SIZE_MAX, 1) == 0 && r == SIZE_MAX);
    CHECK(nni_size_mul(&r, 2, SIZE_MAX / 2) == 0 && r == SIZE_MAX - 1);
    CHECK(nni_size_mul(&r, 3, SIZE_MAX / 3) == 0 && r == SIZE_MAX); /* 2^n - 1 = 3 k */
    /* A failure leaves *out alone. */
    r = 42;
    CHECK(nni_size_mul(&r, 2, SIZE_MAX / 2 + 1) == -1 && r == 42);
    CHECK(nni_size_mul(&r, SIZE_MAX / 2 + 1, 2) == -1 && r == 42);
    CHECK(nni_size_mul(&r, SIZE_MAX, SIZE_MAX) == -1 && r == 42);
    CHECK(nni_size_mul(&r, 3, SIZE_MAX / 3 + 1) == -1 && r == 42);
    /* The square root of 2^bits squared is the first square that wraps to 0. */
    size_t root = (size_t)1 << (sizeof(size_t) * 4);
    CHECK(nni_size_mul(&r, root, root) == -1 && r == 42);
    CHECK(nni_size_mul(&r, root - 1, root + 1) == 0 && r == SIZE_MAX);
    CHECK(nni_size_mul(&r, root, root - 1) == 0 && r == SIZE_MAX - (root - 1));
}

static void test_add_edges(void)
{
    size_t r = 7;
    CHECK(nni_size_add(&r, SIZE_MAX, 0) == 0 && r == SIZE_MAX);
    CHECK(nni_size_add(&r, 0, SIZE_MAX) == 0 && r == SIZE_MAX);
    CHECK(nni_size_add(&r, SIZE_MAX - 5, 5) == 0 && r == SIZE_MAX);
    CHECK(nni_size_add(&r, SIZE_MAX / 2, SIZE_MAX / 2 + 1) == 0 && r == SIZE_MAX);
    CHECK(nni_size_add(&r, 0, 0) == 0 && r == 0);
    r = 42;
    CHECK(nni_size_add(&r, SIZE_MAX, 1) == -1 && r == 42);
    CHECK(nni_size_add(&r, 1, SIZE_MAX) == -1 && r == 42);
    CHECK(nni_size_add(&r, SIZE_MAX - 5, 6) == -1 && r == 42);
    CHECK(nni_size_add(&r, SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1) == -1 && r == 42);
    CHECK(nni_size_add(&r, SIZE_MAX, SIZE_MAX) == -1 && r == 42);
}

/* Every pair of edge values, in both orders, against the compiler's checked
 * arithmetic (or, without it, against the defining inequalities). */
static void test_all_pairs(void)
{
    for (size_t i = 0; i < N_EDGES; i++) {
        for (size_t j = 0; j < N_EDGES; j++) {
            size_t a = edges[i], b = edges[j], got = 0, want = 0;
            int mul_fails, add_fails;
#if defined(__GNUC__) || defined(__clang__)
            mul_fails = __builtin_mul_overflow(a, b, &want);
#else
            mul_fails = a != 0 && b > SIZE_MAX / a;
            want = mul_fails ? 0 : a * b;
#endif
            int rc = nni_size_mul(&got, a, b);
            CHECK(rc == (mul_fails ? -1 : 0));
            if (!mul_fails)
                CHECK(got == want);
#if defined(__GNUC__) || defined(__clang__)
            add_fails = __builtin_add_overflow(a, b, &want);
#else
            add_fails = b > SIZE_MAX - a;
            want = add_fails ? 0 : a + b;
#endif
            got = 0;
            rc = nni_size_add(&got, a, b);
            CHECK(rc == (add_fails ? -1 : 0));
            if (!add_fails)
                CHECK(got == want);
        }
    }
}

static void test_alloc(void)
{
    /* Products that overflow give NULL without asking malloc. */
    CHECK(nni_alloc(SIZE_MAX, 2) == NULL);
    CHECK(nni_alloc(2, SIZE_MAX) == NULL);
    CHECK(nni_alloc(SIZE_MAX / 2 + 1, 2) == NULL);
    CHECK(nni_alloc(SIZE_MAX / sizeof(float) + 1, sizeof(float)) == NULL);
    CHECK(nni_alloc((size_t)1 << (sizeof(size_t) * 4), (size_t)1 << (sizeof(size_t) * 4)) ==
          NULL);

    /* A real allocation holds all n * size bytes. */
    float *f = nni_alloc(1000, sizeof *f);
    CHECK(f != NULL);
    if (f) {
        for (size_t i = 0; i < 1000; i++)
            f[i] = (float)i;
        CHECK(f[999] == 999.0f);
    }
    free(f);

    /* Zero elements, or elements of zero bytes, give a pointer free takes. */
    void *z = nni_alloc(0, 8);
    free(z);
    z = nni_alloc(8, 0);
    free(z);
    z = nni_alloc(0, SIZE_MAX);
    free(z);
}

int main(void)
{
    RUN(test_mul_edges);
    RUN(test_add_edges);
    RUN(test_all_pairs);
    RUN(test_alloc);
    return t_summary();
}
