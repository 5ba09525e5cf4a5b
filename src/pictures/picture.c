/* picture.c - pictures of any format read here: recognising the format by its
 * first bytes, and the one conversion of a decoded picture to grey (see
 * nn_picture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_io.h"
#include "pictures/picture.h"

void nn_picture_free(nn_picture *p)
{
    free(p->px);
    memset(p, 0, sizeof *p);
}

/* The grey of pixel i's colour samples, each / maxval (BT.601 luma for RGB). */
static float pixel_grey(const nn_picture *p, size_t i, double maxval)
{
    const uint16_t *s = p->px + i * p->channels;
    if (p->channels < 3)
        return (float)((double)s[0] / maxval);
    return nni_luma((float)((double)s[0] / maxval), (float)((double)s[1] / maxval),
                    (float)((double)s[2] / maxval));
}

/* The automatic background: white (1) when the opacity-weighted mean grey
 * is below 1/2 or nothing is opaque at all, else black (0). */
static double auto_background(const nn_picture *p, size_t pixels, double maxval)
{
    size_t a = p->channels - 1;
    double ink = 0, weight = 0;
    for (size_t i = 0; i < pixels; i++) {
        double alpha = p->px[i * p->channels + a] / maxval;
        ink += alpha * pixel_grey(p, i, maxval);
        weight += alpha;
    }
    return weight == 0 || ink < 0.5 * weight ? 1.0 : 0.0;
}

int nn_picture_to_greymap(const nn_picture *p, double background, nn_greymap *out,
                          nn_error *err)
{
    memset(out, 0, sizeof *out);
    size_t pixels;
    if (!p->px || p->width < 1 || p->height < 1 || p->channels < 1 || p->channels > 4 ||
        p->maxval < 1 || nni_size_mul(&pixels, p->width, p->height))
        return nn_fail(err, NN_ERR_ARG, "not a decoded picture (%zu x %zu, %zu channels)",
                       p->width, p->height, p->channels);
    if (background != NN_BACKGROUND_AUTO && !(background >= 0.0 && background <= 1.0))
        return nn_fail(err, NN_ERR_ARG, "background %g is outside [0, 1]", background);
    float *v = nni_alloc(pixels, sizeof *v);
    if (!v)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for %zu x %zu pixels", p->width,
                       p->height);
    double maxval = p->maxval;
    if (p->channels == 1 || p->channels == 3) {
        for (size_t i = 0; i < pixels; i++)
            v[i] = pixel_grey(p, i, maxval);
    } else {
        /* Porter-Duff "over" on a uniform background: a Y + (1 - a) b. */
        double b = background == NN_BACKGROUND_AUTO ? auto_background(p, pixels, maxval)
                                                    : background;
        for (size_t i = 0; i < pixels; i++) {
            double a = p->px[i * p->channels + p->channels - 1] / maxval;
            double y = a * pixel_grey(p, i, maxval) + (1.0 - a) * b;
            v[i] = (float)(y > 1.0 ? 1.0 : y);
        }
    }
    out->width = p->width;
    out->height = p->height;
    out->v = v;
    return NN_OK;
}

/* ---- recognising the format ------------------------------------------------ */

typedef enum { FMT_UNKNOWN, FMT_PNG, FMT_JPEG, FMT_PNM } format;

static int starts(const uint8_t *b, size_t n, size_t at, const char *magic, size_t m)
{
    return n >= at + m && memcmp(b + at, magic, m) == 0;
}
#define STARTS(at, lit) starts(b, n, (at), (lit), sizeof(lit) - 1)

/* The brand of an ISO base media file (HEIF, AVIF, MP4: a box "ftyp" at
 * byte 4) as the picture format it names, or NULL. */
static const char *iso_brand(const uint8_t *b, size_t n)
{
    static const char *const heic[] = {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1",
                                       "msf1"};
    if (!STARTS(4, "ftyp") || n < 12)
        return NULL;
    if (STARTS(8, "avif") || STARTS(8, "avis"))
        return "an AVIF image";
    for (size_t i = 0; i < sizeof heic / sizeof *heic; i++)
        if (starts(b, n, 8, heic[i], 4))
            return "a HEIC (HEIF) image";
    if (STARTS(8, "jp2 "))
        return "a JPEG 2000 image";
    return "an ISO media file (MP4, QuickTime, HEIF)";
}

