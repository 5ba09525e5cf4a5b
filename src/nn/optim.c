/* optim.c - Adam (as Keras implements it) and plain gradient descent over a
 * flat parameter buffer (see nn_optim.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_kernels.h"
#include "nn_optim.h"

const char *nn_optimizer_name(nn_optimizer_kind k)
{
    switch (k) {
    case NN_OPT_ADAM: return "adam";
    case NN_OPT_SGD: return "sgd";
    }
    return "unknown";
}

/* Accepts exactly the names nn_optimizer_name gives. */
int nn_optimizer_from_name(const char *name, nn_optimizer_kind *out)
{
    if (!name)
        return -1;
    if (strcmp(name, "adam") == 0) {
        *out = NN_OPT_ADAM;
        return 0;
    }
    if (strcmp(name, "sgd") == 0) {
        *out = NN_OPT_SGD;
        return 0;
    }
    return -1;
}

int nn_optim_create(nn_optim *o, nn_optimizer_kind kind, size_t n, float lr, nn_error *err)
{
    memset(o, 0, sizeof *o);
    if (kind != NN_OPT_ADAM && kind != NN_OPT_SGD)
        return nn_fail(err, NN_ERR_ARG, "optimizer: unknown kind %d", (int)kind);
    if (!(lr > 0.0f) || !isfinite(lr))
        return nn_fail(err, NN_ERR_ARG,
                       "optimizer: learning rate %g is not a positive finite number", lr);
    *o = (nn_optim){
        .kind = kind,
        .lr = lr,
        .beta1 = 0.9f,
        .beta2 = 0.999f,
        .eps = 1e-7f,
        .t = 0,
        .step_size = lr,
        .n = n,
    };
    if (kind != NN_OPT_ADAM || n == 0)
        return NN_OK;
    size_t bytes;
    if (nni_size_mul(&bytes, n, sizeof(float))) {
        memset(o, 0, sizeof *o);
        return nn_fail(err, NN_ERR_NOMEM, "optimizer: %zu parameters are too many to allocate", n);
    }
    o->m = nni_calloc_aligned(n, sizeof(float));
    o->v = nni_calloc_aligned(n, sizeof(float));
    if (!o->m || !o->v) {
        nn_optim_free(o);
        return nn_fail(err, NN_ERR_NOMEM, "optimizer: out of memory for %zu Adam moments", n);
    }
    return NN_OK;
}

void nn_optim_free(nn_optim *o)
{
    if (!o)
        return;
    free(o->m);
    free(o->v);
    memset(o, 0, sizeof *o);
}

/* Keras Adam folds both bias corrections into the one scalar a_t, computed
 * in double from t and then used as a float; eps is added to sqrt(v)
 * uncorrected, which is where Keras differs from the Adam paper's
 * m_hat / (sqrt(v_hat) + eps). */
void nn_optim_begin_step(nn_optim *o)
{
    o->t++;
    if (o->kind != NN_OPT_ADAM) {
        o->step_size = o->lr;
        return;
    }
    double t = (double)o->t;
    /* a_t = lr sqrt(1 - b2^t) / (1 - b1^t) */
    o->step_size = (float)((double)o->lr * sqrt(1.0 - pow((double)o->beta2, t)) /
                           (1.0 - pow((double)o->beta1, t)));
}

void nn_optim_update(const nn_optim *o, float *params, const float *grads, size_t lo, size_t hi)
{
    if (o->kind == NN_OPT_ADAM) {
        /* m = m + (1-b1)(g - m);  v = v + (1-b2)(g^2 - v);  w = w - a_t m / (sqrt(v) + eps),
         * element by element, vectorised where the CPU allows (same bits either way) */
        nn_adam_update(params + lo, o->m + lo, o->v + lo, grads + lo, hi - lo, o->step_size,
                       1.0f - o->beta1, 1.0f - o->beta2, o->eps);
        return;
    }
    /* w = w - lr g */
    for (size_t i = lo; i < hi; i++)
        params[i] -= o->step_size * grads[i];
}

void nn_optim_step(nn_optim *o, float *params, const float *grads)
{
    nn_optim_begin_step(o);
    nn_optim_update(o, params, grads, 0, o->n);
}
