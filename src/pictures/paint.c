/* paint.c - networks that paint (see nn_paint.h): a random dense network
 * evaluated at every pixel.
 *
 * The pixels of a picture, in row-major order, are cut into chunks of
 * PAINT_CHUNK; each pool member fills the inputs of its chunks (x, y, r and
 * the frame's z per pixel) in buffers of its own, a lane, runs them through
 * nn_forward_rows and writes the bytes of their pixels.  A chunk's buffers
 * (PAINT_CHUNK rows of the widest layer) stay in the member's cache.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "run/pool.h"
#include "nn_paint.h"
#include "nn_rng.h"

/* Pixels per chunk: a 32-wide layer's activations of a chunk are 32 KiB. */
#define PAINT_CHUNK 256
#define PAINT_INPUTS 3 /* x, y, r before z */
#define PAINT_TWO_PI 6.28318530717958647692

/* One pool member's buffers. */
typedef struct paint_lane {
    nn_work w;
    float *x; /* (PAINT_CHUNK, inputs) */
} paint_lane;

struct nn_painter {
    nn_paint_config cfg; /* cfg.z points at z0 */
    nn_model m;
    float *z0, *zt;      /* (latent) the still picture's z, and the frame's */
    double *u, *v;       /* (latent) the circle's plane */
    nni_pool *pool;
    paint_lane *lanes;   /* one per pool member */
    size_t n_lanes;
    nn_image *img;       /* the picture being rendered */
};

void nn_paint_config_default(nn_paint_config *c)
{
    memset(c, 0, sizeof *c);
    c->depth = 4;
    c->width = 32;
    for (size_t l = 0; l < NN_PAINT_MAX_DEPTH; l++)
        c->act[l] = NN_ACT_SIN;
    c->weight_scale = 2.5f;
    c->zoom = 1.0f;
    c->latent = 8;
    c->radius = 0.2f;
    c->channels = 3;
    c->seed = 1;
}

int nn_paint_check(const nn_paint_config *c, nn_error *err)
{
    if (c->depth < 1 || c->depth > NN_PAINT_MAX_DEPTH)
        return nn_fail(err, NN_ERR_ARG, "depth %zu; between 1 and %d hidden layers are supported",
                       c->depth, NN_PAINT_MAX_DEPTH);
    if (c->width < 1 || c->width > NN_PAINT_MAX_WIDTH)
        return nn_fail(err, NN_ERR_ARG, "width %zu; between 1 and %d units are supported",
                       c->width, NN_PAINT_MAX_WIDTH);
    for (size_t l = 0; l < c->depth; l++)
        if ((unsigned)c->act[l] > NN_ACT_LAST || c->act[l] == NN_ACT_SOFTMAX)
            return nn_fail(err, NN_ERR_ARG, "hidden layer %zu has activation %s; softmax and "
                           "unknown codes cannot paint", l + 1, nn_activation_name(c->act[l]));
    if (!(c->weight_scale > 0.0f) || !isfinite(c->weight_scale))
        return nn_fail(err, NN_ERR_ARG, "weight scale %g; it must be positive and finite",
                       (double)c->weight_scale);
    if (!(c->zoom > 0.0f) || !isfinite(c->zoom))
        return nn_fail(err, NN_ERR_ARG, "zoom %g; it must be positive and finite",
                       (double)c->zoom);
    if (c->latent > NN_PAINT_MAX_LATENT)
        return nn_fail(err, NN_ERR_ARG, "latent size %zu; at most %d are supported", c->latent,
                       NN_PAINT_MAX_LATENT);
    for (size_t k = 0; c->z && k < c->latent; k++)
        if (!isfinite(c->z[k]))
            return nn_fail(err, NN_ERR_ARG, "z[%zu] is not a finite number", k);
    if (!(c->radius >= 0.0f) || !isfinite(c->radius))
        return nn_fail(err, NN_ERR_ARG, "radius %g; it must be finite and at least 0",
                       (double)c->radius);
    if (c->channels != 1 && c->channels != 3)
        return nn_fail(err, NN_ERR_ARG, "%zu channels; 1 (grey) or 3 (RGB)", c->channels);
    return NN_OK;
}

/* W_l and b_l of every layer from N(0, s^2 / fan_in), fan_in = sizes[l] + 1
 * (the bias is an input fixed at 1), in the order nn_paint.h gives. */
static void init_weights(nn_model *m, float s, nn_rng *r)
{
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t n_in = m->sizes[l], n_out = m->sizes[l + 1];
        float *w = m->params + nn_model_weight_offset(m, l);
        double sd = (double)s / sqrt((double)(n_in + 1));
        /* W and b lie next to each other: n_out (n_in + 1) values */
        for (size_t i = 0; i < n_out * (n_in + 1); i++)
            w[i] = (float)(sd * nn_rng_normal(r));
    }
}

