/* test_paint.c - networks that paint: pictures against a double-precision
 * reference built from nn_paint.h's description alone, the same bytes for any
 * thread count, the animation's loop, sizes, grey, and bad configurations. */
#include <string.h>

#include "nn_modelfile.h"
#include "nn_paint.h"
#include "nn_rng.h"
#include "test.h"

/* The reference network of c with in inputs: every layer's W (row-major)
 * then b from N(0, s^2 / (fan_in + 1)) in that order, z_k uniform in [-1, 1)
 * after them (c->z replaces them when given). */
typedef struct ref_net {
    size_t sizes[NN_MAX_LAYERS + 1], L;
    double w[4][40 * 41]; /* up to 4 layers of up to 40 units */
    double z[8];
} ref_net;

static void ref_build(ref_net *n, const nn_paint_config *c)
{
    nn_rng r;
    nn_rng_seed(&r, c->seed);
    n->L = c->depth + 1;
    n->sizes[0] = 3 + c->latent;
    for (size_t l = 1; l <= c->depth; l++)
        n->sizes[l] = c->width;
    n->sizes[n->L] = c->channels;
    for (size_t l = 0; l < n->L; l++) {
        size_t fan = n->sizes[l] + 1;
        for (size_t i = 0; i < n->sizes[l + 1] * fan; i++)
            n->w[l][i] = (float)(c->weight_scale / sqrt((double)fan) * nn_rng_normal(&r));
    }
    for (size_t k = 0; k < c->latent; k++) {
        n->z[k] = (float)(2.0 * nn_rng_uniform(&r) - 1.0);
        if (c->z)
            n->z[k] = c->z[k];
    }
}

static double ref_act(nn_activation a, double v)
{
    switch (a) {
    case NN_ACT_SIN: return sin(v);
    case NN_ACT_GAUSS: return exp(-v * v);
    case NN_ACT_TANH: return tanh(v);
    case NN_ACT_SIGMOID: return 1.0 / (1.0 + exp(-v));
    case NN_ACT_RELU: return v > 0 ? v : 0.0;
    default: return v;
    }
}

/* Pixel (i, j) of a W x H picture by the reference: its channels in [0, 1]. */
static void ref_pixel(const ref_net *n, const nn_paint_config *c, size_t i, size_t j, size_t W,
                      size_t H, double *out)
{
    double a[64], b[64];
    double m = (double)(W < H ? W : H);
    a[0] = c->zoom * (2.0 * (double)i + 1.0 - (double)W) / m;
    a[1] = c->zoom * (2.0 * (double)j + 1.0 - (double)H) / m;
    a[2] = sqrt(a[0] * a[0] + a[1] * a[1]);
    for (size_t k = 0; k < c->latent; k++)
        a[3 + k] = n->z[k];
    for (size_t l = 0; l < n->L; l++) {
        size_t in = n->sizes[l], out_n = n->sizes[l + 1];
        const double *w = n->w[l], *bias = w + out_n * in;
        for (size_t o = 0; o < out_n; o++) {
            double s = bias[o];
            for (size_t k = 0; k < in; k++)
                s += w[o * in + k] * a[k];
            b[o] = l + 1 < n->L ? ref_act(c->act[l], s) : 1.0 / (1.0 + exp(-s));
        }
        memcpy(a, b, out_n * sizeof *a);
    }
    memcpy(out, a, c->channels * sizeof *out);
}

/* A small configuration the reference can hold. */
static void small_config(nn_paint_config *c, nn_activation act)
{
    nn_paint_config_default(c);
    c->depth = 3;
    c->width = 12;
    c->latent = 5;
    c->seed = 9;
    for (size_t l = 0; l < c->depth; l++)
        c->act[l] = act;
}

/* Every byte within 1 of round(255 v) of the reference (float rounding may
 * land a value on the other side of a half), most of them equal. */
static void check_against_reference(const nn_paint_config *c, size_t W, size_t H)
{
    ref_net n;
    ref_build(&n, c);
    nn_image img;
    nn_error err;
    CHECK_OK(nn_paint(&img, W, H, c, &err), &err);
    if (!img.px)
        return;
    size_t off = 0, exact = 0;
    for (size_t j = 0; j < H; j++)
        for (size_t i = 0; i < W; i++) {
            double v[3];
            ref_pixel(&n, c, i, j, W, H, v);
            for (size_t ch = 0; ch < c->channels; ch++) {
                int want = (int)floor(255.0 * v[ch] + 0.5);
                int got = img.px[(j * W + i) * c->channels + ch];
                off += abs(got - want) > 1;
                exact += got == want;
            }
        }
    CHECK(img.width == W && img.height == H && img.channels == c->channels);
    CHECK(off == 0);
    CHECK(exact >= W * H * c->channels * 9 / 10);
    nn_image_free(&img);
}

