/* page.c - a model as one self-contained web page (see nn_page.h).
 *
 * The page is the template src/page/digit.html with its markers replaced:
 * @TITLE@ by the title (HTML-escaped), @STYLE@ by digit.css, @SCRIPT@ by
 * digit.js and @DATA@ by a JSON object holding the model and its pictures.
 * The JSON sits in a <script type="application/json"> element, so "<" is
 * written as \u003c and no "</script" can end it early.  Pictures are PNG
 * files (nn_image_encode) as data: URIs; numbers the script computes with are
 * base64 of their bytes (parameters as little-endian float32).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_dream.h"
#include "nn_image.h"
#include "nn_optim.h"
#include "nn_page.h"
#include "nn_render.h"
#include "page/assets.h"
#include "nnart.h"

static void put_str(nn_buf *b, const char *s)
{
    nn_buf_put(b, s, strlen(s));
}

/* printf into the buffer (short pieces: at most 255 bytes). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put_fmt(nn_buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->failed = 1;
    else
        nn_buf_put(b, tmp, (size_t)n);
}

/* Base64 (RFC 4648, with padding) of p[0..n). */
static void put_base64(nn_buf *b, const uint8_t *p, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {digits[v >> 18], digits[(v >> 12) & 63], i + 1 < n ? digits[(v >> 6) & 63] : '=',
                     i + 2 < n ? digits[v & 63] : '='};
        nn_buf_put(b, q, 4);
    }
}

/* s as a JSON string; '<', '>' and '&' escaped too, so that it is safe
 * inside a <script> element, and control characters as \u00XX. */
static void put_json_string(nn_buf *b, const char *s)
{
    nn_buf_put_u8(b, '"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            put_fmt(b, "\\%c", *c);
        else if (*c < 0x20 || *c == '<' || *c == '>' || *c == '&' || *c == 0x7f)
            put_fmt(b, "\\u%04x", *c);
        else
            nn_buf_put_u8(b, *c);
    }
    nn_buf_put_u8(b, '"');
}

/* s as HTML text: &, <, > and " as character references. */
static void put_html_text(nn_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': put_str(b, "&amp;"); break;
        case '<': put_str(b, "&lt;"); break;
        case '>': put_str(b, "&gt;"); break;
        case '"': put_str(b, "&quot;"); break;
        default: nn_buf_put_u8(b, (uint8_t)*s);
        }
    }
}

/* A float as JSON: the shortest "%.9g" that reads back as the same float;
 * NaN and infinities (which JSON lacks) as null. */
static void put_json_float(nn_buf *b, float v)
{
    if (!isfinite(v)) {
        put_str(b, "null");
        return;
    }
    put_fmt(b, "%.9g", (double)v);
}

/* The image as a JSON string holding a data: URI of its PNG; frees img. */
static int put_png(nn_buf *b, nn_image *img, nn_error *err)
{
    uint8_t *png;
    size_t len;
    int rc = nn_image_encode(img, NN_IMAGE_PNG, &png, &len, err);
    nn_image_free(img);
    if (rc)
        return rc;
    put_str(b, "\"data:image/png;base64,");
    put_base64(b, png, len);
    put_str(b, "\"");
    free(png);
    return NN_OK;
}

/* "sizes", "activations" and "params" (base64 of the n_params floats,
 * little-endian, in the model's layout: W_l then b_l for each layer). */
static void put_model(nn_buf *b, const nn_model *m)
{
    put_str(b, "\"sizes\":[");
    for (size_t l = 0; l <= m->n_layers; l++)
        put_fmt(b, "%s%zu", l ? "," : "", m->sizes[l]);
    put_str(b, "],\"activations\":[");
    for (size_t l = 0; l < m->n_layers; l++) {
        put_str(b, l ? "," : "");
        put_json_string(b, nn_activation_name(m->act[l]));
    }
    put_str(b, "],\"params\":\"");
    nn_buf raw = {0};
    for (size_t i = 0; i < m->n_params; i++)
        nn_buf_put_f32le(&raw, m->params[i]);
    if (raw.failed)
        b->failed = 1;
    else
        put_base64(b, raw.data, raw.len);
    nn_buf_free(&raw);
    put_str(b, "\"");
}

/* A colormap's 256-entry table as JSON: entry i (the colour of values in
 * [i / 256, (i + 1) / 256)) at 3 i .. 3 i + 2, as nn_colormap_rgb gives it. */
static void put_colormap(nn_buf *b, nn_colormap c)
{
    nn_buf_put_u8(b, '[');
    for (int i = 0; i < 256; i++) {
        uint8_t rgb[3];
        nn_colormap_rgb(c, ((float)i + 0.5f) / 256.0f, rgb);
        put_fmt(b, "%s%u,%u,%u", i ? "," : "", rgb[0], rgb[1], rgb[2]);
    }
    nn_buf_put_u8(b, ']');
}

/* One value of the training settings: a number, or null if unknown (NaN). */
static void put_setting(nn_buf *b, const char *name, float v, int first)
{
    put_fmt(b, "%s\"%s\":", first ? "" : ",", name);
    put_json_float(b, v);
}

