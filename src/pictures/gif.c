/* gif.c - animated GIF (GIF89a) encoding, behind nn_anim_encode.
 *
 * The file: header, logical screen descriptor, global colour table (when
 * there is one), the NETSCAPE2.0 application extension (loop forever), then
 * per frame a graphic control extension (delay, disposal "do not dispose",
 * transparent index) and an image descriptor with its LZW data, and the
 * trailer.  Colours: the frames' exact colours in one global table when
 * there are at most 256 of them; else exact local tables when each frame has
 * at most 256; else a median-cut reduction of all frames to 255 colours.
 * Frame differencing: each frame after the first covers only the rectangle
 * where it differs from the frame before, and there the pixels it leaves
 * unchanged are transparent (when the table has room for a transparent
 * index), which LZW codes as long runs.
 */
#include <stdlib.h>
#include <string.h>

#include "pictures/anim.h"
#include "pictures/palette.h"

/* ---- LZW (GIF89a appendix F) ----------------------------------------------- */

#define LZW_CODES 4096   /* 12-bit codes */
#define LZW_HASH 8192    /* slots of the string table's hash, a power of 2 */

/* The LZW coder's state: the string table as a hash from (prefix code,
 * byte) to code, and the bit packer filling 255-byte data sub-blocks. */
typedef struct lzw {
    nn_buf *out;
    uint32_t key[LZW_HASH]; /* (prefix << 8 | byte) + 1; 0 = empty */
    uint16_t code[LZW_HASH];
    unsigned min_size, size, next; /* min code size, current code size, next free code */
    uint32_t acc;                  /* bits not yet in a byte, LSB first */
    unsigned nacc;
    uint8_t block[255];
    size_t blen;
} lzw;

static void put_byte(lzw *z, uint8_t v)
{
    z->block[z->blen++] = v;
    if (z->blen == sizeof z->block) {
        nn_buf_put_u8(z->out, (uint8_t)z->blen);
        nn_buf_put(z->out, z->block, z->blen);
        z->blen = 0;
    }
}

/* Writes a code of the current size, least significant bit first. */
static void put_code(lzw *z, unsigned code)
{
    z->acc |= (uint32_t)code << z->nacc;
    z->nacc += z->size;
    while (z->nacc >= 8) {
        put_byte(z, (uint8_t)z->acc);
        z->acc >>= 8;
        z->nacc -= 8;
    }
}

/* Empties the string table: only the roots, the clear and the end code. */
static void reset_table(lzw *z)
{
    memset(z->key, 0, sizeof z->key);
    z->size = z->min_size + 1;
    z->next = (1u << z->min_size) + 2;
}

static size_t hash_slot(uint32_t key)
{
    return (size_t)((key * 2654435769u) >> 19) & (LZW_HASH - 1);
}

/* Codes idx[0..n) (each below 2^min_size): a clear code, the codes, the end
 * code, in sub-blocks ended by a zero-length block.  The string table grows
 * one entry per code written; the code size grows when the next entry no
 * longer fits, and when the table is full (entry 4095 made) a clear code
 * starts it again, as every decoder expects. */
static void lzw_encode(lzw *z, const uint8_t *idx, size_t n)
{
    unsigned clear = 1u << z->min_size;
    nn_buf_put_u8(z->out, (uint8_t)z->min_size);
    reset_table(z);
    put_code(z, clear);
    unsigned cur = idx[0];
    for (size_t i = 1; i < n; i++) {
        uint32_t key = ((uint32_t)cur << 8 | idx[i]) + 1;
        size_t s = hash_slot(key);
        while (z->key[s] != 0 && z->key[s] != key)
            s = (s + 1) & (LZW_HASH - 1);
        if (z->key[s] == key) {
            cur = z->code[s];
            continue;
        }
        put_code(z, cur);
        z->key[s] = key;
        z->code[s] = (uint16_t)z->next++;
        if (z->next - 1 >= (1u << z->size) && z->size < 12)
            z->size++;
        if (z->next == LZW_CODES) {
            put_code(z, clear);
            reset_table(z);
        }
        cur = idx[i];
    }
    put_code(z, cur);
    /* The decoder makes an entry on reading that last code: its size may
     * grow before the end code, so the coder's grows with it. */
    if (z->next < LZW_CODES && z->next >= (1u << z->size) && z->size < 12)
        z->size++;
    put_code(z, clear + 1);
    if (z->nacc > 0)
        put_byte(z, (uint8_t)z->acc);
    if (z->blen > 0) {
        nn_buf_put_u8(z->out, (uint8_t)z->blen);
        nn_buf_put(z->out, z->block, z->blen);
    }
    nn_buf_put_u8(z->out, 0);
    z->acc = 0;
    z->nacc = 0;
    z->blen = 0;
}

/* ---- colours ------------------------------------------------------------------ */

/* The smallest k >= 1 with 2^k >= entries (entries <= 256). */
static unsigned table_bits(size_t entries)
{
    unsigned k = 1;
    while (((size_t)1 << k) < entries)
        k++;
    return k;
}

