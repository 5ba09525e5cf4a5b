/* nn_optim.h - optimizers over a flat parameter buffer.
 *
 * Adam as Keras implements it (step t counts from 1):
 *   m = m + (1-b1)(g - m);  v = v + (1-b2)(g^2 - v);
 *   a_t = lr sqrt(1 - b2^t) / (1 - b1^t);  w = w - a_t m / (sqrt(v) + eps)
 * Plain gradient descent, as the article writes it:  w = w - lr g.
 *
 * A step is nn_optim_begin_step, which counts it and computes its step size
 * once, then nn_optim_update on ranges of the parameters that together cover
 * each one once: the update is element by element, so ranges may be done in
 * any order and on different threads.  nn_optim_step does both for all n.
 */
#ifndef NN_OPTIM_H
#define NN_OPTIM_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

typedef enum nn_optimizer_kind {
    NN_OPT_ADAM = 0,
    NN_OPT_SGD = 1
} nn_optimizer_kind;

typedef struct nn_optim {
    nn_optimizer_kind kind;
    float lr;           /* learning rate, default 0.001 */
    float beta1, beta2; /* Adam moment decay rates, default 0.9 and 0.999 */
    float eps;          /* Adam epsilon, default 1e-7 (Keras) */
    uint64_t t;         /* steps begun so far */
    float step_size;    /* of step t: Adam's a_t, or lr for SGD */
    size_t n;           /* number of parameters */
    float *m, *v;       /* owned Adam moments (n each); NULL for SGD */
} nn_optim;

const char *nn_optimizer_name(nn_optimizer_kind k);
int nn_optimizer_from_name(const char *name, nn_optimizer_kind *out); /* 0 or -1 */

/* Prepares an optimizer for n parameters with Keras's defaults and the given lr. */
int nn_optim_create(nn_optim *o, nn_optimizer_kind kind, size_t n, float lr, nn_error *err);
void nn_optim_free(nn_optim *o);

/* Begins step t + 1: increments t and computes its step size (for Adam
 * a_t = lr sqrt(1 - b2^t) / (1 - b1^t), in double, then rounded to float). */
void nn_optim_begin_step(nn_optim *o);

/* Updates params[lo, hi) from grads[lo, hi) (hi <= n) by the step begun last.
 * Calls on disjoint ranges may run at the same time. */
void nn_optim_update(const nn_optim *o, float *params, const float *grads, size_t lo, size_t hi);

/* One whole step: nn_optim_begin_step, then nn_optim_update of [0, n). */
void nn_optim_step(nn_optim *o, float *params, const float *grads);

#endif
