/* pnm.c - reading Netpbm images into pictures and grey maps (see
 * nn_picture.h, nn_image.h).
 *
 * Netpbm (netpbm.sourceforge.net/doc/pgm.html, ppm.html): a magic number (P2
 * or P3 "plain", samples written in decimal; P5 or P6 "raw", samples as bytes),
 * then width, height and maxval as decimal numbers separated by whitespace,
 * with '#' comments running to the end of the line.  A raw image's samples
 * start after exactly one whitespace byte following maxval; each sample is one
 * byte when maxval < 256, else two bytes, most significant first.  PPM pixels
 * are R, G, B triples.  Bytes after the first image are allowed (a file may
 * hold several images); only the first is read.
 *
 * Everything is checked, and the samples counted, before the picture is
 * allocated, so a hostile header cannot make us allocate more than the file
 * could fill.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_image.h"
#include "nn_io.h"
#include "nn_picture.h"

#define PNM_MAX_FILE ((size_t)1 << 30) /* the largest file nn_pnm_load reads */

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* A cursor over the file. */
typedef struct reader {
    const uint8_t *buf;
    size_t len, at;
    const char *name;
} reader;

/* Skips whitespace and '#' comments (to the end of the line). */
static void skip_blanks(reader *r)
{
    while (r->at < r->len) {
        if (is_space(r->buf[r->at])) {
            r->at++;
        } else if (r->buf[r->at] == '#') {
            while (r->at < r->len && r->buf[r->at] != '\n' && r->buf[r->at] != '\r')
                r->at++;
        } else {
            break;
        }
    }
}

/* Reads a decimal number at the cursor.  Returns 0 with the value in *v
 * (saturated at UINT32_MAX), -1 at the end of the data, or -2 if the cursor is
 * on something other than a digit. */
static int read_number(reader *r, uint32_t *v)
{
    if (r->at >= r->len)
        return -1;
    if (!is_digit(r->buf[r->at]))
        return -2;
    uint64_t n = 0;
    while (r->at < r->len && is_digit(r->buf[r->at])) {
        n = n * 10 + (uint64_t)(r->buf[r->at] - '0');
        if (n > UINT32_MAX)
            n = (uint64_t)UINT32_MAX + 1; /* keeps growing digits from overflowing */
        r->at++;
    }
    *v = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    return 0;
}

/* Describes the byte at the cursor for a message: "'x'" or "byte 0x01". */
static void describe(const reader *r, char *s, size_t cap)
{
    uint8_t c = r->buf[r->at];
    if (c > ' ' && c < 127)
        snprintf(s, cap, "'%c'", c);
    else
        snprintf(s, cap, "byte 0x%02x", c);
}

/* The digits of a number as written (for messages, at most 20 of them). */
typedef struct digits {
    char s[24];
} digits;

static digits written(const reader *r, size_t start)
{
    digits d;
    size_t n = r->at - start;
    snprintf(d.s, sizeof d.s, "%.*s%s", (int)(n > 20 ? 20 : n), (const char *)r->buf + start,
             n > 20 ? "..." : "");
    return d;
}

/* Reads one header field (width, height or maxval) after blanks and
 * comments; the number must end at whitespace, a comment or the data's end.
 * *text receives the digits as written. */
static int header_field(reader *r, const char *what, uint32_t *v, digits *text, nn_error *err)
{
    skip_blanks(r);
    size_t start = r->at;
    int rc = read_number(r, v);
    if (rc == -1)
        return nn_fail(err, NN_ERR_FORMAT, "%s: truncated header: the file ends before the %s",
                       r->name, what);
    char got[16];
    if (rc == -2) {
        describe(r, got, sizeof got);
        return nn_fail(err, NN_ERR_FORMAT, "%s: bad header: expected the %s, found %s at byte %zu",
                       r->name, what, got, r->at);
    }
    if (r->at < r->len && !is_space(r->buf[r->at]) && r->buf[r->at] != '#') {
        describe(r, got, sizeof got);
        return nn_fail(err, NN_ERR_FORMAT, "%s: bad header: %s followed by %s at byte %zu",
                       r->name, what, got, r->at);
    }
    *text = written(r, start);
    return NN_OK;
}

