/* nn_dream.h - making a network draw what it believes a class looks like,
 * or what one of its hidden units responds to: gradient descent on the INPUT
 * with the weights held fixed.
 *
 * The dream of unit u of layer l (layer 1 the first hidden layer, layer L =
 * n_layers the output, whose units are the classes) descends
 *   E(x) = O(T(x)) + P(x)
 *   O(x) = -z_l[u](x)               a hidden unit, or a class with NN_DREAM_LOGIT:
 *                                   its pre-activation (a class's logit), which
 *                                   rises with the activation and still has a
 *                                   gradient where a ReLU is off;
 *   O(x) = loss(f(x), u)            a class with NN_DREAM_SOFTMAX: the model's loss
 *                                   towards the one-hot target of u (cross-entropy
 *                                   of the softmax), which mostly pushes the
 *                                   other classes down;
 *   P(x) = ink * sum_i x_i + l2 * ||x||^2 / 2 + tv * V(x) + border * B(x)
 * where T is the identity, or with jitter > 0 a random transformation drawn
 * afresh at every step (nn_dream_jitter below) and the gradient is taken
 * through it: dO/dx = T^T dO/dx'.  For x seen as a rows x cols image:
 *   sum_i x_i   the total ink: the L1 norm, since pixels are >= 0;
 *   V(x) = 1/2 sum_{i,j} (x[i][j+1] - x[i][j])^2 + (x[i+1][j] - x[i][j])^2,
 *               the squared total variation, a smoothness term;
 *   B(x) = 1/2 sum_i m_i^2 x_i^2,  m_i in [0, 1] how far pixel i lies outside
 *               the central box (below), 0 inside it.
 * The central box leaves a margin of rows/7 rows at the top and the bottom and
 * cols/7 columns on each side (4 of 28: MNIST's digits are drawn in a 20 x 20
 * box in the middle of the 28 x 28 image).  A pixel d rows or columns into the
 * margin (d = 1 next to the box, up to the margin at the edge) has
 * m_i = d / margin.
 *
 * Each step is projected gradient descent, with the gradient optionally blurred:
 *   x <- clip(x - lr * G_sigma(dE/dx), 0, 1)
 * G_sigma is a Gaussian blur of standard deviation sigma (pixels; sigma = 0 is
 * the identity): it smooths each step, so the untrained noise in the weights
 * of pixels MNIST never inks (the border, mostly) averages out instead of
 * turning into speckle.  sigma goes linearly from blur0 at the first step to
 * blur1 at the last.  With anneal set, the ink, l2 and tv weights fade
 * linearly from their full value at step 0 to 1/steps of it at the last step:
 * the penalties shape the picture early and let the class probability rise at
 * the end (the border term stays: it is a prior, not a trade-off).
 *
 * After the steps of a class dream, up to `polish` more steps (sigma = blur1;
 * ink, l2 and tv off; border kept) run while the class probability is below
 * p_stop.  A hidden unit's dream has no polish steps.
 *
 * nn_dream_config_plain gives the plain algorithm: no penalties, no blur,
 * 200 steps of x <- clip(x - dE/dx, 0, 1) with E the cross-entropy.
 */
#ifndef NN_DREAM_H
#define NN_DREAM_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_layers.h"
#include "nn_model.h"
#include "nn_rng.h"

typedef enum nn_dream_objective {
    NN_DREAM_LOGIT,  /* maximise the class's logit z_L[K] */
    NN_DREAM_SOFTMAX /* minimise the loss towards K: maximise log p(K) */
} nn_dream_objective;

/* Class dreams take models of at most this many classes (labels are bytes). */
#define NN_DREAM_MAX_CLASSES 256

struct nn_dream_result;

/* Called by nn_dream after each step s = 1, 2, ... (polish steps included)
 * with x as that step left it and the result on that x (as nn_dream returns
 * it, steps = s).  x and now are nn_dream's: read them during the call only.
 * Returning non-zero stops the dream there: nn_dream then returns NN_OK with
 * that x and result, as if the planned steps had ended. */
typedef int (*nn_dream_step_fn)(size_t step, const float *x, const struct nn_dream_result *now,
                                void *ctx);

typedef struct nn_dream_config {
    size_t layer;      /* 1..n_layers: the unit's layer; 0 = the output layer */
    size_t target;     /* the unit (for the output layer the class K), < the layer's width */
    nn_dream_objective objective; /* of a class dream (the output layer) */
    size_t steps;      /* gradient steps */
    float lr;          /* step size */
    float ink;         /* weight of sum_i x_i */
    float l2;          /* weight of ||x||^2 / 2 */
    float tv;          /* weight of V(x) */
    float border;      /* weight of B(x) */
    float blur0;       /* sigma of the gradient blur at the first step (0: none) */
    float blur1;       /* sigma of the gradient blur at the last step (0: none) */
    int anneal;        /* non-zero: ink, l2 and tv fade out over the steps */
    size_t polish;     /* most extra steps while p(K) < p_stop */
    float p_stop;      /* probability the polish steps aim for */
    nn_loss_kind loss; /* NN_DREAM_SOFTMAX's loss: cross-entropy (needs a softmax output) */
    float jitter;       /* largest shift of T, pixels; 0: no transformation */
    float jitter_scale; /* largest relative change of scale of T */
    float jitter_angle; /* largest rotation of T, degrees */
    uint64_t seed;      /* of the transformations */
    size_t rows, cols; /* image shape; rows * cols = the model's inputs */
    nn_dream_step_fn on_step; /* called after each step, or NULL (the defaults) */
    void *on_step_ctx;        /* passed to on_step */
} nn_dream_config;

