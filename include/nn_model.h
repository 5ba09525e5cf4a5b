/* nn_model.h - a stack of dense layers, its buffers, and its forward and
 * backward passes.
 *
 * A model of L layers maps sizes[0] inputs to sizes[L] outputs.  Layer l
 * (0 <= l < L) computes  a_l = act[l](a_{l-1} W_l^T + b_l)  with a_{-1} = x.
 *
 * Parameters live in ONE float buffer of n_params values, layer after layer:
 *   W_l  (sizes[l+1], sizes[l])  row-major, then  b_l (sizes[l+1]).
 * Gradients use exactly the same layout, so an optimizer is one flat loop.
 *
 * Ownership: nn_model owns params; nn_work owns its activation buffers.  Input
 * batches, labels and gradient buffers are always the caller's.
 */
#ifndef NN_MODEL_H
#define NN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_layers.h"
#include "nn_rng.h"

#define NN_MAX_LAYERS 16
#define NN_MAX_WIDTH 65536 /* largest layer width accepted anywhere */

typedef struct nn_model {
    size_t n_layers;                  /* L, 1..NN_MAX_LAYERS */
    size_t sizes[NN_MAX_LAYERS + 1];  /* sizes[0] inputs ... sizes[L] outputs */
    nn_activation act[NN_MAX_LAYERS]; /* activation after layer l */
    size_t n_params;                  /* sum over l of sizes[l+1] * (sizes[l] + 1) */
    float *params;                    /* owned, n_params floats */
} nn_model;

/* Checks an architecture without building it: 1..NN_MAX_LAYERS layers,
 * n_layers + 1 widths of 1..NN_MAX_WIDTH, known activations, softmax only on
 * the last layer.  Returns NN_OK or NN_ERR_ARG with a message that names no
 * file or option (callers prefix their own). */
int nn_arch_check(size_t n_layers, const size_t *sizes, const nn_activation *act,
                  nn_error *err);

/* Checks that loss can train an output layer with activation output
 * (cross-entropy needs softmax).  NN_OK or NN_ERR_ARG with a message. */
int nn_loss_check(nn_activation output, nn_loss_kind loss, nn_error *err);

/* The loss a model with this output activation is trained and evaluated with
 * unless told otherwise: cross-entropy after softmax, else mean squared error. */
nn_loss_kind nn_loss_default(nn_activation output);

/* Creates a model with the given widths (n_layers + 1 of them, each 1..NN_MAX_WIDTH)
 * and activations (n_layers of them; softmax only on the last layer).  Parameters
 * start at zero.  On failure m is left empty (safe to nn_model_free). */
int nn_model_create(nn_model *m, size_t n_layers, const size_t *sizes,
                    const nn_activation *act, nn_error *err);
void nn_model_free(nn_model *m);

/* Offsets of W_l and b_l inside a parameter (or gradient) buffer. */
size_t nn_model_weight_offset(const nn_model *m, size_t l);
size_t nn_model_bias_offset(const nn_model *m, size_t l);

/* Keras's default initialisation: W ~ U(-L, L), L = sqrt(6 / (fan_in + fan_out))
 * (Glorot uniform), drawn layer by layer in row-major order; b = 0. */
void nn_model_init_glorot(nn_model *m, nn_rng *r);

/* The buffers of forward and backward passes on batches of up to max_batch
 * rows.  One allocation; row i of every buffer belongs to row i of the batch:
 *   z[l]   (max_batch, sizes[l+1])  z_l = a_{l-1} W_l^T + b_l, pre-activation
 *   a[l]   (max_batch, sizes[l+1])  a_l = act_l(z_l), output of layer l
 *   dz[l]  (max_batch, sizes[l+1])  dE/dz_l
 * with a_{-1} = x, the caller's inputs (max_batch, sizes[0]).  Passes over
 * disjoint row ranges of one nn_work may run at the same time. */
typedef struct nn_work {
    size_t max_batch;
    float *z[NN_MAX_LAYERS];
    float *a[NN_MAX_LAYERS];
    float *dz[NN_MAX_LAYERS];
    float *mem; /* owned */
} nn_work;

int nn_work_create(nn_work *w, const nn_model *m, size_t max_batch, nn_error *err);
void nn_work_free(nn_work *w);