/* Validated header of a Netpbm image. */
typedef struct pnm_header {
    int plain;            /* P2, P3: decimal samples */
    size_t channels;      /* 1 (P2, P5) or 3 (P3, P6) */
    size_t width, height; /* 1..NN_IMAGE_MAX_SIDE */
    uint32_t maxval;      /* 1..65535 */
    size_t samples;       /* width * height * channels */
    size_t data;          /* offset of the first sample or its text */
} pnm_header;

static int parse_header(reader *r, pnm_header *h, nn_error *err)
{
    if (r->len == 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: empty file, not a Netpbm image", r->name);
    if (r->len < 2 || r->buf[0] != 'P' || r->buf[1] < '1' || r->buf[1] > '7')
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: not a Netpbm image (expected P2, P3, P5 or P6 at the start)", r->name);
    char m = (char)r->buf[1];
    if (m == '1' || m == '4')
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: P%c is a black-and-white bitmap (PBM); save the drawing as a grey or "
                       "colour image (PGM P2/P5 or PPM P3/P6)",
                       r->name, m);
    if (m == '7')
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: P7 (PAM) is not supported; use PGM (P2/P5) or PPM (P3/P6)", r->name);
    h->plain = m == '2' || m == '3';
    h->channels = m == '3' || m == '6' ? 3 : 1;
    r->at = 2;
    if (r->at < r->len && !is_space(r->buf[r->at]) && r->buf[r->at] != '#')
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: not a Netpbm image (no whitespace after the magic number P%c)",
                       r->name, m);
    uint32_t w, ht, maxval;
    digits tw, th, tm;
    int rc;
    if ((rc = header_field(r, "width", &w, &tw, err)) != NN_OK ||
        (rc = header_field(r, "height", &ht, &th, err)) != NN_OK ||
        (rc = header_field(r, "maxval", &maxval, &tm, err)) != NN_OK)
        return rc;
    if (w < 1 || w > NN_IMAGE_MAX_SIDE || ht < 1 || ht > NN_IMAGE_MAX_SIDE)
        return nn_fail(err, NN_ERR_FORMAT, "%s: size %s x %s is out of range (1-%d on each side)",
                       r->name, tw.s, th.s, NN_IMAGE_MAX_SIDE);
    if (maxval < 1 || maxval > 65535)
        return nn_fail(err, NN_ERR_FORMAT, "%s: maxval %s is out of range (1-65535)", r->name,
                       tm.s);
    h->width = w;
    h->height = ht;
    h->maxval = maxval;
    /* Both sides are at most 2^15 and channels at most 3, but a 32-bit
     * machine cannot hold the samples of every such image, nor its grey
     * map: check the count and the bytes of the buffers. */
    size_t bytes;
    if (nni_size_mul(&h->samples, h->width, h->height) ||
        nni_size_mul(&h->samples, h->samples, h->channels) ||
        nni_size_mul(&bytes, h->samples, sizeof(float)))
        return nn_fail(err, NN_ERR_FORMAT, "%s: size %zu x %zu is too large for this machine",
                       r->name, h->width, h->height);
    if (!h->plain) {
        /* Exactly one whitespace byte separates maxval from the raw samples. */
        if (r->at >= r->len)
            return nn_fail(err, NN_ERR_FORMAT, "%s: truncated: %zu samples declared, 0 present",
                           r->name, h->samples);
        if (!is_space(r->buf[r->at])) {
            char got[16];
            describe(r, got, sizeof got);
            return nn_fail(err, NN_ERR_FORMAT,
                           "%s: bad header: expected one whitespace byte after maxval, found %s",
                           r->name, got);
        }
        r->at++;
    }
    h->data = r->at;
    return NN_OK;
}

/* Walks the decimal samples of a plain image, checking each against maxval.
 * With out == NULL it only validates and counts; otherwise it stores each
 * sample.  Stops after h->samples samples; the rest of the file is
 * not looked at. */
