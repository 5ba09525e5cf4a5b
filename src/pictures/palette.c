/* palette.c - colour maps, exact palettes and median cut (see palette.h). */
#include <stdlib.h>
#include <string.h>

#include "pictures/palette.h"

void nni_cmap_free(nni_cmap *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

/* Fibonacci hashing of a colour to a slot of a table of cap (a power of 2). */
static size_t slot_of(uint32_t rgb, size_t cap)
{
    return (size_t)((rgb * 2654435769u) >> 8) & (cap - 1);
}

/* Doubles the table (or makes the first one, 64 slots) and re-inserts. */
static int grow(nni_cmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    uint32_t *key = nni_alloc(cap, sizeof *key), *val = nni_alloc(cap, sizeof *val);
    if (!key || !val || cap < m->cap) {
        free(key);
        free(val);
        m->failed = 1;
        return -1;
    }
    memset(key, 0xFF, cap * sizeof *key);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->key[i] == NNI_CMAP_EMPTY)
            continue;
        size_t s = slot_of(m->key[i], cap);
        while (key[s] != NNI_CMAP_EMPTY)
            s = (s + 1) & (cap - 1);
        key[s] = m->key[i];
        val[s] = m->val[i];
    }
    free(m->key);
    free(m->val);
    m->key = key;
    m->val = val;
    m->cap = cap;
    return 0;
}

uint32_t *nni_cmap_put(nni_cmap *m, uint32_t rgb, int *added)
{
    *added = 0;
    if (m->cap) {
        size_t s = slot_of(rgb, m->cap);
        for (; m->key[s] != NNI_CMAP_EMPTY; s = (s + 1) & (m->cap - 1))
            if (m->key[s] == rgb)
                return &m->val[s];
    }
    if (2 * (m->count + 1) > m->cap && grow(m) != 0)
        return NULL;
    size_t s = slot_of(rgb, m->cap);
    while (m->key[s] != NNI_CMAP_EMPTY)
        s = (s + 1) & (m->cap - 1);
    m->key[s] = rgb;
    m->val[s] = 0;
    m->count++;
    *added = 1;
    return &m->val[s];
}

const uint32_t *nni_cmap_get(const nni_cmap *m, uint32_t rgb)
{
    if (!m->cap)
        return NULL;
    for (size_t s = slot_of(rgb, m->cap); m->key[s] != NNI_CMAP_EMPTY; s = (s + 1) & (m->cap - 1))
        if (m->key[s] == rgb)
            return &m->val[s];
    return NULL;
}

void nni_palette_free(nni_palette *p)
{
    nni_cmap_free(&p->index);
    p->count = 0;
}

int nni_palette_exact(nni_palette *pal, const nn_image *frames, size_t n, size_t x, size_t y,
                      size_t w, size_t h, size_t max)
{
    for (size_t f = 0; f < n; f++) {
        const nn_image *img = &frames[f];
        for (size_t r = y; r < y + h; r++) {
            uint32_t last = NNI_CMAP_EMPTY;
            for (size_t i = r * img->width + x, end = i + w; i < end; i++) {
                uint32_t c = nni_rgb_at(img, i);
                if (c == last)
                    continue;
                last = c;
                int added;
                uint32_t *v = nni_cmap_put(&pal->index, c, &added);
                if (!v)
                    return NN_ERR_NOMEM;
                if (!added)
                    continue;
                if (pal->count == max)
                    return NN_ERR_ARG;
                *v = (uint32_t)pal->count;
                pal->rgb[pal->count++] = c;
            }
        }
    }
    return NN_OK;
}

/* ---- median cut ----------------------------------------------------------- */

/* The histogram: distinct colours and their pixel counts, in one order that
 * the splits permute. */
typedef struct histogram {
    uint32_t *rgb;
    uint64_t *count;
    size_t n;
} histogram;

/* A box: histogram entries [lo, hi) and their pixels. */
typedef struct box {
    size_t lo, hi;
    uint64_t pixels;
    int ch; /* the channel with the widest range, -1 for a single colour */
} box;

/* Every distinct colour of the frames with its pixel count; map receives
 * colour -> histogram position. */
