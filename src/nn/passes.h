/* passes.h - model.c's passes in the forms only the trainer needs. */
#ifndef NNI_PASSES_H
#define NNI_PASSES_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "nn_model.h"

/* nn_forward_rows, and nn_param_grad but with add = 0 the block's gradient
 * written instead of added to grads (the same bits as zeroing the block
 * first, without the pass that zeroes it).  Given the nonzero bits of x's
 * rows (nz, nz_words) or its column bits (cols, col_words), as nn/kernels.h
 * lays them out, the first layer's products skip the input vectors that
 * are all zero: the same bits whenever the weights and gradients are
 * finite.  nni_param_grad takes column bits only with add = 0 (the
 * products that add to grads are the dense ones). */
NNI_HIDDEN void nni_forward_rows(const nn_model *m, nn_work *w, const float *x,
                                 const uint64_t *nz, size_t nz_words, size_t r0, size_t r1,
                                 int to_logits);
NNI_HIDDEN void nni_param_grad(const nn_model *m, const nn_work *w, const float *x,
                               const uint32_t *cols, size_t col_words, size_t B,
                               const nn_param_block *b, float *grads, int add);

#endif
