/* test_sparse.c - the kernels for inputs that are mostly zero, given as
 * bytes, against the dense ones on the same values as floats, for every
 * variant this CPU can run: the same bits, from bytes whose skipped vectors
 * are not zero (so a kernel that read one would show it), and the bit
 * layouts of nn/kernels.h checked against plain loops, nni_nz_columns's
 * included. */
#include <stdint.h>
#include <string.h>

#include "nn/kernels.h"
#include "run/batch.h"
#include "test.h"
#include "variants.h"

/* A 64-bit LCG (top bits), so that the data depend on nothing else. */
static uint64_t lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static float *floats(size_t n, float v)
{
    float *p = xmalloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = v;
    return p;
}

/* n bytes, each 0 with probability zero_pct / 100 and otherwise 1-255, in
 * runs of 1 to 24 so that whole vectors of 8 and 16 come out zero. */
static void sparse_bytes(uint8_t *p, size_t n, unsigned zero_pct, uint64_t *s)
{
    size_t i = 0;
    while (i < n) {
        size_t run = 1 + lcg_next(s) % 24;
        int zero = lcg_next(s) % 100 < zero_pct;
        for (; run > 0 && i < n; run--, i++)
            p[i] = zero ? 0 : (uint8_t)(1 + lcg_next(s) % 255);
    }
}

/* Bit v of a row's nonzero bits, and the same from the bytes themselves. */
static int bit_of(const uint64_t *nz, size_t v)
{
    return (int)(nz[v / 64] >> (v % 64) & 1);
}

static int vector_nonzero(const uint8_t *p, size_t n, size_t lanes, size_t v)
{
    for (size_t i = v * lanes; i < n && i < (v + 1) * lanes; i++)
        if (p[i])
            return 1;
    return 0;
}

static const size_t lengths[] = {1, 7, 8, 9, 16, 31, 32, 33, 63, 64, 65, 127, 128,
                                 129, 511, 512, 513, 784, 785, 1000, 1030, 4100};
#define N_LENGTHS (sizeof lengths / sizeof lengths[0])

/* row_nz: the bits are those of the bytes, and no more words are written. */
static void test_row_nz(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    uint64_t seed = 1;
    for (size_t k = 0; k < nv; k++) {
        const nni_kernel_table *K = v[k];
        size_t bad = 0;
        for (size_t t = 0; t < N_LENGTHS; t++) {
            for (unsigned pct = 0; pct <= 100; pct += 25) {
                size_t n = lengths[t], words = nni_nz_words(n, K->lanes);
                uint8_t *src = xmalloc(n);
                uint64_t *nz = xmalloc((words + 1) * sizeof *nz);
                sparse_bytes(src, n, pct, &seed);
                nz[words] = 0x5A5A5A5A5A5A5A5Au;
                K->row_nz(src, n, nz);
                bad += nz[words] != 0x5A5A5A5A5A5A5A5Au;
                for (size_t q = 0; q < words * 64; q++) {
                    int want_bit = q * K->lanes < n && vector_nonzero(src, n, K->lanes, q);
                    bad += bit_of(nz, q) != want_bit;
                }
                free(src);
                free(nz);
            }
        }
        if (bad)
            fprintf(stderr, "%s row_nz: %zu wrong\n", K->name, bad);
        CHECK(bad == 0);
    }
}

/* x (B, in) of sparse bytes, its rows' bits by row_nz into nz, and dense
 * the same values as floats; then the vectors whose bit is clear are given
 * nonzero bytes in x (dense keeps its zeros), which a kernel must not read. */
static void make_inputs(const nni_kernel_table *K, size_t B, size_t in, unsigned pct,
                        uint64_t *seed, uint8_t **x, float **dense, uint64_t **nz)
{
    size_t words = nni_nz_words(in, K->lanes);
    *x = xmalloc(B * in);
    *dense = floats(B * in, 0.0f);
    *nz = xmalloc(B * words * sizeof **nz);
    for (size_t i = 0; i < B; i++) {
        uint8_t *row = *x + i * in;
        sparse_bytes(row, in, pct, seed);
        K->row_nz(row, in, *nz + i * words);
        K->bytes_to_floats(*dense + i * in, row, in);
        for (size_t k = 0; k < in; k++)
            if (!bit_of(*nz + i * words, k / K->lanes))
                row[k] = (uint8_t)(1 + lcg_next(seed) % 255);
    }
}

