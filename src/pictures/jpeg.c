/* jpeg.c - a baseline JPEG decoder (see nn_picture.h).
 *
 * ITU-T T.81 sequential DCT with Huffman coding (SOF0, and SOF1 with 8-bit
 * samples), in JFIF, EXIF or Adobe files; 1 component (grey) or 3 (YCbCr, or
 * RGB when an Adobe APP14 marker says transform 0 or the components are named
 * 'R', 'G', 'B'), sampling factors 1 or 2 on each axis, interleaved and
 * non-interleaved scans, restart intervals.  The arithmetic follows libjpeg's
 * defaults so that the samples match what it decodes: its accurate integer
 * IDCT ("islow"), its "fancy" (triangle filter) chroma upsampling and its
 * YCbCr -> RGB tables.
 *
 * The decoder works in passes: markers are read one segment at a time; each
 * scan's entropy-coded data is Huffman-decoded block by block, dequantised and
 * inverse-transformed into one sample plane per component; at the end the
 * planes are upsampled to full size and converted to RGB.
 *
 * What is accepted, as libjpeg accepts it: fill bytes (FF FF ...) before any
 * marker, stray bytes between segments and before a restart marker (skipped),
 * bytes after EOI (never read), and a file that ends without EOI once every
 * component's scan is complete.  What is refused, where libjpeg would only warn
 * and fill in grey: scan data that ends (at the file's end or at a marker)
 * before the last block, a restart marker out of sequence, AC coefficients
 * running past the end of a block.  Truncated data never makes the decoder
 * read past the buffer: the bit reader hands out zero bits past the data and
 * each block checks afterwards whether it used any.
 *
 * Before the planes are allocated the frame is checked against the bytes left
 * in the file (a block takes at least 2 bits), so a short file cannot make
 * the decoder allocate much more than the picture it could describe.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_image.h"
#include "nn_picture.h"

#define JPEG_MAX_PIXELS ((size_t)1 << 28) /* the largest width * height decoded */
#define FAST_BITS 9                       /* Huffman codes up to this long in one look-up */