/* A colour table of 2^bits entries: the palette's colours, then black. */
static void put_table(nn_buf *b, const nni_palette *pal, unsigned bits)
{
    for (size_t i = 0; i < ((size_t)1 << bits); i++) {
        uint32_t c = i < pal->count ? pal->rgb[i] : 0;
        uint8_t rgb[3] = {(uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c};
        nn_buf_put(b, rgb, 3);
    }
}

static void put_u16le(nn_buf *b, size_t v)
{
    nn_buf_put_u8(b, (uint8_t)(v & 0xFF));
    nn_buf_put_u8(b, (uint8_t)(v >> 8));
}

/* Frames reduced to at most 255 colours (one is left for transparency): new
 * RGB images (*out, n of them, owned by the caller) whose colours are the
 * median-cut palette's, so the exact path below encodes them. */
static int quantise(const nn_image *frames, size_t n, nn_image **out, nn_error *err)
{
    nni_palette pal = {0};
    nni_cmap map = {0};
    nn_image *q = calloc(n, sizeof *q);
    int rc = q ? nni_palette_median_cut(&pal, &map, frames, n, 255) : NN_ERR_NOMEM;
    for (size_t f = 0; f < n && rc == NN_OK; f++) {
        rc = nn_image_create(&q[f], frames[f].width, frames[f].height, 3, err);
        for (size_t i = 0; rc == NN_OK && i < frames[f].width * frames[f].height; i++) {
            uint32_t c = pal.rgb[*nni_cmap_get(&map, nni_rgb_at(&frames[f], i))];
            q[f].px[3 * i] = (uint8_t)(c >> 16);
            q[f].px[3 * i + 1] = (uint8_t)(c >> 8);
            q[f].px[3 * i + 2] = (uint8_t)c;
        }
    }
    nni_palette_free(&pal);
    nni_cmap_free(&map);
    if (rc != NN_OK && q)
        for (size_t f = 0; f < n; f++)
            nn_image_free(&q[f]);
    if (rc != NN_OK) {
        free(q);
        return rc == NN_ERR_NOMEM ? nn_fail(err, rc, "GIF: out of memory reducing colours") : rc;
    }
    *out = q;
    return NN_OK;
}

/* ---- frames ------------------------------------------------------------------- */

/* One frame's rectangle, table and transparent index (-1 for none). */
typedef struct gif_frame {
    size_t x, y, w, h;
    const nni_palette *pal;
    int local;
    int transparent;
} gif_frame;

/* The frame's palette indices inside its rectangle, unchanged pixels (equal
 * to prev's) as the transparent index when there is one. */
static void frame_indices(const gif_frame *g, const nn_image *cur, const nn_image *prev,
                          uint8_t *idx)
{
    for (size_t r = g->y; r < g->y + g->h; r++) {
        for (size_t i = r * cur->width + g->x, end = i + g->w; i < end; i++) {
            uint32_t c = nni_rgb_at(cur, i);
            if (g->transparent >= 0 && prev && nni_rgb_at(prev, i) == c)
                *idx++ = (uint8_t)g->transparent;
            else
                *idx++ = (uint8_t)*nni_cmap_get(&g->pal->index, c);
        }
    }
}

/* Graphic control extension, image descriptor, local table, LZW data. */
static void put_frame(nn_buf *b, lzw *z, const gif_frame *g, unsigned delay_cs,
                      const uint8_t *idx, unsigned global_bits)
{
    static const uint8_t gce[3] = {0x21, 0xF9, 0x04};
    nn_buf_put(b, gce, sizeof gce);
    /* Disposal method 1 (leave the frame in place), transparency flag. */
    nn_buf_put_u8(b, (uint8_t)(1u << 2 | (g->transparent >= 0)));
    put_u16le(b, delay_cs);
    nn_buf_put_u8(b, (uint8_t)(g->transparent >= 0 ? g->transparent : 0));
    nn_buf_put_u8(b, 0);
    unsigned bits = g->local ? table_bits(g->pal->count + (g->transparent >= 0)) : global_bits;
    nn_buf_put_u8(b, 0x2C);
    put_u16le(b, g->x);
    put_u16le(b, g->y);
    put_u16le(b, g->w);
    put_u16le(b, g->h);
    nn_buf_put_u8(b, (uint8_t)(g->local ? 0x80u | (bits - 1) : 0));
    if (g->local)
        put_table(b, g->pal, bits);
    z->min_size = bits < 2 ? 2 : bits;
    lzw_encode(z, idx, g->w * g->h);
}

/* Plans and writes frame f: its rectangle against frame f - 1, its table
 * (the global one, or a local one built in *local), its indices (scratch
 * idx of width * height bytes). */
static int encode_frame(nn_buf *b, lzw *z, const nn_image *frames, size_t f, unsigned delay_cs,
                        const nni_palette *global, unsigned global_bits, nni_palette *local,
                        uint8_t *idx)
{
    const nn_image *cur = &frames[f], *prev = f > 0 ? &frames[f - 1] : NULL;
    gif_frame g = {0, 0, cur->width, cur->height, global, 0, -1};
    if (prev && !nni_changed_rect(prev, cur, &g.x, &g.y, &g.w, &g.h))
        g.w = g.h = 1; /* nothing changed: one transparent (or unchanged) pixel */
    if (!global) {
        nni_palette_free(local);
        if (nni_palette_exact(local, cur, 1, g.x, g.y, g.w, g.h, 256) != NN_OK)
            return NN_ERR_NOMEM; /* every frame was counted below 257 colours */
        g.pal = local;
        g.local = 1;
    }
    if (prev && g.pal->count < 256 && (g.local || ((size_t)1 << global_bits) > g.pal->count))
        g.transparent = (int)g.pal->count;
    frame_indices(&g, cur, prev, idx);
    put_frame(b, z, &g, delay_cs, idx, global_bits);
    return NN_OK;
}

/* Header, screen descriptor, global table (bits > 0) and the looping. */
static void put_head(nn_buf *b, const nn_image *first, const nni_palette *global, unsigned bits)
{
    nn_buf_put(b, "GIF89a", 6);
    put_u16le(b, first->width);
    put_u16le(b, first->height);
    /* Global table flag and size, colour resolution 8 bits per primary. */
    nn_buf_put_u8(b, (uint8_t)(global ? 0x80u | 7u << 4 | (bits - 1) : 7u << 4));
    nn_buf_put_u8(b, 0); /* background colour index */
    nn_buf_put_u8(b, 0); /* no aspect ratio */
    if (global)
        put_table(b, global, bits);
    static const uint8_t loop[19] = {0x21, 0xFF, 0x0B, 'N', 'E', 'T', 'S', 'C', 'A', 'P',
                                     'E',  '2',  '.',  '0', 0x03, 0x01, 0x00, 0x00, 0x00};
    nn_buf_put(b, loop, sizeof loop); /* sub-block 1: loop count 0, forever */
}

/* Is every frame within 256 colours (each on its own)? */
static int frames_fit_locally(const nn_image *frames, size_t n, int *nomem)
{
    for (size_t f = 0; f < n; f++) {
        nni_palette p = {0};
        int rc = nni_palette_exact(&p, &frames[f], 1, 0, 0, frames[f].width, frames[f].height,
                                   256);
        nni_palette_free(&p);
        if (rc != NN_OK) {
            *nomem = rc == NN_ERR_NOMEM;
            return 0;
        }
    }
    return 1;
}

/* Writes every frame with the table choice made: global (or NULL). */
static int encode_frames(const nn_image *frames, const unsigned *delay_cs, size_t n,
                         const nni_palette *global, nn_buf *b, nn_error *err)
{
    /* One more entry than the colours for the transparent index, if there
     * is room and more than one frame. */
    unsigned bits = global ? table_bits(global->count + (n > 1 && global->count < 256)) : 0;
    lzw *z = calloc(1, sizeof *z);
    uint8_t *idx = nni_alloc(frames[0].width, frames[0].height);
    nni_palette local = {0};
    int rc = z && idx ? NN_OK : NN_ERR_NOMEM;
    if (rc == NN_OK) {
        z->out = b;
        put_head(b, &frames[0], global, bits);
        for (size_t f = 0; f < n && rc == NN_OK; f++)
            rc = encode_frame(b, z, frames, f, delay_cs[f], global, bits, &local, idx);
        nn_buf_put_u8(b, 0x3B);
    }
    nni_palette_free(&local);
    free(idx);
    free(z);
    return rc == NN_OK ? NN_OK : nn_fail(err, rc, "GIF: out of memory encoding the frames");
}

int nni_gif_encode(const nn_image *frames, const unsigned *delay_cs, size_t n, nn_buf *b,
                   nn_error *err)
{
    nni_palette global = {0};
    int rc = nni_palette_exact(&global, frames, n, 0, 0, frames[0].width, frames[0].height, 256);
    if (rc == NN_OK) {
        rc = encode_frames(frames, delay_cs, n, &global, b, err);
        nni_palette_free(&global);
        return rc;
    }
    nni_palette_free(&global);
    int nomem = rc == NN_ERR_NOMEM;
    if (!nomem && frames_fit_locally(frames, n, &nomem))
        return encode_frames(frames, delay_cs, n, NULL, b, err);
    if (nomem)
        return nn_fail(err, NN_ERR_NOMEM, "GIF: out of memory counting colours");
    nn_image *q = NULL;
    rc = quantise(frames, n, &q, err);
    if (rc != NN_OK)
        return rc;
    rc = nni_gif_encode(q, delay_cs, n, b, err);
    for (size_t f = 0; f < n; f++)
        nn_image_free(&q[f]);
    free(q);
    return rc;
}