/* Random weights in [-1, 1), or NULL for no bias. */
static float *weights(size_t n, uint64_t *s)
{
    float *p = xmalloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (float)((double)lcg_next(s) / 2147483648.0 * 2.0 - 1.0);
    return p;
}

static const size_t in_sizes[] = {1, 7, 8, 17, 32, 33, 100, 784, 785, 1000};
static const size_t out_sizes[] = {1, 3, 9, 10, 11, 16, 17, 21, 33};
static const size_t batch_sizes[] = {1, 5, 32, 33};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* forward_nz equals forward on the same values as floats, bit for bit, with and without a
 * bias, for small layers (their own path) and large ones. */
static void test_forward_nz(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    uint64_t seed = 2;
    for (size_t k = 0; k < nv; k++) {
        const nni_kernel_table *K = v[k];
        size_t bad = 0, cases = 0;
        for (size_t a = 0; a < COUNT(in_sizes); a++) {
            for (size_t c = 0; c < COUNT(out_sizes); c++) {
                size_t in = in_sizes[a], out = out_sizes[c];
                size_t B = batch_sizes[(a + c) % COUNT(batch_sizes)];
                unsigned pct = (unsigned)(25 * ((a + 2 * c) % 5));
                uint8_t *x;
                float *dense;
                uint64_t *nz;
                make_inputs(K, B, in, pct, &seed, &x, &dense, &nz);
                float *w = weights(out * in, &seed), *b = weights(out, &seed);
                for (int bias = 0; bias < 2; bias++, cases++) {
                    float *got = floats(B * out, NAN), *want = floats(B * out, NAN);
                    K->forward_nz(got, x, nz, nni_nz_words(in, K->lanes), w, bias ? b : NULL,
                                  B, in, out);
                    K->forward(want, dense, w, bias ? b : NULL, B, in, out);
                    bad += memcmp(got, want, B * out * sizeof *got) != 0;
                    free(got);
                    free(want);
                }
                free(x);
                free(dense);
                free(nz);
                free(w);
                free(b);
            }
        }
        if (bad)
            fprintf(stderr, "%s forward_nz: %zu of %zu cases differ\n", K->name, bad, cases);
        CHECK(bad == 0);
    }
}

/* Column bits of B rows, plainly: word i / 32 of vector v holds bit i % 32
 * for row i. */
static uint32_t *columns(const uint64_t *nz, size_t B, size_t words, size_t n_vec,
                         size_t col_words)
{
    uint32_t *cols = xmalloc(n_vec * col_words * sizeof *cols);
    memset(cols, 0, n_vec * col_words * sizeof *cols);
    for (size_t i = 0; i < B; i++)
        for (size_t v = 0; v < n_vec; v++)
            if (bit_of(nz + i * words, v))
                cols[v * col_words + i / 32] |= (uint32_t)1 << (i % 32);
    return cols;
}

/* One block of backward_weights_nz against backward_weights (add = 0) on the
 * same values as floats: columns [k0, k0 + width) of rows [o0, o0 + no) of dw, the rest of
 * dw left as it was (NaN); db for k0 = 0.  Returns the cases that differ. */
static size_t check_weights_block(const nni_kernel_table *K, const uint8_t *x, const float *dense,
                                  const uint32_t *cols, size_t col_words, const float *dy,
                                  size_t B, size_t in, size_t out, size_t o0, size_t no,
                                  size_t k0, size_t width)
{
    float *got = floats(out * in, NAN), *want = floats(out * in, NAN);
    float *db_got = floats(out, NAN), *db_want = floats(out, NAN);
    float *db1 = k0 == 0 ? db_got + o0 : NULL, *db2 = k0 == 0 ? db_want + o0 : NULL;
    K->backward_weights_nz(got + o0 * in + k0, in, db1, dy + o0, out, x + k0, in, cols,
                           col_words, k0, B, width, no);
    K->backward_weights(want + o0 * in + k0, in, db2, dy + o0, out, dense + k0, in, B, width,
                        no, 0);
    size_t bad = memcmp(got, want, out * in * sizeof *got) != 0;
    bad += memcmp(db_got, db_want, out * sizeof *db_got) != 0;
    free(got);
    free(want);
    free(db_got);
    free(db_want);
    return bad;
}