/* Natural (row-major) position of the k-th coefficient in zigzag order (T.81 Figure 5). */
static const uint8_t zigzag[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

/* A Huffman table as the decoder uses it (T.81 F.2.2.3, Figure F.15). */
typedef struct huffman {
    int defined;
    uint16_t fast[1 << FAST_BITS]; /* (length << 8) | symbol for each FAST_BITS-bit prefix, 0 if longer */
    int32_t maxcode[17];           /* MAXCODE: the largest code of each length, -1 if none */
    int32_t delta[17];             /* VALPTR - MINCODE: code + delta is the symbol's index */
    uint8_t symbols[256];          /* HUFFVAL */
} huffman;

typedef struct component {
    int id, h, v, tq;       /* identifier, sampling factors, quantisation table */
    int td, ta;             /* DC and AC tables of the current scan */
    size_t width, height;   /* samples: ceil(X * h / hmax) by ceil(Y * v / vmax) (A.1.1) */
    size_t stride, rows;    /* the plane: whole blocks of whole MCUs */
    uint8_t *plane;         /* stride * rows samples */
    int32_t dc;             /* the DC predictor */
    int scanned;
} component;

/* Reads entropy-coded data bit by bit, MSB first (F.2.2.5), removing stuffed
 * zero bytes.  At a marker or the end of the data it stops and supplies zero
 * bits, counting them in padding: using any of them is an error. */
typedef struct bitreader {
    const uint8_t *buf;
    size_t len, pos;
    uint32_t acc;    /* the next bit is bit 31 */
    int nbits;       /* bits in acc */
    int padding;     /* of those, the zero bits that are not in the file */
    int stopped;     /* at a marker (pos at its first FF) or the data's end */
} bitreader;

typedef struct jpeg {
    const uint8_t *buf;
    size_t len, pos;
    const char *name;
    nn_error *err;
    uint16_t qt[4][64]; /* quantisation tables in natural order */
    int qt_defined[4];
    huffman dc[4], ac[4];
    size_t restart;     /* Ri: MCUs per restart interval, 0 for none */
    int frame, jfif, adobe, adobe_transform;
    size_t width, height;
    int ncomp, hmax, vmax;
    size_t mcux, mcuy;  /* MCUs of an interleaved scan */
    component comp[3];
    bitreader bits;
} jpeg;

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static int bad(jpeg *j, const char *what)
{
    return nn_fail(j->err, NN_ERR_FORMAT, "%s: %s", j->name, what);
}

/* ---- markers ------------------------------------------------------------- */

/* The next marker from j->pos on (B.1.1.2): skips stray bytes and fill bytes
 * FF FF; returns the marker's second byte with j->pos after it, or -1 at the
 * end of the data. */
static int next_marker(jpeg *j)
{
    while (j->pos + 1 < j->len) {
        if (j->buf[j->pos] != 0xFF || j->buf[j->pos + 1] == 0x00 || j->buf[j->pos + 1] == 0xFF) {
            j->pos++;
            continue;
        }
        j->pos += 2;
        return j->buf[j->pos - 1];
    }
    j->pos = j->len;
    return -1;
}

/* The segment after a marker: *body (its bytes after the length field) and
 * *n (their count); j->pos moves past it. */
static int segment(jpeg *j, const char *what, const uint8_t **body, size_t *n)
{
    if (j->len - j->pos < 2)
        return nn_fail(j->err, NN_ERR_FORMAT, "%s: truncated: the file ends in the %s segment",
                       j->name, what);
    size_t length = be16(j->buf + j->pos);
    if (length < 2)
        return nn_fail(j->err, NN_ERR_FORMAT, "%s: bad %s segment: length %zu at byte %zu",
                       j->name, what, length, j->pos);
    if (length > j->len - j->pos)
        return nn_fail(j->err, NN_ERR_FORMAT, "%s: truncated: the file ends in the %s segment",
                       j->name, what);
    *body = j->buf + j->pos + 2;
    *n = length - 2;
    j->pos += length;
    return NN_OK;
}

/* DQT (B.2.4.1): one or more tables, each Pq|Tq then 64 values of 8 or 16
 * bits in zigzag order, stored here in natural order. */
static int read_dqt(jpeg *j)
{
    const uint8_t *p;
    size_t n;
    int rc = segment(j, "DQT", &p, &n);
    if (rc)
        return rc;
    while (n > 0) {
        unsigned pq = p[0] >> 4, tq = p[0] & 15;
        size_t size = 1 + 64 * (pq + 1);
        if (pq > 1 || tq > 3)
            return bad(j, "bad DQT segment: table precision or number out of range");
        if (n < size)
            return bad(j, "bad DQT segment: shorter than its tables");
        for (int k = 0; k < 64; k++)
            j->qt[tq][zigzag[k]] = (uint16_t)(pq ? be16(p + 1 + 2 * k) : p[1 + k]);
        j->qt_defined[tq] = 1;
        p += size;
        n -= size;
    }
    return NN_OK;
}

/* Builds the decoding tables of one Huffman table from its 16 code counts
 * (BITS) and symbols (HUFFVAL): canonical codes as T.81 C.2 assigns them
 * (Figures C.1-C.3), MAXCODE and VALPTR - MINCODE as in Figure F.15.  As in
 * libjpeg, every code of a length must be below 2^length - 1 (so the
 * all-ones code stays unused): -1 for a table whose codes do not fit. */
static int build_huffman(huffman *h, const uint8_t *counts, const uint8_t *symbols, size_t total)
{
    int32_t code = 0;
    size_t k = 0;
    memset(h->fast, 0, sizeof h->fast);
    memcpy(h->symbols, symbols, total);
    for (int len = 1; len <= 16; len++) {
        h->delta[len] = (int32_t)k - code;
        for (unsigned i = 0; i < counts[len - 1]; i++, k++, code++) {
            if (code + 1 >= (int32_t)1 << len)
                return -1;
            if (len <= FAST_BITS)
                for (int32_t s = 0; s < 1 << (FAST_BITS - len); s++)
                    h->fast[code << (FAST_BITS - len) | s] = (uint16_t)(len << 8 | symbols[k]);
        }
        h->maxcode[len] = counts[len - 1] ? code - 1 : -1;
        code <<= 1;
    }
    h->defined = 1;
    return 0;
}

/* DHT (B.2.4.2): one or more tables, each Tc|Th, 16 counts, the symbols. */
static int read_dht(jpeg *j)
{
    const uint8_t *p;
    size_t n;
    int rc = segment(j, "DHT", &p, &n);
    if (rc)
        return rc;
    while (n > 0) {
        if (n < 17)
            return bad(j, "bad DHT segment: shorter than its tables");
        unsigned tc = p[0] >> 4, th = p[0] & 15;
        size_t total = 0;
        for (int i = 1; i <= 16; i++)
            total += p[i];
        if (tc > 1 || th > 3)
            return bad(j, "bad DHT segment: table class or number out of range");
        if (total > 256 || n < 17 + total)
            return bad(j, "bad DHT segment: more symbols than the segment holds or 256");
        for (size_t i = 0; i < total && tc == 0; i++)
            if (p[17 + i] > 15)
                return bad(j, "bad Huffman table: a DC difference category above 15");
        if (build_huffman(tc ? &j->ac[th] : &j->dc[th], p + 1, p + 17, total))
            return bad(j, "bad Huffman table: more codes of some length than fit");
        p += 17 + total;
        n -= 17 + total;
    }
    return NN_OK;
}

/* DRI (B.2.4.4): Ri, the MCUs in each restart interval (0: no restarts). */
static int read_dri(jpeg *j)
{
    const uint8_t *p;
    size_t n;
    int rc = segment(j, "DRI", &p, &n);
    if (rc)
        return rc;
    if (n != 2)
        return bad(j, "bad DRI segment: its length is not 4");
    j->restart = be16(p);
    return NN_OK;
}

/* APPn: notes JFIF (APP0 "JFIF\0") and Adobe (APP14 "Adobe", its transform
 * byte at offset 11) as libjpeg does; everything else is skipped. */
static int read_app(jpeg *j, int marker)
{
    const uint8_t *p;
    size_t n;
    int rc = segment(j, "APPn", &p, &n);
    if (rc)
        return rc;
    if (marker == 0xE0 && n >= 14 && memcmp(p, "JFIF\0", 5) == 0)
        j->jfif = 1;
    if (marker == 0xEE && n >= 12 && memcmp(p, "Adobe", 5) == 0) {
        j->adobe = 1;
        j->adobe_transform = p[11];
    }
    return NN_OK;
}

/* The name of a frame type that is not baseline (T.81 Table B.1), or NULL. */
static const char *unsupported_frame(int marker)
{
    switch (marker) {
    case 0xC2: return "a progressive JPEG";
    case 0xC3: return "a lossless JPEG";
    case 0xC5: case 0xC6: case 0xC7: return "a hierarchical JPEG";
    case 0xC9: case 0xCA: case 0xCB: return "an arithmetic-coded JPEG";
    case 0xCD: case 0xCE: case 0xCF: return "a hierarchical arithmetic-coded JPEG";
    default: return NULL;
    }
}

/* The frame's components (B.2.2): identifiers, sampling factors 1..2, tables. */
static int read_components(jpeg *j, const uint8_t *p)
{
    j->hmax = j->vmax = 1;
    for (int i = 0; i < j->ncomp; i++) {
        component *c = &j->comp[i];
        c->id = p[3 * i];
        c->h = p[3 * i + 1] >> 4;
        c->v = p[3 * i + 1] & 15;
        c->tq = p[3 * i + 2];
        for (int k = 0; k < i; k++)
            if (j->comp[k].id == c->id)
                return bad(j, "bad SOF segment: two components with the same identifier");
        if (c->h < 1 || c->h > 4 || c->v < 1 || c->v > 4 || c->tq > 3)
            return bad(j, "bad SOF segment: a sampling factor or table number out of range");
        if (c->h > 2 || c->v > 2)
            return nn_fail(j->err, NN_ERR_FORMAT,
                           "%s: sampling factors %dx%d: only factors 1 and 2 are supported",
                           j->name, c->h, c->v);
        j->hmax = c->h > j->hmax ? c->h : j->hmax;
        j->vmax = c->v > j->vmax ? c->v : j->vmax;
    }
    return NN_OK;
}

/* Sizes the components (A.1.1: x_i = ceil(X * H_i / Hmax)) and allocates their
 * planes, whole MCUs of an interleaved scan, after checking that the bytes
 * left could hold that many blocks of at least 2 bits each. */
static int alloc_planes(jpeg *j)
{
    size_t blocks = 0;
    j->mcux = (j->width + 8 * (size_t)j->hmax - 1) / (8 * (size_t)j->hmax);
    j->mcuy = (j->height + 8 * (size_t)j->vmax - 1) / (8 * (size_t)j->vmax);
    for (int i = 0; i < j->ncomp; i++) {
        component *c = &j->comp[i];
        c->width = (j->width * (size_t)c->h + (size_t)j->hmax - 1) / (size_t)j->hmax;
        c->height = (j->height * (size_t)c->v + (size_t)j->vmax - 1) / (size_t)j->vmax;
        c->stride = j->mcux * (size_t)c->h * 8;
        c->rows = j->mcuy * (size_t)c->v * 8;
        blocks += (c->width + 7) / 8 * ((c->height + 7) / 8);
    }
    if (blocks / 4 > j->len - j->pos)
        return nn_fail(j->err, NN_ERR_FORMAT,
                       "%s: truncated: %zu bytes cannot hold a %zu x %zu picture", j->name,
                       j->len - j->pos, j->width, j->height);
    for (int i = 0; i < j->ncomp; i++) {
        component *c = &j->comp[i];
        size_t n;
        if (nni_size_mul(&n, c->stride, c->rows) || !(c->plane = calloc(n, 1)))
            return nn_fail(j->err, NN_ERR_NOMEM, "%s: out of memory for a %zu x %zu picture",
                           j->name, j->width, j->height);
    }
    return NN_OK;
}

/* SOF0 / SOF1 (B.2.2): precision, height, width, components. */
static int read_sof(jpeg *j)
{
    const uint8_t *p;
    size_t n;
    int rc = segment(j, "SOF", &p, &n);
    if (rc)
        return rc;
    if (j->frame)
        return bad(j, "bad JPEG: a second frame header (SOF)");
    if (n < 6 || n != 6 + 3 * (size_t)p[5])
        return bad(j, "bad SOF segment: its length does not match its components");
    if (p[0] == 12)
        return bad(j, "12-bit samples: only 8-bit JPEG is supported");
    if (p[0] != 8)
        return nn_fail(j->err, NN_ERR_FORMAT, "%s: bad SOF segment: %u-bit samples", j->name,
                       p[0]);
    j->height = be16(p + 1);
    j->width = be16(p + 3);
    j->ncomp = p[5];
    if (j->height == 0)
        return bad(j, "height 0 (to be set by a DNL marker): not supported");
    if (j->width == 0)
        return bad(j, "bad SOF segment: width 0");
    if (j->ncomp == 4)
        return bad(j, "a CMYK JPEG (4 components): only grey and colour JPEGs are supported");
    if (j->ncomp != 1 && j->ncomp != 3)
        return nn_fail(j->err, NN_ERR_FORMAT,
                       "%s: %d components: only grey (1) and colour (3) JPEGs are supported",
                       j->name, j->ncomp);
    if (j->width > NN_IMAGE_MAX_SIDE || j->height > NN_IMAGE_MAX_SIDE ||
        j->width * j->height > JPEG_MAX_PIXELS)
        return nn_fail(j->err, NN_ERR_FORMAT,
                       "%s: %zu x %zu pixels: too large (at most %d on a side and %zu in all)",
                       j->name, j->width, j->height, NN_IMAGE_MAX_SIDE, JPEG_MAX_PIXELS);
    if ((rc = read_components(j, p + 6)))
        return rc;
    j->frame = 1;
    return alloc_planes(j);
}

/* ---- entropy-coded data -------------------------------------------------- */

/* Tops the bit buffer up to at least 25 bits: a data byte, FF 00 for a data
 * byte FF (B.1.1.5, fill bytes FF before the 00 taken as libjpeg takes them),
 * or zero bits past a marker or the end of the data. */
static void bits_fill(bitreader *b)
{
    while (b->nbits <= 24) {
        uint32_t byte = 0;
        if (!b->stopped && b->pos < b->len && b->buf[b->pos] != 0xFF) {
            byte = b->buf[b->pos++];
        } else if (!b->stopped && b->pos < b->len) {
            size_t q = b->pos + 1;
            while (q < b->len && b->buf[q] == 0xFF)
                q++;
            if (q < b->len && b->buf[q] == 0x00) {
                byte = 0xFF;
                b->pos = q + 1;
            } else {
                b->stopped = 1;
            }
        } else {
            b->stopped = 1;
        }
        if (b->stopped)
            b->padding += 8;
        b->acc |= byte << (24 - b->nbits);
        b->nbits += 8;
    }
}

/* Removes n (0..16) bits from the buffer, which holds at least that many. */
static void bits_skip(bitreader *b, int n)
{
    b->acc = n ? b->acc << n : b->acc;
    b->nbits -= n;
}

/* RECEIVE(s) then EXTEND (F.2.2.1, Figure F.12): s bits as an unsigned v, then
 * v < 2^(s-1) stands for v - 2^s + 1. */
static int32_t receive_extend(bitreader *b, int s)
{
    if (s == 0)
        return 0;
    bits_fill(b);
    int32_t v = (int32_t)(b->acc >> (32 - s));
    bits_skip(b, s);
    return v < (int32_t)1 << (s - 1) ? v - ((int32_t)1 << s) + 1 : v;
}

/* DECODE (F.2.2.3, Figure F.16): the next symbol, or -1 for a bit string that
 * is no code of the table.  Codes up to FAST_BITS long come from one look-up;
 * a longer code is the first length whose prefix is at most MAXCODE. */
static int huff_decode(bitreader *b, const huffman *h)
{
    bits_fill(b);
    unsigned f = h->fast[b->acc >> (32 - FAST_BITS)];
    if (f) {
        bits_skip(b, (int)(f >> 8));
        return (int)(f & 255);
    }
    for (int len = FAST_BITS + 1; len <= 16; len++) {
        int32_t code = (int32_t)(b->acc >> (32 - len));
        if (code <= h->maxcode[len]) {
            bits_skip(b, len);
            return h->symbols[code + h->delta[len]];
        }
    }
    return -1;
}

/* The error for a block that needed bits past the scan data: the data
 * stopped at a marker (bits.pos is at its first FF) or at the file's end. */
static int data_end(jpeg *j)
{
    const bitreader *b = &j->bits;
    size_t at = b->pos;
    while (at < b->len && b->buf[at] == 0xFF)
        at++;
    if (at < b->len)
        return nn_fail(j->err, NN_ERR_FORMAT,
                       "%s: bad scan data: it stops at the marker FF %02X at byte %zu before "
                       "the picture is complete",
                       j->name, b->buf[at], at - 1);
    return nn_fail(j->err, NN_ERR_FORMAT, "%s: truncated: the file ends in the scan data (%zu "
                   "bytes)", j->name, b->len);
}

/* A code that is in no table: corrupt data, or zero bits past its end. */
static int bad_code(jpeg *j, const char *table)
{
    if (j->bits.padding > 0 && j->bits.nbits - j->bits.padding < 16)
        return data_end(j);
    return nn_fail(j->err, NN_ERR_FORMAT, "%s: bad scan data: not a code of the %s Huffman table",
                   j->name, table);
}

/* One block's quantised coefficients in natural order (F.2.2.1 for the DC
 * difference, F.2.2.2 / Figure F.13 for the AC run-length pairs: RRRR zeros
 * then a coefficient of SSSS bits; 0x00 ends the block, 0xF0 is 16 zeros). */
static int decode_block(jpeg *j, component *c, int32_t coef[64])
{
    bitreader *b = &j->bits;
    memset(coef, 0, 64 * sizeof *coef);
    int s = huff_decode(b, &j->dc[c->td]);
    if (s < 0)
        return bad_code(j, "DC");
    c->dc += receive_extend(b, s);
    if (c->dc < -32768 || c->dc > 32767)
        return bad(j, "bad scan data: a DC coefficient out of range");
    coef[0] = c->dc;
    for (int k = 1; k < 64; k++) {
        int rs = huff_decode(b, &j->ac[c->ta]);
        if (rs < 0)
            return bad_code(j, "AC");
        if ((rs & 15) == 0) {
            if (rs != 0xF0)
                break;
            k += 15;
            continue;
        }
        k += rs >> 4;
        if (k > 63)
            return bad(j, "bad scan data: AC coefficients past the end of a block");
        coef[zigzag[k]] = receive_extend(b, rs & 15);
    }
    return b->nbits < b->padding ? data_end(j) : NN_OK;
}

/* ---- inverse DCT --------------------------------------------------------- */

/* libjpeg's accurate integer IDCT (jidctint.c, the Loeffler-Ligtenberg-
 * Moschytz factorisation): the constants are c = cos(k pi / 16) combinations
 * scaled by 2^13; the first pass (columns) keeps PASS1_BITS extra bits. */
#define CONST_BITS 13
#define PASS1_BITS 2
#define FIX_0_298631336 2446
#define FIX_0_390180644 3196
#define FIX_0_541196100 4433
#define FIX_0_765366865 6270
#define FIX_0_899976223 7373
#define FIX_1_175875602 9633
#define FIX_1_501321110 12299
#define FIX_1_847759065 15137
#define FIX_1_961570560 16069
#define FIX_2_053119869 16819
#define FIX_2_562915447 20995
#define FIX_3_072711026 25172

/* x / 2^n rounded to nearest, halves up: floor((x + 2^(n-1)) / 2^n). */
static int64_t descale(int64_t x, int n)
{
    x += (int64_t)1 << (n - 1);
    return x >= 0 ? x >> n : -((-x - 1) >> n) - 1;
}

/* The 1-D 8-point IDCT of in[0], in[step], ... in[7 step] (A.3.3:
 * s(x) = sum over u of C(u)/2 S(u) cos((2x + 1) u pi / 16), here scaled by
 * sqrt(8) * 2^CONST_BITS), rounded by shift bits into out[0..7 ostep]. */
static void idct_1d(const int64_t *in, int step, int64_t *out, int ostep, int shift)
{
    /* even part: the rotation by sqrt(2) c6 of in[2], in[6], butterflies with in[0], in[4] */
    int64_t z2 = in[2 * step], z3 = in[6 * step];
    int64_t z1 = (z2 + z3) * FIX_0_541196100;
    int64_t tmp2 = z1 + z3 * -FIX_1_847759065;
    int64_t tmp3 = z1 + z2 * FIX_0_765366865;
    int64_t tmp0 = (in[0] + in[4 * step]) * ((int64_t)1 << CONST_BITS);
    int64_t tmp1 = (in[0] - in[4 * step]) * ((int64_t)1 << CONST_BITS);
    int64_t tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    int64_t tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    /* odd part (jidctint.c's figure 8) on in[7], in[5], in[3], in[1] */
    tmp0 = in[7 * step];
    tmp1 = in[5 * step];
    tmp2 = in[3 * step];
    tmp3 = in[1 * step];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    int64_t z4 = tmp1 + tmp3;
    int64_t z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    out[0] = descale(tmp10 + tmp3, shift);
    out[7 * ostep] = descale(tmp10 - tmp3, shift);
    out[1 * ostep] = descale(tmp11 + tmp2, shift);
    out[6 * ostep] = descale(tmp11 - tmp2, shift);
    out[2 * ostep] = descale(tmp12 + tmp1, shift);
    out[5 * ostep] = descale(tmp12 - tmp1, shift);
    out[3 * ostep] = descale(tmp13 + tmp0, shift);
    out[4 * ostep] = descale(tmp13 - tmp0, shift);
}

/* Dequantises a block (A.3.4: R = S_q * Q) and inverse-transforms it into an
 * 8 x 8 tile of samples at out (stride bytes a row): columns, then rows, then
 * the level shift +128 of A.3.1 and clamping to 0..255. */
static void idct_block(const int32_t coef[64], const uint16_t q[64], uint8_t *out, size_t stride)
{
    int64_t in[64], ws[64], row[8];
    int ac = 0;
    for (int i = 1; i < 64 && !ac; i++)
        ac = coef[i] != 0;
    if (!ac) {
        /* DC alone: both passes reduce to the same flat tile, DC * Q / 8 rounded */
        int64_t v = descale((int64_t)coef[0] * q[0], 3) + 128;
        for (int y = 0; y < 8; y++)
            memset(out + y * stride, v < 0 ? 0 : v > 255 ? 255 : (int)v, 8);
        return;
    }
    for (int i = 0; i < 64; i++)
        in[i] = (int64_t)coef[i] * q[i];
    for (int x = 0; x < 8; x++)
        idct_1d(in + x, 8, ws + x, 8, CONST_BITS - PASS1_BITS);
    for (int y = 0; y < 8; y++) {
        idct_1d(ws + 8 * y, 1, row, 1, CONST_BITS + PASS1_BITS + 3);
        for (int x = 0; x < 8; x++) {
            int64_t v = row[x] + 128;
            out[y * stride + (size_t)x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

/* ---- scans --------------------------------------------------------------- */

typedef struct scan {
    int n;               /* components in the scan */
    component *comp[3];  /* in the order they are coded */
} scan;

/* A restart (F.2.1.3.1, F.2.2.5): the bits up to the byte boundary are
 * dropped, the next marker must be RST(count mod 8), and the DC predictors
 * start again from 0.  Stray bytes before the marker are skipped. */
static int restart(jpeg *j, const scan *s, size_t count)
{
    j->pos = j->bits.pos;
    int m = next_marker(j);
    int want = 0xD0 + (int)(count % 8);
    if (m < 0)
        return bad(j, "truncated: the file ends in the scan data");
    if (m != want)
        return nn_fail(j->err, NN_ERR_FORMAT,
                       "%s: bad scan data: expected the restart marker RST%d at byte %zu, "
                       "found FF %02X",
                       j->name, want - 0xD0, j->pos - 2, (unsigned)m);
    j->bits = (bitreader){.buf = j->buf, .len = j->len, .pos = j->pos};
    for (int i = 0; i < s->n; i++)
        s->comp[i]->dc = 0;
    return NN_OK;
}

/* One block of component c: decode, then the IDCT into the plane at block
 * column bx, row by. */
static int block_at(jpeg *j, component *c, size_t bx, size_t by)
{
    int32_t coef[64];
    int rc = decode_block(j, c, coef);
    if (rc)
        return rc;
    idct_block(coef, j->qt[c->tq], c->plane + by * 8 * c->stride + bx * 8, c->stride);
    return NN_OK;
}

/* MCU (mx, my) of a scan (A.2): one block of a non-interleaved scan (A.2.2),
 * or h x v blocks of each component in turn of an interleaved one (A.2.3). */
static int decode_mcu(jpeg *j, const scan *s, size_t mx, size_t my)
{
    if (s->n == 1)
        return block_at(j, s->comp[0], mx, my);
    for (int i = 0; i < s->n; i++) {
        component *c = s->comp[i];
        for (int y = 0; y < c->v; y++)
            for (int x = 0; x < c->h; x++) {
                int rc = block_at(j, c, mx * (size_t)c->h + (size_t)x, my * (size_t)c->v + (size_t)y);
                if (rc)
                    return rc;
            }
    }
    return NN_OK;
}

/* The entropy-coded data of a scan, MCU by MCU with restarts every Ri MCUs;
 * j->pos ends where the data ends. */
static int decode_scan(jpeg *j, scan *s)
{
    size_t mcux = j->mcux, mcuy = j->mcuy;
    if (s->n == 1) {
        mcux = (s->comp[0]->width + 7) / 8;
        mcuy = (s->comp[0]->height + 7) / 8;
    }
    j->bits = (bitreader){.buf = j->buf, .len = j->len, .pos = j->pos};
    for (int i = 0; i < s->n; i++)
        s->comp[i]->dc = 0;
    size_t count = 0, intervals = 0;
    for (size_t my = 0; my < mcuy; my++)
        for (size_t mx = 0; mx < mcux; mx++, count++) {
            int rc = 0;
            if (j->restart && count > 0 && count % j->restart == 0)
                rc = restart(j, s, intervals++);
            if (rc || (rc = decode_mcu(j, s, mx, my)))
                return rc;
        }
    j->pos = j->bits.pos;
    return NN_OK;
}

/* SOS (B.2.3): the components of the scan and their tables, then the scan. */
static int read_sos(jpeg *j)
{
    const uint8_t *p;
    size_t n;
    int rc = segment(j, "SOS", &p, &n);
    if (rc)
        return rc;
    if (!j->frame)
        return bad(j, "bad JPEG: a scan (SOS) before the frame header (SOF)");
    scan s = {.n = n ? p[0] : 0};
    if (s.n < 1 || s.n > j->ncomp || n != 4 + 2 * (size_t)s.n)
        return bad(j, "bad SOS segment: its length does not match its components");
    int units = 0;
    for (int i = 0; i < s.n; i++) {
        component *c = NULL;
        for (int k = 0; k < j->ncomp; k++)
            if (j->comp[k].id == p[1 + 2 * i])
                c = &j->comp[k];
        if (!c)
            return bad(j, "bad SOS segment: a component that is not in the frame");
        if (c->scanned)
            return bad(j, "bad JPEG: a component in two scans (only one is sequential)");
        c->td = p[2 + 2 * i] >> 4;
        c->ta = p[2 + 2 * i] & 15;
        if (c->td > 3 || c->ta > 3 || !j->dc[c->td].defined || !j->ac[c->ta].defined)
            return bad(j, "bad SOS segment: a Huffman table that is not defined");
        if (!j->qt_defined[c->tq])
            return bad(j, "bad JPEG: a component's quantisation table is not defined");
        c->scanned = 1;
        s.comp[i] = c;
        units += c->h * c->v;
    }
    if (s.n > 1 && units > 10)
        return bad(j, "bad SOS segment: more than 10 blocks in an MCU");
    return decode_scan(j, &s);
}

/* ---- upsampling and colour ----------------------------------------------- */

/* Row y of a plane, with rows above the first and below the last repeating
 * them (as libjpeg's context rows do). */
static const uint8_t *plane_row(const component *c, ptrdiff_t y)
{
    if (y < 0)
        y = 0;
    if ((size_t)y >= c->height)
        y = (ptrdiff_t)c->height - 1;
    return c->plane + (size_t)y * c->stride;
}

/* Horizontal 2x, libjpeg's h2v1 "fancy" upsampling: each output sample is
 * 3/4 of the nearer input and 1/4 of the further, out[2x] = (3 in[x] +
 * in[x-1] + 1) / 4 and out[2x+1] = (3 in[x] + in[x+1] + 2) / 4 (integer
 * division), the outermost samples copied. */
static void upsample_h2v1(const uint8_t *in, size_t n, uint8_t *out)
{
    out[0] = in[0];
    out[1] = (uint8_t)((3 * in[0] + in[1] + 2) >> 2);
    for (size_t x = 1; x + 1 < n; x++) {
        out[2 * x] = (uint8_t)((3 * in[x] + in[x - 1] + 1) >> 2);
        out[2 * x + 1] = (uint8_t)((3 * in[x] + in[x + 1] + 2) >> 2);
    }
    out[2 * n - 2] = (uint8_t)((3 * in[n - 1] + in[n - 2] + 1) >> 2);
    out[2 * n - 1] = in[n - 1];
}

/* Vertical 2x, libjpeg-turbo's h1v2 "fancy" upsampling: the nearer row near
 * and the further row far weigh 3/4 and 1/4, out = (3 near + far + bias) / 4
 * with bias 1 for the upper of the two output rows, 2 for the lower. */
static void upsample_h1v2(const uint8_t *near, const uint8_t *far, size_t n, int bias,
                          uint8_t *out)
{
    for (size_t x = 0; x < n; x++)
        out[x] = (uint8_t)((3 * near[x] + far[x] + bias) >> 2);
}

/* Both axes 2x, libjpeg's h2v2 "fancy" upsampling: column sums
 * t[x] = 3 near[x] + far[x] (the vertical triangle), then horizontally
 * out[2x] = (3 t[x] + t[x-1] + 8) / 16, out[2x+1] = (3 t[x] + t[x+1] + 7) / 16,
 * with 4 t[x] in place of the missing neighbour at either end. */
static void upsample_h2v2(const uint8_t *near, const uint8_t *far, size_t n, uint8_t *out)
{
    unsigned last = 3 * near[0] + far[0], t = last, next;
    for (size_t x = 0; x < n; x++) {
        next = x + 1 < n ? 3u * near[x + 1] + far[x + 1] : t;
        out[2 * x] = (uint8_t)(((x ? 3 * t + last : 4 * t) + 8) >> 4);
        out[2 * x + 1] = (uint8_t)(((x + 1 < n ? 3 * t + next : 4 * t) + 7) >> 4);
        last = t;
        t = next;
    }
}

/* Output row y of component c at full width into out (at least 2 * c->width
 * samples): copied, or upsampled as libjpeg does by default, which uses the
 * fancy filters above except for h2 on planes of at most 2 samples across,
 * where it repeats samples. */
static void component_row(const jpeg *j, const component *c, size_t y, uint8_t *out)
{
    int wide = c->h < j->hmax, tall = c->v < j->vmax;
    size_t n = c->width;
    ptrdiff_t near = (ptrdiff_t)(tall ? y / 2 : y);
    const uint8_t *in = plane_row(c, near);
    const uint8_t *far = plane_row(c, tall ? near + (y % 2 ? 1 : -1) : near);
    if (wide && n <= 2) {
        for (size_t x = 0; x < n; x++)
            out[2 * x] = out[2 * x + 1] = in[x];
    } else if (wide && tall) {
        upsample_h2v2(in, far, n, out);
    } else if (wide) {
        upsample_h2v1(in, n, out);
    } else if (tall) {
        upsample_h1v2(in, far, n, y % 2 ? 2 : 1, out);
    } else {
        memcpy(out, in, n);
    }
}

/* x >> n for a possibly negative x, rounding down (libjpeg's RIGHT_SHIFT). */
static int32_t shift_down(int32_t x, int n)
{
    return x >= 0 ? x >> n : -((-x - 1) >> n) - 1;
}

static uint16_t clamp255(int32_t v)
{
    return (uint16_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* JFIF's YCbCr -> RGB (ITU-R BT.601, full range): R = Y + 1.402 (Cr - 128),
 * G = Y - 0.34414 (Cb - 128) - 0.71414 (Cr - 128), B = Y + 1.772 (Cb - 128),
 * in libjpeg's fixed point with 16 fraction bits (jdcolor.c), rounded and
 * clamped to 0..255. */
static void ycc_to_rgb(uint8_t y, uint8_t cb, uint8_t cr, uint16_t rgb[3])
{
    const int32_t half = 1 << 15;
    int32_t b = cb - 128, r = cr - 128;
    rgb[0] = clamp255(y + shift_down(91881 * r + half, 16));
    rgb[1] = clamp255(y + shift_down(-22554 * b + half - 46802 * r, 16));
    rgb[2] = clamp255(y + shift_down(116130 * b + half, 16));
}

/* Whether 3 components are YCbCr (1) or RGB (0), decided as libjpeg does:
 * JFIF means YCbCr; else an Adobe marker's transform (0 RGB, else YCbCr);
 * else components named 'R', 'G', 'B' are RGB. */
static int is_ycc(const jpeg *j)
{
    if (j->jfif)
        return 1;
    if (j->adobe)
        return j->adobe_transform != 0;
    return !(j->comp[0].id == 'R' && j->comp[1].id == 'G' && j->comp[2].id == 'B');
}

/* The planes as a picture: upsampled row by row, converted to RGB. */
static int make_picture(jpeg *j, nn_picture *out)
{
    size_t samples, rowbytes = 0;
    for (int i = 0; i < j->ncomp; i++)
        rowbytes = 2 * j->comp[i].width > rowbytes ? 2 * j->comp[i].width : rowbytes;
    uint8_t *rows = NULL;
    if (nni_size_mul(&samples, j->width * j->height, (size_t)j->ncomp) ||
        !(out->px = nni_alloc(samples, sizeof *out->px)) ||
        !(rows = nni_alloc(rowbytes, 3)))
        return nn_fail(j->err, NN_ERR_NOMEM, "%s: out of memory for a %zu x %zu picture",
                       j->name, j->width, j->height);
    int ycc = j->ncomp == 3 && is_ycc(j);
    for (size_t y = 0; y < j->height; y++) {
        for (int i = 0; i < j->ncomp; i++)
            component_row(j, &j->comp[i], y, rows + (size_t)i * rowbytes);
        uint16_t *px = out->px + y * j->width * (size_t)j->ncomp;
        for (size_t x = 0; x < j->width; x++, px += j->ncomp) {
            if (ycc)
                ycc_to_rgb(rows[x], rows[rowbytes + x], rows[2 * rowbytes + x], px);
            else
                for (int i = 0; i < j->ncomp; i++)
                    px[i] = rows[(size_t)i * rowbytes + x];
        }
    }
    free(rows);
    out->width = j->width;
    out->height = j->height;
    out->channels = (size_t)j->ncomp;
    out->maxval = 255;
    return NN_OK;
}

/* ---- the file ------------------------------------------------------------ */

/* One marker's segment (B.1.1.3, Table B.1): tables, frame, scan, skipped
 * segments; *done is set at EOI. */
static int read_segment(jpeg *j, int m, int *done)
{
    const uint8_t *p;
    size_t n;
    const char *kind = unsupported_frame(m);
    if (kind)
        return nn_fail(j->err, NN_ERR_FORMAT, "%s: %s: only baseline JPEG is supported", j->name,
                       kind);
    switch (m) {
    case 0xC0: case 0xC1: return read_sof(j);
    case 0xC4: return read_dht(j);
    case 0xDB: return read_dqt(j);
    case 0xDD: return read_dri(j);
    case 0xDA: return read_sos(j);
    case 0xD9: *done = 1; return NN_OK;
    case 0xD8: return bad(j, "bad JPEG: a second start-of-image marker (SOI)");
    case 0xDE: case 0xDF: return bad(j, "a hierarchical JPEG: only baseline JPEG is supported");
    default: break;
    }
    if (m >= 0xE0 && m <= 0xEF)
        return read_app(j, m);
    if ((m >= 0xD0 && m <= 0xD7) || m == 0x01)
        return NN_OK; /* RSTn outside a scan and TEM stand alone, as libjpeg lets them */
    if (m == 0xFE || m == 0xCC || m == 0xDC || (m >= 0xF0 && m <= 0xFD))
        return segment(j, m == 0xFE ? "COM" : "marker", &p, &n); /* COM, DAC, DNL, JPGn: skipped */
    return nn_fail(j->err, NN_ERR_FORMAT, "%s: bad JPEG: unknown marker FF %02X at byte %zu",
                   j->name, (unsigned)m, j->pos - 2);
}

/* Reads every segment from SOI to EOI or the end of the data, then checks
 * that a frame and all its components' scans were there. */
static int read_file(jpeg *j)
{
    if (j->len < 3 || j->buf[0] != 0xFF || j->buf[1] != 0xD8 || j->buf[2] != 0xFF)
        return bad(j, "not a JPEG file (no FF D8 FF at the start)");
    j->pos = 2;
    int done = 0, rc;
    while (!done) {
        int m = next_marker(j);
        if (m < 0)
            break;
        if ((rc = read_segment(j, m, &done)))
            return rc;
    }
    if (!j->frame)
        return bad(j, done ? "bad JPEG: no frame header (SOF) before the end (EOI)"
                           : "truncated: the file ends before the frame header (SOF)");
    for (int i = 0; i < j->ncomp; i++)
        if (!j->comp[i].scanned)
            return bad(j, done ? "bad JPEG: the end (EOI) comes before every component's scan"
                               : "truncated: the file ends before the last scan");
    return NN_OK;
}

int nn_jpeg_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out,
                   nn_error *err)
{
    memset(out, 0, sizeof *out);
    jpeg *j = calloc(1, sizeof *j);
    if (!j)
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory", name);
    j->buf = buf;
    j->len = buf ? len : 0;
    j->name = name;
    j->err = err;
    int rc = read_file(j);
    if (rc == NN_OK)
        rc = make_picture(j, out);
    if (rc != NN_OK)
        nn_picture_free(out);
    for (int i = 0; i < 3; i++)
        free(j->comp[i].plane);
    free(j);
    return rc;
}