static int build_histogram(histogram *h, nni_cmap *map, const nn_image *frames, size_t n)
{
    size_t cap = 0;
    for (size_t f = 0; f < n; f++) {
        size_t count = frames[f].width * frames[f].height;
        for (size_t i = 0; i < count; i++) {
            int added;
            uint32_t c = nni_rgb_at(&frames[f], i), *v = nni_cmap_put(map, c, &added);
            if (!v)
                return NN_ERR_NOMEM;
            if (added) {
                if (h->n == cap) {
                    size_t nc = cap ? 2 * cap : 1024;
                    uint32_t *rgb = realloc(h->rgb, nc * sizeof *rgb);
                    if (rgb)
                        h->rgb = rgb;
                    uint64_t *cnt = rgb ? realloc(h->count, nc * sizeof *cnt) : NULL;
                    if (!cnt)
                        return NN_ERR_NOMEM;
                    h->count = cnt;
                    cap = nc;
                }
                *v = (uint32_t)h->n;
                h->rgb[h->n] = c;
                h->count[h->n++] = 0;
            }
            h->count[*v]++;
        }
    }
    return NN_OK;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts the box's entries by channel ch (0 red, 1 green, 2 blue), then by the
 * other two channels, through keys (scratch of the box's size); returns the
 * split point: the first entry where the running pixel count reaches half,
 * kept inside (lo, hi). */
static size_t split_box(histogram *h, const box *b, int ch, uint64_t *keys)
{
    size_t n = b->hi - b->lo;
    unsigned shift = (unsigned)(16 - 8 * ch);
    for (size_t i = 0; i < n; i++) {
        uint32_t c = h->rgb[b->lo + i];
        /* The channel to the top, the colour's other bits below it. */
        uint32_t key = ((c >> shift) & 0xFF) << 24 | (c & 0xFFFFFFu);
        keys[i] = (uint64_t)key << 32 | (uint32_t)i;
    }
    qsort(keys, n, sizeof *keys, cmp_u64);
    uint32_t *rgb = (uint32_t *)(keys + n); /* the scratch holds 3n words */
    uint64_t *cnt = keys + n + (n + 1) / 2;
    for (size_t i = 0; i < n; i++) {
        size_t from = b->lo + (uint32_t)keys[i];
        rgb[i] = h->rgb[from];
        cnt[i] = h->count[from];
    }
    memcpy(h->rgb + b->lo, rgb, n * sizeof *rgb);
    memcpy(h->count + b->lo, cnt, n * sizeof *cnt);
    uint64_t run = 0;
    size_t at = b->lo;
    while (at < b->hi - 1 && (run += h->count[at], 2 * run < b->pixels))
        at++;
    return at + 1 < b->hi ? at + 1 : b->hi - 1;
}

/* The channel (0, 1, 2) with the widest range in the box (ties to red, then
 * green); -1 if the box holds one colour. */
static int widest_channel(const histogram *h, const box *b)
{
    int best = -1;
    unsigned width = 0;
    for (int ch = 0; ch < 3; ch++) {
        unsigned lo = 255, hi = 0, shift = (unsigned)(16 - 8 * ch);
        for (size_t i = b->lo; i < b->hi; i++) {
            unsigned v = (h->rgb[i] >> shift) & 0xFF;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (hi > lo && hi - lo > width) {
            width = hi - lo;
            best = ch;
        }
    }
    return best;
}

/* Splits boxes until there are max of them or none can be split. */
static int cut_boxes(histogram *h, box *boxes, size_t *nbox, size_t max)
{
    uint64_t *keys = nni_alloc(h->n, 3 * sizeof *keys);
    if (!keys)
        return NN_ERR_NOMEM;
    boxes[0].ch = widest_channel(h, &boxes[0]);
    while (*nbox < max) {
        size_t pick = *nbox;
        for (size_t i = 0; i < *nbox; i++)
            if (boxes[i].ch >= 0 && (pick == *nbox || boxes[i].pixels > boxes[pick].pixels))
                pick = i;
        if (pick == *nbox)
            break;
        box *b = &boxes[pick];
        size_t at = split_box(h, b, b->ch, keys);
        box right = {at, b->hi, 0, -1};
        for (size_t i = at; i < b->hi; i++)
            right.pixels += h->count[i];
        b->hi = at;
        b->pixels -= right.pixels;
        b->ch = widest_channel(h, b);
        right.ch = widest_channel(h, &right);
        boxes[(*nbox)++] = right;
    }
    free(keys);
    return NN_OK;
}

/* The pixel-weighted mean colour of a box, each channel rounded to nearest. */
static uint32_t box_mean(const histogram *h, const box *b)
{
    uint32_t out = 0;
    for (unsigned shift = 0; shift <= 16; shift += 8) {
        double sum = 0;
        for (size_t i = b->lo; i < b->hi; i++)
            sum += (double)((h->rgb[i] >> shift) & 0xFF) * (double)h->count[i];
        unsigned v = (unsigned)(sum / (double)b->pixels + 0.5);
        out |= (v > 255 ? 255u : v) << shift;
    }
    return out;
}

/* Index of the palette colour nearest to c (squared RGB distance). */
static uint32_t nearest(const nni_palette *pal, uint32_t c)
{
    uint32_t best = 0;
    long bestd = -1;
    for (size_t i = 0; i < pal->count; i++) {
        long d = 0;
        for (unsigned shift = 0; shift <= 16; shift += 8) {
            long e = (long)((c >> shift) & 0xFF) - (long)((pal->rgb[i] >> shift) & 0xFF);
            d += e * e;
        }
        if (bestd < 0 || d < bestd) {
            bestd = d;
            best = (uint32_t)i;
        }
    }
    return best;
}

int nni_palette_median_cut(nni_palette *pal, nni_cmap *map, const nn_image *frames, size_t n,
                           size_t max)
{
    histogram h = {0};
    box boxes[256];
    size_t nbox = 1;
    int rc = build_histogram(&h, map, frames, n);
    if (rc == NN_OK) {
        boxes[0] = (box){0, h.n, 0, -1};
        for (size_t i = 0; i < h.n; i++)
            boxes[0].pixels += h.count[i];
        rc = cut_boxes(&h, boxes, &nbox, max > 256 ? 256 : max);
    }
    if (rc == NN_OK) {
        pal->count = nbox;
        for (size_t i = 0; i < nbox; i++)
            pal->rgb[i] = box_mean(&h, &boxes[i]);
        for (size_t i = 0; i < map->cap; i++)
            if (map->key[i] != NNI_CMAP_EMPTY)
                map->val[i] = nearest(pal, map->key[i]);
    }
    free(h.rgb);
    free(h.count);
    return rc;
}
