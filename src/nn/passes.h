/* passes.h - model.c's passes in the forms only the trainer needs. */
#ifndef NNI_PASSES_H
#define NNI_PASSES_H

#include <stddef.h>

#include "internal.h"
#include "nn_model.h"

/* nn_param_grad, but with add = 0 the block's gradient is written instead of
 * added to grads: the same bits as zeroing the block first, without the
 * pass that zeroes it. */
NNI_HIDDEN void nni_param_grad(const nn_model *m, const nn_work *w, const float *x, size_t B,
                               const nn_param_block *b, float *grads, int add);

#endif
