/* explain_path.c - integrated gradients along the straight path from a
 * baseline x0 to the input x, in double precision (nn_explain.h).
 *
 * On the path x(t) = x0 + t d, d = x - x0, every pre-activation of a network
 * whose hidden layers are ReLU or identity is piecewise linear in t: while no
 * ReLU changes state, z_l(t) = z_l(t0) + (t - t0) dz_l/dt, with the tangent
 *   dz_0/dt = W_0 d,   dz_l/dt = W_l (act'(z_{l-1}) * dz_{l-1}/dt).
 * A piece ends at the first t where a ReLU's pre-activation reaches zero.
 * Within a piece the Jacobian J = dz_L/dx is constant, so
 *   integral of dp/dx dt = J^T (integral of s(t) dt),  s = dp/dz_L,
 * with z_L linear in t: only the C numbers of s are integrated (adaptive
 * Gauss-Legendre), then one backward pass through the pattern the tangents took.  The
 * attributions then add up to p(x) - p(x0) to rounding error, since
 *   sum_i d_i (J^T S)_i = S . (J d) = integral of s . dz_L/dt dt.
 * Smooth hidden activations (sigmoid, tanh) have no pieces: the gradient
 * itself is integrated over [0, 1] by the same adaptive quadrature.
 */
#include <math.h>
#include <string.h>

#include "nn/explain.h"

#define MAX_PIECES 1000000
#define MAX_DEPTH 50
#define STEP_AHEAD 1e-9 /* of the path: where a piece's pattern is read */
#define QUAD_TOL 1e-13 /* accepted error of a sub-interval, per unit of length */

/* One input's pass through the network in double: pre-activations z, their
 * tangents t along the path, activations a, and scratch for backward. */
typedef struct dnet {
    const nn_model *m;
    size_t L, widest;
    double *z[NN_MAX_LAYERS], *t[NN_MAX_LAYERS], *a[NN_MAX_LAYERS];
    double *x, *d, *g, *h, *s; /* input, direction, backward scratch, dp/dz_L */
    double *mem;
} dnet;

static int dnet_create(dnet *n, const nn_model *m, nn_error *err)
{
    memset(n, 0, sizeof *n);
    n->m = m;
    n->L = m->n_layers;
    size_t total = 0;
    for (size_t l = 0; l <= n->L; l++)
        if (m->sizes[l] > n->widest)
            n->widest = m->sizes[l];
    for (size_t l = 0; l < n->L; l++)
        total += 3 * m->sizes[l + 1];
    total += 2 * m->sizes[0] + 3 * n->widest;
    n->mem = nni_alloc(total, sizeof(double));
    if (!n->mem)
        return nn_fail(err, NN_ERR_NOMEM, "explain: out of memory");
    double *p = n->mem;
    for (size_t l = 0; l < n->L; l++) {
        n->z[l] = p, p += m->sizes[l + 1];
        n->t[l] = p, p += m->sizes[l + 1];
        n->a[l] = p, p += m->sizes[l + 1];
    }
    n->x = p, p += m->sizes[0];
    n->d = p, p += m->sizes[0];
    n->g = p, p += n->widest;
    n->h = p, p += n->widest;
    n->s = p;
    return NN_OK;
}

/* y = act(z) of one row of n values (softmax over the row). */
static void act_forward(nn_activation act, double *y, const double *z, size_t n)
{
    double most = -INFINITY, sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        switch (act) {
        case NN_ACT_RELU: y[i] = z[i] > 0.0 ? z[i] : 0.0; break;
        case NN_ACT_SIGMOID: y[i] = 1.0 / (1.0 + exp(-z[i])); break;
        case NN_ACT_TANH: y[i] = tanh(z[i]); break;
        case NN_ACT_SIN: y[i] = sin(z[i]); break;
        case NN_ACT_GAUSS: y[i] = exp(-z[i] * z[i]); break;
        case NN_ACT_SOFTMAX: most = z[i] > most ? z[i] : most; break;
        default: y[i] = z[i]; break;
        }
    }
    if (act != NN_ACT_SOFTMAX)
        return;
    /* softmax: exp(z_i - max) / sum_j exp(z_j - max) */
    for (size_t i = 0; i < n; i++)
        sum += y[i] = exp(z[i] - most);
    for (size_t i = 0; i < n; i++)
        y[i] /= sum;
}

/* act'(z) of an element-wise activation, given z and y = act(z).  A ReLU
 * takes the state it has just after t, at t + STEP_AHEAD (z + STEP_AHEAD dz
 * with the tangent dz; 0 on a plain pass): a unit that has just crossed zero
 * may still be a rounding error on the other side. */
