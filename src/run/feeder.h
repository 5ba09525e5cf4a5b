/* feeder.h - a thread that gathers the next batch while the trainer works on
 * the current one.
 *
 * Shuffled samples sit at random places in a data set far larger than any
 * cache, and fetching a batch of them from memory is latency-bound: one core
 * waiting on 128 scattered rows spends a sixth of a small model's training
 * step doing nothing.  When a second core is free, the feeder's thread copies
 * the rows of batch k + 1 (pixel bytes and labels, as they are) into a
 * contiguous slot while the trainer computes batch k; the trainer then reads
 * them in order, from the cache.  The bytes are the same whoever copies them,
 * so the trained model does not depend on whether a feeder is used.
 *
 * Two slots alternate: request k is gathered into slot k mod 2, and the slot
 * that nni_feeder_wait returns stays untouched until the request after the
 * next one.  At most one request is outstanding.  Both sides wait as wait.h
 * describes.
 */
#ifndef NNI_FEEDER_H
#define NNI_FEEDER_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "nn_data.h"
#include "nn_error.h"

typedef struct nni_feeder nni_feeder;

/* Starts a feeder for batches of up to `batch` samples of d (which must
 * outlive it).  On failure *f is NULL. */
NNI_HIDDEN int nni_feeder_create(nni_feeder **f, const nn_dataset *d, size_t batch,
                                 nn_error *err);

/* Asks for samples idx[0..B) (B <= batch) to be gathered, and returns at
 * once.  idx must stay unchanged until nni_feeder_wait returns. */
NNI_HIDDEN void nni_feeder_request(nni_feeder *f, const uint32_t *idx, size_t B);

/* Waits for the outstanding request and returns its pixels (B rows of dim
 * bytes, in request order) and, in *labels, its B labels (NULL when the data
 * set has none). */
NNI_HIDDEN const uint8_t *nni_feeder_wait(nni_feeder *f, const uint8_t **labels);

/* Stops and joins the thread.  f may be NULL. */
NNI_HIDDEN void nni_feeder_free(nni_feeder *f);

#endif
