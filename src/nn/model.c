/* model.c - the layer stack: creation, initialisation, forward and backward.
 *
 * For layer l with n_in = sizes[l], n_out = sizes[l+1] and a batch of B rows:
 *   forward:   z_l = a_{l-1} W_l^T + b_l        (B, n_out)
 *              a_l = act_l(z_l)                 (B, n_out)
 *   backward:  dz_l = act_l'(z_l) * da_l        (B, n_out)
 *              dW_l += dz_l^T a_{l-1}           (n_out, n_in)
 *              db_l += sum over rows of dz_l    (n_out)
 *              da_{l-1} = dz_l W_l              (B, n_in)
 * with a_{-1} = x and, at the top, da_L from the loss (or dz_L directly for
 * softmax + cross-entropy, fused).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn_kernels.h"
#include "nn_model.h"

/* The rules every architecture follows, whether it is built, loaded or given
 * on a command line; messages name no file or option (the caller adds them). */
int nn_arch_check(size_t n_layers, const size_t *sizes, const nn_activation *act,
                  nn_error *err)
{
    if (n_layers < 1 || n_layers > NN_MAX_LAYERS)
        return nn_fail(err, NN_ERR_ARG, "%zu layers; between 1 and %d are supported", n_layers,
                       NN_MAX_LAYERS);
    for (size_t l = 0; l <= n_layers; l++) {
        if ((sizes[l] < 1 || sizes[l] > NN_MAX_WIDTH) && l == 0)
            return nn_fail(err, NN_ERR_ARG, "%zu inputs; between 1 and %d are supported",
                           sizes[l], NN_MAX_WIDTH);
        if (sizes[l] < 1 || sizes[l] > NN_MAX_WIDTH)
            return nn_fail(err, NN_ERR_ARG,
                           "layer %zu has width %zu; between 1 and %d are supported", l,
                           sizes[l], NN_MAX_WIDTH);
    }
    for (size_t l = 0; l < n_layers; l++) {
        if ((unsigned)act[l] > NN_ACT_SOFTMAX)
            return nn_fail(err, NN_ERR_ARG, "layer %zu has unknown activation code %u", l + 1,
                           (unsigned)act[l]);
        if (act[l] == NN_ACT_SOFTMAX && l + 1 != n_layers)
            return nn_fail(err, NN_ERR_ARG,
                           "softmax on layer %zu of %zu; only the last layer may use it", l + 1,
                           n_layers);
    }
    return NN_OK;
}

int nn_loss_check(nn_activation output, nn_loss_kind loss, nn_error *err)
{
    if (loss != NN_LOSS_XENT && loss != NN_LOSS_MSE)
        return nn_fail(err, NN_ERR_ARG, "unknown loss code %d", (int)loss);
    if (loss == NN_LOSS_XENT && output != NN_ACT_SOFTMAX)
        return nn_fail(err, NN_ERR_ARG,
                       "cross-entropy needs a softmax output layer (this model ends in %s)",
                       nn_activation_name(output));
    return NN_OK;
}

nn_loss_kind nn_loss_default(nn_activation output)
{
    return output == NN_ACT_SOFTMAX ? NN_LOSS_XENT : NN_LOSS_MSE;
}

int nn_model_create(nn_model *m, size_t n_layers, const size_t *sizes,
                    const nn_activation *act, nn_error *err)
{
    memset(m, 0, sizeof *m);
    int rc = nn_arch_check(n_layers, sizes, act, err);
    if (rc)
        return rc;
    size_t n_params = 0;
    for (size_t l = 0; l < n_layers; l++) {
        if (sizes[l + 1] > (SIZE_MAX / sizeof(float) - n_params) / (sizes[l] + 1))
            return nn_fail(err, NN_ERR_ARG, "too many parameters for this machine");
        n_params += sizes[l + 1] * (sizes[l] + 1);
    }
    m->params = calloc(n_params, sizeof(float));
    if (!m->params)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for %zu parameters", n_params);
    m->n_layers = n_layers;
    memcpy(m->sizes, sizes, (n_layers + 1) * sizeof *sizes);
    memcpy(m->act, act, n_layers * sizeof *act);
    m->n_params = n_params;
    return NN_OK;
}

void nn_model_free(nn_model *m)
{
    free(m->params);
    memset(m, 0, sizeof *m);
}

size_t nn_model_weight_offset(const nn_model *m, size_t l)
{
    size_t off = 0;
    for (size_t i = 0; i < l; i++)
        off += m->sizes[i + 1] * (m->sizes[i] + 1);
    return off;
}

size_t nn_model_bias_offset(const nn_model *m, size_t l)
{
    return nn_model_weight_offset(m, l) + m->sizes[l + 1] * m->sizes[l];
}