/* backward_weights_nz equals backward_weights with add = 0, bit for bit: the
 * whole layer, and blocks of rows and of columns (starting on a vector) as
 * the trainer cuts them, over batches of 1 to 130 rows (column words of
 * several rows' chunks). */
static void test_backward_weights_nz(void)
{
    const nni_kernel_table *v[3];
    size_t nv = variants(v);
    static const size_t batches[] = {1, 7, 31, 32, 33, 64, 65, 128, 130};
    uint64_t seed = 3;
    for (size_t k = 0; k < nv; k++) {
        const nni_kernel_table *K = v[k];
        size_t bad = 0, cases = 0, L = K->lanes;
        for (size_t a = 0; a < COUNT(in_sizes); a++) {
            for (size_t c = 0; c < COUNT(out_sizes); c++) {
                size_t in = in_sizes[a], out = out_sizes[c], B = batches[(a + c) % COUNT(batches)];
                size_t words = nni_nz_words(in, L), n_vec = (in + L - 1) / L;
                size_t col_words = (B + 31) / 32;
                uint8_t *x;
                float *dense;
                uint64_t *nz;
                make_inputs(K, B, in, (unsigned)(25 * ((a + c) % 5)), &seed, &x, &dense, &nz);
                uint32_t *cols = columns(nz, B, words, n_vec, col_words);
                float *dy = weights(B * out, &seed);
                bad += check_weights_block(K, x, dense, cols, col_words, dy, B, in, out, 0, out,
                                           0, in);
                size_t k0 = n_vec > 2 ? L : 0, half = out / 2;
                bad += check_weights_block(K, x, dense, cols, col_words, dy, B, in, out, half,
                                           out - half, k0, in - k0);
                if (n_vec > 3)
                    bad += check_weights_block(K, x, dense, cols, col_words, dy, B, in, out, 0,
                                               out, L, 2 * L);
                cases += 3;
                free(x);
                free(dense);
                free(nz);
                free(cols);
                free(dy);
            }
        }
        if (bad)
            fprintf(stderr, "%s backward_weights_nz: %zu of %zu cases differ\n", K->name, bad,
                    cases);
        CHECK(bad == 0);
    }
}

/* nni_nz_columns against the plain loop: up to 32 rows of random bits for
 * 1 to 200 vectors, written at a stride, nothing else written. */
static void test_nz_columns(void)
{
    static const size_t n_vectors[] = {1, 7, 8, 63, 64, 65, 98, 128, 200};
    uint64_t seed = 4;
    size_t bad = 0;
    for (size_t t = 0; t < COUNT(n_vectors); t++) {
        for (size_t rows = 1; rows <= 32; rows += 1 + rows / 4) {
            size_t n_vec = n_vectors[t], words = (n_vec + 63) / 64, stride = 3;
            uint64_t *nz = xmalloc(rows * words * sizeof *nz);
            for (size_t i = 0; i < rows * words; i++) {
                nz[i] = (uint64_t)lcg_next(&seed) << 33 ^ lcg_next(&seed) << 2 ^ lcg_next(&seed);
                if (i % words == words - 1 && n_vec % 64)
                    nz[i] &= ((uint64_t)1 << n_vec % 64) - 1;
            }
            uint32_t *got = xmalloc(n_vec * stride * sizeof *got);
            for (size_t i = 0; i < n_vec * stride; i++)
                got[i] = 0xDEADBEEFu;
            nni_nz_columns(got, stride, nz, words, rows, n_vec);
            uint32_t *want = columns(nz, rows, words, n_vec, 1);
            for (size_t v = 0; v < n_vec; v++) {
                bad += got[v * stride] != want[v];
                bad += got[v * stride + 1] != 0xDEADBEEFu || got[v * stride + 2] != 0xDEADBEEFu;
            }
            free(nz);
            free(got);
            free(want);
        }
    }
    if (bad)
        fprintf(stderr, "nni_nz_columns: %zu wrong\n", bad);
    CHECK(bad == 0);
}

int main(void)
{
    RUN(test_row_nz);
    RUN(test_forward_nz);
    RUN(test_backward_weights_nz);
    RUN(test_nz_columns);
    return t_summary();
}
