/* explain.c - attributions of one output to the inputs (nn_explain.h): the
 * gradient methods on the model's float passes (nn_model.h), occlusion on
 * its forward pass, exact integrated gradients in explain_path.c; the
 * blurred baseline, the randomised model and the rank correlation. */
#include <math.h>
#include <string.h>

#include "nn/explain.h"
#include "nn_rng.h"

#define BATCH 64 /* rows per pass */

static const char *const method_names[NN_EXPLAIN_METHODS] = {"saliency", "gradxinput", "ig",
                                                             "smoothgrad", "occlusion"};

const char *nn_explain_method_name(nn_explain_method m)
{
    return (unsigned)m < NN_EXPLAIN_METHODS ? method_names[m] : "unknown";
}

int nn_explain_method_from_name(const char *name, nn_explain_method *out)
{
    for (int i = 0; i < NN_EXPLAIN_METHODS; i++)
        if (strcmp(name, method_names[i]) == 0) {
            *out = (nn_explain_method)i;
            return 0;
        }
    return -1;
}

void nn_explain_options_default(nn_explain_options *o)
{
    *o = (nn_explain_options){.method = NN_EXPLAIN_SALIENCY, .samples = 50, .noise = 0.15f,
                              .seed = 1, .rows = 28, .cols = 28, .patch = 4, .stride = 2};
}

static int check_options(const nn_model *m, const nn_explain_options *o, nn_error *err)
{
    size_t C = m->sizes[m->n_layers];
    if ((unsigned)o->method >= NN_EXPLAIN_METHODS)
        return nn_fail(err, NN_ERR_ARG, "explain: unknown method code %u", (unsigned)o->method);
    if (o->target >= C)
        return nn_fail(err, NN_ERR_ARG, "explain: class %zu of a model with %zu outputs",
                       o->target, C);
    if (o->method == NN_EXPLAIN_SMOOTHGRAD && (o->samples < 1 || !(o->noise >= 0.0f)))
        return nn_fail(err, NN_ERR_ARG, "explain: smoothgrad needs samples >= 1 and sigma >= 0");
    if (o->method == NN_EXPLAIN_OCCLUSION &&
        (o->rows * o->cols != m->sizes[0] || o->patch < 1 || o->stride < 1 ||
         o->patch > o->rows || o->patch > o->cols))
        return nn_fail(err, NN_ERR_ARG,
                       "explain: occlusion of %zu x %zu patches on %zu x %zu inputs (the "
                       "model has %zu)",
                       o->patch, o->patch, o->rows, o->cols, m->sizes[0]);
    return NN_OK;
}

/* dp_k/dx of rows [0, n) of X, n <= BATCH, into G: forward, dz_L =
 * act_L'(z_L)^T onehot_k (for softmax p_k (onehot_k - p)), then the passes
 * down to the input. */
static void gradient_rows(const nn_model *m, nn_work *w, const float *X, size_t n, size_t k,
                          float *G)
{
    size_t L = m->n_layers, C = m->sizes[L];
    nn_forward_rows(m, w, X, 0, n, 0);
    float *dz = w->dz[L - 1];
    for (size_t i = 0; i < n * C; i++)
        dz[i] = i % C == k ? 1.0f : 0.0f;
    nn_activation_backward(m->act[L - 1], dz, dz, w->z[L - 1], w->a[L - 1], n, C);
    nn_backward_rows(m, w, 0, n);
    nn_input_grad_rows(m, w, G, 0, n);
}

int nn_explain_gradient(const nn_model *m, const float *x, size_t n, size_t k, float *g,
                        nn_error *err)
{
    if (k >= m->sizes[m->n_layers])
        return nn_fail(err, NN_ERR_ARG, "explain: class %zu of a model with %zu outputs", k,
                       m->sizes[m->n_layers]);
    nn_work w;
    int rc = nn_work_create(&w, m, n < BATCH ? (n ? n : 1) : BATCH, err);
    if (rc)
        return rc;
    size_t n0 = m->sizes[0];
    for (size_t r0 = 0; r0 < n; r0 += BATCH) {
        size_t rows = n - r0 < BATCH ? n - r0 : BATCH;
        gradient_rows(m, &w, x + r0 * n0, rows, k, g + r0 * n0);
    }
    nn_work_free(&w);
    return NN_OK;
}

