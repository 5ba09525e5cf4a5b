/* dream.c - gradient descent on a network's input towards a class or a
 * unit (nn_dream.h). */
#include <math.h>
#include <stdlib.h>

#include "internal.h"
#include "nn_dream.h"

void nn_dream_config_default(nn_dream_config *c, size_t rows, size_t cols)
{
    *c = (nn_dream_config){
        .layer = 0,
        .target = 0,
        .objective = NN_DREAM_LOGIT,
        .steps = 600,
        .lr = 0.02f,
        .ink = 0.05f,
        .l2 = 0.0f,
        .tv = 0.0f,
        .border = 0.5f,
        .blur0 = 3.0f,
        .blur1 = 1.0f,
        .anneal = 1,
        .polish = 200,
        .p_stop = 0.99f,
        .loss = NN_LOSS_XENT,
        .jitter = 0.0f,
        .jitter_scale = 0.05f,
        .jitter_angle = 5.0f,
        .seed = 1,
        .rows = rows,
        .cols = cols,
    };
}

void nn_dream_config_objective(nn_dream_config *c, nn_dream_objective objective)
{
    /* The softmax's gradient (p - onehot) fades as p(K) nears 1; the logit's
     * does not, so it takes a step 100 times smaller and a heavier ink penalty
     * to keep the dream from filling the box. */
    c->objective = objective;
    c->lr = objective == NN_DREAM_LOGIT ? 0.02f : 2.0f;
    c->ink = objective == NN_DREAM_LOGIT ? 0.05f : 0.001f;
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
    c->objective = NN_DREAM_SOFTMAX;
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

/* The layer of c's unit, 1..n_layers. */
static size_t unit_layer(const nn_model *m, const nn_dream_config *c)
{
    return c->layer == 0 ? m->n_layers : c->layer;
}

/* Whether O is the model's loss (a class dream with NN_DREAM_SOFTMAX). */
static int uses_loss(const nn_model *m, const nn_dream_config *c)
{
    return unit_layer(m, c) == m->n_layers && c->objective == NN_DREAM_SOFTMAX;
}

/* The checks of the transformation's settings. */
static int check_jitter(const nn_dream_config *c, nn_error *err)
{
    if (!weight_ok(c->jitter) || c->jitter > 100.0f || !weight_ok(c->jitter_scale) ||
        c->jitter_scale > 0.5f || !weight_ok(c->jitter_angle) || c->jitter_angle > 90.0f)
        return nn_fail(err, NN_ERR_ARG, "dream: jitter must be 0 to 100 pixels, its scale 0 to "
                                        "0.5 and its angle 0 to 90 degrees");
    return NN_OK;
}

/* The checks of nn_dream's model and configuration. */
static int check_dream(const nn_model *m, const nn_dream_config *c, nn_error *err)
{
    size_t n = m->sizes[0], L = m->n_layers;
    if (c->rows == 0 || c->cols == 0 || c->rows > n || c->cols > n || c->rows * c->cols != n)
        return nn_fail(err, NN_ERR_ARG, "dream: a %zu x %zu image does not fit %zu model inputs",
                       c->rows, c->cols, n);
    if (c->layer > L)
        return nn_fail(err, NN_ERR_ARG, "dream: layer %zu is out of range (the model has 1 to %zu)",
                       c->layer, L);
    size_t width = m->sizes[unit_layer(m, c)];
    if (unit_layer(m, c) == L && width > NN_DREAM_MAX_CLASSES)
        return nn_fail(err, NN_ERR_ARG, "dream: %zu classes; class dreams take at most %d",
                       width, NN_DREAM_MAX_CLASSES);
    if (unit_layer(m, c) == L && c->target >= width)
        return nn_fail(err, NN_ERR_ARG, "dream: class %zu is out of range (the model has %zu)",
                       c->target, width);
    if (c->target >= width)
        return nn_fail(err, NN_ERR_ARG, "dream: unit %zu is out of range (layer %zu has %zu)",
                       c->target, c->layer, width);
    if (c->objective != NN_DREAM_LOGIT && c->objective != NN_DREAM_SOFTMAX)
        return nn_fail(err, NN_ERR_ARG, "dream: unknown objective %d", (int)c->objective);
    if (!weight_ok(c->lr) || !weight_ok(c->ink) || !weight_ok(c->l2) || !weight_ok(c->tv) ||
        !weight_ok(c->border))
        return nn_fail(err, NN_ERR_ARG, "dream: lr, ink, l2, tv and border must be finite and >= 0");
    if (!weight_ok(c->blur0) || !weight_ok(c->blur1) || c->blur0 > MAX_SIGMA ||
        c->blur1 > MAX_SIGMA)
        return nn_fail(err, NN_ERR_ARG, "dream: blur sigmas must be between 0 and %g",
                       (double)MAX_SIGMA);
    if (!(c->p_stop >= 0.0f && c->p_stop <= 1.0f))
        return nn_fail(err, NN_ERR_ARG, "dream: p_stop must be between 0 and 1");
    int rc = check_jitter(c, err);
    if (rc)
        return rc;
    return uses_loss(m, c) ? nn_model_check_loss(m, c->loss, err) : NN_OK;
}

double nn_dream_objective_value(const nn_model *m, nn_work *w, const nn_dream_config *c,
                                const float *x, float *grad)
{
    if (uses_loss(m, c)) {
        uint8_t label = (uint8_t)c->target;
        nn_forward(m, w, x, 1);
        double loss = nn_loss(m, w, c->loss, &label, 1, NULL);
        if (grad)
            nn_backward(m, w, c->loss, x, &label, 1, 1, NULL, grad);
        return loss;
    }
    /* O = -z_l[u]: the layers up to l as a model of their own (the parameters
     * are stored layer after layer, so they are a prefix), dO/dz_l = -e_u
     * carried down to the input. */
    size_t l = unit_layer(m, c), width = m->sizes[l];
    nn_model upto = *m;
    upto.n_layers = l;
    nn_forward(m, w, x, 1);
    double value = -(double)w->z[l - 1][c->target];
    if (grad) {
        for (size_t o = 0; o < width; o++)
            w->dz[l - 1][o] = o == c->target ? -1.0f : 0.0f;
        nn_backward_rows(&upto, w, 0, 1);
        nn_input_grad_rows(&upto, w, grad, 0, 1);
    }
    return value;
}

void nn_dream_jitter_draw(const nn_dream_config *c, nn_rng *r, nn_dream_jitter *t)
{
    /* Each parameter uniform in [-limit, limit]: limit (2u - 1). */
    t->dx = c->jitter * (float)(2.0 * nn_rng_uniform(r) - 1.0);
    t->dy = c->jitter * (float)(2.0 * nn_rng_uniform(r) - 1.0);
    t->scale = 1.0f + c->jitter_scale * (float)(2.0 * nn_rng_uniform(r) - 1.0);
    t->theta = c->jitter_angle * (float)((2.0 * nn_rng_uniform(r) - 1.0) * 3.14159265358979323846 / 180.0);
}

void nn_dream_jitter_apply(const nn_dream_jitter *t, size_t rows, size_t cols, const float *in,
                           float *out, int transpose)
{
    size_t n = rows * cols;
    if (transpose)
        for (size_t i = 0; i < n; i++)
            out[i] = 0.0f;
    double ci = ((double)rows - 1) / 2, cj = ((double)cols - 1) / 2;
    double cs = cos(t->theta), sn = sin(t->theta);
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) {
            /* q = c + R(-theta) (p - c - d) / s, p = (j, i) as (x, y). */
            double px = ((double)j - cj - t->dx) / t->scale, py = ((double)i - ci - t->dy) / t->scale;
            double qx = cj + cs * px + sn * py, qy = ci - sn * px + cs * py;
            double fx = floor(qx), fy = floor(qy);
            double ax = qx - fx, ay = qy - fy;
            /* Bilinear weights of the four neighbours (y0 + a, x0 + b). */
            double wt[4] = {(1 - ay) * (1 - ax), (1 - ay) * ax, ay * (1 - ax), ay * ax};
            float acc = 0.0f;
            for (int k = 0; k < 4; k++) {
                double y = fy + (k >> 1), x = fx + (k & 1);
                if (y < 0 || x < 0 || y >= (double)rows || x >= (double)cols)
                    continue;
                size_t q = (size_t)y * cols + (size_t)x;
                if (transpose)
                    out[q] += (float)wt[k] * in[i * cols + j];
                else
                    acc += (float)wt[k] * in[q];
            }
            if (!transpose)
                out[i * cols + j] = acc;
        }
}