static double act_slope(nn_activation act, double z, double y, double dz)
{
    switch (act) {
    case NN_ACT_RELU: return z + STEP_AHEAD * dz > 0.0 ? 1.0 : 0.0;
    case NN_ACT_SIGMOID: return y * (1.0 - y);
    case NN_ACT_TANH: return 1.0 - y * y;
    case NN_ACT_SIN: return cos(z);
    case NN_ACT_GAUSS: return -2.0 * z * y;
    default: return 1.0;
    }
}

/* Forward at x = x0 + t d, and (if tangents) the tangents dz_l/dt there:
 *   z_l = W_l a_{l-1} + b_l,   dz_l/dt = W_l (act'(z_{l-1}) * dz_{l-1}/dt). */
static void dnet_forward(dnet *n, double t, int tangents)
{
    const nn_model *m = n->m;
    double *in = n->g;
    const double *tin = n->d;
    for (size_t i = 0; i < m->sizes[0]; i++)
        in[i] = n->x[i] + t * n->d[i];
    for (size_t l = 0; l < n->L; l++) {
        size_t ni = m->sizes[l], no = m->sizes[l + 1];
        const float *W = m->params + nn_model_weight_offset(m, l);
        const float *b = m->params + nn_model_bias_offset(m, l);
        for (size_t o = 0; o < no; o++) {
            const float *w = W + o * ni;
            double z = b[o], dz = 0.0;
            for (size_t i = 0; i < ni; i++)
                z += (double)w[i] * in[i];
            for (size_t i = 0; tangents && i < ni; i++)
                dz += (double)w[i] * tin[i];
            n->z[l][o] = z, n->t[l][o] = dz;
        }
        act_forward(m->act[l], n->a[l], n->z[l], no);
        in = n->a[l];
        if (tangents && l + 1 < n->L) {
            for (size_t o = 0; o < no; o++)
                n->h[o] = act_slope(m->act[l], n->z[l][o], n->a[l][o], n->t[l][o]) * n->t[l][o];
            tin = n->h;
        }
    }
}

/* s = dp_k/dz_L for the output activation act at z_L (y = act(z_L)):
 * softmax  s_j = y_j (onehot_k,j - y_k);  element-wise  s_k = act'(z_k). */
static void output_grad(nn_activation act, const double *z, const double *y, size_t C, size_t k,
                        double *s)
{
    for (size_t j = 0; j < C; j++)
        s[j] = act == NN_ACT_SOFTMAX ? y[j] * ((j == k) - y[k]) : 0.0;
    if (act != NN_ACT_SOFTMAX)
        s[k] = act_slope(act, z[k], y[k], 0.0);
}

/* gx = dE/dx for dE/dz_L = s after dnet_forward:
 *   dE/da_{l-1} = W_l^T dE/dz_l,  dE/dz_{l-1} = act'(z_{l-1}) * dE/da_{l-1}. */
static void dnet_backward(dnet *n, const double *s, double *gx)
{
    const nn_model *m = n->m;
    double *g = n->g, *h = n->h;
    memcpy(g, s, m->sizes[n->L] * sizeof *g);
    for (size_t l = n->L; l-- > 0;) {
        size_t ni = m->sizes[l], no = m->sizes[l + 1];
        const float *W = m->params + nn_model_weight_offset(m, l);
        double *out = l > 0 ? h : gx;
        for (size_t i = 0; i < ni; i++)
            out[i] = 0.0;
        for (size_t o = 0; o < no; o++)
            for (size_t i = 0; i < ni; i++)
                out[i] += (double)W[o * ni + i] * g[o];
        if (l == 0)
            break;
        for (size_t i = 0; i < ni; i++)
            out[i] *= act_slope(m->act[l - 1], n->z[l - 1][i], n->a[l - 1][i], n->t[l - 1][i]);
        double *tmp = g;
        g = out, h = tmp;
    }
}

/* ---- adaptive Gauss-Legendre quadrature of a vector function ------------- */

/* The integrand: on a linear piece, s(t) = dp/dz_L at z_L(t0) + (t - t0) v
 * (C values); on a smooth path, dp/dx at x0 + t d (sizes[0] values). */
typedef struct quad {
    dnet *net;
    size_t k, dim;
    int piece;         /* 1: s on a linear piece; 0: the gradient on a smooth path */
    double t0;
    double *z0, *v;       /* the piece's logits at t0 and their slope */
    double *zt, *yt;      /* logits and outputs at t (C each) */
    const double *weight; /* error weights (dim), NULL for 1 */
    double *node, *whole, *halves;
    size_t evals;
} quad;