/* Output k of rows [0, n) of X (n <= BATCH) into p. */
static void output_rows(const nn_model *m, nn_work *w, const float *X, size_t n, size_t k,
                        double *p)
{
    size_t L = m->n_layers, C = m->sizes[L];
    nn_forward_rows(m, w, X, 0, n, 0);
    for (size_t i = 0; i < n; i++)
        p[i] = w->a[L - 1][i * C + k];
}

/* What the float methods share: a work for BATCH rows, the rows' inputs X
 * and gradients G, and sums (sizes[0] each) acc and count. */
typedef struct batch {
    const nn_model *m;
    nn_work w;
    float *X, *G;
    double *acc, *count;
} batch;

static int batch_create(batch *b, const nn_model *m, nn_error *err)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    size_t n0 = m->sizes[0];
    int rc = nn_work_create(&b->w, m, BATCH, err);
    if (rc)
        return rc;
    b->X = nni_alloc(BATCH * n0, sizeof *b->X);
    b->G = nni_alloc(BATCH * n0, sizeof *b->G);
    b->acc = calloc(n0, sizeof *b->acc);
    b->count = calloc(n0, sizeof *b->count);
    if (!b->X || !b->G || !b->acc || !b->count)
        return nn_fail(err, NN_ERR_NOMEM, "explain: out of memory");
    return NN_OK;
}

static void batch_free(batch *b)
{
    nn_work_free(&b->w);
    free(b->X);
    free(b->G);
    free(b->acc);
    free(b->count);
}

/* acc += dp_k/dx of the n rows in X. */
static void batch_gradients(batch *b, size_t n, size_t k)
{
    size_t n0 = b->m->sizes[0];
    gradient_rows(b->m, &b->w, b->X, n, k, b->G);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n0; j++)
            b->acc[j] += b->G[i * n0 + j];
}

/* Riemann sum of integrated gradients: IG_i ~ d_i (1/N) sum_{j=1..N} dp/dx_i
 * at x0 + (j/N) d, d = x - x0 (Sundararajan et al., eq. 3). */
static void riemann(batch *b, const float *x, const float *x0, const nn_explain_options *o,
                    float *attr)
{
    size_t n0 = b->m->sizes[0], N = o->steps;
    for (size_t j0 = 1; j0 <= N; j0 += BATCH) {
        size_t n = N - j0 + 1 < BATCH ? N - j0 + 1 : BATCH;
        for (size_t r = 0; r < n; r++) {
            double t = (double)(j0 + r) / (double)N;
            for (size_t i = 0; i < n0; i++) {
                float base = x0 ? x0[i] : 0.0f;
                b->X[r * n0 + i] = (float)(base + t * (x[i] - base));
            }
        }
        batch_gradients(b, n, o->target);
    }
    for (size_t i = 0; i < n0; i++)
        attr[i] = (float)((x[i] - (x0 ? x0[i] : 0.0f)) * b->acc[i] / (double)N);
}

/* SmoothGrad: (1/N) sum over N copies of dp/dx at x + e, e_i ~ N(0, sigma^2),
 * drawn copy by copy, pixel by pixel from the seed. */
static void smoothgrad(batch *b, const float *x, const nn_explain_options *o, float *attr)
{
    size_t n0 = b->m->sizes[0], N = o->samples;
    nn_rng rng;
    nn_rng_seed(&rng, o->seed);
    for (size_t s0 = 0; s0 < N; s0 += BATCH) {
        size_t n = N - s0 < BATCH ? N - s0 : BATCH;
        for (size_t r = 0; r < n; r++)
            for (size_t i = 0; i < n0; i++)
                b->X[r * n0 + i] = (float)(x[i] + o->noise * nn_rng_normal(&rng));
        batch_gradients(b, n, o->target);
    }
    for (size_t i = 0; i < n0; i++)
        attr[i] = (float)(b->acc[i] / (double)N);
}

/* Where the patches along a side of n start: 0, stride, 2 stride, ... while
 * the patch fits, and n - patch last if that leaves the end uncovered.
 * Returns the k-th start; *count receives how many there are. */
static size_t patch_start(size_t n, size_t patch, size_t stride, size_t k, size_t *count)
{
    size_t fit = (n - patch) / stride + 1;
    *count = fit + ((fit - 1) * stride + patch < n);
    return k < fit ? k * stride : n - patch;
}