/* u and v: two orthonormal vectors of n >= 2 entries from 2n normal
 * deviates (Gram-Schmidt), spanning the circle's plane; e_1 and e_2 if the
 * deviates are degenerate (never in practice). */
static void init_plane(double *u, double *v, size_t n, nn_rng *r)
{
    double uu = 0.0, uv = 0.0, vv = 0.0;
    for (size_t k = 0; k < n; k++)
        u[k] = nn_rng_normal(r);
    for (size_t k = 0; k < n; k++)
        v[k] = nn_rng_normal(r);
    for (size_t k = 0; k < n; k++)
        uu += u[k] * u[k];
    for (size_t k = 0; k < n; k++)
        uv += u[k] * v[k];
    /* v = v - (v . u / u . u) u */
    for (size_t k = 0; uu > 0.0 && k < n; k++) {
        v[k] -= uv / uu * u[k];
        vv += v[k] * v[k];
    }
    for (size_t k = 0; k < n; k++) {
        u[k] = vv > 0.0 ? u[k] / sqrt(uu) : k == 0;
        v[k] = vv > 0.0 ? v[k] / sqrt(vv) : k == 1;
    }
}

void nn_painter_free(nn_painter *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->lanes && i < p->n_lanes; i++) {
        nn_work_free(&p->lanes[i].w);
        free(p->lanes[i].x);
    }
    free(p->lanes);
    nni_pool_free(p->pool);
    nn_model_free(&p->m);
    free(p->z0);
    free(p->zt);
    free(p->u);
    free(p->v);
    free(p);
}

/* The network of p->cfg with its weights, z_0 and the circle's plane, all
 * from the seed's stream in that order. */
static int create_network(nn_painter *p, nn_error *err)
{
    const nn_paint_config *c = &p->cfg;
    size_t sizes[NN_MAX_LAYERS + 1], n = c->latent;
    nn_activation act[NN_MAX_LAYERS];
    sizes[0] = PAINT_INPUTS + n;
    for (size_t l = 0; l < c->depth; l++) {
        sizes[l + 1] = c->width;
        act[l] = c->act[l];
    }
    sizes[c->depth + 1] = c->channels;
    act[c->depth] = NN_ACT_SIGMOID;
    int rc = nn_model_create(&p->m, c->depth + 1, sizes, act, err);
    if (rc)
        return rc;
    /* n + 1 entries each, so that a latent size of 0 allocates too */
    p->z0 = nni_alloc(n + 1, sizeof *p->z0);
    p->zt = nni_alloc(n + 1, sizeof *p->zt);
    p->u = nni_alloc(n + 1, sizeof *p->u);
    p->v = nni_alloc(n + 1, sizeof *p->v);
    if (!p->z0 || !p->zt || !p->u || !p->v)
        return nn_fail(err, NN_ERR_NOMEM, "paint: out of memory for a latent size of %zu", n);
    nn_rng r;
    nn_rng_seed(&r, c->seed);
    init_weights(&p->m, c->weight_scale, &r);
    /* z_k uniform in [-1, 1), drawn even when given so that the plane is the seed's */
    for (size_t k = 0; k < n; k++)
        p->z0[k] = (float)(2.0 * nn_rng_uniform(&r) - 1.0);
    for (size_t k = 0; c->z && k < n; k++)
        p->z0[k] = c->z[k];
    if (n >= 2)
        init_plane(p->u, p->v, n, &r);
    p->cfg.z = p->z0;
    return NN_OK;
}

/* The pool and one lane of buffers per member. */
static int create_lanes(nn_painter *p, nn_error *err)
{
    int rc = nni_pool_create(&p->pool, nni_pool_members(p->cfg.threads, SIZE_MAX), err);
    if (rc)
        return rc;
    p->n_lanes = nni_pool_size(p->pool);
    p->lanes = calloc(p->n_lanes, sizeof *p->lanes);
    if (!p->lanes)
        return nn_fail(err, NN_ERR_NOMEM, "paint: out of memory for %zu threads", p->n_lanes);
    for (size_t i = 0; i < p->n_lanes; i++) {
        p->lanes[i].x = nni_alloc(PAINT_CHUNK * p->m.sizes[0], sizeof *p->lanes[i].x);
        if (!p->lanes[i].x)
            return nn_fail(err, NN_ERR_NOMEM, "paint: out of memory for the pixels' inputs");
        if ((rc = nn_work_create(&p->lanes[i].w, &p->m, PAINT_CHUNK, err)))
            return rc;
    }
    return NN_OK;
}

