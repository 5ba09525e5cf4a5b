/* evaluate.h - the evaluator behind nn_evaluate and nn_predict, which the
 * trainer also runs on its validation samples: a data set cut into chunks of
 * NNI_EVAL_CHUNK samples shared out over a thread pool, each member with
 * buffers of its own, and per-chunk loss sums added in chunk order so that
 * the result does not depend on the thread count. */
#ifndef NNI_EVALUATE_H
#define NNI_EVALUATE_H

#include <stddef.h>

#include "internal.h"
#include "nn_data.h"
#include "nn_error.h"
#include "nn_model.h"
#include "run/pool.h"

/* Samples per evaluation and prediction chunk. */
#define NNI_EVAL_CHUNK 256

typedef struct nni_evaluator nni_evaluator;

/* An evaluator of m on ranges of up to max_n samples of d with loss, on the
 * members of pool (which must outlive it); if confusion is set, with room for
 * the predicted class of max_n samples, for confusion counts.  On failure *e
 * is NULL. */
NNI_HIDDEN int nni_evaluator_create(nni_evaluator **e, const nn_model *m, const nn_dataset *d,
                                    nn_loss_kind loss, size_t max_n, nni_pool *pool,
                                    int confusion, nn_error *err);
NNI_HIDDEN void nni_evaluator_free(nni_evaluator *e);

/* Loss sum (chunk sums added in chunk order), correct count (argmax of the
 * output) and, if confusion is not NULL (and e was made for it),
 * [true][predicted] counts ADDED to confusion (C x C), over samples
 * [first, first + n) of the data, n <= max_n. */
NNI_HIDDEN void nni_evaluate_range(nni_evaluator *e, size_t first, size_t n, double *loss_sum,
                                   size_t *correct, size_t *confusion);

#endif
