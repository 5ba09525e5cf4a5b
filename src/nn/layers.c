/* layers.c - activations and losses, forward and backward (see nn_layers.h). */
#include <math.h>
#include <string.h>

#include "nn/kernels.h"
#include "nn_kernels.h"
#include "nn_layers.h"

static const char *const activation_names[] = {"identity", "relu",    "sigmoid", "tanh",
                                               "softmax",  "sin",     "gauss"};
static const char *const loss_names[] = {"xent", "mse"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *nn_activation_name(nn_activation a)
{
    return (size_t)a < COUNT(activation_names) ? activation_names[a] : "unknown";
}

int nn_activation_from_name(const char *name, nn_activation *out)
{
    for (size_t i = 0; i < COUNT(activation_names); i++) {
        if (strcmp(name, activation_names[i]) == 0) {
            *out = (nn_activation)i;
            return 0;
        }
    }
    return -1;
}

const char *nn_loss_name(nn_loss_kind l)
{
    return (size_t)l < COUNT(loss_names) ? loss_names[l] : "unknown";
}

int nn_loss_from_name(const char *name, nn_loss_kind *out)
{
    for (size_t i = 0; i < COUNT(loss_names); i++) {
        if (strcmp(name, loss_names[i]) == 0) {
            *out = (nn_loss_kind)i;
            return 0;
        }
    }
    return -1;
}

/* The logistic function without overflow: exp is only ever taken of -|z|. */
static float sigmoid(float z)
{
    if (z >= 0.0f) {
        /* s(z) = 1 / (1 + e^-z) */
        return 1.0f / (1.0f + expf(-z));
    }
    /* s(z) = e^z / (1 + e^z), the same value rewritten for z < 0 */
    float e = expf(z);
    return e / (1.0f + e);
}

/* Softmax of one row of n > 0 values; y may equal z. */
static void softmax_row(float *y, const float *z, size_t n)
{
    float m = z[0];
    for (size_t j = 1; j < n; j++)
        m = z[j] > m ? z[j] : m;
    double sum = 0.0;
    for (size_t j = 0; j < n; j++) {
        /* e_j = exp(z_j - max z): the largest term is exactly 1, none overflows */
        y[j] = expf(z[j] - m);
        sum += y[j];
    }
    /* y_j = e_j / sum_k e_k */
    for (size_t j = 0; j < n; j++)
        y[j] = (float)(y[j] / sum);
}

void nn_activation_forward(nn_activation a, float *y, const float *z, size_t B, size_t n)
{
    size_t len = B * n;
    switch (a) {
    case NN_ACT_IDENTITY:
        if (y != z && len)
            memmove(y, z, len * sizeof *y);
        break;
    case NN_ACT_RELU:
        /* y = max(z, 0), written so that a NaN passes through (vectorised) */
        nn_relu_forward(y, z, len);
        break;
    case NN_ACT_SIGMOID:
        for (size_t k = 0; k < len; k++)
            y[k] = sigmoid(z[k]);
        break;
    case NN_ACT_TANH:
        for (size_t k = 0; k < len; k++)
            y[k] = tanhf(z[k]);
        break;
    case NN_ACT_SOFTMAX:
        if (n)
            for (size_t i = 0; i < B; i++)
                softmax_row(y + i * n, z + i * n, n);
        break;
    case NN_ACT_SIN:
        nni_kernels_active()->sin_forward(y, z, len);
        break;
    case NN_ACT_GAUSS:
        /* y = exp(-z^2) */
        nni_kernels_active()->gauss_forward(y, z, len);
        break;
    }
}

void nn_activation_backward(nn_activation a, float *dz, const float *dy, const float *z,
                            const float *y, size_t B, size_t n)
{
    size_t len = B * n;
    switch (a) {
    case NN_ACT_IDENTITY:
        if (dz != dy && len)
            memmove(dz, dy, len * sizeof *dz);
        break;
    case NN_ACT_RELU:
        /* dz = dy if z > 0, else 0 (vectorised) */
        nn_relu_backward(dz, dy, z, len);
        break;
    case NN_ACT_SIGMOID:
        /* dz = dy y (1 - y), since s'(z) = s(z) (1 - s(z)) */
        for (size_t k = 0; k < len; k++)
            dz[k] = dy[k] * y[k] * (1.0f - y[k]);
        break;
    case NN_ACT_TANH:
        /* dz = dy (1 - y^2), since tanh'(z) = 1 - tanh(z)^2 */
        for (size_t k = 0; k < len; k++)
            dz[k] = dy[k] * (1.0f - y[k] * y[k]);
        break;
    case NN_ACT_SOFTMAX:
        for (size_t i = 0; i < B; i++) {
            const float *yi = y + i * n, *dyi = dy + i * n;
            float *dzi = dz + i * n;
            double s = 0.0;
            for (size_t j = 0; j < n; j++)
                s += (double)dyi[j] * yi[j];
            /* dz_j = y_j (dy_j - sum_k dy_k y_k), the softmax Jacobian J = diag(y) - y y^T */
            for (size_t j = 0; j < n; j++)
                dzi[j] = (float)(yi[j] * (dyi[j] - s));
        }
        break;
    case NN_ACT_SIN:
        /* dz = dy cos z, since sin' = cos */
        for (size_t k = 0; k < len; k++)
            dz[k] = dy[k] * cosf(z[k]);
        break;
    case NN_ACT_GAUSS:
        /* dz = -2 z y dy, since d/dz exp(-z^2) = -2 z exp(-z^2) */
        for (size_t k = 0; k < len; k++)
            dz[k] = -2.0f * z[k] * y[k] * dy[k];
        break;
    }
}

/* A label outside [0, C) has no probability: its row contributes NaN to the
 * sum, and its gradient row is the softmax alone.  The kernel variant in use
 * does the work (nn/kernels.h): each exponential is taken once, in
 * float (the logits and the gradient are float anyway). */
double nn_xent_forward_backward(const float *z, const uint8_t *labels, float *dz, size_t B,
                                size_t C, size_t norm)
{
    if (C == 0)
        return B ? NAN : 0.0;
    return nni_kernels_active()->xent(z, labels, dz, B, C, norm, NULL);
}

/* A label outside [0, C) matches no output: its row is scored against zeros. */
double nn_mse_forward_backward(const float *y, const uint8_t *labels, float *dy, size_t B,
                               size_t C, size_t norm)
{
    double total = 0.0;
    for (size_t i = 0; i < B; i++) {
        for (size_t j = 0; j < C; j++) {
            double d = (double)y[i * C + j] - (j == labels[i] ? 1.0 : 0.0);
            /* E_row = 1/2 sum_c (y_c - onehot_c)^2 */
            total += 0.5 * d * d;
            /* dE/dy_c = (y_c - onehot_c) / norm */
            if (dy)
                dy[i * C + j] = (float)(d / (double)norm);
        }
    }
    return total;
}

void nn_argmax_rows(size_t *out, const float *y, size_t B, size_t n)
{
    for (size_t i = 0; i < B; i++) {
        const float *yi = y + i * n;
        size_t best = 0;
        float top = n ? yi[0] : 0.0f;
        for (size_t j = 1; j < n; j++) {
            /* written without a branch: which entry wins is data, not a pattern */
            int more = yi[j] > top;
            best = more ? j : best;
            top = more ? yi[j] : top;
        }
        out[i] = best;
    }
}