/* Occlusion: for each patch P, delta_P = p(x) - p(x with P set to x0); a_i
 * = mean of delta_P over the patches P that cover pixel i. */
static void occlusion(batch *b, const float *x, const float *x0, const nn_explain_options *o,
                      double p, float *attr, size_t *passes)
{
    size_t n0 = b->m->sizes[0], pr, pc, same, R = o->rows, Cc = o->cols, P = o->patch;
    patch_start(R, P, o->stride, 0, &pr);
    patch_start(Cc, P, o->stride, 0, &pc);
    size_t total = pr * pc;
    double out[BATCH];
    for (size_t q0 = 0; q0 < total; q0 += BATCH) {
        size_t n = total - q0 < BATCH ? total - q0 : BATCH;
        for (size_t r = 0; r < n; r++) {
            float *row = b->X + r * n0;
            size_t y = patch_start(R, P, o->stride, (q0 + r) / pc, &same);
            size_t xs = patch_start(Cc, P, o->stride, (q0 + r) % pc, &same);
            memcpy(row, x, n0 * sizeof *row);
            for (size_t i = y; i < y + P; i++)
                for (size_t j = xs; j < xs + P; j++)
                    row[i * Cc + j] = x0 ? x0[i * Cc + j] : 0.0f;
        }
        output_rows(b->m, &b->w, b->X, n, o->target, out);
        for (size_t r = 0; r < n; r++) {
            size_t y = patch_start(R, P, o->stride, (q0 + r) / pc, &same);
            size_t xs = patch_start(Cc, P, o->stride, (q0 + r) % pc, &same);
            for (size_t i = y; i < y + P; i++)
                for (size_t j = xs; j < xs + P; j++) {
                    b->acc[i * Cc + j] += p - out[r];
                    b->count[i * Cc + j] += 1.0;
                }
        }
    }
    for (size_t i = 0; i < n0; i++)
        attr[i] = (float)(b->acc[i] / b->count[i]);
    *passes = total;
}

/* The methods that run on the float passes; r->p and r->p_baseline from the
 * float forward pass too. */
static int explain_float(const nn_model *m, const float *x, const nn_explain_options *o,
                         float *attr, nn_explain_result *r, nn_error *err)
{
    batch b;
    int rc = batch_create(&b, m, err);
    size_t n0 = m->sizes[0], k = o->target;
    if (rc) {
        batch_free(&b);
        return rc;
    }
    memcpy(b.X, x, n0 * sizeof *b.X);
    for (size_t i = 0; i < n0; i++)
        b.X[n0 + i] = o->baseline ? o->baseline[i] : 0.0f;
    double p[2];
    output_rows(m, &b.w, b.X, 2, k, p);
    r->p = p[0];
    r->gradients = 1;
    if (o->method == NN_EXPLAIN_IG || o->method == NN_EXPLAIN_OCCLUSION)
        r->p_baseline = p[1];
    if (o->method == NN_EXPLAIN_SALIENCY || o->method == NN_EXPLAIN_GRADXINPUT) {
        gradient_rows(m, &b.w, x, 1, k, attr);
        for (size_t i = 0; i < n0; i++) /* |dp/dx| or x dp/dx */
            attr[i] = o->method == NN_EXPLAIN_SALIENCY ? fabsf(attr[i]) : x[i] * attr[i];
    } else if (o->method == NN_EXPLAIN_IG) {
        riemann(&b, x, o->baseline, o, attr);
        r->gradients = o->steps;
    } else if (o->method == NN_EXPLAIN_SMOOTHGRAD) {
        smoothgrad(&b, x, o, attr);
        r->gradients = o->samples;
    } else {
        occlusion(&b, x, o->baseline, o, r->p, attr, &r->gradients);
    }
    batch_free(&b);
    return NN_OK;
}

int nn_explain(const nn_model *m, const float *x, const nn_explain_options *o, float *attr,
               nn_explain_result *r, nn_error *err)
{
    nn_explain_result local;
    r = r ? r : &local;
    memset(r, 0, sizeof *r);
    int rc = check_options(m, o, err);
    if (rc)
        return rc;
    if (o->method == NN_EXPLAIN_IG && o->steps == 0) /* r->sum in double */
        return nni_explain_path(m, x, o->baseline, o->target, attr, r, err);
    if ((rc = explain_float(m, x, o, attr, r, err)))
        return rc;
    for (size_t i = 0; i < m->sizes[0]; i++)
        r->sum += attr[i];
    return NN_OK;
}

