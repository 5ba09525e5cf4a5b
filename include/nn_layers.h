/* nn_layers.h - activations and losses, forward and backward side by side.
 *
 * All functions work on a batch of B rows of n values, row-major float32.
 * Backward functions take the upstream gradient dE/dy and produce dE/dz for the
 * activation y = f(z); they may be given the forward input z and output y.
 */
#ifndef NN_LAYERS_H
#define NN_LAYERS_H

#include <stddef.h>
#include <stdint.h>

typedef enum nn_activation {
    NN_ACT_IDENTITY = 0,
    NN_ACT_RELU = 1,
    NN_ACT_SIGMOID = 2,
    NN_ACT_TANH = 3,
    NN_ACT_SOFTMAX = 4, /* over each row */
    NN_ACT_SIN = 5,     /* sin z: a vectorised approximation, |error| <= 2e-7 */
    NN_ACT_GAUSS = 6    /* the Gaussian bump exp(-z^2), |error| <= 2e-7 */
} nn_activation;

#define NN_ACT_LAST NN_ACT_GAUSS /* the largest activation code */

typedef enum nn_loss_kind {
    NN_LOSS_XENT = 0, /* sparse categorical cross-entropy; needs a softmax output */
    NN_LOSS_MSE = 1   /* E = 1/2 sum_i (y_i - onehot_i)^2, the article's error */
} nn_loss_kind;

/* Name <-> value ("relu", "softmax", "sin", "gauss", ...; "xent", "mse").
 * The parsers return 0 and set *out on success, -1 for an unknown name. */
const char *nn_activation_name(nn_activation a);
int nn_activation_from_name(const char *name, nn_activation *out);
const char *nn_loss_name(nn_loss_kind l);
int nn_loss_from_name(const char *name, nn_loss_kind *out);

/* y = f(z), (B, n).  y may equal z (in place).  sin and gauss are computed
 * by the kernel variant in use (nn_kernels.h) from polynomials, each within
 * 2e-7 of the true value (absolute; sin for |z| <= 8192, where larger |z|
 * take libm's sinf); sigmoid, tanh and softmax are libm's, and none of the
 * others depends on the variant. */
void nn_activation_forward(nn_activation a, float *y, const float *z, size_t B, size_t n);

/* dz = dE/dz given dy = dE/dy, the forward input z and output y, all (B, n).
 * dz may equal dy.  For softmax this is the Jacobian product y * (dy - <dy, y>). */
void nn_activation_backward(nn_activation a, float *dz, const float *dy, const float *z,
                            const float *y, size_t B, size_t n);

/* Labels passed to the losses must be < C: checking them is the caller's duty
 * (nn_train and nn_evaluate check a data set once, before the first batch). */

/* Sparse categorical cross-entropy from logits z (B, C) and integer labels (B):
 * returns the SUM over rows of -log softmax(z)[label], computed as
 * logsumexp(z) - z[label] so that it never takes log(0).  If dz is not NULL it
 * receives (softmax(z) - onehot(label)) / norm, the gradient of (sum / norm). */
double nn_xent_forward_backward(const float *z, const uint8_t *labels, float *dz,
                                size_t B, size_t C, size_t norm);

/* Mean squared error against one-hot targets, E_row = 1/2 sum_c (y_c - onehot_c)^2:
 * returns the SUM of E_row over rows; if dy is not NULL it receives
 * (y - onehot) / norm, the gradient of (sum / norm) with respect to y. */
double nn_mse_forward_backward(const float *y, const uint8_t *labels, float *dy,
                               size_t B, size_t C, size_t norm);

/* Index of the largest value in each of B rows of n (first one on ties). */
void nn_argmax_rows(size_t *out, const float *y, size_t B, size_t n);

#endif
