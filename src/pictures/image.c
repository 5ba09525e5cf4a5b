/* image.c - 8-bit images and their PPM, PGM and PNG encodings (see nn_image.h).
 *
 * The PNG writer does not compress: the scanlines (each behind filter byte 0,
 * "None") go into a zlib stream of stored deflate blocks (RFC 1950, RFC 1951
 * section 3.2.4), which any PNG reader accepts.  It keeps the writer a page of
 * code and its output predictable byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_crc.h"
#include "nn_image.h"
#include "nn_io.h"

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

#define STORED_MAX 65535u          /* the most bytes one stored deflate block holds */
#define IDAT_MAX ((size_t)1 << 20) /* the most zlib bytes put into one IDAT chunk */

/* Copies bytes [off, off + n) of the image's filtered scanlines (row r is the
 * filter byte 0 followed by the row's samples) to dst. */
static void copy_scanlines(const nn_image *img, size_t off, size_t n, uint8_t *dst)
{
    size_t stride = img->width * img->channels, line = stride + 1;
    while (n > 0) {
        size_t row = off / line, col = off % line, take;
        if (col == 0) {
            *dst = 0;
            take = 1;
        } else {
            take = line - col < n ? line - col : n;
            memcpy(dst, img->px + row * stride + (col - 1), take);
        }
        dst += take;
        off += take;
        n -= take;
    }
}

/* Appends a PNG chunk: length, type, data, CRC-32 over type and data. */
static void put_chunk(nn_buf *b, const char type[4], const uint8_t *data, size_t len)
{
    nn_buf_put_u32be(b, (uint32_t)len);
    nn_buf_put(b, type, 4);
    nn_buf_put(b, data, len);
    uint32_t crc = nn_crc32(0, type, 4);
    nn_buf_put_u32be(b, nn_crc32(crc, data, len));
}

/* PNG (ISO/IEC 15948): signature, IHDR, the zlib stream in IDAT chunks of at
 * most IDAT_MAX bytes, IEND. */
static int encode_png(const nn_image *img, nn_buf *b, nn_error *err)
{
    /* Each row is a filter byte and its samples; the zlib stream is a 2-byte
     * header, 5 header bytes per stored block, the rows, and the Adler-32. */
    size_t line, raw, blocks, zlen;
    if (nni_size_mul(&line, img->width, img->channels) || nni_size_add(&line, line, 1) ||
        nni_size_mul(&raw, img->height, line))
        return nn_fail(err, NN_ERR_NOMEM, "image: too large to encode as PNG");
    blocks = raw / STORED_MAX + (raw % STORED_MAX != 0);
    if (nni_size_mul(&zlen, blocks, 5) || nni_size_add(&zlen, zlen, raw) ||
        nni_size_add(&zlen, zlen, 2 + 4))
        return nn_fail(err, NN_ERR_NOMEM, "image: too large to encode as PNG");
    uint8_t *z = nni_alloc(zlen, 1);
    if (!z)
        return nn_fail(err, NN_ERR_NOMEM, "image: out of memory encoding PNG (%zu bytes)", zlen);
    /* CMF 0x78: deflate, 32 KiB window; FLG 0x01: no dictionary, fastest level,
     * and (0x78 * 256 + 0x01) is a multiple of 31 as RFC 1950 requires. */
    uint8_t *q = z;
    *q++ = 0x78;
    *q++ = 0x01;
    uint32_t adler = 1;
    for (size_t off = 0; off < raw;) {
        size_t n = raw - off < STORED_MAX ? raw - off : STORED_MAX;
        /* Block header: BFINAL in bit 0, BTYPE 00 (stored), padded to the byte;
         * then LEN and its ones' complement NLEN, little-endian. */
        *q++ = off + n == raw ? 1 : 0;
        *q++ = (uint8_t)(n & 0xFF);
        *q++ = (uint8_t)(n >> 8);
        *q++ = (uint8_t)(~n & 0xFF);
        *q++ = (uint8_t)((~n >> 8) & 0xFF);
        copy_scanlines(img, off, n, q);
        adler = nn_adler32(adler, q, n);
        q += n;
        off += n;
    }
    *q++ = (uint8_t)(adler >> 24);
    *q++ = (uint8_t)(adler >> 16);
    *q++ = (uint8_t)(adler >> 8);
    *q++ = (uint8_t)adler;

    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    nn_buf_put(b, sig, sizeof sig);
    /* IHDR: width, height, bit depth 8, colour type 0 (grey) or 2 (RGB),
     * compression 0, filter method 0, no interlace. */
    uint8_t ihdr[13] = {0};
    ihdr[0] = (uint8_t)(img->width >> 24);
    ihdr[1] = (uint8_t)(img->width >> 16);
    ihdr[2] = (uint8_t)(img->width >> 8);
    ihdr[3] = (uint8_t)img->width;
    ihdr[4] = (uint8_t)(img->height >> 24);
    ihdr[5] = (uint8_t)(img->height >> 16);
    ihdr[6] = (uint8_t)(img->height >> 8);
    ihdr[7] = (uint8_t)img->height;
    ihdr[8] = 8;
    ihdr[9] = img->channels == 3 ? 2 : 0;
    put_chunk(b, "IHDR", ihdr, sizeof ihdr);
    for (size_t off = 0; off < zlen; off += IDAT_MAX)
        put_chunk(b, "IDAT", z + off, zlen - off < IDAT_MAX ? zlen - off : IDAT_MAX);
    put_chunk(b, "IEND", NULL, 0);
    free(z);
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