/* "training": how the model was trained (nn_train_info), or null. */
static void put_training(nn_buf *b, const nn_train_info *in)
{
    put_str(b, "\"training\":");
    if (!in) {
        put_str(b, "null");
        return;
    }
    put_str(b, "{\"optimizer\":");
    put_json_string(b, nn_optimizer_name(in->optimizer));
    put_str(b, ",\"loss\":");
    put_json_string(b, nn_loss_name(in->loss));
    put_fmt(b, ",\"epochs\":%lu,\"batch\":%lu,\"seed\":\"%llu\",\"n_train\":%lu",
            (unsigned long)in->epochs, (unsigned long)in->batch, (unsigned long long)in->seed,
            (unsigned long)in->n_train);
    put_setting(b, "lr", in->lr, 0);
    put_setting(b, "val_split", in->val_split, 0);
    put_setting(b, "train_loss", in->train_loss, 0);
    put_setting(b, "train_accuracy", in->train_accuracy, 0);
    put_setting(b, "val_loss", in->val_loss, 0);
    put_setting(b, "val_accuracy", in->val_accuracy, 0);
    put_setting(b, "test_loss", in->test_loss, 0);
    put_setting(b, "test_accuracy", in->test_accuracy, 0);
    put_str(b, "}");
}

/* "dreams": each class's dream (nnart dream's defaults from a blank start) as
 * one picture of grey tiles labelled with the class and the p it reached. */
static int put_dreams(nn_buf *b, const nn_page *p, nn_error *err)
{
    const nn_model *m = p->model;
    size_t n = m->sizes[0], C = m->sizes[m->n_layers], total;
    float *x = nni_size_mul(&total, C, n) ? NULL : nni_alloc(total, sizeof *x);
    char (*text)[32] = nni_alloc(C, sizeof *text);
    const char **labels = nni_alloc(C, sizeof *labels);
    int rc = x && text && labels ? NN_OK : nn_fail(err, NN_ERR_NOMEM, "page: out of memory");
    nn_dream_config cfg;
    nn_dream_config_default(&cfg, p->rows, p->cols);
    cfg.layer = m->n_layers;
    cfg.loss = nn_loss_default(m->act[m->n_layers - 1]);
    for (size_t k = 0; k < C && rc == NN_OK; k++) {
        nn_dream_result res;
        cfg.target = k;
        memset(x + k * n, 0, n * sizeof *x);
        if ((rc = nn_dream(m, &cfg, x + k * n, &res, err)) == NN_OK)
            snprintf(text[k], sizeof text[k], "%zu p=%.2f", k, (double)res.p_target);
        labels[k] = text[k];
    }
    if (rc == NN_OK) {
        nn_tiles t = {.n = C, .rows = p->rows, .cols = p->cols, .v = x, .labels = labels};
        nn_render_style s;
        nn_render_style_default(&s, 2);
        s.cmap = NN_CMAP_GRAY, s.set_vmin = s.set_vmax = 1, s.vmin = 0.0f, s.vmax = 1.0f;
        nn_image img;
        put_str(b, ",\"dreams\":");
        if ((rc = nn_render_tiles(&img, &t, &s, err)) == NN_OK)
            rc = put_png(b, &img, err);
    }
    free(labels);
    free(text);
    free(x);
    return rc;
}

/* "weights": each first-layer unit's weights as a bwr tile, symmetric about 0
 * per tile, labelled with the unit (as nnart weights draws them). */
static int put_weights(nn_buf *b, const nn_page *p, nn_error *err)
{
    const nn_model *m = p->model;
    size_t units = m->sizes[1];
    char (*text)[24] = nni_alloc(units, sizeof *text);
    const char **labels = nni_alloc(units, sizeof *labels);
    int rc = text && labels ? NN_OK : nn_fail(err, NN_ERR_NOMEM, "page: out of memory");
    if (rc == NN_OK) {
        for (size_t u = 0; u < units; u++) {
            snprintf(text[u], sizeof text[u], "%zu", u);
            labels[u] = text[u];
        }
        nn_tiles t = {.n = units, .rows = p->rows, .cols = p->cols,
                      .v = m->params + nn_model_weight_offset(m, 0), .labels = labels};
        nn_render_style s;
        nn_render_style_default(&s, 2);
        s.cmap = NN_CMAP_BWR, s.range = NN_RANGE_TILE_SYMMETRIC;
        nn_image img;
        put_str(b, ",\"weights\":");
        if ((rc = nn_render_tiles(&img, &t, &s, err)) == NN_OK)
            rc = put_png(b, &img, err);
    }
    free(labels);
    free(text);
    return rc;
}

/* "digits": the test digits' numbers, labels, bytes (base64, n_digits *
 * sizes[0]) and each one as a grey PNG of rows x cols pixels. */
