/* nn_explain.h - why a model decides what it decides: the output probability
 * of one class attributed to the input pixels.
 *
 * For an input x (sizes[0] values) and a class k, p(x) is output k of the
 * model (the softmax probability for a softmax model).  The methods:
 *   saliency    a_i = |dp/dx_i|                   how much a small change of
 *                                                 pixel i moves p, either way
 *   gradxinput  a_i = x_i dp/dx_i                 the first-order share of p
 *                                                 of pixel i's ink
 *   ig          a_i = (x_i - x'_i) * integral over t in [0, 1] of dp/dx_i at
 *               x' + t (x - x')                   integrated gradients
 *               (Sundararajan, Taly, Yan 2017) from a baseline x'; they add up
 *               to p(x) - p(x') ("completeness")
 *   smoothgrad  a_i = mean over n samples of dp/dx_i at x + noise, the noise
 *               N(0, sigma^2) per pixel (Smilkov et al. 2017)
 *   occlusion   a_i = mean, over the patches covering pixel i, of
 *               p(x) - p(x with the patch set to the baseline)
 *
 * Integrated gradients are computed exactly when every hidden layer is ReLU
 * or identity: along the straight path each hidden pre-activation is linear
 * in t, so [0, 1] splits into pieces at the t where one crosses zero; within
 * a piece the logits are linear in t, and the integral over it is taken by
 * adaptive Gauss-Legendre quadrature, in double precision, to about 1e-13.
 * Other hidden activations (sigmoid, tanh) have no such pieces: the whole
 * path is then integrated by the same adaptive quadrature (result exact = 0).
 * With steps > 0 the usual right Riemann sum of steps gradients (in float)
 * is taken instead, for comparison.
 *
 * The library never prints; every function returns NN_OK or an error code
 * with a message.
 */
#ifndef NN_EXPLAIN_H
#define NN_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_model.h"

typedef enum nn_explain_method {
    NN_EXPLAIN_SALIENCY,
    NN_EXPLAIN_GRADXINPUT,
    NN_EXPLAIN_IG,
    NN_EXPLAIN_SMOOTHGRAD,
    NN_EXPLAIN_OCCLUSION
} nn_explain_method;

#define NN_EXPLAIN_METHODS 5

/* Name <-> value ("saliency", "gradxinput", "ig", "smoothgrad",
 * "occlusion"); from_name returns 0, or -1 for an unknown name. */
const char *nn_explain_method_name(nn_explain_method m);
int nn_explain_method_from_name(const char *name, nn_explain_method *out);

typedef struct nn_explain_options {
    nn_explain_method method;
    size_t target;         /* the class k whose output is explained, < sizes[L] */
    const float *baseline; /* ig and occlusion: x' (sizes[0] values); NULL: all 0 */
    size_t steps;          /* ig: 0 exact, else a right Riemann sum of steps terms */
    size_t samples;        /* smoothgrad: noisy copies, >= 1 */
    float noise;           /* smoothgrad: sigma of the noise, >= 0 */
    uint64_t seed;         /* smoothgrad: the noise's seed */
    size_t rows, cols;     /* occlusion: the input's shape, rows * cols = sizes[0] */
    size_t patch, stride;  /* occlusion: patch side and step, 1..rows and cols */
} nn_explain_options;

/* Fills o with the defaults: saliency of class 0, black baseline, exact ig,
 * 50 samples of sigma 0.15 (seed 1), 4 x 4 patches moved by 2 on 28 x 28. */
void nn_explain_options_default(nn_explain_options *o);

typedef struct nn_explain_result {
    double p;          /* p(x) */
    double p_baseline; /* p(x'): ig and occlusion, else 0 */
    double sum;        /* sum of the attributions (exact ig: in double, before
                          they are rounded to float) */
    size_t pieces;     /* exact ig: linear pieces of the path (0 otherwise) */
    size_t gradients;  /* gradients taken; occlusion: patches (forward passes);
                          exact ig: quadrature nodes */
    int exact;         /* ig: 1 piecewise-linear path, 0 adaptive quadrature
                          over a smooth path or a Riemann sum */
} nn_explain_result;

/* Attributes output o->target of m at x (sizes[0] values) to the inputs by
 * o->method: attr receives sizes[0] values; r (if not NULL) the summary. */
int nn_explain(const nn_model *m, const float *x, const nn_explain_options *o, float *attr,
               nn_explain_result *r, nn_error *err);

/* dp/dx of output k at each of the n inputs x (n, sizes[0]) into g (n,
 * sizes[0]), through the model's float passes (nn_model.h). */
int nn_explain_gradient(const nn_model *m, const float *x, size_t n, size_t k, float *g,
                        nn_error *err);

/* Output k of m at x, in double precision (the arithmetic exact ig uses). */
int nn_explain_output(const nn_model *m, const float *x, size_t k, double *p, nn_error *err);

/* A blurred copy of a rows x cols image: a Gaussian of the given sigma (in
 * pixels), edges extended.  A baseline that keeps the digit's rough shape
 * but none of its strokes (Sturmfels, Lundberg, Lee 2020). */
int nn_explain_blur(const float *x, size_t rows, size_t cols, double sigma, float *out,
                    nn_error *err);

/* A copy of m's architecture with fresh Glorot weights from seed (and zero
 * biases): the model of the randomisation test (Adebayo et al. 2018). */
int nn_explain_randomized(const nn_model *m, uint64_t seed, nn_model *out, nn_error *err);

/* Spearman's rank correlation of a and b (n values each): Pearson's
 * correlation of their ranks, tied values taking the mean of their ranks.
 * 0 when either has a single value repeated. */
int nn_spearman(const float *a, const float *b, size_t n, double *rho, nn_error *err);

#endif