static int plain_samples(reader *r, const pnm_header *h, uint16_t *out, nn_error *err)
{
    r->at = h->data;
    for (size_t i = 0; i < h->samples; i++) {
        skip_blanks(r);
        uint32_t v;
        size_t start = r->at;
        int rc = read_number(r, &v);
        if (rc == -1)
            return nn_fail(err, NN_ERR_FORMAT, "%s: truncated: %zu samples declared, %zu present",
                           r->name, h->samples, i);
        if (rc == -2 || (r->at < r->len && !is_space(r->buf[r->at]) && r->buf[r->at] != '#')) {
            char got[16];
            describe(r, got, sizeof got);
            return nn_fail(err, NN_ERR_FORMAT, "%s: sample %zu: unexpected %s at byte %zu",
                           r->name, i + 1, got, r->at);
        }
        if (v > h->maxval)
            return nn_fail(err, NN_ERR_FORMAT, "%s: sample %zu is %s, above maxval %lu", r->name,
                           i + 1, written(r, start).s, (unsigned long)h->maxval);
        if (out)
            out[i] = (uint16_t)v;
    }
    return NN_OK;
}

/* Checks (out == NULL) or stores the raw samples of a P5/P6 image. */
static int raw_samples(const reader *r, const pnm_header *h, uint16_t *out, nn_error *err)
{
    size_t bps = h->maxval > 255 ? 2 : 1;
    size_t avail = r->len - h->data;
    if (avail / bps < h->samples)
        return nn_fail(err, NN_ERR_FORMAT, "%s: truncated: %zu samples declared, %zu present",
                       r->name, h->samples, avail / bps);
    const uint8_t *p = r->buf + h->data;
    for (size_t i = 0; i < h->samples; i++) {
        uint32_t v = bps == 2 ? (uint32_t)nn_load_u16be(p + 2 * i) : p[i];
        if (v > h->maxval)
            return nn_fail(err, NN_ERR_FORMAT, "%s: sample %zu is %lu, above maxval %lu", r->name,
                           i + 1, (unsigned long)v, (unsigned long)h->maxval);
        if (out)
            out[i] = (uint16_t)v;
    }
    return NN_OK;
}

int nn_pnm_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out,
                  nn_error *err)
{
    memset(out, 0, sizeof *out);
    reader r = {.buf = buf, .len = len, .at = 0, .name = name};
    pnm_header h;
    int rc = parse_header(&r, &h, err);
    if (rc == NN_OK)
        rc = h.plain ? plain_samples(&r, &h, NULL, err) : raw_samples(&r, &h, NULL, err);
    if (rc != NN_OK)
        return rc;
    /* The samples are all there and valid: now allocate and store them. */
    uint16_t *s = nni_alloc(h.samples, sizeof *s);
    if (!s)
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu x %zu pixels", name,
                       h.width, h.height);
    rc = h.plain ? plain_samples(&r, &h, s, err) : raw_samples(&r, &h, s, err);
    if (rc != NN_OK) {
        free(s);
        return rc;
    }
    out->width = h.width;
    out->height = h.height;
    out->channels = h.channels;
    out->maxval = h.maxval;
    out->px = s;
    return NN_OK;
}

int nn_pnm_parse(const uint8_t *buf, size_t len, const char *name, nn_greymap *out,
                 nn_error *err)
{
    memset(out, 0, sizeof *out);
    nn_picture p;
    int rc = nn_pnm_decode(buf, len, name, &p, err);
    if (rc != NN_OK)
        return rc;
    rc = nn_picture_to_greymap(&p, NN_BACKGROUND_AUTO, out, err);
    if (rc == NN_ERR_NOMEM)
        nn_fail(err, rc, "%s: out of memory for %zu x %zu pixels", name, p.width, p.height);
    nn_picture_free(&p);
    return rc;
}

int nn_pnm_load(const char *path, nn_greymap *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf;
    size_t len;
    int rc = nn_read_file(path, &buf, &len, PNM_MAX_FILE, err);
    if (rc != NN_OK)
        return rc;
    rc = nn_pnm_parse(buf, len, path, out, err);
    free(buf);
    return rc;
}

void nn_greymap_free(nn_greymap *g)
{
    free(g->v);
    memset(g, 0, sizeof *g);
}