/* Gaussian blur, one axis: out[i] = sum_j g(j) in[clamp(i + j)] / sum_j g(j),
 * g(j) = exp(-j^2 / (2 sigma^2)), |j| <= 3 sigma; stride apart, n values. */
static void blur_line(const double *in, double *out, size_t n, size_t stride, double sigma)
{
    long radius = (long)ceil(3.0 * sigma);
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0, wsum = 0.0;
        for (long j = -radius; j <= radius; j++) {
            long at = (long)i + j;
            at = at < 0 ? 0 : at >= (long)n ? (long)n - 1 : at;
            double g = exp(-(double)(j * j) / (2.0 * sigma * sigma));
            sum += g * in[(size_t)at * stride];
            wsum += g;
        }
        out[i * stride] = sum / wsum;
    }
}

int nn_explain_blur(const float *x, size_t rows, size_t cols, double sigma, float *out,
                    nn_error *err)
{
    size_t n;
    if (nni_size_mul(&n, rows, cols) || n == 0 || !(sigma > 0.0) || sigma > 1e4)
        return nn_fail(err, NN_ERR_ARG, "blur: %zu x %zu image, sigma %g", rows, cols, sigma);
    double *a = nni_alloc(n, sizeof *a), *b = nni_alloc(n, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return nn_fail(err, NN_ERR_NOMEM, "blur: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        a[i] = x[i];
    for (size_t r = 0; r < rows; r++)
        blur_line(a + r * cols, b + r * cols, cols, 1, sigma);
    for (size_t c = 0; c < cols; c++)
        blur_line(b + c, a + c, rows, cols, sigma);
    for (size_t i = 0; i < n; i++)
        out[i] = (float)a[i];
    free(a);
    free(b);
    return NN_OK;
}

int nn_explain_randomized(const nn_model *m, uint64_t seed, nn_model *out, nn_error *err)
{
    int rc = nn_model_create(out, m->n_layers, m->sizes, m->act, err);
    if (rc)
        return rc;
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_model_init_glorot(out, &r);
    return NN_OK;
}

typedef struct ranked {
    float v;
    size_t i;
} ranked;

static int by_value(const void *a, const void *b)
{
    float x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
    return (x > y) - (x < y);
}

/* rank[i] = the 1-based rank of v[i], ties sharing the mean of their ranks. */
static void ranks(const float *v, size_t n, ranked *tmp, double *rank)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = (ranked){v[i], i};
    qsort(tmp, n, sizeof *tmp, by_value);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && tmp[j + 1].v == tmp[i].v)
            j++;
        double mean = 0.5 * (double)(i + j) + 1.0; /* ranks i+1 .. j+1 */
        for (size_t t = i; t <= j; t++)
            rank[tmp[t].i] = mean;
        i = j + 1;
    }
}

int nn_spearman(const float *a, const float *b, size_t n, double *rho, nn_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(a[i]) || isnan(b[i]))
            return nn_fail(err, NN_ERR_ARG, "spearman: value %zu is not a number", i);
    ranked *tmp = nni_alloc(n, sizeof *tmp);
    double *ra = nni_alloc(n, sizeof *ra), *rb = nni_alloc(n, sizeof *rb);
    if (!tmp || !ra || !rb) {
        free(tmp), free(ra), free(rb);
        return nn_fail(err, NN_ERR_NOMEM, "spearman: out of memory for %zu values", n);
    }
    ranks(a, n, tmp, ra);
    ranks(b, n, tmp, rb);
    /* Pearson's r of the ranks: cov(ra, rb) / (sd(ra) sd(rb)); both means (n + 1) / 2 */
    double mean = 0.5 * ((double)n + 1.0), sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t i = 0; i < n; i++) {
        double da = ra[i] - mean, db = rb[i] - mean;
        sab += da * db, saa += da * da, sbb += db * db;
    }
    *rho = saa > 0.0 && sbb > 0.0 ? sab / sqrt(saa * sbb) : 0.0;
    free(tmp), free(ra), free(rb);
    return NN_OK;
}