/* The work buffers of a dream. */
typedef struct dream_buffers {
    float *g, *tmp, *xt, *gt, *kernel;
    nn_work w;
} dream_buffers;

static void buffers_free(dream_buffers *b)
{
    nn_work_free(&b->w);
    free(b->kernel);
    free(b->gt);
    free(b->xt);
    free(b->tmp);
    free(b->g);
}

static int buffers_create(dream_buffers *b, const nn_model *m, const nn_dream_config *c,
                          nn_error *err)
{
    size_t n = m->sizes[0];
    float sigma_max = c->blur0 > c->blur1 ? c->blur0 : c->blur1;
    *b = (dream_buffers){0};
    b->g = nni_alloc(n, sizeof *b->g), b->tmp = nni_alloc(n, sizeof *b->tmp);
    b->xt = nni_alloc(n, sizeof *b->xt), b->gt = nni_alloc(n, sizeof *b->gt);
    b->kernel = nni_alloc(2 * blur_radius(sigma_max) + 1, sizeof *b->kernel);
    int rc = b->g && b->tmp && b->xt && b->gt && b->kernel
                 ? nn_work_create(&b->w, m, 1, err)
                 : nn_fail(err, NN_ERR_NOMEM, "dream: out of memory");
    if (rc)
        buffers_free(b);
    return rc;
}

