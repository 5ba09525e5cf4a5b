/* image.c - 8-bit images and their PPM, PGM and PNG encodings (see nn_image.h).
 *
 * The PNG writer stores each picture in the smallest exact form (png.h):
 * grey when every pixel is grey, a palette of 1, 2, 4 or 8 bits when there
 * are at most 256 colours, RGB otherwise; each row behind the filter that
 * libpng's heuristic picks, compressed by nnart's deflate (nn_deflate.h).
 * The same picture always gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_image.h"
#include "nn_io.h"
#include "pictures/png.h"

int nn_image_create(nn_image *img, size_t width, size_t height, size_t channels, nn_error *err)
{
    memset(img, 0, sizeof *img);
    if (width < 1 || width > NN_IMAGE_MAX_SIDE || height < 1 || height > NN_IMAGE_MAX_SIDE)
        return nn_fail(err, NN_ERR_ARG, "image: size %zu x %zu is out of range (1-%d on each side)",
                       width, height, NN_IMAGE_MAX_SIDE);
    if (channels != 1 && channels != 3)
        return nn_fail(err, NN_ERR_ARG, "image: %zu channels; only 1 (grey) or 3 (RGB) exist",
                       channels);
    size_t bytes;
    if (nni_size_mul(&bytes, width, height) || nni_size_mul(&bytes, bytes, channels))
        return nn_fail(err, NN_ERR_NOMEM, "image: %zu x %zu x %zu bytes do not fit in memory",
                       width, height, channels);
    uint8_t *px = calloc(bytes, 1);
    if (!px)
        return nn_fail(err, NN_ERR_NOMEM, "image: out of memory for %zu x %zu x %zu bytes", width,
                       height, channels);
    img->width = width;
    img->height = height;
    img->channels = channels;
    img->px = px;
    return NN_OK;
}

void nn_image_free(nn_image *img)
{
    free(img->px);
    memset(img, 0, sizeof *img);
}

void nn_image_fill_rect(nn_image *img, size_t x, size_t y, size_t w, size_t h,
                        const uint8_t rgb[3])
{
    if (!img->px || x >= img->width || y >= img->height)
        return;
    size_t x1 = w < img->width - x ? x + w : img->width;
    size_t y1 = h < img->height - y ? y + h : img->height;
    size_t c = img->channels;
    for (size_t r = y; r < y1; r++) {
        uint8_t *p = img->px + (r * img->width + x) * c;
        for (size_t i = x; i < x1; i++, p += c) {
            if (c == 1) {
                p[0] = rgb[0];
            } else {
                p[0] = rgb[0];
                p[1] = rgb[1];
                p[2] = rgb[2];
            }
        }
    }
}

/* ASCII lower case, without the locale. */
static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Does s end with ext (".png"), ignoring case? */
static int has_ext(const char *s, const char *ext)
{
    size_t n = strlen(s), m = strlen(ext);
    if (n <= m)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (lower((unsigned char)s[n - m + i]) != ext[i])
            return 0;
    return 1;
}

int nn_image_format_from_path(const char *path, nn_image_format *fmt)
{
    if (has_ext(path, ".ppm"))
        *fmt = NN_IMAGE_PPM;
    else if (has_ext(path, ".pgm"))
        *fmt = NN_IMAGE_PGM;
    else if (has_ext(path, ".png"))
        *fmt = NN_IMAGE_PNG;
    else
        return -1;
    return 0;
}

/* Grey level of an RGB pixel: ITU-R BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B,
 * rounded half up, in integers (1000 Y = 299 R + 587 G + 114 B) so that no
 * floating-point rounding decides a tie. */
static uint8_t luma(const uint8_t *p)
{
    unsigned y = 299u * p[0] + 587u * p[1] + 114u * p[2];
    return (uint8_t)((y + 500u) / 1000u);
}

/* Netpbm P6 (ppm) or P5 (pgm), maxval 255: "P6\n<width> <height>\n255\n" then
 * the samples row by row.  Grey images are repeated into R, G and B for P6;
 * RGB images are reduced to luma for P5. */