/* ---- passes over rows [r0, r1) of a batch (r1 <= max_batch) ---------------
 * Every row's numbers depend on that row alone and come out the same bits
 * however a batch is cut into ranges; the whole-batch calls further down are
 * these on [0, B).  x is the batch's inputs (row i at x + i sizes[0]) and
 * labels[i] is row i's label (< sizes[L]). */

/* Forward: z_l and a_l of the rows for every layer, from x.  With
 * to_logits set the last layer stops at z_{L-1} (its activation is not
 * applied), which is all that cross-entropy training needs. */
void nn_forward_rows(const nn_model *m, nn_work *w, const float *x, size_t r0, size_t r1,
                     int to_logits);

/* Loss of the rows after nn_forward_rows.  If row_loss is not NULL it
 * receives row i's loss in row_loss[i], and the return value is their sum
 * added in row order; otherwise the return value is the loss function's own
 * sum over the rows (nn_layers.h: for cross-entropy the same, for mean squared
 * error term by term).  With norm > 0, also dz[L-1] of the rows for
 * E = (sum of the batch's row losses) / norm; cross-entropy is fused with the
 * softmax (dz_L = (softmax(z_L) - onehot) / norm, from the logits alone);
 * mean squared error needs the output a_L (to_logits off). */
double nn_loss_rows(const nn_model *m, nn_work *w, nn_loss_kind loss, const uint8_t *labels,
                    size_t r0, size_t r1, size_t norm, double *row_loss);

/* Rows whose output's first largest entry is the label: the output is a_L,
 * or the logits z_L when from_logits is set (softmax keeps the order, but two
 * logits can round to one probability, so the counts may differ). */
size_t nn_correct_rows(const nn_model *m, const nn_work *w, const uint8_t *labels, size_t r0,
                       size_t r1, int from_logits);

/* Backward from dz[L-1] of the rows down to dz[0]:
 *   dz_{l-1} = act_{l-1}'(z_{l-1}) * (dz_l W_l)   for l = L-1 .. 1. */
void nn_backward_rows(const nn_model *m, nn_work *w, size_t r0, size_t r1);

/* dE/dx of the rows into dx (row i at dx + i sizes[0]):  dx = dz_0 W_0. */
void nn_input_grad_rows(const nn_model *m, const nn_work *w, float *dx, size_t r0, size_t r1);

/* A block of layer l's parameters: rows [o0, o1) and columns [k0, k1) of W_l,
 * with b_l[o0, o1) when k0 = 0. */
typedef struct nn_param_block {
    size_t l, o0, o1, k0, k1;
} nn_param_block;

/* ADDS the gradient of block b over batch rows [0, B) to grads (model layout):
 *   dW_l[o][k] += sum_i dz_l[i][o] a_{l-1}[i][k],  db_l[o] += sum_i dz_l[i][o],
 * every sum in order of i.  The bits do not depend on how a layer is cut
 * into blocks. */
void nn_param_grad(const nn_model *m, const nn_work *w, const float *x, size_t B,
                   const nn_param_block *b, float *grads);

/* ---- whole batches: the passes above on rows [0, B) ---------------------- */

/* Forward pass on x (B, sizes[0]), B <= max_batch.  Returns the network output
 * (B, sizes[L]), which lives in w and stays valid until the next call. */
const float *nn_forward(const nn_model *m, nn_work *w, const float *x, size_t B);

/* Loss of the last nn_forward against labels (B): returns the SUM over rows
 * (divide by B for the mean).  Labels must be < sizes[L].  If n_correct is not
 * NULL it receives the number of rows whose argmax of the output equals the
 * label. */
double nn_loss(const nn_model *m, const nn_work *w, nn_loss_kind loss,
               const uint8_t *labels, size_t B, size_t *n_correct);

/* Backward pass after nn_forward(m, w, x, B) with the same x, for
 * E = (sum of the row losses) / norm, norm >= 1.  Adds dE/dparams to grads
 * (n_params, model layout) if grads is not NULL; writes dE/dx (B, sizes[0]) to
 * dx if dx is not NULL.  Cross-entropy requires a softmax last layer and is
 * fused with it: dE/dz_L = (p - onehot) / norm. */
void nn_backward(const nn_model *m, nn_work *w, nn_loss_kind loss, const float *x,
                 const uint8_t *labels, size_t B, size_t norm, float *grads, float *dx);

/* nn_loss_check for the model's output layer. */
int nn_model_check_loss(const nn_model *m, nn_loss_kind loss, nn_error *err);

#endif