static void integrand(quad *q, double t, double *out)
{
    dnet *n = q->net;
    size_t C = n->m->sizes[n->L];
    nn_activation act = n->m->act[n->L - 1];
    q->evals++;
    if (q->piece) {
        for (size_t j = 0; j < C; j++)
            q->zt[j] = q->z0[j] + (t - q->t0) * q->v[j];
        act_forward(act, q->yt, q->zt, C);
        output_grad(act, q->zt, q->yt, C, q->k, out);
        return;
    }
    dnet_forward(n, t, 0);
    output_grad(act, n->z[n->L - 1], n->a[n->L - 1], C, q->k, n->s);
    dnet_backward(n, n->s, out);
}

/* acc += the 8-point Gauss-Legendre rule over [a, b]. */
static void gauss_legendre(quad *q, double a, double b, double *acc)
{
    static const double x[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                0.9602898564975363};
    static const double w[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                0.1012285362903763};
    double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    for (int i = 0; i < 8; i++) {
        double xi = i < 4 ? -x[i] : x[i - 4], wi = w[i % 4];
        integrand(q, mid + half * xi, q->node);
        for (size_t j = 0; j < q->dim; j++)
            acc[j] += wi * half * q->node[j];
    }
}

typedef struct span {
    double a, b;
    int depth;
} span;

/* acc += the integral over [a, b]: a sub-interval is accepted when the rule
 * on it and on its two halves agree to QUAD_TOL per unit of length (the
 * halves' sum is taken), else both halves are tried in turn. */
static void integrate(quad *q, double a, double b, double *acc)
{
    span stack[MAX_DEPTH + 2];
    size_t top = 0;
    stack[top++] = (span){a, b, 0};
    while (top > 0) {
        double lo = stack[top - 1].a, hi = stack[top - 1].b, mid = 0.5 * (lo + hi);
        int depth = stack[--top].depth;
        memset(q->whole, 0, q->dim * sizeof *q->whole);
        memset(q->halves, 0, q->dim * sizeof *q->halves);
        gauss_legendre(q, lo, hi, q->whole);
        gauss_legendre(q, lo, mid, q->halves);
        gauss_legendre(q, mid, hi, q->halves);
        double e = 0.0;
        for (size_t j = 0; j < q->dim; j++)
            e += (q->weight ? q->weight[j] : 1.0) * fabs(q->whole[j] - q->halves[j]);
        if (e <= QUAD_TOL * (hi - lo) || depth >= MAX_DEPTH) {
            for (size_t j = 0; j < q->dim; j++)
                acc[j] += q->halves[j];
        } else {
            stack[top].a = mid, stack[top].b = hi, stack[top++].depth = depth + 1;
            stack[top].a = lo, stack[top].b = mid, stack[top++].depth = depth + 1;
        }
    }
}

/* ---- the path ------------------------------------------------------------ */

/* The end of the linear piece that starts at t0 (after dnet_forward(t0) with
 * tangents): the first t > t0 + STEP_AHEAD where a ReLU's pre-activation,
 * linear in t until then, reaches zero; 1 if none does before.  (A crossing
 * closer to t0 is taken as passed: the pattern is read at t0 + STEP_AHEAD.) */
static double piece_end(const dnet *n, double t0)
{
    double t1 = 1.0;
    for (size_t l = 0; l < n->L; l++) {
        if (n->m->act[l] != NN_ACT_RELU)
            continue;
        for (size_t o = 0; o < n->m->sizes[l + 1]; o++) {
            double z = n->z[l][o], dz = n->t[l][o];
            if ((z > 0.0 && dz < 0.0) || (z < 0.0 && dz > 0.0)) {
                double t = t0 - z / dz; /* z + (t - t0) dz = 0 */
                if (t > t0 + STEP_AHEAD && t < t1)
                    t1 = t;
            }
        }
    }
    return t1;
}

/* Whether every hidden layer is ReLU or identity (the path is then piecewise
 * linear up to the output layer). */
static int piecewise_linear(const nn_model *m)
{
    for (size_t l = 0; l + 1 < m->n_layers; l++)
        if (m->act[l] != NN_ACT_RELU && m->act[l] != NN_ACT_IDENTITY)
            return 0;
    return 1;
}

/* G = integral over [0, 1] of dp/dx, piece by piece: s integrated on each
 * piece, then taken back to the inputs through the pattern of the piece's
 * start, the one its tangents took (so that d . G = S . v exactly). */
