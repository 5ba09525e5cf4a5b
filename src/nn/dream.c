/* dream.c - gradient descent on a network's input towards a class (nn_dream.h). */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "nn_dream.h"

void nn_dream_config_default(nn_dream_config *c, size_t rows, size_t cols)
{
    *c = (nn_dream_config){
        .target = 0,
        .steps = 600,
        .lr = 2.0f,
        .ink = 0.001f,
        .l2 = 0.0f,
        .tv = 0.0f,
        .border = 0.5f,
        .blur0 = 3.0f,
        .blur1 = 1.0f,
        .anneal = 1,
        .polish = 200,
        .p_stop = 0.99f,
        .loss = NN_LOSS_XENT,
        .rows = rows,
        .cols = cols,
    };
}

void nn_dream_config_plain(nn_dream_config *c, size_t rows, size_t cols)
{
    nn_dream_config_default(c, rows, cols);
    c->steps = 200;
    c->lr = 1.0f;
    c->ink = c->border = 0.0f;
    c->blur0 = c->blur1 = 0.0f;
    c->anneal = 0;
    c->polish = 0;
}

/* How many rows (columns) index i lies inside a margin of `margin` at either
 * end of n: margin at the edge, 1 next to the central part, 0 inside it. */
static size_t into_margin(size_t i, size_t n, size_t margin)
{
    if (i < margin)
        return margin - i;
    if (i >= n - margin)
        return i - (n - margin) + 1;
    return 0;
}

float nn_dream_border_distance(size_t rows, size_t cols, size_t i, size_t j)
{
    /* m = max(d_row / margin_row, d_col / margin_col), margins rows/7 and cols/7. */
    size_t mr = rows / 7, mc = cols / 7;
    float a = mr ? (float)into_margin(i, rows, mr) / (float)mr : 0.0f;
    float b = mc ? (float)into_margin(j, cols, mc) / (float)mc : 0.0f;
    return a > b ? a : b;
}

double nn_dream_penalty(const nn_dream_config *c, const float *x, float *grad)
{
    size_t R = c->rows, C = c->cols;
    double ink = 0.0, l2 = 0.0, v = 0.0, b = 0.0;
    /* sum_i x_i, gradient 1;  ||x||^2 / 2, gradient x. */
    if (c->ink != 0.0f || c->l2 != 0.0f)
        for (size_t i = 0; i < R * C; i++) {
            ink += x[i];
            l2 += 0.5 * (double)x[i] * x[i];
            if (grad)
                grad[i] += c->ink + c->l2 * x[i];
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
    /* B(x) = 1/2 sum_i m_i^2 x_i^2, gradient m_i^2 x_i. */
    if (c->border != 0.0f)
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < C; j++) {
                float m = nn_dream_border_distance(R, C, i, j), xi = x[i * C + j];
                b += 0.5 * (double)m * m * xi * xi;
                if (grad)
                    grad[i * C + j] += c->border * m * m * xi;
            }
    return c->ink * ink + c->l2 * l2 + c->tv * v + c->border * b;
}

/* r = ceil(3 sigma), the blur kernel's radius. */
static size_t blur_radius(float sigma)
{
    return (size_t)ceilf(3.0f * sigma);
}

void nn_dream_blur(float *v, float *tmp, float *kernel, size_t rows, size_t cols, float sigma)
{
    if (!(sigma > 0.0f))
        return;
    size_t r = blur_radius(sigma);
    /* k_d = exp(-d^2 / (2 sigma^2)), normalised to sum 1 over |d| <= r. */
    double sum = 0.0;
    for (size_t d = 0; d <= 2 * r; d++) {
        double e = (double)d - (double)r;
        kernel[d] = (float)exp(-e * e / (2.0 * (double)sigma * sigma));
        sum += kernel[d];
    }
    for (size_t d = 0; d <= 2 * r; d++)
        kernel[d] = (float)(kernel[d] / sum);
    /* Along the rows: tmp[i][j] = sum_d k_d v[i][j + d], zero outside. */
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) {
            size_t lo = j > r ? j - r : 0, hi = j + r < cols ? j + r : cols - 1;
            float a = 0.0f;
            for (size_t q = lo; q <= hi; q++)
                a += kernel[q + r - j] * v[i * cols + q];
            tmp[i * cols + j] = a;
        }
    /* Along the columns: v[i][j] = sum_d k_d tmp[i + d][j], zero outside. */
    for (size_t i = 0; i < rows; i++) {
        size_t lo = i > r ? i - r : 0, hi = i + r < rows ? i + r : rows - 1;
        for (size_t j = 0; j < cols; j++) {
            float a = 0.0f;
            for (size_t q = lo; q <= hi; q++)
                a += kernel[q + r - i] * tmp[q * cols + j];
            v[i * cols + j] = a;
        }
    }
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