/* Fills c with nnart's defaults for class 0 on a rows x cols input:
 * the output layer, the logit objective, 600 steps, lr 0.02, ink 0.05, l2 0,
 * tv 0, border 0.5, blur 3 -> 1, anneal on, polish 200 towards p_stop 0.99,
 * no jitter (when turned on: scale 0.05, angle 5 degrees), seed 1, no
 * step callback. */
void nn_dream_config_default(nn_dream_config *c, size_t rows, size_t cols);

/* Sets c's objective with the step size and ink weight that suit it:
 * logit lr 0.02, ink 0.05; softmax lr 2, ink 0.001. */
void nn_dream_config_objective(nn_dream_config *c, nn_dream_objective objective);

/* Fills c with the plain algorithm for class 0: 200 steps, lr 1, every
 * penalty 0, no blur, no anneal, no polish, the softmax objective
 * (cross-entropy). */
void nn_dream_config_plain(nn_dream_config *c, size_t rows, size_t cols);

typedef struct nn_dream_result {
    float activation; /* a_l[u] on the final x (for a class: its logit z_L[K]) */
    float p_target;   /* the model's output for K on the final x (0 for a hidden unit) */
    size_t predicted; /* the model's class for the final x (first argmax) */
    double loss;      /* O(x) on the final x (T the identity), without the penalties */
    double energy;    /* E(x) on the final x, penalties at their full weights */
    size_t steps;     /* steps taken, polish steps included */
} nn_dream_result;

/* Runs the steps from the start image x (sizes[0] values, each clipped to
 * [0, 1] first) and leaves the result in x.  The same inputs give the same
 * bytes.  Allocates its work buffers and frees them before returning.
 * result may be NULL. */
int nn_dream(const nn_model *m, const nn_dream_config *c, float *x, nn_dream_result *result,
             nn_error *err);

/* O(x) above for c's unit (T the identity) on the input x of m; writes
 * dO/dx (sizes[0] values) to grad if grad is not NULL.  w is a work area of
 * m (max_batch >= 1), left holding the forward pass of x.  c must have
 * passed nn_dream's checks (layer and target in range). */
double nn_dream_objective_value(const nn_model *m, nn_work *w, const nn_dream_config *c,
                                const float *x, float *grad);

/* The random transformation T of one step: a shift (dx, dy) in pixels, a
 * scale s and a rotation by theta about the image centre c:
 *   (T x)[p] = x(c + R(-theta) (p - c - d) / s), read bilinearly, 0 outside. */
typedef struct nn_dream_jitter {
    float dx, dy, scale, theta; /* theta in radians */
} nn_dream_jitter;

/* Draws T: dx, dy uniform in [-jitter, jitter], s = 1 + uniform in
 * [-jitter_scale, jitter_scale], theta uniform in +-jitter_angle degrees. */
void nn_dream_jitter_draw(const nn_dream_config *c, nn_rng *r, nn_dream_jitter *t);

/* out <- T in (transpose 0) or out <- T^T in (transpose non-zero) on a
 * rows x cols image; in and out do not overlap. */
void nn_dream_jitter_apply(const nn_dream_jitter *t, size_t rows, size_t cols, const float *in,
                           float *out, int transpose);

/* The penalty P(x) above with c's weights for the rows * cols values of x;
 * ADDS its gradient to grad if grad is not NULL. */
double nn_dream_penalty(const nn_dream_config *c, const float *x, float *grad);

/* m_i of B(x) for pixel (i, j) of a rows x cols image. */
float nn_dream_border_distance(size_t rows, size_t cols, size_t i, size_t j);

/* v <- G_sigma v on a rows x cols image: separable Gaussian blur with weights
 * k_d = exp(-d^2 / (2 sigma^2)) / sum_{|e| <= r} exp(-e^2 / (2 sigma^2)) for
 * |d| <= r = ceil(3 sigma), zero outside the image.  tmp holds rows * cols
 * floats; kernel holds 2 r + 1.  sigma = 0 leaves v as it is. */
void nn_dream_blur(float *v, float *tmp, float *kernel, size_t rows, size_t cols, float sigma);

/* A noisy start: each of the n values uniform in [0, amplitude). */
void nn_dream_noise(float *x, size_t n, float amplitude, nn_rng *r);

#endif