static void test_reference(void)
{
    const nn_activation acts[] = {NN_ACT_SIN, NN_ACT_GAUSS, NN_ACT_TANH, NN_ACT_RELU};
    for (size_t a = 0; a < sizeof acts / sizeof *acts; a++) {
        nn_paint_config c;
        small_config(&c, acts[a]);
        check_against_reference(&c, 23, 17);
        c.channels = 1;
        c.zoom = 2.5f;
        check_against_reference(&c, 9, 30);
    }
    nn_paint_config c;
    small_config(&c, NN_ACT_SIN);
    const float z[5] = {0.5f, -2.0f, 0.0f, 1.25f, 3.0f};
    c.z = z;
    check_against_reference(&c, 16, 16);
    c.act[1] = NN_ACT_GAUSS; /* a layer of each */
    c.act[2] = NN_ACT_TANH;
    check_against_reference(&c, 1, 1);
}

/* Whether two images hold the same bytes. */
static int same_image(const nn_image *a, const nn_image *b)
{
    return a->width == b->width && a->height == b->height && a->channels == b->channels &&
           a->px && b->px && memcmp(a->px, b->px, a->width * a->height * a->channels) == 0;
}

/* The same bytes for 1, 2, 3 and 5 threads, and for a painter used twice. */
static void test_threads(void)
{
    nn_paint_config c;
    nn_paint_config_default(&c);
    c.seed = 4;
    nn_image one, other;
    nn_error err;
    c.threads = 1;
    CHECK_OK(nn_paint(&one, 331, 97, &c, &err), &err);
    const size_t counts[] = {2, 3, 5};
    for (size_t k = 0; k < 3; k++) {
        c.threads = counts[k];
        CHECK_OK(nn_paint(&other, 331, 97, &c, &err), &err);
        CHECK(same_image(&one, &other));
        nn_image_free(&other);
    }
    nn_painter *p;
    CHECK_OK(nn_painter_create(&p, &c, &err), &err);
    for (int k = 0; p && k < 2; k++) {
        CHECK_OK(nn_painter_render(p, &other, 331, 97, 0, 1, &err), &err);
        CHECK(same_image(&one, &other));
        nn_image_free(&other);
    }
    nn_painter_free(p);
    nn_image_free(&one);
}

/* Mean absolute difference of two images' bytes. */
static double mean_diff(const nn_image *a, const nn_image *b)
{
    size_t n = a->width * a->height * a->channels;
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s += abs((int)a->px[k] - (int)b->px[k]);
    return s / (double)n;
}

/* Seeds, z and the weight scale change the picture. */
static void test_differ(void)
{
    nn_paint_config c;
    nn_paint_config_default(&c);
    nn_image a, b;
    nn_error err;
    CHECK_OK(nn_paint(&a, 64, 48, &c, &err), &err);
    c.seed = 2;
    CHECK_OK(nn_paint(&b, 64, 48, &c, &err), &err);
    CHECK(mean_diff(&a, &b) > 10.0);
    nn_image_free(&b);
    c.seed = 1;
    c.weight_scale = 1.0f;
    CHECK_OK(nn_paint(&b, 64, 48, &c, &err), &err);
    CHECK(mean_diff(&a, &b) > 10.0);
    nn_image_free(&b);
    nn_image_free(&a);
}

/* Frame 0 is the still picture, frame n is frame 0, and the step from the
 * last frame back to the first is like the step from the first to the second
 * (both are chords of 2 pi / n on the circle), far smaller than half a loop. */
static void test_loop(void)
{
    nn_paint_config c;
    nn_paint_config_default(&c);
    c.seed = 5;
    const size_t n = 48, W = 80, H = 60;
    nn_painter *p;
    nn_error err;
    nn_image still, f0, f1, last, fn, half;
    CHECK_OK(nn_paint(&still, W, H, &c, &err), &err);
    CHECK_OK(nn_painter_create(&p, &c, &err), &err);
    if (!p)
        return;
    CHECK_OK(nn_painter_render(p, &f0, W, H, 0, n, &err), &err);
    CHECK_OK(nn_painter_render(p, &f1, W, H, 1, n, &err), &err);
    CHECK_OK(nn_painter_render(p, &last, W, H, n - 1, n, &err), &err);
    CHECK_OK(nn_painter_render(p, &fn, W, H, n, n, &err), &err);
    CHECK_OK(nn_painter_render(p, &half, W, H, n / 2, n, &err), &err);
    CHECK(same_image(&still, &f0));
    CHECK(same_image(&f0, &fn));
    double first = mean_diff(&f0, &f1), wrap = mean_diff(&last, &f0), far = mean_diff(&f0, &half);
    CHECK(first > 0.0 && wrap > 0.0);
    CHECK(wrap < 2.0 * first && first < 2.0 * wrap);
    CHECK(far > 3.0 * first);
    nn_image *all[] = {&still, &f0, &f1, &last, &fn, &half};
    for (size_t k = 0; k < 6; k++)
        nn_image_free(all[k]);
    nn_painter_free(p);
}

