/* png.c - reading PNG images into pictures (see nn_picture.h).
 *
 * PNG (ISO/IEC 15948; W3C PNG third edition): an 8-byte signature, then
 * chunks, each a big-endian length (at most 2^31 - 1), a four-letter type, the
 * data and a CRC-32 of type and data.  A type's first letter is upper case
 * for a critical chunk (one a decoder must understand) and lower case for an
 * ancillary one.  IHDR comes first (width, height, bit depth, colour type,
 * compression 0, filter method 0, interlace 0 or 1), PLTE before the image
 * data, the IDAT chunks one after the other, IEND last.  The IDAT chunks'
 * data joined is one zlib stream of the filtered rows: each row is a filter
 * byte (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) and the row's bytes, the
 * pixels packed most significant bit first when a sample has fewer than 8
 * bits, 16-bit samples big-endian.  An interlaced image is seven such
 * reduced images (Adam7), one after the other.
 *
 * Order of work: every chunk is walked and checked first, then the image data
 * is inflated into a buffer of exactly the size the rows need (nn_zlib_inflate
 * never grows it past that), and only then is the picture allocated, so a
 * hostile header cannot make the decoder allocate more than its compressed
 * data can fill.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_crc.h"
#include "nn_gzip.h"
#include "nn_io.h"
#include "pictures/picture.h"

enum { GREY = 0, RGB = 2, PALETTE = 3, GREY_ALPHA = 4, RGBA = 6 };

/* One chunk as found in the file. */
typedef struct chunk {
    size_t at;          /* offset of its length field */
    size_t len;         /* bytes of data */
    const uint8_t *data;
    char type[5];
} chunk;

/* The decoder's state: the header, the palette and transparency, the image
 * data gathered from the IDAT chunks. */
typedef struct png {
    const uint8_t *buf;
    size_t len;
    const char *name;
    nn_error *err;
    size_t width, height;
    unsigned depth, color, interlace;
    size_t file_channels; /* samples per pixel in the file: 1, 2, 3 or 4 */
    uint8_t plte[256 * 3];
    size_t n_plte;          /* palette entries, 0 if no PLTE */
    uint8_t plte_alpha[256];
    size_t n_plte_alpha;    /* palette entries tRNS gives alpha */
    int has_key;            /* a grey or RGB picture's tRNS: the transparent colour */
    uint16_t key[3];
    double background;      /* bKGD as a grey in [0, 1], or NN_BACKGROUND_AUTO */
    nn_buf idat;            /* the IDAT chunks' data, joined */
    int seen_idat, idat_done, seen_iend;
    size_t chunks;          /* chunks read so far */
} png;

