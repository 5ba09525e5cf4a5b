/* passes.h - model.c's passes in the forms only the trainer needs. */
#ifndef NNI_PASSES_H
#define NNI_PASSES_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "nn_model.h"

/* A batch of inputs given as bytes, for data that are mostly zero:
 * row i of x is bytes[i dim .. (i + 1) dim) / 255, with the nonzero bits of
 * its rows and its column bits (nn/kernels.h; the column bits are needed by
 * nni_param_grad alone). */
typedef struct nni_byte_batch {
    const uint8_t *bytes;
    const uint64_t *nz;
    size_t nz_words;
    const uint32_t *cols;
    size_t col_words;
} nni_byte_batch;

/* nn_forward_rows, and nn_param_grad but with add = 0 the block's gradient
 * written instead of added to grads (the same bits as zeroing the block
 * first, without the pass that zeroes it).  Given a batch of bytes bx
 * instead of x (which is then not read), the first layer's products read
 * the bytes and skip the input vectors that are all zero: the same bits
 * as on x = bytes / 255 whenever the weights and gradients are finite.
 * nni_param_grad takes bx only with add = 0 (the products that add to
 * grads are the dense ones). */
NNI_HIDDEN void nni_forward_rows(const nn_model *m, nn_work *w, const float *x,
                                 const nni_byte_batch *bx, size_t r0, size_t r1, int to_logits);
NNI_HIDDEN void nni_param_grad(const nn_model *m, const nn_work *w, const float *x,
                               const nni_byte_batch *bx, size_t B, const nn_param_block *b,
                               float *grads, int add);

#endif