/* The weights and blur of step s into now and *sigma. */
static void schedule(const nn_dream_config *c, size_t s, nn_dream_config *now, float *sigma)
{
    if (s < c->steps) {
        /* t = s / (steps - 1);  sigma = blur0 + t (blur1 - blur0);
         * with anneal, weights w (1 - s / steps). */
        float t = c->steps > 1 ? (float)s / (float)(c->steps - 1) : 1.0f;
        *sigma = c->blur0 + t * (c->blur1 - c->blur0);
        float fade = c->anneal ? 1.0f - (float)s / (float)c->steps : 1.0f;
        now->ink = c->ink * fade, now->l2 = c->l2 * fade, now->tv = c->tv * fade;
        return;
    }
    /* Polish: sharpen without ink, l2 and tv. */
    *sigma = c->blur1;
    now->ink = now->l2 = now->tv = 0.0f;
}

/* dO/dx of one step into b->g, through a fresh T if jitter is on; returns
 * the model's output on the input the step saw. */
static const float *step_gradient(const nn_model *m, const nn_dream_config *c, dream_buffers *b,
                                  const float *x, nn_rng *r)
{
    if (!(c->jitter > 0.0f)) {
        nn_dream_objective_value(m, &b->w, c, x, b->g);
        return b->w.a[m->n_layers - 1];
    }
    nn_dream_jitter t;
    nn_dream_jitter_draw(c, r, &t);
    nn_dream_jitter_apply(&t, c->rows, c->cols, x, b->xt, 0);
    nn_dream_objective_value(m, &b->w, c, b->xt, b->gt);
    nn_dream_jitter_apply(&t, c->rows, c->cols, b->gt, b->g, 1); /* T^T dO/dx' */
    return b->w.a[m->n_layers - 1];
}

/* The result on the final x; returns O(x). */
static double dream_result(const nn_model *m, const nn_dream_config *c, dream_buffers *b,
                           const float *x, size_t steps, nn_dream_result *result)
{
    size_t L = m->n_layers, l = unit_layer(m, c), K = m->sizes[L];
    double value = nn_dream_objective_value(m, &b->w, c, x, NULL);
    if (result) {
        const float *y = b->w.a[L - 1];
        result->activation = l == L ? b->w.z[L - 1][c->target] : b->w.a[l - 1][c->target];
        result->p_target = l == L ? y[c->target] : 0.0f;
        nn_argmax_rows(&result->predicted, y, 1, K);
        result->loss = value;
        result->energy = value + nn_dream_penalty(c, x, NULL);
        result->steps = steps;
    }
    return value;
}

int nn_dream(const nn_model *m, const nn_dream_config *c, float *x, nn_dream_result *result,
             nn_error *err)
{
    size_t n = m->sizes[0];
    dream_buffers b;
    int rc = check_dream(m, c, err);
    if (rc || (rc = buffers_create(&b, m, c, err)))
        return rc;
    int is_class = unit_layer(m, c) == m->n_layers;
    nn_rng r;
    nn_rng_seed(&r, c->seed);
    for (size_t i = 0; i < n; i++)
        x[i] = clip01(x[i]);
    nn_dream_config now = *c; /* the weights in force at this step */
    size_t s = 0, polish = is_class ? c->polish : 0;
    for (; s < c->steps + polish; s++) {
        float sigma;
        schedule(c, s, &now, &sigma);
        const float *y = step_gradient(m, c, &b, x, &r);
        if (s >= c->steps && y[c->target] >= c->p_stop)
            break; /* polish until p(K) >= p_stop */
        /* dE/dx = dO/dx + dP/dx;  x <- clip(x - lr * G_sigma(dE/dx), 0, 1) */
        nn_dream_penalty(&now, x, b.g);
        nn_dream_blur(b.g, b.tmp, b.kernel, c->rows, c->cols, sigma);
        for (size_t i = 0; i < n; i++)
            x[i] = clip01(x[i] - c->lr * b.g[i]);
        if (c->on_step) {
            nn_dream_result at;
            dream_result(m, c, &b, x, s + 1, &at);
            if (c->on_step(s + 1, x, &at, c->on_step_ctx)) {
                s++;
                break;
            }
        }
    }
    double value = dream_result(m, c, &b, x, s, result);
    buffers_free(&b);
    if (!isfinite(value))
        return nn_fail(err, NN_ERR_DIVERGED, "dream: the loss became %g (try a smaller step size)", value);
    return NN_OK;
}
