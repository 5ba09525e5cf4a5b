/* batch.c - data sets into batches of inputs (see batch.h). */
#include <string.h>

#include "run/batch.h"
#include "nn_kernels.h"

int nni_check_data(const nn_model *m, const nn_dataset *d, const char *what, nn_error *err)
{
    size_t classes = m->sizes[m->n_layers];
    if (!d->labels)
        return nn_fail(err, NN_ERR_ARG, "%s: no labels", what);
    if (d->n == 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no samples", what);
    if (d->dim != m->sizes[0])
        return nn_fail(err, NN_ERR_ARG,
                       "%s: samples have %zu values but the model takes %zu inputs", what, d->dim,
                       m->sizes[0]);
    if (d->n_classes > classes)
        return nn_fail(err, NN_ERR_ARG,
                       "%s: label %zu is outside the model's %zu classes (0-%zu)", what,
                       d->n_classes - 1, classes, classes - 1);
    return NN_OK;
}

void nni_gather(float *x, uint8_t *bytes, uint8_t *y, const nn_dataset *d, const uint32_t *idx,
                size_t first, size_t B, const uint32_t *next, size_t n_next)
{
    for (size_t i = 0; i < B || i < n_next; i++) {
#if defined(__GNUC__) || defined(__clang__)
        /* a hint, written out here: GCC drops calls to a helper function
         * that does nothing but prefetch, as if it had no effect */
        if (i < n_next) {
            const uint8_t *p = d->pixels + (size_t)next[i] * d->dim;
            for (size_t k = 0; k < d->dim; k += 64)
                __builtin_prefetch(p + k);
            __builtin_prefetch(p + d->dim - 1);
        }
#else
        (void)next;
        (void)n_next;
#endif
        if (i >= B)
            continue;
        size_t s = idx ? idx[i] : first + i;
        if (x)
            nn_bytes_to_floats(x + i * d->dim, d->pixels + s * d->dim, d->dim);
        else
            memcpy(bytes + i * d->dim, d->pixels + s * d->dim, d->dim);
        if (y)
            y[i] = d->labels[s];
    }
}

/* The 8 x 8 matrix of bytes in w[0..8) transposed: byte r of w[j] becomes
 * byte j of w[r] (byte j of a word: bits 8 j to 8 j + 7), in three rounds
 * of swapping blocks (4 x 4, 2 x 2, 1 x 1). */
static void transpose_bytes(uint64_t w[8])
{
    for (int r = 0; r < 4; r++) {
        uint64_t a = w[r], b = w[r + 4];
        w[r] = (a & 0xFFFFFFFFu) | b << 32;
        w[r + 4] = a >> 32 | (b & 0xFFFFFFFF00000000u);
    }
    static const int pair2[4] = {0, 1, 4, 5};
    for (int p = 0; p < 4; p++) {
        int r = pair2[p];
        uint64_t a = w[r], b = w[r + 2];
        w[r] = (a & 0x0000FFFF0000FFFFu) | (b & 0x0000FFFF0000FFFFu) << 16;
        w[r + 2] = (a >> 16 & 0x0000FFFF0000FFFFu) | (b & 0xFFFF0000FFFF0000u);
    }
    for (int r = 0; r < 8; r += 2) {
        uint64_t a = w[r], b = w[r + 1];
        w[r] = (a & 0x00FF00FF00FF00FFu) | (b & 0x00FF00FF00FF00FFu) << 8;
        w[r + 1] = (a >> 8 & 0x00FF00FF00FF00FFu) | (b & 0xFF00FF00FF00FF00u);
    }
}

/* The 8 x 8 matrix of bits in x transposed: bit c of byte r becomes bit r of
 * byte c (Hacker's Delight, transpose8). */
static uint64_t transpose_bits(uint64_t x)
{
    uint64_t t = (x ^ x >> 7) & 0x00AA00AA00AA00AAu;
    x = x ^ t ^ t << 7;
    t = (x ^ x >> 14) & 0x0000CCCC0000CCCCu;
    x = x ^ t ^ t << 14;
    t = (x ^ x >> 28) & 0x00000000F0F0F0F0u;
    return x ^ t ^ t << 28;
}

void nni_nz_columns(uint32_t *cols, size_t col_words, const uint64_t *nz, size_t nz_words,
                    size_t rows, size_t n_vectors)
{
    for (size_t q = 0; q < nz_words; q++) {
        uint32_t col[64] = {0};
        for (size_t g = 0; g * 8 < rows; g++) {
            uint64_t w[8];
            for (size_t r = 0; r < 8; r++)
                w[r] = g * 8 + r < rows ? nz[(g * 8 + r) * nz_words + q] : 0;
            transpose_bytes(w);
            for (size_t j = 0; j < 8; j++) {
                uint64_t v = transpose_bits(w[j]);
                for (size_t b = 0; b < 8; b++)
                    col[8 * j + b] |= (uint32_t)(v >> 8 * b & 0xFF) << 8 * g;
            }
        }
        for (size_t k = 0; k < 64 && q * 64 + k < n_vectors; k++)
            cols[(q * 64 + k) * col_words] = col[k];
    }
}