/* Fails with NN_ERR_FORMAT: "NAME: WHAT". */
static int bad(const png *g, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int bad(const png *g, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return nn_fail(g->err, NN_ERR_FORMAT, "%s: %s", g->name, what);
}

/* Fails with NN_ERR_FORMAT: "NAME: WHAT (chunk TYPE at byte B)". */
static int bad_chunk(const png *g, const chunk *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int bad_chunk(const png *g, const chunk *c, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return nn_fail(g->err, NN_ERR_FORMAT, "%s: %s (chunk %s at byte %zu)", g->name, what,
                   c->type, c->at);
}

static int is_letter(uint8_t b)
{
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/* Reads the chunk at *at into c, checks its length, type and CRC, and moves
 * *at past it. */
static int read_chunk(png *g, size_t *at, chunk *c)
{
    size_t p = *at, left = g->len - p;
    if (left == 0 && g->chunks == 0)
        return bad(g, "truncated: nothing after the PNG signature (no IHDR)");
    if (left == 0)
        return bad(g, "missing IEND: the file ends after %zu chunks, at byte %zu", g->chunks, p);
    if (left < 12)
        return bad(g, "truncated: %zu bytes at byte %zu, too few for a chunk (12 at least)",
                   left, p);
    const uint8_t *b = g->buf + p;
    uint32_t n = nn_load_u32be(b);
    c->at = p;
    c->len = n;
    c->data = b + 8;
    for (int i = 0; i < 4; i++)
        c->type[i] = is_letter(b[4 + i]) ? (char)b[4 + i] : '?';
    c->type[4] = '\0';
    if (!is_letter(b[4]) || !is_letter(b[5]) || !is_letter(b[6]) || !is_letter(b[7]))
        return bad(g, "bad chunk type (bytes %02x %02x %02x %02x) at byte %zu", b[4], b[5],
                   b[6], b[7], p + 4);
    if (n > 0x7FFFFFFFu)
        return bad_chunk(g, c, "length %lu is above PNG's limit of 2^31 - 1", (unsigned long)n);
    if (left - 12 < n)
        return bad_chunk(g, c, "truncated: %lu bytes of data declared, the file has %zu more",
                         (unsigned long)n, left - 12);
    uint32_t want = nn_load_u32be(b + 8 + n), got = nn_crc32(0, b + 4, (size_t)n + 4);
    if (got != want)
        return bad_chunk(g, c, "CRC mismatch: the data has %08lx, the chunk says %08lx",
                         (unsigned long)got, (unsigned long)want);
    *at = p + 12 + n;
    g->chunks++;
    return NN_OK;
}

/* Whether the colour type allows the bit depth (PNG section 11.2.2). */
static int depth_allowed(unsigned color, unsigned depth)
{
    switch (color) {
    case GREY:
        return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case PALETTE:
        return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case RGB:
    case GREY_ALPHA:
    case RGBA:
        return depth == 8 || depth == 16;
    default:
        return 0;
    }
}

/* IHDR: the size, bit depth, colour type and methods. */
static int read_ihdr(png *g, const chunk *c)
{
    if (c->len != 13)
        return bad_chunk(g, c, "IHDR has %zu bytes of data, not 13", c->len);
    const uint8_t *d = c->data;
    uint32_t w = nn_load_u32be(d), h = nn_load_u32be(d + 4);
    if (w < 1 || w > NN_IMAGE_MAX_SIDE || h < 1 || h > NN_IMAGE_MAX_SIDE)
        return bad_chunk(g, c, "size %lu x %lu is out of range (1-%d on each side)",
                         (unsigned long)w, (unsigned long)h, NN_IMAGE_MAX_SIDE);
    g->width = w;
    g->height = h;
    g->depth = d[8];
    g->color = d[9];
    if (g->color > 6 || g->color == 1 || g->color == 5)
        return bad_chunk(g, c, "colour type %u does not exist (0, 2, 3, 4 or 6)", g->color);
    if (!depth_allowed(g->color, g->depth))
        return bad_chunk(g, c, "bit depth %u is not allowed with colour type %u", g->depth,
                         g->color);
    if (d[10] != 0)
        return bad_chunk(g, c, "compression method %u; PNG defines only 0 (deflate)", d[10]);
    if (d[11] != 0)
        return bad_chunk(g, c, "filter method %u; PNG defines only 0", d[11]);
    if (d[12] > 1)
        return bad_chunk(g, c, "interlace method %u; PNG defines 0 (none) and 1 (Adam7)", d[12]);
    g->interlace = d[12];
    static const size_t per_type[7] = {1, 0, 3, 1, 2, 0, 4};
    g->file_channels = per_type[g->color];
    return NN_OK;
}

/* PLTE: 1 to 256 RGB entries; required before the image data of a palette
 * picture, allowed (as a suggestion, unused here) in an RGB one, not in grey. */
static int read_plte(png *g, const chunk *c)
{
    if (g->n_plte)
        return bad_chunk(g, c, "a second PLTE");
    if (g->seen_idat)
        return bad_chunk(g, c, "PLTE after the image data (IDAT)");
    if (g->color == GREY || g->color == GREY_ALPHA)
        return bad_chunk(g, c, "PLTE in a grey picture (colour type %u)", g->color);
    if (c->len == 0 || c->len % 3 != 0 || c->len > 256 * 3)
        return bad_chunk(g, c, "PLTE has %zu bytes: 1 to 256 entries of 3 bytes each", c->len);
    memcpy(g->plte, c->data, c->len);
    g->n_plte = c->len / 3;
    return NN_OK;
}

/* tRNS: alpha for the first palette entries, or the one transparent grey or
 * RGB colour (samples of fewer than 16 bits take the low bits). */
static int read_trns(png *g, const chunk *c)
{
    if (g->seen_idat)
        return bad_chunk(g, c, "tRNS after the image data (IDAT)");
    if (g->n_plte_alpha || g->has_key)
        return bad_chunk(g, c, "a second tRNS");
    unsigned mask = (1u << g->depth) - 1;
    if (g->color == PALETTE) {
        if (!g->n_plte)
            return bad_chunk(g, c, "tRNS before PLTE");
        if (c->len == 0 || c->len > g->n_plte)
            return bad_chunk(g, c, "tRNS has %zu entries, the palette %zu", c->len, g->n_plte);
        memcpy(g->plte_alpha, c->data, c->len);
        g->n_plte_alpha = c->len;
    } else if (g->color == GREY || g->color == RGB) {
        size_t want = g->color == GREY ? 2 : 6;
        if (c->len != want)
            return bad_chunk(g, c, "tRNS has %zu bytes, colour type %u needs %zu", c->len,
                             g->color, want);
        for (size_t i = 0; i < want / 2; i++)
            g->key[i] = (uint16_t)(nn_load_u16be(c->data + 2 * i) & mask);
        g->has_key = 1;
    } else {
        return bad_chunk(g, c, "tRNS in a picture with an alpha channel (colour type %u)",
                         g->color);
    }
    return NN_OK;
}

/* bKGD: the background colour, kept as its grey (BT.601 luma for colour). */
static int read_bkgd(png *g, const chunk *c)
{
    if (g->seen_idat)
        return bad_chunk(g, c, "bKGD after the image data (IDAT)");
    double maxval = (double)((1u << g->depth) - 1);
    unsigned mask = (1u << g->depth) - 1;
    if (g->color == PALETTE) {
        if (c->len != 1)
            return bad_chunk(g, c, "bKGD has %zu bytes, a palette picture needs 1", c->len);
        if (c->data[0] >= g->n_plte)
            return bad_chunk(g, c, "bKGD names palette entry %u, the palette has %zu",
                             c->data[0], g->n_plte);
        const uint8_t *e = g->plte + 3 * c->data[0];
        g->background = nni_luma((float)(e[0] / 255.0), (float)(e[1] / 255.0),
                                 (float)(e[2] / 255.0));
    } else if (g->color == GREY || g->color == GREY_ALPHA) {
        if (c->len != 2)
            return bad_chunk(g, c, "bKGD has %zu bytes, a grey picture needs 2", c->len);
        g->background = (float)((nn_load_u16be(c->data) & mask) / maxval);
    } else {
        if (c->len != 6)
            return bad_chunk(g, c, "bKGD has %zu bytes, a colour picture needs 6", c->len);
        float s[3];
        for (int i = 0; i < 3; i++)
            s[i] = (float)((nn_load_u16be(c->data + 2 * i) & mask) / maxval);
        g->background = nni_luma(s[0], s[1], s[2]);
    }
    return NN_OK;
}

/* IDAT: its data joins the image data; IDAT chunks must be consecutive. */
static int read_idat(png *g, const chunk *c)
{
    if (g->idat_done)
        return bad_chunk(g, c, "IDAT chunks are not consecutive");
    if (g->color == PALETTE && !g->n_plte)
        return bad_chunk(g, c, "a palette picture without PLTE before its image data");
    g->seen_idat = 1;
    nn_buf_put(&g->idat, c->data, c->len);
    if (g->idat.failed)
        return nn_fail(g->err, NN_ERR_NOMEM, "%s: out of memory for %zu bytes of image data",
                       g->name, g->idat.len + c->len);
    return NN_OK;
}

/* One chunk after IHDR, by its type. */
static int read_body_chunk(png *g, const chunk *c)
{
    if (strcmp(c->type, "IDAT") == 0)
        return read_idat(g, c);
    if (g->seen_idat)
        g->idat_done = 1;
    if (strcmp(c->type, "IHDR") == 0)
        return bad_chunk(g, c, "a second IHDR");
    if (strcmp(c->type, "PLTE") == 0)
        return read_plte(g, c);
    if (strcmp(c->type, "IEND") == 0) {
        if (!g->seen_idat)
            return bad_chunk(g, c, "IEND before any image data (IDAT)");
        if (c->len != 0)
            return bad_chunk(g, c, "IEND has %zu bytes of data, not 0", c->len);
        g->seen_iend = 1;
        return NN_OK;
    }
    if (strcmp(c->type, "tRNS") == 0)
        return read_trns(g, c);
    if (strcmp(c->type, "bKGD") == 0)
        return read_bkgd(g, c);
    if (c->type[0] >= 'A' && c->type[0] <= 'Z')
        return bad_chunk(g, c, "unknown critical chunk %s", c->type);
    return NN_OK; /* an ancillary chunk not needed here (APNG's acTL, fcTL, fdAT among them) */
}

/* The signature and every chunk up to IEND. */
static int read_chunks(png *g)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (g->len < 8 || memcmp(g->buf, sig, 8) != 0) {
        if (g->len >= 4 && memcmp(g->buf, sig, 4) == 0)
            return bad(g, "damaged PNG signature (bytes 4-7; a transfer in text mode changes "
                          "them)");
        return bad(g, "not a PNG image (no PNG signature)");
    }
    size_t at = 8;
    chunk c;
    int rc = read_chunk(g, &at, &c);
    if (rc)
        return rc;
    if (strcmp(c.type, "CgBI") == 0)
        return bad_chunk(g, &c, "an iOS-optimised file (CgBI), not a standard PNG");
    if (strcmp(c.type, "IHDR") != 0)
        return bad_chunk(g, &c, "the first chunk is %s, not IHDR", c.type);
    if ((rc = read_ihdr(g, &c)))
        return rc;
    while (!g->seen_iend) {
        if ((rc = read_chunk(g, &at, &c)) || (rc = read_body_chunk(g, &c)))
            return rc;
    }
    return NN_OK;
}

/* Adam7 (PNG section 8.2): pass p starts at (x0, y0) and steps (dx, dy). */
static const unsigned adam7[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                     {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

/* The geometry of one reduced image (the whole image when not interlaced). */
typedef struct pass {
    size_t x0, y0, dx, dy;
    size_t width, height; /* pixels; 0 for an empty pass */
    size_t row_bytes;     /* bytes of a row, without the filter byte */
} pass;

static pass pass_of(const png *g, unsigned p)
{
    pass s = {0, 0, 1, 1, g->width, g->height, 0};
    if (g->interlace) {
        s.x0 = adam7[p][0], s.y0 = adam7[p][1], s.dx = adam7[p][2], s.dy = adam7[p][3];
        s.width = g->width > s.x0 ? (g->width - s.x0 + s.dx - 1) / s.dx : 0;
        s.height = g->height > s.y0 ? (g->height - s.y0 + s.dy - 1) / s.dy : 0;
    }
    /* at most 2^15 pixels of 64 bits: no overflow */
    s.row_bytes = (s.width * g->file_channels * g->depth + 7) / 8;
    if (s.height == 0)
        s.width = 0, s.row_bytes = 0;
    return s;
}

/* Bytes of filtered image data: each non-empty pass's rows, each with its
 * filter byte.  Returns -1 if that does not fit in a size_t. */
static int data_bytes(const png *g, size_t *total)
{
    *total = 0;
    for (unsigned p = 0; p < (g->interlace ? 7u : 1u); p++) {
        pass s = pass_of(g, p);
        size_t n;
        if (s.width == 0)
            continue;
        if (nni_size_mul(&n, s.height, s.row_bytes + 1) || nni_size_add(total, *total, n))
            return -1;
    }
    return 0;
}

/* The Paeth predictor (PNG section 9.4): of a (left), b (up) and c (up
 * left), the one nearest to p = a + b - c, ties going to a, then b. */
static uint8_t paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc)
        return (uint8_t)a;
    return (uint8_t)(pb <= pc ? b : c);
}

/* Undoes filter type f on row[0..n) in place (PNG section 9.2), with prev
 * the row above (already unfiltered; zeros for the first) and bpp the bytes
 * per complete pixel (at least 1). */
static void unfilter(unsigned f, uint8_t *row, const uint8_t *prev, size_t n, size_t bpp)
{
    for (size_t i = 0; i < n; i++) {
        int a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
        int x = f == 1 ? a : f == 2 ? b : f == 3 ? (a + b) / 2 : f == 4 ? paeth(a, b, c) : 0;
        row[i] = (uint8_t)(row[i] + x);
    }
}

/* Sample k of an unfiltered row: packed most significant bits first below 8
 * bits, big-endian at 16. */
static unsigned sample_at(const uint8_t *row, size_t k, unsigned depth)
{
    if (depth == 8)
        return row[k];
    if (depth == 16)
        return nn_load_u16be(row + 2 * k);
    size_t bit = k * depth;
    return (unsigned)(row[bit / 8] >> (8 - depth - bit % 8)) & ((1u << depth) - 1);
}

/* Writes the pixels of one unfiltered row of pass s (row r) into the
 * picture: palette entries looked up, the tRNS colour made transparent. */
static int unpack_row(const png *g, const pass *s, size_t r, const uint8_t *row, nn_picture *out)
{
    size_t y = s->y0 + r * s->dy, ch = out->channels;
    for (size_t i = 0; i < s->width; i++) {
        uint16_t *px = out->px + (y * out->width + s->x0 + i * s->dx) * ch;
        if (g->color == PALETTE) {
            unsigned e = sample_at(row, i, g->depth);
            if (e >= g->n_plte)
                return bad(g, "pixel (%zu, %zu) is palette entry %u, the palette (PLTE) has %zu",
                           s->x0 + i * s->dx, y, e, g->n_plte);
            for (size_t c = 0; c < 3; c++)
                px[c] = g->plte[3 * e + c];
            if (ch == 4)
                px[3] = e < g->n_plte_alpha ? g->plte_alpha[e] : 255;
            continue;
        }
        int keyed = g->has_key;
        for (size_t c = 0; c < g->file_channels; c++) {
            px[c] = (uint16_t)sample_at(row, i * g->file_channels + c, g->depth);
            keyed = keyed && px[c] == g->key[c];
        }
        if (g->has_key)
            px[g->file_channels] = keyed ? 0 : (uint16_t)out->maxval;
    }
    return NN_OK;
}

/* Unfilters and unpacks every row of every pass of the inflated image data
 * raw[0..n); zero is a row of zeros as long as the widest. */
static int decode_rows(const png *g, uint8_t *raw, const uint8_t *zero, nn_picture *out)
{
    size_t bpp = (g->file_channels * g->depth + 7) / 8, at = 0;
    for (unsigned p = 0; p < (g->interlace ? 7u : 1u); p++) {
        pass s = pass_of(g, p);
        const uint8_t *prev = zero;
        for (size_t r = 0; s.width && r < s.height; r++) {
            uint8_t *row = raw + at + 1;
            unsigned f = raw[at];
            if (f > 4) {
                if (g->interlace)
                    return bad(g, "bad filter type %u on row %zu of Adam7 pass %u (byte %zu of "
                                  "the image data)", f, r, p + 1, at);
                return bad(g, "bad filter type %u on row %zu (byte %zu of the image data)", f,
                           r, at);
            }
            unfilter(f, row, prev, s.row_bytes, bpp);
            int rc = unpack_row(g, &s, r, row, out);
            if (rc)
                return rc;
            prev = row;
            at += s.row_bytes + 1;
        }
    }
    return NN_OK;
}

/* Inflates the joined IDAT data into exactly *n bytes (the size the rows
 * need) in a new buffer *raw. */
static int inflate_data(png *g, size_t n, uint8_t **raw)
{
    if (g->idat.len > 0 && n / NN_DEFLATE_MAX_RATIO > g->idat.len)
        return bad(g, "the image data (IDAT) has %zu bytes, too few for %zu x %zu pixels even "
                      "if deflate expanded them %d times", g->idat.len, g->width, g->height,
                   NN_DEFLATE_MAX_RATIO);
    char zname[300];
    snprintf(zname, sizeof zname, "%.240s: image data (IDAT)", g->name);
    size_t got;
    int rc = nn_zlib_inflate(g->idat.data, g->idat.len, zname, n, raw, &got, g->err);
    if (rc)
        return rc;
    if (got != n) {
        free(*raw);
        *raw = NULL;
        return bad(g, "the image data (IDAT) ends early: %zu bytes of the %zu that %zu x %zu "
                      "pixels need", got, n, g->width, g->height);
    }
    return NN_OK;
}

/* With the chunks read: inflates, allocates the picture and fills it. */
static int decode_image(png *g, nn_picture *out)
{
    size_t n, samples, bytes;
    out->channels = g->color == PALETTE ? (g->n_plte_alpha ? 4 : 3)
                                         : g->file_channels + (g->has_key ? 1 : 0);
    out->maxval = g->color == PALETTE ? 255 : (1u << g->depth) - 1;
    if (data_bytes(g, &n) || nni_size_mul(&samples, g->width, g->height) ||
        nni_size_mul(&samples, samples, out->channels) ||
        nni_size_mul(&bytes, samples, sizeof *out->px))
        return bad(g, "size %zu x %zu is too large for this machine", g->width, g->height);
    uint8_t *raw;
    int rc = inflate_data(g, n, &raw);
    if (rc)
        return rc;
    out->px = nni_alloc(samples, sizeof *out->px);
    uint8_t *zero = calloc((g->width * g->file_channels * g->depth + 7) / 8, 1); /* widest row */
    if (!out->px || !zero) {
        rc = nn_fail(g->err, NN_ERR_NOMEM, "%s: out of memory for %zu x %zu pixels", g->name,
                     g->width, g->height);
    } else {
        out->width = g->width;
        out->height = g->height;
        rc = decode_rows(g, raw, zero, out);
    }
    free(zero);
    free(raw);
    return rc;
}

int nni_png_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out,
                   double *background, nn_error *err)
{
    memset(out, 0, sizeof *out);
    if (background)
        *background = NN_BACKGROUND_AUTO;
    if (!buf && len > 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no buffer given for %zu bytes", name, len);
    png *g = calloc(1, sizeof *g);
    if (!g)
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for the PNG decoder", name);
    g->buf = buf;
    g->len = len;
    g->name = name;
    g->err = err;
    g->background = NN_BACKGROUND_AUTO;
    int rc = read_chunks(g);
    if (!rc)
        rc = decode_image(g, out);
    if (rc)
        nn_picture_free(out);
    else if (background)
        *background = g->background;
    nn_buf_free(&g->idat);
    free(g);
    return rc;
}

int nn_png_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out, nn_error *err)
{
    return nni_png_decode(buf, len, name, out, NULL, err);
}
