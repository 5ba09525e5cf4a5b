/* explain.h - inside the attribution methods: the double-precision path
 * integration of exact integrated gradients (explain_path.c), used by
 * explain.c. */
#ifndef NNART_NN_EXPLAIN_H
#define NNART_NN_EXPLAIN_H

#include "internal.h"
#include "nn_explain.h"

/* Integrated gradients of output k from baseline x0 to x, in double
 * precision: attr (sizes[0]) and r's p, p_baseline, pieces, gradients and
 * exact (see nn_explain.h). */
NNI_HIDDEN int nni_explain_path(const nn_model *m, const float *x, const float *x0, size_t k,
                                float *attr, nn_explain_result *r, nn_error *err);

#endif