/* 1 x 1 (the centre: x = y = r = 0), odd sizes, a tall one, grey. */
static void test_sizes(void)
{
    nn_paint_config c;
    nn_paint_config_default(&c);
    const size_t sizes[][2] = {{1, 1}, {1, 7}, {7, 1}, {255, 3}, {3, 257}};
    for (size_t k = 0; k < 5; k++) {
        nn_image img;
        nn_error err;
        CHECK_OK(nn_paint(&img, sizes[k][0], sizes[k][1], &c, &err), &err);
        CHECK(img.width == sizes[k][0] && img.height == sizes[k][1] && img.channels == 3);
        nn_image_free(&img);
    }
    c.channels = 1;
    nn_image grey, rgb;
    nn_error err;
    CHECK_OK(nn_paint(&grey, 40, 30, &c, &err), &err);
    CHECK(grey.channels == 1);
    c.channels = 3;
    CHECK_OK(nn_paint(&rgb, 40, 30, &c, &err), &err);
    CHECK(rgb.channels == 3);
    nn_image_free(&grey);
    nn_image_free(&rgb);
    nn_image img;
    CHECK(nn_paint(&img, 0, 5, &c, &err) == NN_ERR_ARG && img.px == NULL);
    CHECK(nn_paint(&img, 5, NN_IMAGE_MAX_SIDE + 1, &c, &err) == NN_ERR_ARG && img.px == NULL);
}

/* Each bad field fails with NN_ERR_ARG and a message naming it. */
static void test_bad_config(void)
{
    struct {
        const char *msg;
        size_t field;
    } cases[] = {{"depth 0", 0},     {"depth 16", 1},        {"width 0", 2},
                 {"width 1025", 3},  {"softmax", 4},         {"weight scale 0", 5},
                 {"zoom -1", 6},     {"latent size 2000", 7}, {"z[1] is not", 8},
                 {"radius -1", 9},   {"2 channels", 10}};
    const float bad_z[2] = {0.0f, NAN};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        nn_paint_config c;
        nn_paint_config_default(&c);
        switch (cases[k].field) {
        case 0: c.depth = 0; break;
        case 1: c.depth = 16; break;
        case 2: c.width = 0; break;
        case 3: c.width = 1025; break;
        case 4: c.act[2] = NN_ACT_SOFTMAX; break;
        case 5: c.weight_scale = 0.0f; break;
        case 6: c.zoom = -1.0f; break;
        case 7: c.latent = 2000; break;
        case 8: c.latent = 2, c.z = bad_z; break;
        case 9: c.radius = -1.0f; break;
        default: c.channels = 2; break;
        }
        nn_error err;
        nn_painter *p = (nn_painter *)&c; /* must become NULL */
        CHECK(nn_paint_check(&c, &err) == NN_ERR_ARG);
        CHECK_MSG(err.msg, cases[k].msg);
        CHECK(nn_painter_create(&p, &c, &err) == NN_ERR_ARG && p == NULL);
    }
    nn_paint_config c;
    nn_paint_config_default(&c);
    c.latent = 1;
    nn_image img;
    nn_error err;
    CHECK(nn_paint_frame(&img, 8, 8, &c, 1, 10, &err) == NN_ERR_ARG && img.px == NULL);
    CHECK_MSG(err.msg, "latent size of at least 2");
    CHECK_OK(nn_paint_frame(&img, 8, 8, &c, 0, 1, &err), &err); /* a still needs no circle */
    nn_image_free(&img);
    CHECK(nn_paint_frame(&img, 8, 8, &c, 0, 0, &err) == NN_ERR_ARG);
}

/* The painter's network, with sin and gauss layers, survives a model file:
 * the activation codes are stored and read back. */
static void test_model_file(void)
{
    nn_paint_config c;
    nn_paint_config_default(&c);
    c.depth = 2;
    c.act[1] = NN_ACT_GAUSS;
    nn_painter *p;
    nn_error err;
    CHECK_OK(nn_painter_create(&p, &c, &err), &err);
    if (!p)
        return;
    const nn_model *m = nn_painter_model(p);
    CHECK(m->n_layers == 3 && m->sizes[0] == 11 && m->sizes[3] == 3);
    CHECK(m->act[0] == NN_ACT_SIN && m->act[1] == NN_ACT_GAUSS && m->act[2] == NN_ACT_SIGMOID);
    uint8_t *buf = NULL;
    size_t len = 0;
    nn_model back;
    CHECK_OK(nn_model_encode(m, NULL, &buf, &len, &err), &err);
    CHECK_OK(nn_model_parse(buf, len, "paint.nnm", &back, NULL, &err), &err);
    CHECK(back.n_layers == 3 && back.act[0] == NN_ACT_SIN && back.act[1] == NN_ACT_GAUSS);
    CHECK(back.n_params == m->n_params &&
          memcmp(back.params, m->params, m->n_params * sizeof *m->params) == 0);
    nn_model_free(&back);
    free(buf);
    nn_painter_free(p);
}

int main(void)
{
    RUN(test_reference);
    RUN(test_threads);
    RUN(test_differ);
    RUN(test_loop);
    RUN(test_sizes);
    RUN(test_bad_config);
    RUN(test_model_file);
    return t_summary();
}