/* A format not read here, named by its magic bytes, or NULL. */
static const char *other_format(const uint8_t *b, size_t n)
{
    static const struct {
        size_t at;
        const char *magic;
        size_t len;
        const char *what;
    } magics[] = {
        {0, "GIF87a", 6, "a GIF image"},         {0, "GIF89a", 6, "a GIF image"},
        {0, "BM", 2, "a BMP image"},             {0, "II*\0", 4, "a TIFF image"},
        {0, "MM\0*", 4, "a TIFF image"},         {8, "WEBP", 4, "a WebP image"},
        {0, "\xff\x0a", 2, "a JPEG XL image"},   {4, "JXL \r\n\x87\n", 8, "a JPEG XL image"},
        {4, "jP  \r\n\x87\n", 8, "a JPEG 2000 image"}, {0, "\x00\x00\x01\x00", 4, "an ICO icon"},
        {0, "8BPS", 4, "a Photoshop document (PSD)"}, {0, "qoif", 4, "a QOI image"},
        {0, "v/1\x01", 4, "an OpenEXR image"},   {0, "farbfeld", 8, "a farbfeld image"},
        {0, "%PDF", 4, "a PDF document"},        {0, "%!PS", 4, "a PostScript document"},
        {0, "<svg", 4, "an SVG drawing"},        {0, "<?xml", 5, "an XML file (SVG?)"},
        {0, "\x1f\x8b", 2, "gzip data"},         {0, "BZh", 3, "bzip2 data"},
        {0, "\xfd" "7zXZ\0", 6, "xz data"},      {0, "\x28\xb5\x2f\xfd", 4, "zstd data"},
        {0, "PK\x03\x04", 4, "a zip archive"},   {0, "NNARTMDL", 8, "an nnart model file"},
        {0, "\x00\x00\x08\x01", 4, "an IDX file of labels (use --images and --labels)"},
        {0, "\x00\x00\x08\x03", 4, "an IDX file of images (use --images and --labels)"},
    };
    /* (a magic at byte 8 is WebP's, inside a RIFF container) */
    for (size_t i = 0; i < sizeof magics / sizeof *magics; i++)
        if (starts(b, n, magics[i].at, magics[i].magic, magics[i].len) &&
            (magics[i].at != 8 || STARTS(0, "RIFF")))
            return magics[i].what;
    return iso_brand(b, n);
}

static format identify(const uint8_t *b, size_t n)
{
    if (STARTS(0, "\x89PNG"))
        return FMT_PNG;
    if (STARTS(0, "\xff\xd8\xff"))
        return FMT_JPEG;
    if (n >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '7')
        return FMT_PNM;
    return FMT_UNKNOWN;
}

/* The error for bytes in no format read here. */
static int unknown_format(const uint8_t *b, size_t n, const char *name, nn_error *err)
{
    const char *what = other_format(b, n);
    if (what)
        return nn_fail(err, NN_ERR_FORMAT, "%s: %s, which nnart does not read; convert it to "
                       "PNG", name, what);
    char hex[3 * 8 + 1] = "";
    for (size_t i = 0; i < n && i < 8; i++)
        snprintf(hex + (i ? 3 * i - 1 : 0), 4, "%s%02x", i ? " " : "", b[i]);
    return nn_fail(err, NN_ERR_FORMAT, "%s: not a picture nnart reads (it starts with %s%s)",
                   name, hex, n > 8 ? " ..." : "");
}

/* Decodes a picture of a recognised format; *background is the grey the
 * picture asks to be composited over, or NN_BACKGROUND_AUTO. */
static int decode(const uint8_t *buf, size_t len, const char *name, nn_picture *pic,
                  double *background, nn_error *err)
{
    *background = NN_BACKGROUND_AUTO;
    memset(pic, 0, sizeof *pic);
    if (len == 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: empty, not a picture", name);
    switch (identify(buf, len)) {
    case FMT_PNG:
        return nni_png_decode(buf, len, name, pic, background, err);
    case FMT_JPEG:
        return nn_jpeg_decode(buf, len, name, pic, err);
    case FMT_PNM:
        return nn_pnm_decode(buf, len, name, pic, err);
    default:
        return unknown_format(buf, len, name, err);
    }
}

int nn_picture_parse(const uint8_t *buf, size_t len, const char *name, nn_greymap *out,
                     nn_error *err)
{
    memset(out, 0, sizeof *out);
    if (!buf && len > 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no buffer given for %zu bytes", name, len);
    nn_picture pic;
    double background;
    int rc = decode(buf, len, name, &pic, &background, err);
    if (rc)
        return rc;
    rc = nn_picture_to_greymap(&pic, background, out, err);
    if (rc == NN_ERR_NOMEM)
        nn_fail(err, rc, "%s: out of memory for %zu x %zu pixels", name, pic.width, pic.height);
    nn_picture_free(&pic);
    return rc;
}

int nn_picture_load(const char *path, nn_greymap *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf;
    size_t len;
    int rc = nn_read_file(path, &buf, &len, NN_PICTURE_MAX_FILE, err);
    if (rc != NN_OK)
        return rc;
    rc = nn_picture_parse(buf, len, path, out, err);
    free(buf);
    return rc;
}
