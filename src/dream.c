/* dream.c - gradient descent on a network's input towards a class (nn_dream.h). */
#include <math.h>
#include <stdlib.h>

#include "nn_dream.h"

void nn_dream_config_default(nn_dream_config *c, size_t rows, size_t cols)
{
    c->target = 0;
    c->steps = 200;
    c->lr = 1.0f;
    c->l2 = 0.0f;
    c->tv = 0.0f;
    c->loss = NN_LOSS_XENT;
    c->rows = rows;
    c->cols = cols;
}

double nn_dream_penalty(const nn_dream_config *c, const float *x, float *grad)
{
    size_t R = c->rows, C = c->cols;
    double l2 = 0.0, v = 0.0;
    /* ||x||^2 / 2, gradient x. */
    if (c->l2 != 0.0f)
        for (size_t i = 0; i < R * C; i++) {
            l2 += 0.5 * (double)x[i] * x[i];
            if (grad)
                grad[i] += c->l2 * x[i];
        }
    /* V(x) = 1/2 sum (x[b] - x[a])^2 over right and down neighbour pairs (a, b):
     * dV/dx[a] -= (x[b] - x[a]),  dV/dx[b] += (x[b] - x[a]). */
    if (c->tv != 0.0f)
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < C; j++) {
                size_t a = i * C + j;
                size_t nb[2] = {a + 1, a + C};
                int has[2] = {j + 1 < C, i + 1 < R};
                for (int k = 0; k < 2; k++) {
                    if (!has[k])
                        continue;
                    float d = x[nb[k]] - x[a];
                    v += 0.5 * (double)d * d;
                    if (grad) {
                        grad[a] -= c->tv * d;
                        grad[nb[k]] += c->tv * d;
                    }
                }
            }
    return c->l2 * l2 + c->tv * v;
}

void nn_dream_noise(float *x, size_t n, float amplitude, nn_rng *r)
{
    for (size_t i = 0; i < n; i++)
        x[i] = amplitude * (float)nn_rng_uniform(r);
}

static float clip01(float v)
{
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

int nn_dream(const nn_model *m, const nn_dream_config *c, float *x, nn_dream_result *result,
             nn_error *err)
{
    size_t n = m->sizes[0], K = m->sizes[m->n_layers];
    if (c->rows == 0 || c->cols == 0 || c->rows > n || c->cols > n || c->rows * c->cols != n)
        return nn_fail(err, NN_ERR_ARG, "dream: a %zu x %zu image does not fit %zu model inputs",
                       c->rows, c->cols, n);
    if (c->target >= K || K > 256)
        return nn_fail(err, NN_ERR_ARG, "dream: class %zu is out of range (the model has %zu)",
                       c->target, K);
    if (!isfinite(c->lr) || !isfinite(c->l2) || !isfinite(c->tv) || c->lr < 0.0f ||
        c->l2 < 0.0f || c->tv < 0.0f)
        return nn_fail(err, NN_ERR_ARG, "dream: lr, l2 and tv must be finite and >= 0");
    int rc = nn_model_check_loss(m, c->loss, err);
    if (rc)
        return rc;
    float *g = malloc(n * sizeof *g);
    nn_work w;
    rc = g ? nn_work_create(&w, m, 1, err) : nn_fail(err, NN_ERR_NOMEM, "dream: out of memory");
    if (rc) {
        free(g);
        return rc;
    }
    uint8_t label = (uint8_t)c->target;
    for (size_t i = 0; i < n; i++)
        x[i] = clip01(x[i]);
    for (size_t s = 0; s < c->steps; s++) {
        /* dE/dx = dloss/dx (backpropagation to the input) + the penalty's gradient. */
        nn_forward(m, &w, x, 1);
        nn_backward(m, &w, c->loss, x, &label, 1, 1, NULL, g);
        nn_dream_penalty(c, x, g);
        /* x <- clip(x - lr * dE/dx, 0, 1) */
        for (size_t i = 0; i < n; i++)
            x[i] = clip01(x[i] - c->lr * g[i]);
    }
    const float *y = nn_forward(m, &w, x, 1);
    double loss = nn_loss(m, &w, c->loss, &label, 1, NULL);
    if (result) {
        result->p_target = y[c->target];
        nn_argmax_rows(&result->predicted, y, 1, K);
        result->loss = loss;
        result->energy = loss + nn_dream_penalty(c, x, NULL);
    }
    nn_work_free(&w);
    free(g);
    if (!isfinite(loss))
        return nn_fail(err, NN_ERR_DIVERGED, "dream: the loss became %g (lower --lr)", loss);
    return NN_OK;
}
