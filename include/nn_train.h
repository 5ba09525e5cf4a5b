/* nn_train.h - the training loop and evaluation, as Keras's fit() and
 * evaluate() run them: reshuffle every epoch, walk the data in batches (the
 * last one partial), one optimizer step per batch, running means for display. */
#ifndef NN_TRAIN_H
#define NN_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "nn_data.h"
#include "nn_error.h"
#include "nn_model.h"
#include "nn_optim.h"

typedef struct nn_train_config {
    size_t epochs;               /* default 10 */
    size_t batch;                /* default 128 */
    float lr;                    /* default 0.001 */
    nn_optimizer_kind optimizer; /* default Adam */
    nn_loss_kind loss;           /* default cross-entropy */
    uint64_t seed;               /* default 1: nn_train_seeded draws the initial weights
                                    and the shuffles from it; nn_train records it and
                                    draws from the caller's generator */
    float val_split;             /* fraction held out from the END of the data, 0 = none */
    size_t threads;              /* worker threads; results do not depend on it.  0 = all
                                    cores for models whose batches are big enough to gain
                                    from them (16M multiply-adds forward), else 1 */
} nn_train_config;

void nn_train_config_default(nn_train_config *c);

/* What the trainer reports after each step and at the end of each epoch. */
typedef struct nn_progress {
    size_t epoch, epochs;  /* 1-based epoch of epochs */
    size_t step, steps;    /* 1-based step of steps in this epoch */
    double loss, accuracy; /* running means over this epoch's samples so far */
    int epoch_done;        /* 1 on the report that closes an epoch */
    int has_val;           /* val_loss/val_accuracy are set (epoch_done only) */
    double val_loss, val_accuracy;
    double seconds;        /* wall time since the epoch started */
} nn_progress;

/* Called after every step; returning non-zero stops training after that step
 * (nn_train then returns NN_ERR_INTERRUPTED and leaves the model as it is). */
typedef int (*nn_progress_fn)(const nn_progress *p, void *ctx);

/* Summary of a training run, also stored in model files. NaN = not measured. */
typedef struct nn_train_info {
    nn_optimizer_kind optimizer;
    nn_loss_kind loss;
    float lr;
    uint32_t epochs, batch;
    uint64_t seed;
    float val_split;
    uint32_t n_train;             /* samples trained on (after the split) */
    float train_loss, train_accuracy; /* last epoch's means */
    float val_loss, val_accuracy;
    float test_loss, test_accuracy;
    int imported; /* the parameters came from elsewhere (nnart import); the settings are unknown */
} nn_train_info;

/* Trains m in place on d.  The caller has initialised m (nn_model_init_glorot)
 * from r; the trainer draws its shuffles from the same r.  info (optional) is
 * filled with the settings and final metrics.  Returns NN_ERR_DIVERGED, naming
 * the epoch and step, when a step's loss, an epoch's validation loss or (as
 * checked at the end of each epoch) a parameter is NaN or infinite; that
 * step is not reported to progress, and m is left as it is. */
int nn_train(nn_model *m, const nn_dataset *d, const nn_train_config *c, nn_rng *r,
             nn_progress_fn progress, void *ctx, nn_train_info *info, nn_error *err);

/* nnart's rule for the seed, in one place: seeds a generator with c->seed,
 * initialises m from it (nn_model_init_glorot) and trains m with it
 * (nn_train, same arguments), so that c->seed alone decides the result. */
int nn_train_seeded(nn_model *m, const nn_dataset *d, const nn_train_config *c,
                    nn_progress_fn progress, void *ctx, nn_train_info *info, nn_error *err);

/* Results of an evaluation. */
typedef struct nn_eval {
    size_t n, n_classes;
    double loss;        /* mean loss over the n samples */
    double accuracy;
    size_t *confusion;  /* owned, n_classes x n_classes: [true][predicted] counts
                           (one table, whatever the thread count) */
} nn_eval;

/* Runs m on all of d (which must have labels) and fills e.  threads: worker
 * threads, 0 = all cores; results do not depend on it. */
int nn_evaluate(const nn_model *m, const nn_dataset *d, nn_loss_kind loss, size_t threads,
                nn_eval *e, nn_error *err);
/* The same without the confusion matrix (e->confusion stays NULL), in memory
 * that grows with the samples alone, not with the square of the classes. */
int nn_evaluate_metrics(const nn_model *m, const nn_dataset *d, nn_loss_kind loss,
                        size_t threads, nn_eval *e, nn_error *err);
void nn_eval_free(nn_eval *e);

/* Probabilities (n, sizes[L]) for samples [first, first + n) of d, into out
 * (caller-owned).  Inputs are pixels / 255. */
int nn_predict(const nn_model *m, const nn_dataset *d, size_t first, size_t n, float *out,
               nn_error *err);

#endif