int nn_painter_create(nn_painter **out, const nn_paint_config *c, nn_error *err)
{
    *out = NULL;
    int rc = nn_paint_check(c, err);
    if (rc)
        return rc;
    nn_painter *p = calloc(1, sizeof *p);
    if (!p)
        return nn_fail(err, NN_ERR_NOMEM, "paint: out of memory for the painter");
    p->cfg = *c;
    if ((rc = create_network(p, err)) || (rc = create_lanes(p, err))) {
        nn_painter_free(p);
        return rc;
    }
    *out = p;
    return NN_OK;
}

const nn_model *nn_painter_model(const nn_painter *p)
{
    return &p->m;
}

/* z of frame t of n: z(t) = z_0 + R ((cos a - 1) u + sin a v), a = 2 pi t / n
 * (t < n), which is z_0 itself for t = 0. */
static void frame_z(nn_painter *p, size_t t, size_t n)
{
    double a = PAINT_TWO_PI * (double)t / (double)n, c = cos(a) - 1.0, s = sin(a);
    double R = p->cfg.radius;
    for (size_t k = 0; k < p->cfg.latent; k++)
        p->zt[k] = t == 0 ? p->z0[k] : (float)(p->z0[k] + R * (c * p->u[k] + s * p->v[k]));
}

/* Pool job, one item per chunk of pixels: their inputs (x, y, r, z), the
 * forward pass, and the bytes round(255 v) of the outputs v. */
static void paint_chunk(void *ctx, size_t c, size_t member)
{
    nn_painter *p = ctx;
    paint_lane *l = &p->lanes[member];
    nn_image *img = p->img;
    size_t W = img->width, H = img->height, C = img->channels, dim = p->m.sizes[0];
    size_t first = c * PAINT_CHUNK, n = W * H - first < PAINT_CHUNK ? W * H - first : PAINT_CHUNK;
    /* x = zoom (2 i + 1 - W) / min(W, H), and y the same way down the rows */
    double unit = (double)p->cfg.zoom / (double)(W < H ? W : H);
    for (size_t k = 0; k < n; k++) {
        size_t i = (first + k) % W, j = (first + k) / W;
        double x = ((double)(2 * i + 1) - (double)W) * unit;
        double y = ((double)(2 * j + 1) - (double)H) * unit;
        float *row = l->x + k * dim;
        row[0] = (float)x;
        row[1] = (float)y;
        row[2] = (float)sqrt(x * x + y * y);
        memcpy(row + PAINT_INPUTS, p->zt, p->cfg.latent * sizeof *row);
    }
    nn_forward_rows(&p->m, &l->w, l->x, 0, n, 0);
    const float *out = l->w.a[p->m.n_layers - 1];
    uint8_t *dst = img->px + first * C;
    for (size_t k = 0; k < n * C; k++) {
        /* byte = round(255 v), v clamped to [0, 1] (a NaN is black) */
        float v = out[k];
        dst[k] = (uint8_t)(v > 0.0f ? (v < 1.0f ? v * 255.0f + 0.5f : 255.0f) : 0.0f);
    }
}

int nn_painter_render(nn_painter *p, nn_image *img, size_t width, size_t height, size_t t,
                      size_t n_frames, nn_error *err)
{
    memset(img, 0, sizeof *img);
    if (n_frames < 1)
        return nn_fail(err, NN_ERR_ARG, "an animation needs at least 1 frame");
    if (n_frames > 1 && p->cfg.latent < 2)
        return nn_fail(err, NN_ERR_ARG,
                       "an animation moves z around a circle: it needs a latent size of at "
                       "least 2 (this one has %zu)", p->cfg.latent);
    int rc = nn_image_create(img, width, height, p->cfg.channels, err);
    if (rc)
        return rc;
    frame_z(p, t % n_frames, n_frames);
    p->img = img;
    nni_pool_run(p->pool, paint_chunk, p, (width * height + PAINT_CHUNK - 1) / PAINT_CHUNK);
    p->img = NULL;
    return NN_OK;
}

int nn_paint_frame(nn_image *img, size_t width, size_t height, const nn_paint_config *c,
                   size_t t, size_t n_frames, nn_error *err)
{
    nn_painter *p;
    memset(img, 0, sizeof *img);
    int rc = nn_painter_create(&p, c, err);
    if (!rc)
        rc = nn_painter_render(p, img, width, height, t, n_frames, err);
    nn_painter_free(p);
    return rc;
}

int nn_paint(nn_image *img, size_t width, size_t height, const nn_paint_config *c,
             nn_error *err)
{
    return nn_paint_frame(img, width, height, c, 0, 1, err);
}
