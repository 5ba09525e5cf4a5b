/* batch.h - what training, evaluation and prediction share: the check that
 * a data set fits a model, gathering samples into a batch of inputs, and the
 * arithmetic of cutting n things into chunks. */
#ifndef NNI_BATCH_H
#define NNI_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "nn_data.h"
#include "nn_error.h"
#include "nn_model.h"

static inline size_t nni_min(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Pieces of up to `chunk` that n splits into. */
static inline size_t nni_chunks(size_t n, size_t chunk)
{
    return (n + chunk - 1) / chunk;
}

/* Checks that d can feed m: labelled, the right width, labels within the
 * model's classes.  what names the data set in messages. */
NNI_HIDDEN int nni_check_data(const nn_model *m, const nn_dataset *d, const char *what,
                              nn_error *err);

/* Gathers samples idx[0..B) (or first..first+B when idx is NULL) of d into x
 * (B, dim) as floats in [0, 1], or when x is NULL into bytes (B, dim) as
 * they are, and their labels into y (when y is not NULL).  While it works
 * it requests samples next[0..n_next) into the cache: shuffled samples sit
 * at random places in a large array, and the trainer asks for the next
 * batch's samples one step before it needs them. */
NNI_HIDDEN void nni_gather(float *x, uint8_t *bytes, uint8_t *y, const nn_dataset *d,
                           const uint32_t *idx, size_t first, size_t B, const uint32_t *next,
                           size_t n_next);

/* Word 0 of the column bits (nn/kernels.h) of rows < 32 for vectors v <
 * n_vectors, at cols + v col_words, from the rows' nonzero bits (nz_words
 * per row from nz): bit r of the word for vector v is bit v of row r. */
NNI_HIDDEN void nni_nz_columns(uint32_t *cols, size_t col_words, const uint64_t *nz,
                               size_t nz_words, size_t rows, size_t n_vectors);

#endif