static int weight_ok(float w)
{
    return isfinite(w) && w >= 0.0f;
}

/* Largest blur sigma accepted: far wider than any image needs. */
#define MAX_SIGMA 100.0f

/* The checks of nn_dream's model and configuration. */
static int check_dream(const nn_model *m, const nn_dream_config *c, nn_error *err)
{
    size_t n = m->sizes[0], K = m->sizes[m->n_layers];
    if (c->rows == 0 || c->cols == 0 || c->rows > n || c->cols > n || c->rows * c->cols != n)
        return nn_fail(err, NN_ERR_ARG, "dream: a %zu x %zu image does not fit %zu model inputs",
                       c->rows, c->cols, n);
    if (c->target >= K || K > 256)
        return nn_fail(err, NN_ERR_ARG, "dream: class %zu is out of range (the model has %zu)",
                       c->target, K);
    if (!weight_ok(c->lr) || !weight_ok(c->ink) || !weight_ok(c->l2) || !weight_ok(c->tv) ||
        !weight_ok(c->border))
        return nn_fail(err, NN_ERR_ARG, "dream: lr, ink, l2, tv and border must be finite and >= 0");
    if (!weight_ok(c->blur0) || !weight_ok(c->blur1) || c->blur0 > MAX_SIGMA ||
        c->blur1 > MAX_SIGMA)
        return nn_fail(err, NN_ERR_ARG, "dream: blur sigmas must be between 0 and %g",
                       (double)MAX_SIGMA);
    if (!(c->p_stop >= 0.0f && c->p_stop <= 1.0f))
        return nn_fail(err, NN_ERR_ARG, "dream: p_stop must be between 0 and 1");
    return nn_model_check_loss(m, c->loss, err);
}

int nn_dream(const nn_model *m, const nn_dream_config *c, float *x, nn_dream_result *result,
             nn_error *err)
{
    size_t n = m->sizes[0], K = m->sizes[m->n_layers];
    int rc = check_dream(m, c, err);
    if (rc)
        return rc;
    float sigma_max = c->blur0 > c->blur1 ? c->blur0 : c->blur1;
    float *g = nni_alloc(n, sizeof *g), *tmp = nni_alloc(n, sizeof *tmp);
    float *kernel = nni_alloc(2 * blur_radius(sigma_max) + 1, sizeof *kernel);
    nn_work w;
    rc = g && tmp && kernel ? nn_work_create(&w, m, 1, err)
                            : nn_fail(err, NN_ERR_NOMEM, "dream: out of memory");
    if (rc) {
        free(kernel);
        free(tmp);
        free(g);
        return rc;
    }
    uint8_t label = (uint8_t)c->target;
    for (size_t i = 0; i < n; i++)
        x[i] = clip01(x[i]);
    nn_dream_config now = *c; /* the weights in force at this step */
    size_t s = 0;
    for (; s < c->steps + c->polish; s++) {
        const float *y = nn_forward(m, &w, x, 1);
        float sigma;
        if (s < c->steps) {
            /* t = s / (steps - 1);  sigma = blur0 + t (blur1 - blur0);
             * with anneal, weights w (1 - s / steps). */
            float t = c->steps > 1 ? (float)s / (float)(c->steps - 1) : 1.0f;
            sigma = c->blur0 + t * (c->blur1 - c->blur0);
            float fade = c->anneal ? 1.0f - (float)s / (float)c->steps : 1.0f;
            now.ink = c->ink * fade, now.l2 = c->l2 * fade, now.tv = c->tv * fade;
        } else {
            /* Polish: stop once p(K) >= p_stop; otherwise sharpen without
             * ink, l2 and tv. */
            if (y[c->target] >= c->p_stop)
                break;
            sigma = c->blur1;
            now.ink = now.l2 = now.tv = 0.0f;
        }
        /* dE/dx = dloss/dx (backpropagation to the input) + dP/dx. */
        nn_backward(m, &w, c->loss, x, &label, 1, 1, NULL, g);
        nn_dream_penalty(&now, x, g);
        /* x <- clip(x - lr * G_sigma(dE/dx), 0, 1) */
        nn_dream_blur(g, tmp, kernel, c->rows, c->cols, sigma);
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
        result->steps = s;
    }
    nn_work_free(&w);
    free(kernel);
    free(tmp);
    free(g);
    if (!isfinite(loss))
        return nn_fail(err, NN_ERR_DIVERGED, "dream: the loss became %g (try a smaller step size)", loss);
    return NN_OK;
}