static int put_digits(nn_buf *b, const nn_page *p, nn_error *err)
{
    size_t n = p->n_digits, dim = p->model->sizes[0];
    put_str(b, ",\"digits\":{\"index\":[");
    for (size_t i = 0; i < n; i++)
        put_fmt(b, "%s%zu", i ? "," : "", p->index[i]);
    put_str(b, "],\"labels\":[");
    for (size_t i = 0; i < n; i++)
        put_fmt(b, "%s%d", i ? "," : "", p->labels ? p->labels[i] : -1);
    put_str(b, "],\"pixels\":\"");
    if (n)
        put_base64(b, p->pixels, n * dim);
    put_str(b, "\",\"images\":[");
    int rc = NN_OK;
    for (size_t i = 0; i < n && rc == NN_OK; i++) {
        nn_image img;
        if ((rc = nn_image_create(&img, p->cols, p->rows, 1, err)) == NN_OK) {
            memcpy(img.px, p->pixels + i * dim, dim);
            put_str(b, i ? "," : "");
            rc = put_png(b, &img, err);
        }
    }
    put_str(b, "]}");
    return rc;
}

/* The JSON object the script reads (see the file's comment). */
static int put_data(nn_buf *b, const nn_page *p, nn_error *err)
{
    put_str(b, "{\"version\":");
    put_json_string(b, NNART_VERSION);
    put_str(b, ",\"title\":");
    put_json_string(b, p->title ? p->title : "nnart");
    put_fmt(b, ",\"rows\":%zu,\"cols\":%zu,", p->rows, p->cols);
    put_model(b, p->model);
    put_str(b, ",\"hot\":");
    put_colormap(b, NN_CMAP_HOT);
    put_str(b, ",\"bwr\":");
    put_colormap(b, NN_CMAP_BWR);
    put_str(b, ",");
    put_training(b, p->info);
    int rc = put_digits(b, p, err);
    if (rc == NN_OK)
        rc = put_weights(b, p, err);
    if (rc == NN_OK)
        rc = put_dreams(b, p, err);
    put_str(b, "}");
    return rc;
}

static int check_page(const nn_page *p, nn_error *err)
{
    const nn_model *m = p->model;
    if (!m || m->n_layers < 1 || !m->params)
        return nn_fail(err, NN_ERR_ARG, "page: no model");
    if (p->rows < 1 || p->cols < 1 || p->rows > 256 || p->cols > 256 ||
        p->rows * p->cols != m->sizes[0])
        return nn_fail(err, NN_ERR_ARG, "page: a %zu x %zu image does not fit %zu model inputs",
                       p->rows, p->cols, m->sizes[0]);
    if (m->sizes[m->n_layers] > NN_DREAM_MAX_CLASSES)
        return nn_fail(err, NN_ERR_ARG, "page: %zu classes; the page dreams of at most %d",
                       m->sizes[m->n_layers], NN_DREAM_MAX_CLASSES);
    if (p->n_digits > NN_PAGE_MAX_DIGITS || (p->n_digits && (!p->pixels || !p->index)))
        return nn_fail(err, NN_ERR_ARG, "page: %zu test digits (0 to %d, with their pixels and "
                                        "numbers)",
                       p->n_digits, NN_PAGE_MAX_DIGITS);
    return NN_OK;
}

/* The template with each marker replaced: @TITLE@, @STYLE@, @SCRIPT@, @DATA@. */
static int fill_template(nn_buf *b, const nn_page *p, nn_error *err)
{
    const char *t = (const char *)nni_page_html, *at;
    const char *title = p->title ? p->title : "nnart";
    int rc = NN_OK;
    while (rc == NN_OK && (at = strchr(t, '@')) != NULL) {
        nn_buf_put(b, t, (size_t)(at - t));
        const char *end = strchr(at + 1, '@');
        size_t name = end ? (size_t)(end - at) + 1 : 1;
        if (strncmp(at, "@TITLE@", name) == 0)
            put_html_text(b, title);
        else if (strncmp(at, "@STYLE@", name) == 0)
            nn_buf_put(b, nni_page_css, nni_page_css_len);
        else if (strncmp(at, "@SCRIPT@", name) == 0)
            nn_buf_put(b, nni_page_js, nni_page_js_len);
        else if (strncmp(at, "@DATA@", name) == 0)
            rc = put_data(b, p, err);
        else
            name = 0; /* not a marker: the '@' stays */
        if (!name)
            nn_buf_put_u8(b, '@');
        t = at + (name ? name : 1);
    }
    put_str(b, t);
    return rc;
}

int nn_page_html(const nn_page *p, nn_buf *out, nn_error *err)
{
    int rc = check_page(p, err);
    if (rc)
        return rc;
    nn_buf page = {0};
    rc = fill_template(&page, p, err);
    if (rc == NN_OK && page.failed)
        rc = nn_fail(err, NN_ERR_NOMEM, "page: out of memory");
    if (rc == NN_OK)
        nn_buf_put(out, page.data, page.len);
    if (rc == NN_OK && out->failed)
        rc = nn_fail(err, NN_ERR_NOMEM, "page: out of memory");
    nn_buf_free(&page);
    return rc;
}
