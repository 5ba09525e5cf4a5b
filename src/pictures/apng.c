/* apng.c - animated PNG (APNG, W3C PNG 3rd edition), behind nn_anim_encode.
 *
 * Signature, IHDR, PLTE (palette plans), acTL (frame count, 0 = loop
 * forever), then the first frame as fcTL + IDAT (so any PNG reader shows it
 * as a still picture) and every other frame as fcTL + fdAT.  All frames share
 * one plan (png.h): one colour type, one depth, one palette.  A frame after
 * the first covers only the rectangle where it differs from the frame before
 * (a single pixel when nothing changed), with dispose op NONE and blend op
 * SOURCE, so the canvas always holds exactly the frame shown.  Sequence
 * numbers count fcTL and fdAT chunks together from 0; each delay is the
 * fraction delay_cs / 100 seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "pictures/anim.h"
#include "pictures/png.h"

static void store_u32be(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* fcTL: sequence number, width, height, x, y, delay numerator and
 * denominator (16 bits each), dispose op 0 (none), blend op 0 (source). */
static void put_fctl(nn_buf *b, uint32_t seq, size_t x, size_t y, size_t w, size_t h,
                     unsigned delay_cs)
{
    uint8_t d[26] = {0};
    store_u32be(d, seq);
    store_u32be(d + 4, w);
    store_u32be(d + 8, h);
    store_u32be(d + 12, x);
    store_u32be(d + 16, y);
    d[20] = (uint8_t)(delay_cs >> 8);
    d[21] = (uint8_t)delay_cs;
    d[22] = 0;
    d[23] = 100;
    nni_png_chunk(b, "fcTL", d, sizeof d);
}

/* The frame's zlib stream as IDAT chunks (first frame) or fdAT chunks, each
 * fdAT behind its own sequence number; *seq advances. */
static int put_data(nn_buf *b, const uint8_t *z, size_t zlen, int first, uint32_t *seq)
{
    if (first) {
        for (size_t off = 0; off < zlen; off += NNI_PNG_CHUNK_MAX)
            nni_png_chunk(b, "IDAT", z + off,
                          zlen - off < NNI_PNG_CHUNK_MAX ? zlen - off : NNI_PNG_CHUNK_MAX);
        return NN_OK;
    }
    uint8_t *d = nni_alloc(4 + (zlen < NNI_PNG_CHUNK_MAX ? zlen : NNI_PNG_CHUNK_MAX), 1);
    if (!d)
        return NN_ERR_NOMEM;
    for (size_t off = 0; off < zlen; off += NNI_PNG_CHUNK_MAX) {
        size_t m = zlen - off < NNI_PNG_CHUNK_MAX ? zlen - off : NNI_PNG_CHUNK_MAX;
        store_u32be(d, (*seq)++);
        memcpy(d + 4, z + off, m);
        nni_png_chunk(b, "fdAT", d, 4 + m);
    }
    free(d);
    return NN_OK;
}

/* One frame: its rectangle against the frame before, fcTL, the data. */
static int put_frame(nn_buf *b, const nni_png_plan *plan, const nn_image *frames, size_t f,
                     unsigned delay_cs, uint32_t *seq)
{
    const nn_image *cur = &frames[f];
    size_t x = 0, y = 0, w = cur->width, h = cur->height;
    if (f > 0 && !nni_changed_rect(&frames[f - 1], cur, &x, &y, &w, &h))
        w = h = 1;
    uint8_t *raw = NULL, *z = NULL;
    size_t len, zlen;
    int rc = nni_png_scanlines(plan, cur, x, y, w, h, &raw, &len);
    if (rc == NN_OK)
        rc = nni_png_zlib(raw, len, &z, &zlen);
    free(raw);
    if (rc == NN_OK) {
        put_fctl(b, (*seq)++, x, y, w, h, delay_cs);
        rc = put_data(b, z, zlen, f == 0, seq);
    }
    free(z);
    return rc;
}

int nni_apng_encode(const nn_image *frames, const unsigned *delay_cs, size_t n, nn_buf *b,
                    nn_error *err)
{
    nni_png_plan plan;
    int rc = nni_png_plan_make(&plan, frames, n);
    if (rc == NN_OK) {
        nni_png_head(b, &plan, frames[0].width, frames[0].height);
        uint8_t actl[8];
        store_u32be(actl, n);
        store_u32be(actl + 4, 0); /* plays: 0 = forever */
        nni_png_chunk(b, "acTL", actl, sizeof actl);
        uint32_t seq = 0;
        for (size_t f = 0; f < n && rc == NN_OK; f++)
            rc = put_frame(b, &plan, frames, f, delay_cs[f], &seq);
        nni_png_chunk(b, "IEND", NULL, 0);
    }
    nni_png_plan_free(&plan);
    return rc == NN_OK ? NN_OK : nn_fail(err, rc, "APNG: out of memory encoding the frames");
}
