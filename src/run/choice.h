/* choice.h - choosing between two ways of running training steps by timing
 * them on the machine at hand.
 *
 * The trainer can run a step on one core while a feeder thread gathers the
 * next batch, or on every core; which is quicker depends on the model, the
 * processor and what else the machine is doing, and neither changes a bit
 * of the result.  So it tries both: after `warm` steps of way 0 (the first
 * steps of a run are slow whatever runs them: caches and pages are cold),
 * rounds of NNI_CHOICE_ROUND steps, taken by way 0 and way 1 in turn, up to
 * NNI_CHOICE_ROUNDS rounds each; the way whose quickest round was quicker is
 * kept.  It stops early, after any pair of rounds, when one way's quickest
 * round takes less than NNI_CHOICE_CLEAR of the other's.  The quickest
 * round, not the mean, because interruptions by other programs only ever add
 * time.  The trainer chooses afresh every epoch, so that a change in what
 * else the machine is doing is followed within an epoch. */
#ifndef NNI_CHOICE_H
#define NNI_CHOICE_H

#include <stddef.h>

#include "internal.h"

#define NNI_CHOICE_WARM 16
#define NNI_CHOICE_ROUND 8
#define NNI_CHOICE_ROUNDS 4
#define NNI_CHOICE_CLEAR 0.7

typedef struct nni_choice {
    double best[2];     /* each way's quickest round so far (seconds), or 0 */
    double round_start; /* when the current round's first step started */
    size_t warm;        /* steps of way 0 before the first round */
    int chosen;         /* the way kept, or -1 while trying */
} nni_choice;

/* A choice whose rounds start after `warm` steps (NNI_CHOICE_WARM at the
 * start of a run, 0 later on). */
NNI_HIDDEN void nni_choice_init(nni_choice *c, size_t warm);

/* The way step `step` (counted from 0) runs, or -1 when that is not known
 * yet (a step after the trials while they are still being decided). */
NNI_HIDDEN int nni_choice_way(const nni_choice *c, size_t step);

/* Records that step `step` starts (at) or has ended (at) at time `at`
 * (seconds on any clock that does not go back); a round's end may decide
 * the choice. */
NNI_HIDDEN void nni_choice_start(nni_choice *c, size_t step, double at);
NNI_HIDDEN void nni_choice_end(nni_choice *c, size_t step, double at);

#endif
