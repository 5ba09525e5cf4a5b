/* nn_dream.h - making a network draw what it believes a class looks like:
 * gradient descent on the INPUT with the weights held fixed.
 *
 * The objective for target class K is
 *   E(x) = loss(f(x), K) + l2 * ||x||^2 / 2 + tv * V(x)
 * where loss is the model's loss towards the one-hot target of K (cross-
 * entropy for a softmax output), and V is the squared total variation of x
 * seen as a rows x cols image, a smoothness term:
 *   V(x) = 1/2 sum_{i,j} (x[i][j+1] - x[i][j])^2 + (x[i+1][j] - x[i][j])^2.
 * Each step is  x <- clip(x - lr * dE/dx, 0, 1)  (projected gradient descent:
 * pixels stay in MNIST's range).
 */
#ifndef NN_DREAM_H
#define NN_DREAM_H

#include <stddef.h>

#include "nn_error.h"
#include "nn_layers.h"
#include "nn_model.h"
#include "nn_rng.h"

typedef struct nn_dream_config {
    size_t target;     /* class K, < the model's number of outputs */
    size_t steps;      /* gradient steps; default 200 */
    float lr;          /* step size a; default 1 */
    float l2;          /* weight of ||x||^2 / 2; default 0 */
    float tv;          /* weight of V(x); default 0 */
    nn_loss_kind loss; /* default cross-entropy (needs a softmax output) */
    size_t rows, cols; /* image shape for V; rows * cols = the model's inputs */
} nn_dream_config;

/* Fills c with the defaults above for class 0 on a rows x cols input. */
void nn_dream_config_default(nn_dream_config *c, size_t rows, size_t cols);

typedef struct nn_dream_result {
    float p_target;   /* the model's output for K on the final x */
    size_t predicted; /* the model's class for the final x (first argmax) */
    double loss;      /* loss(f(x), K) on the final x, without the penalties */
    double energy;    /* E(x) on the final x, penalties included */
} nn_dream_result;

/* Runs c->steps steps from the start image x (sizes[0] values, each clipped to
 * [0, 1] first) and leaves the result in x.  The same inputs give the same
 * bytes.  Allocates its work buffers and frees them before returning.
 * result may be NULL. */
int nn_dream(const nn_model *m, const nn_dream_config *c, float *x, nn_dream_result *result,
             nn_error *err);

/* The penalty part of E: returns l2 * ||x||^2 / 2 + tv * V(x) for the
 * rows * cols values of x, and ADDS its gradient to grad if grad is not NULL. */
double nn_dream_penalty(const nn_dream_config *c, const float *x, float *grad);

/* A noisy start: each of the n values uniform in [0, amplitude). */
void nn_dream_noise(float *x, size_t n, float amplitude, nn_rng *r);

#endif
