/* png.c - PNG colour types, scanlines, filters and chunks (see png.h). */
#include <stdlib.h>
#include <string.h>

#include "nn_crc.h"
#include "nn_deflate.h"
#include "pictures/png.h"

/* ---- the plan ------------------------------------------------------------------ */

/* Is every pixel grey?  *depth receives the fewest bits that hold every
 * level exactly (a level l is stored as l * (2^d - 1) / 255). */
static int all_grey(const nn_image *frames, size_t n, unsigned *depth)
{
    int mult255 = 1, mult85 = 1, mult17 = 1;
    for (size_t f = 0; f < n; f++) {
        const nn_image *img = &frames[f];
        size_t count = img->width * img->height;
        for (size_t i = 0; i < count; i++) {
            const uint8_t *p = img->px + i * img->channels;
            if (img->channels == 3 && (p[0] != p[1] || p[1] != p[2]))
                return 0;
            mult255 &= p[0] % 255 == 0;
            mult85 &= p[0] % 85 == 0;
            mult17 &= p[0] % 17 == 0;
        }
    }
    *depth = mult255 ? 1 : mult85 ? 2 : mult17 ? 4 : 8;
    return 1;
}

int nni_png_plan_make(nni_png_plan *plan, const nn_image *frames, size_t n)
{
    memset(plan, 0, sizeof *plan);
    if (all_grey(frames, n, &plan->depth)) {
        plan->colour_type = NNI_PNG_GREY;
        return NN_OK;
    }
    int rc = nni_palette_exact(&plan->pal, frames, n, 0, 0, frames[0].width, frames[0].height,
                               256);
    if (rc == NN_ERR_NOMEM)
        return rc;
    if (rc == NN_OK) {
        size_t k = plan->pal.count;
        plan->colour_type = NNI_PNG_PALETTE;
        plan->depth = k <= 2 ? 1 : k <= 4 ? 2 : k <= 16 ? 4 : 8;
        return NN_OK;
    }
    nni_palette_free(&plan->pal);
    plan->colour_type = NNI_PNG_RGB;
    plan->depth = 8;
    return NN_OK;
}

void nni_png_plan_free(nni_png_plan *plan)
{
    nni_palette_free(&plan->pal);
}

/* ---- scanlines ----------------------------------------------------------------- */

/* Bits per pixel of the plan. */
static size_t pixel_bits(const nni_png_plan *plan)
{
    return plan->depth * (plan->colour_type == NNI_PNG_RGB ? 3 : 1);
}

/* Packs w pixels of img's row y from column x into dst (whole bytes, the
 * unused low bits of the last byte zero). */
static void pack_row(const nni_png_plan *plan, const nn_image *img, size_t x, size_t y,
                     size_t w, uint8_t *dst)
{
    size_t c = img->channels, i0 = y * img->width + x;
    const uint8_t *p = img->px + i0 * c;
    if (plan->colour_type == NNI_PNG_RGB) {
        for (size_t i = 0; i < w; i++, p += c, dst += 3) {
            dst[0] = p[0];
            dst[1] = p[c == 3 ? 1 : 0];
            dst[2] = p[c == 3 ? 2 : 0];
        }
        return;
    }
    if (plan->depth == 8 && plan->colour_type == NNI_PNG_GREY) {
        for (size_t i = 0; i < w; i++, p += c)
            dst[i] = p[0];
        return;
    }
    unsigned d = plan->depth, max = (1u << d) - 1, acc = 0, nbits = 0;
    uint32_t last = NNI_CMAP_EMPTY, last_index = 0;
    for (size_t i = 0; i < w; i++, p += c) {
        unsigned v;
        if (plan->colour_type == NNI_PNG_GREY) {
            v = p[0] * max / 255u;
        } else {
            uint32_t rgb = nni_rgb_at(img, i0 + i);
            if (rgb != last) {
                last = rgb;
                last_index = *nni_cmap_get(&plan->pal.index, rgb);
            }
            v = last_index;
        }
        acc = acc << d | v;
        nbits += d;
        if (nbits == 8) {
            *dst++ = (uint8_t)acc;
            acc = nbits = 0;
        }
    }
    if (nbits > 0)
        *dst = (uint8_t)(acc << (8 - nbits));
}

/* Paeth's predictor (PNG section 9.4): the one of a (left), b (up), c
 * (up-left) nearest to a + b - c, ties in that order. */
