/* anim.c - the frames of an animation, collected during the work and
 * written at the end (anim.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/anim.h"
#include "internal.h"

/* The format of an --animate path: by its extension, or APNG for "-". */
static int anim_format(const char *path, nn_anim_format *fmt)
{
    if (strcmp(path, "-") == 0) {
        *fmt = NN_ANIM_APNG;
        return 0;
    }
    return nn_anim_format_from_path(path, fmt);
}

int cli_anim_open(const char *cmd, const char *path)
{
    nn_anim_format fmt;
    if (anim_format(path, &fmt) != 0) {
        cli_print_error("nnart %s: --animate: '%s' has no animation extension (.gif, .png or "
                        ".apng)",
                        cmd, path);
        return EXIT_USAGE;
    }
    nn_output *out;
    return cli_output_open(cmd, "--animate", path, &out);
}

/* Whether every pixel of the RGB image img has equal channels. */
static int all_grey(const nn_image *img)
{
    size_t n = img->width * img->height;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = img->px + 3 * i;
        if (p[0] != p[1] || p[1] != p[2])
            return 0;
    }
    return 1;
}

/* img with a band of caption above it into out, in img's top-left colour
 * with the text light grey; the band's font grows with the picture. */
static int with_caption(nn_image *out, const nn_image *img, const char *caption, nn_error *err)
{
    static const uint8_t text[3] = {230, 230, 230};
    size_t fs = img->width >= 600 ? 2 : 1, pad = 3 * fs, band = nn_text_height(fs) + 2 * pad;
    size_t C = img->channels, row = img->width * C;
    int rc = nn_image_create(out, img->width, img->height + band, C, err);
    if (rc)
        return rc;
    uint8_t bg[3] = {img->px[0], img->px[C > 1 ? 1 : 0], img->px[C > 1 ? 2 : 0]};
    nn_image_fill_rect(out, 0, 0, out->width, band, bg);
    nn_image_draw_text(out, pad, pad, caption, fs, text);
    memcpy(out->px + band * row, img->px, img->height * row);
    return NN_OK;
}

/* Room for one more frame in a. */
static int grow(cli_anim *a)
{
    if (a->n < a->cap)
        return 0;
    size_t cap = a->cap ? 2 * a->cap : 64;
    nn_image *f = realloc(a->frames, cap * sizeof *f);
    if (f)
        a->frames = f;
    unsigned *d = f ? realloc(a->delays, cap * sizeof *d) : NULL;
    if (d)
        a->delays = d;
    if (!f || !d)
        return -1;
    a->cap = cap;
    return 0;
}

int cli_anim_add(cli_anim *a, nn_image *img, const char *caption, unsigned delay_cs)
{
    nn_error err;
    nn_image framed = {0};
    int rc = caption ? with_caption(&framed, img, caption, &err) : NN_OK;
    if (rc) {
        nn_image_free(img);
        cli_error("%s: %s", a->path, err.msg);
        return cli_status(rc);
    }
    if (caption) {
        nn_image_free(img);
        *img = framed;
    }
    if (grow(a) != 0) {
        nn_image_free(img);
        cli_error("%s: out of memory", a->path);
        return EXIT_RUNTIME;
    }
    if (img->channels == 3 && all_grey(img)) { /* keep one channel of three, in place */
        size_t n = img->width * img->height;
        for (size_t i = 0; i < n; i++)
            img->px[i] = img->px[3 * i];
        img->channels = 1;
    }
    a->frames[a->n] = *img;
    a->delays[a->n++] = delay_cs;
    *img = (nn_image){0};
    return EXIT_OK;
}

void cli_anim_hold_last(cli_anim *a, unsigned delay_cs)
{
    if (a->n)
        a->delays[a->n - 1] = delay_cs;
}

/* Pads frame f to w x h with its top-left pixel's colour. */
static int pad_frame(nn_image *f, size_t w, size_t h, nn_error *err)
{
    nn_image p;
    size_t C = f->channels;
    int rc = nn_image_create(&p, w, h, C, err);
    if (rc)
        return rc;
    uint8_t bg[3] = {f->px[0], f->px[C > 1 ? 1 : 0], f->px[C > 1 ? 2 : 0]};
    nn_image_fill_rect(&p, 0, 0, w, h, bg);
    for (size_t y = 0; y < f->height; y++)
        memcpy(p.px + y * w * C, f->px + y * f->width * C, f->width * C);
    nn_image_free(f);
    *f = p;
    return NN_OK;
}

/* Brings every frame to the size of the largest. */
static int one_size(cli_anim *a, nn_error *err)
{
    size_t w = 0, h = 0;
    for (size_t i = 0; i < a->n; i++) {
        w = a->frames[i].width > w ? a->frames[i].width : w;
        h = a->frames[i].height > h ? a->frames[i].height : h;
    }
    for (size_t i = 0; i < a->n; i++) {
        int rc = a->frames[i].width == w && a->frames[i].height == h
                     ? NN_OK
                     : pad_frame(&a->frames[i], w, h, err);
        if (rc)
            return rc;
    }
    return NN_OK;
}

int cli_anim_save(cli_anim *a, int quiet)
{
    nn_error err;
    nn_anim_format fmt = NN_ANIM_APNG;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = anim_format(a->path, &fmt) != 0
                 ? nn_fail(&err, NN_ERR_ARG, "not a .gif, .png or .apng name")
                 : one_size(a, &err);
    if (!rc)
        rc = nn_anim_encode(a->frames, a->delays, a->n, fmt, &buf, &len, &err);
    char done[CLI_PATH_MAX + 96];
    snprintf(done, sizeof done, "wrote %s (%zu frames, %zu x %zu pixels)",
             strcmp(a->path, "-") == 0 ? "standard output" : a->path, a->n,
             a->n ? a->frames[0].width : 0, a->n ? a->frames[0].height : 0);
    cli_anim_free(a);
    if (rc) {
        cli_error("%s: %s", a->path, err.msg);
        return cli_status(rc);
    }
    nn_output *out = cli_output_find(a->path);
    int st = out ? EXIT_OK : cli_output_open(NULL, "--animate", a->path, &out);
    if (!st)
        st = cli_output_write(out, buf, len, quiet ? NULL : done);
    free(buf);
    return st;
}

void cli_anim_free(cli_anim *a)
{
    for (size_t i = 0; i < a->n; i++)
        nn_image_free(&a->frames[i]);
    free(a->frames);
    free(a->delays);
    a->frames = NULL, a->delays = NULL;
    a->n = a->cap = 0;
}
