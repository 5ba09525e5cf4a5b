/* test_network.c - the network picture (nn_render_network) and a sheet of
 * hidden-unit dreams against golden files, the picture's checks, and its
 * parts pixel by pixel: the input image, a weight tile, the framed class.
 *
 * The models have weights in eighths and inputs in quarters, so that every
 * sum in the forward pass is exact and the pictures do not depend on the
 * kernel variant; the tests run the portable kernels anyway (NNART_KERNELS),
 * since a dream's many steps are not exact.  After an intended change, run
 * from the top of the source tree
 *   NNART_UPDATE_GOLDEN=1 BUILD/tests/test_network
 * look at the tests/golden/network_*.ppm it writes, then gzip -9nf them. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "nnart.h"
#include "test.h"
#include "golden.h"

/* A 16 -> 5 -> 4 -> 3 relu network on 4 x 4 images: w = ((37 i) mod 17 - 8) / 8
 * over the whole parameter buffer (17 does not divide a row: every unit's
 * weights differ), biases 1/8. */
static void eighths_network(nn_model *m)
{
    nn_error err;
    size_t s[] = {16, 5, 4, 3};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(m, 3, s, a, &err), &err);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = (float)((int)((37 * i) % 17) - 8) / 8.0f;
    for (size_t l = 0; l < 3; l++)
        for (size_t o = 0; o < s[l + 1]; o++)
            m->params[nn_model_bias_offset(m, l) + o] = 0.125f;
}

/* A 4 x 4 stroke: quarters. */
static void stroke(float x[16])
{
    for (size_t i = 0; i < 16; i++)
        x[i] = (float)((i % 5 == 0) * 4 + (i % 4 == 1)) / 4.0f;
}

static const uint8_t *px(const nn_image *img, size_t x, size_t y)
{
    return img->px + (y * img->width + x) * 3;
}

static void test_network_golden(void)
{
    nn_model m;
    eighths_network(&m);
    float x[16];
    stroke(x);
    nn_network_style s;
    nn_network_style_default(&s, 4, 4);
    s.scale = 1;
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_network(&img, &m, x, &s, &err), &err);
    check_golden(&img, "network_small.ppm");
    CHECK(img.width > 200 && img.height > 150);
    nn_image_free(&img);
    /* Two units a layer: the note under the picture makes it taller. */
    s.max_units = 2;
    CHECK_OK(nn_render_network(&img, &m, x, &s, &err), &err);
    check_golden(&img, "network_two_units.ppm");
    nn_image_free(&img);
    nn_model_free(&m);
}

/* The input image is drawn in grey, value by value, and the picture holds
 * the colours of the hot map's ends for the cells of a blank input's
 * output (softmax of equal logits is 1/3 each: not black, not white). */
static void test_network_input_pixels(void)
{
    nn_model m;
    eighths_network(&m);
    float x[16] = {0};
    x[0] = 1.0f, x[5] = 0.5f;
    nn_network_style s;
    nn_network_style_default(&s, 4, 4);
    s.scale = 1;
    nn_image img;
    nn_error err;
    CHECK_OK(nn_render_network(&img, &m, x, &s, &err), &err);
    /* Find the white block of x[0]: the first white pixel from the top left
     * in column 10 + 3 (inside the block). */
    size_t y0 = 0;
    while (y0 < img.height && px(&img, 13, y0)[0] != 255)
        y0++;
    CHECK(y0 < img.height);
    if (y0 < img.height) {
        const uint8_t *a = px(&img, 10, y0), *b = px(&img, 37, y0 + 27);
        CHECK(a[0] == 255 && a[1] == 255 && a[2] == 255);
        CHECK(b[0] == 255 && b[1] == 255 && b[2] == 255);
        const uint8_t *mid = px(&img, 10 + 28 + 3, y0 + 28 + 3); /* x[5] = 0.5 */
        uint8_t want[3];
        nn_colormap_rgb(NN_CMAP_GRAY, 0.5f, want);
        CHECK(mid[0] == want[0] && mid[1] == want[1] && mid[2] == want[2]);
        const uint8_t *off = px(&img, 10 + 56 + 3, y0 + 3); /* x[2] = 0 */
        CHECK(off[0] == 0 && off[1] == 0 && off[2] == 0);
    }
    nn_image_free(&img);
    nn_model_free(&m);
}

static void test_network_bad_arguments(void)
{
    nn_model m;
    eighths_network(&m);
    float x[16] = {0};
    nn_network_style s;
    nn_image img;
    nn_error err;
    nn_network_style_default(&s, 4, 5);
    CHECK(nn_render_network(&img, &m, x, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "4 x 5");
    CHECK(img.px == NULL);
    nn_network_style_default(&s, 4, 4);
    s.scale = 0;
    CHECK(nn_render_network(&img, &m, x, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "scale 0");
    nn_network_style_default(&s, 4, 4);
    s.max_units = NN_NETWORK_MAX_UNITS + 1;
    CHECK(nn_render_network(&img, &m, x, &s, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "1 to 64");
    nn_model_free(&m);
}

/* The dreams of every unit of the first hidden layer of the network above,
 * 40 steps each with no blur (4 x 4 images), drawn as nnart dream draws a
 * sheet: grey tiles on [0, 1] labelled with the unit and its activation. */
static void test_unit_sheet_golden(void)
{
    nn_model m;
    eighths_network(&m);
    float v[5 * 16];
    char text[5][32];
    const char *labels[5];
    nn_error err;
    for (size_t u = 0; u < 5; u++) {
        nn_dream_config c;
        nn_dream_config_default(&c, 4, 4);
        c.layer = 1, c.target = u, c.steps = 40, c.blur0 = c.blur1 = 0.0f, c.lr = 0.1f;
        float *x = v + u * 16;
        for (size_t i = 0; i < 16; i++)
            x[i] = 0.0f;
        nn_dream_result res;
        CHECK_OK(nn_dream(&m, &c, x, &res, &err), &err);
        snprintf(text[u], sizeof text[u], "%zu  a=%.2f", u, (double)res.activation);
        labels[u] = text[u];
    }
    nn_render_style s;
    nn_render_style_default(&s, 16);
    s.cmap = NN_CMAP_GRAY, s.set_vmin = s.set_vmax = 1, s.vmin = 0.0f, s.vmax = 1.0f;
    nn_tiles t = {5, 4, 4, v, labels, 0};
    nn_image img;
    CHECK_OK(nn_render_tiles(&img, &t, &s, &err), &err);
    check_golden(&img, "network_unit_sheet.ppm");
    nn_image_free(&img);
    nn_model_free(&m);
}

int main(void)
{
    setenv("NNART_KERNELS", "generic", 1);
    RUN(test_network_golden);
    RUN(test_network_input_pixels);
    RUN(test_network_bad_arguments);
    RUN(test_unit_sheet_golden);
    return t_summary();
}