static unsigned paeth(unsigned a, unsigned b, unsigned c)
{
    int p = (int)a + (int)b - (int)c;
    int pa = abs(p - (int)a), pb = abs(p - (int)b), pc = abs(p - (int)c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Row cur filtered by type (0 None .. 4 Paeth) against prev (the row above,
 * zeros for the first) into out; returns the sum of |out[i]| with the bytes
 * read as signed. */
static size_t filter_row(unsigned type, const uint8_t *cur, const uint8_t *prev, size_t n,
                         size_t bpp, uint8_t *out)
{
    size_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
        unsigned pred = type == 1 ? a : type == 2 ? b : type == 3 ? (a + b) / 2
                      : type == 4 ? paeth(a, b, c) : 0;
        uint8_t v = (uint8_t)(cur[i] - pred);
        out[i] = v;
        sum += v < 128 ? v : 256u - v;
    }
    return sum;
}

/* Writes row cur as its filter byte and filtered bytes to dst, choosing the
 * filter (see png.h); scratch holds n bytes. */
static void put_filtered(int choose, const uint8_t *cur, const uint8_t *prev, size_t n,
                         size_t bpp, uint8_t *scratch, uint8_t *dst)
{
    size_t best_sum = filter_row(0, cur, prev, n, bpp, dst + 1);
    dst[0] = 0;
    for (unsigned t = 1; choose && t <= 4; t++) {
        size_t sum = filter_row(t, cur, prev, n, bpp, scratch);
        if (sum < best_sum) {
            best_sum = sum;
            dst[0] = (uint8_t)t;
            memcpy(dst + 1, scratch, n);
        }
    }
}

int nni_png_scanlines(const nni_png_plan *plan, const nn_image *img, size_t x, size_t y,
                      size_t w, size_t h, uint8_t **raw, size_t *len)
{
    size_t bits, rowbytes, total;
    if (nni_size_mul(&bits, w, pixel_bits(plan)) || nni_size_add(&bits, bits, 7))
        return NN_ERR_NOMEM;
    rowbytes = bits / 8;
    if (nni_size_mul(&total, rowbytes + 1, h))
        return NN_ERR_NOMEM;
    uint8_t *out = nni_alloc(total, 1), *rows = calloc(3 * rowbytes + 1, 1);
    if (!out || !rows) {
        free(out);
        free(rows);
        return NN_ERR_NOMEM;
    }
    uint8_t *prev = rows, *cur = rows + rowbytes, *scratch = rows + 2 * rowbytes;
    size_t bpp = pixel_bits(plan) >= 8 ? pixel_bits(plan) / 8 : 1;
    int choose = plan->colour_type != NNI_PNG_PALETTE && plan->depth == 8;
    for (size_t r = 0; r < h; r++) {
        pack_row(plan, img, x, y + r, w, cur);
        put_filtered(choose, cur, prev, rowbytes, bpp, scratch, out + r * (rowbytes + 1));
        uint8_t *t = prev;
        prev = cur;
        cur = t;
    }
    free(rows);
    *raw = out;
    *len = total;
    return NN_OK;
}

/* ---- zlib and chunks --------------------------------------------------------- */

int nni_png_zlib(const uint8_t *raw, size_t len, uint8_t **z, size_t *zlen)
{
    return nn_zlib_compress(raw, len, z, zlen, NULL);
}

void nni_png_chunk(nn_buf *b, const char type[4], const uint8_t *data, size_t len)
{
    nn_buf_put_u32be(b, (uint32_t)len);
    nn_buf_put(b, type, 4);
    if (len > 0)
        nn_buf_put(b, data, len);
    uint32_t crc = nn_crc32(0, type, 4);
    nn_buf_put_u32be(b, nn_crc32(crc, data, len));
}

static void store_u32be(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void nni_png_head(nn_buf *b, const nni_png_plan *plan, size_t width, size_t height)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    nn_buf_put(b, sig, sizeof sig);
    /* width, height, depth, colour type, compression 0, filter 0, no interlace */
    uint8_t ihdr[13] = {0};
    store_u32be(ihdr, width);
    store_u32be(ihdr + 4, height);
    ihdr[8] = (uint8_t)plan->depth;
    ihdr[9] = (uint8_t)plan->colour_type;
    nni_png_chunk(b, "IHDR", ihdr, sizeof ihdr);
    if (plan->colour_type != NNI_PNG_PALETTE)
        return;
    uint8_t plte[3 * 256];
    for (size_t i = 0; i < plan->pal.count; i++) {
        plte[3 * i] = (uint8_t)(plan->pal.rgb[i] >> 16);
        plte[3 * i + 1] = (uint8_t)(plan->pal.rgb[i] >> 8);
        plte[3 * i + 2] = (uint8_t)plan->pal.rgb[i];
    }
    nni_png_chunk(b, "PLTE", plte, 3 * plan->pal.count);
}