static void encode_pnm(const nn_image *img, int rgb, nn_buf *b)
{
    char head[64];
    int n = snprintf(head, sizeof head, "%s\n%zu %zu\n255\n", rgb ? "P6" : "P5", img->width,
                     img->height);
    nn_buf_put(b, head, (size_t)n);
    size_t count = img->width * img->height;
    const uint8_t *p = img->px;
    if (rgb && img->channels == 3) {
        nn_buf_put(b, p, count * 3);
    } else if (!rgb && img->channels == 1) {
        nn_buf_put(b, p, count);
    } else if (rgb) {
        for (size_t i = 0; i < count; i++) {
            uint8_t g[3] = {p[i], p[i], p[i]};
            nn_buf_put(b, g, 3);
        }
    } else {
        for (size_t i = 0; i < count; i++)
            nn_buf_put_u8(b, luma(p + 3 * i));
    }
}

/* PNG (ISO/IEC 15948): signature, IHDR, PLTE for a palette, the zlib
 * stream of the filtered scanlines in IDAT chunks, IEND (png.h). */
static int encode_png(const nn_image *img, nn_buf *b, nn_error *err)
{
    nni_png_plan plan;
    uint8_t *raw = NULL, *z = NULL;
    size_t len, zlen;
    int rc = nni_png_plan_make(&plan, img, 1);
    if (rc == NN_OK)
        rc = nni_png_scanlines(&plan, img, 0, 0, img->width, img->height, &raw, &len);
    if (rc == NN_OK)
        rc = nni_png_zlib(raw, len, &z, &zlen);
    free(raw);
    if (rc == NN_OK) {
        nni_png_head(b, &plan, img->width, img->height);
        for (size_t off = 0; off < zlen; off += NNI_PNG_CHUNK_MAX)
            nni_png_chunk(b, "IDAT", z + off,
                          zlen - off < NNI_PNG_CHUNK_MAX ? zlen - off : NNI_PNG_CHUNK_MAX);
        nni_png_chunk(b, "IEND", NULL, 0);
    }
    free(z);
    nni_png_plan_free(&plan);
    if (rc != NN_OK)
        return nn_fail(err, NN_ERR_NOMEM, "image: out of memory encoding PNG (%zu x %zu)",
                       img->width, img->height);
    return NN_OK;
}

int nn_image_encode(const nn_image *img, nn_image_format fmt, uint8_t **out, size_t *len,
                    nn_error *err)
{
    *out = NULL;
    *len = 0;
    if (!img->px || img->width < 1 || img->width > NN_IMAGE_MAX_SIDE || img->height < 1 ||
        img->height > NN_IMAGE_MAX_SIDE || (img->channels != 1 && img->channels != 3))
        return nn_fail(err, NN_ERR_ARG, "image: not a valid image (%zu x %zu x %zu)", img->width,
                       img->height, img->channels);
    nn_buf b = {0};
    int rc = NN_OK;
    switch (fmt) {
    case NN_IMAGE_PPM: encode_pnm(img, 1, &b); break;
    case NN_IMAGE_PGM: encode_pnm(img, 0, &b); break;
    case NN_IMAGE_PNG: rc = encode_png(img, &b, err); break;
    default: rc = nn_fail(err, NN_ERR_ARG, "image: unknown format %d", (int)fmt); break;
    }
    if (rc == NN_OK && b.failed)
        rc = nn_fail(err, NN_ERR_NOMEM, "image: out of memory encoding %zu x %zu image",
                     img->width, img->height);
    if (rc != NN_OK) {
        nn_buf_free(&b);
        return rc;
    }
    *out = b.data;
    *len = b.len;
    return NN_OK;
}

int nn_image_save(const char *path, const nn_image *img, nn_error *err)
{
    nn_image_format fmt;
    if (nn_image_format_from_path(path, &fmt) != 0)
        return nn_fail(err, NN_ERR_ARG,
                       "%s: unknown image type; the name must end in .png, .ppm or .pgm", path);
    uint8_t *buf;
    size_t len;
    nn_error e = {0};
    int rc = nn_image_encode(img, fmt, &buf, &len, &e);
    if (rc != NN_OK)
        return nn_fail(err, rc, "%s: %s", path, e.msg);
    rc = nn_write_file_atomic(path, buf, len, err);
    free(buf);
    return rc;
}