static int integrate_pieces(dnet *n, quad *q, double *S, double *G, double *grad,
                            size_t *pieces, nn_error *err)
{
    size_t L = n->L, C = n->m->sizes[L], n0 = n->m->sizes[0];
    double t0 = 0.0;
    *pieces = 0;
    while (t0 < 1.0) {
        if (++*pieces > MAX_PIECES)
            return nn_fail(err, NN_ERR_ARG, "explain: more than %d linear pieces on the path",
                           MAX_PIECES);
        dnet_forward(n, t0, 1);
        double t1 = piece_end(n, t0);
        memcpy(q->z0, n->z[L - 1], C * sizeof *S);
        memcpy(q->v, n->t[L - 1], C * sizeof *S);
        q->t0 = t0;
        memset(S, 0, C * sizeof *S);
        integrate(q, t0, t1, S);
        dnet_backward(n, S, grad); /* through the pattern the tangents took */
        for (size_t i = 0; i < n0; i++)
            G[i] += grad[i];
        t0 = t1;
    }
    return NN_OK;
}

/* The buffers of one path integration, in one allocation: the quadrature's
 * (node, whole, halves: dim each; z0, v, zt, yt, S: C each) and G, grad and
 * the error weights (sizes[0] each). */
static double *path_buffers(quad *q, size_t C, size_t n0, double **S, double **G,
                            double **grad, double **weight)
{
    size_t dim = q->dim;
    double *mem = nni_alloc(3 * dim + 5 * C + 3 * n0, sizeof(double));
    if (!mem)
        return NULL;
    double *p = mem;
    q->node = p, p += dim;
    q->whole = p, p += dim;
    q->halves = p, p += dim;
    q->z0 = p, p += C;
    q->v = p, p += C;
    q->zt = p, p += C;
    q->yt = p, p += C;
    *S = p, p += C;
    *G = p, p += n0;
    *grad = p, p += n0;
    *weight = p;
    return mem;
}

int nni_explain_path(const nn_model *m, const float *x, const float *x0, size_t k, float *attr,
                     nn_explain_result *r, nn_error *err)
{
    size_t L = m->n_layers, C = m->sizes[L], n0 = m->sizes[0];
    dnet n;
    int rc = dnet_create(&n, m, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n0; i++) {
        n.x[i] = x0 ? x0[i] : 0.0;
        n.d[i] = x[i] - n.x[i];
    }
    int exact = piecewise_linear(m);
    quad q = {.net = &n, .k = k, .dim = exact ? C : n0, .piece = exact};
    double *S, *G, *grad, *weight;
    double *mem = path_buffers(&q, C, n0, &S, &G, &grad, &weight);
    if (!mem) {
        free(n.mem);
        return nn_fail(err, NN_ERR_NOMEM, "explain: out of memory");
    }
    memset(G, 0, n0 * sizeof *G);
    size_t pieces = 0;
    if (exact) {
        rc = integrate_pieces(&n, &q, S, G, grad, &pieces, err);
    } else {
        for (size_t i = 0; i < n0; i++)
            weight[i] = fabs(n.d[i]); /* the error that matters: d_i G_i */
        q.weight = weight;
        integrate(&q, 0.0, 1.0, G);
    }
    double sum = 0.0;
    for (size_t i = 0; i < n0; i++) {
        double a = n.d[i] * G[i]; /* IG_i = (x_i - x0_i) integral of dp/dx_i */
        attr[i] = (float)a;
        sum += a;
    }
    dnet_forward(&n, 1.0, 0);
    r->p = n.a[L - 1][k];
    dnet_forward(&n, 0.0, 0);
    r->p_baseline = n.a[L - 1][k];
    r->sum = sum;
    r->pieces = pieces;
    r->gradients = q.evals;
    r->exact = exact;
    free(mem);
    free(n.mem);
    return rc;
}

int nn_explain_output(const nn_model *m, const float *x, size_t k, double *p, nn_error *err)
{
    if (k >= m->sizes[m->n_layers])
        return nn_fail(err, NN_ERR_ARG, "explain: class %zu of a model with %zu outputs", k,
                       m->sizes[m->n_layers]);
    dnet n;
    int rc = dnet_create(&n, m, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < m->sizes[0]; i++)
        n.x[i] = x[i], n.d[i] = 0.0;
    dnet_forward(&n, 0.0, 0);
    *p = n.a[m->n_layers - 1][k];
    free(n.mem);
    return NN_OK;
}