void nn_model_init_glorot(nn_model *m, nn_rng *r)
{
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        float *w = m->params + nn_model_weight_offset(m, l);
        /* Glorot uniform: L = sqrt(6 / (fan_in + fan_out)), W ~ U(-L, L). */
        double lim = sqrt(6.0 / (double)(n_in + n_out));
        for (size_t i = 0; i < n_out * n_in; i++)
            w[i] = (float)((2.0 * nn_rng_uniform(r) - 1.0) * lim);
        memset(w + n_out * n_in, 0, n_out * sizeof(float));
    }
}

static size_t max_width(const nn_model *m)
{
    size_t w = 0;
    for (size_t l = 0; l <= m->n_layers; l++)
        if (m->sizes[l] > w)
            w = m->sizes[l];
    return w;
}

int nn_work_create(nn_work *w, const nn_model *m, size_t max_batch, nn_error *err)
{
    memset(w, 0, sizeof *w);
    if (max_batch < 1)
        return nn_fail(err, NN_ERR_ARG, "work: batch size must be at least 1");
    size_t total = 2 * max_width(m); /* d0 and d1 */
    for (size_t l = 0; l < m->n_layers; l++)
        total += 2 * m->sizes[l + 1]; /* z[l] and a[l] */
    if (max_batch > SIZE_MAX / sizeof(float) / total)
        return nn_fail(err, NN_ERR_NOMEM, "work: batch of %zu is too large", max_batch);
    w->mem = malloc(max_batch * total * sizeof(float));
    if (!w->mem)
        return nn_fail(err, NN_ERR_NOMEM, "work: out of memory for a batch of %zu", max_batch);
    float *p = w->mem;
    for (size_t l = 0; l < m->n_layers; l++) {
        w->z[l] = p, p += max_batch * m->sizes[l + 1];
        w->a[l] = p, p += max_batch * m->sizes[l + 1];
    }
    w->d0 = p, p += max_batch * max_width(m);
    w->d1 = p;
    w->max_batch = max_batch;
    return NN_OK;
}

void nn_work_free(nn_work *w)
{
    free(w->mem);
    memset(w, 0, sizeof *w);
}

const float *nn_forward(const nn_model *m, nn_work *w, const float *x, size_t B)
{
    const float *in = x;
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        const float *W = m->params + nn_model_weight_offset(m, l);
        nn_matmul_forward(w->z[l], in, W, W + n_out * n_in, B, n_in, n_out);
        nn_activation_forward(m->act[l], w->a[l], w->z[l], B, n_out);
        in = w->a[l];
    }
    return w->a[m->n_layers - 1];
}

double nn_loss(const nn_model *m, const nn_work *w, nn_loss_kind loss, const uint8_t *labels,
               size_t B, size_t *n_correct)
{
    size_t L = m->n_layers, C = m->sizes[L];
    if (n_correct) {
        size_t correct = 0;
        const float *y = w->a[L - 1];
        for (size_t i = 0; i < B; i++) {
            size_t best;
            nn_argmax_rows(&best, y + i * C, 1, C);
            correct += best == labels[i];
        }
        *n_correct = correct;
    }
    if (loss == NN_LOSS_XENT)
        return nn_xent_forward_backward(w->z[L - 1], labels, NULL, B, C, 1);
    return nn_mse_forward_backward(w->a[L - 1], labels, NULL, B, C, 1);
}

void nn_backward(const nn_model *m, nn_work *w, nn_loss_kind loss, const float *x,
                 const uint8_t *labels, size_t B, size_t norm, float *grads, float *dx)
{
    size_t L = m->n_layers, C = m->sizes[L];
    /* d0 holds dz_l for the layer being processed, d1 receives da_{l-1}. */
    float *dz = w->d0, *da = w->d1;
    if (loss == NN_LOSS_XENT) {
        /* Fused softmax + cross-entropy: dz_L = (p - onehot) / norm. */
        nn_xent_forward_backward(w->z[L - 1], labels, dz, B, C, norm);
    } else {
        /* dE/da_L = (y - onehot) / norm, then through the output activation. */
        nn_mse_forward_backward(w->a[L - 1], labels, da, B, C, norm);
        nn_activation_backward(m->act[L - 1], dz, da, w->z[L - 1], w->a[L - 1], B, C);
    }
    for (size_t l = L; l-- > 0;) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        const float *in = l > 0 ? w->a[l - 1] : x;
        const float *W = m->params + nn_model_weight_offset(m, l);
        if (grads) {
            float *dW = grads + nn_model_weight_offset(m, l);
            nn_matmul_backward_weights(dW, dW + n_out * n_in, dz, in, B, n_in, n_out);
        }
        if (l == 0) {
            if (dx)
                nn_matmul_backward_input(dx, dz, W, B, n_in, n_out);
            break;
        }
        nn_matmul_backward_input(da, dz, W, B, n_in, n_out);
        nn_activation_backward(m->act[l - 1], da, da, w->z[l - 1], w->a[l - 1], B, n_in);
        float *t = dz;
        dz = da;
        da = t;
    }
}

int nn_model_check_loss(const nn_model *m, nn_loss_kind loss, nn_error *err)
{
    return nn_loss_check(m->act[m->n_layers - 1], loss, err);
}
