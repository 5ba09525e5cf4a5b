/* palette.h - the colours of pictures, shared by the PNG, APNG and GIF
 * writers: a hash map from 24-bit colours to numbers, the exact palette of a
 * set of pictures when they have few enough colours, and a deterministic
 * median-cut reduction to at most 256 colours when they have more. */
#ifndef NNI_PALETTE_H
#define NNI_PALETTE_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "nn_image.h"

/* The 24-bit colour 0xRRGGBB of pixel i (grey images repeat the level). */
static inline uint32_t nni_rgb_at(const nn_image *img, size_t i)
{
    const uint8_t *p = img->px + i * img->channels;
    return img->channels == 3 ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]
                              : (uint32_t)p[0] * 0x010101u;
}

/* A map from colours to 32-bit values: open addressing, linear probing, the
 * table kept at most half full (it doubles as it fills). */
typedef struct nni_cmap {
    uint32_t *key; /* owned; NNI_CMAP_EMPTY where no colour is */
    uint32_t *val; /* owned */
    size_t cap, count;
    int failed; /* an allocation failed: nni_cmap_put did nothing */
} nni_cmap;

#define NNI_CMAP_EMPTY 0xFFFFFFFFu

/* Frees the map's arrays (safe on a zeroed map). */
NNI_HIDDEN void nni_cmap_free(nni_cmap *m);
/* The value slot of colour rgb, added with value 0 (*added = 1) if absent;
 * NULL (and m->failed set) when memory runs out. */
NNI_HIDDEN uint32_t *nni_cmap_put(nni_cmap *m, uint32_t rgb, int *added);
/* The value of colour rgb, or NULL if the map does not hold it. */
NNI_HIDDEN const uint32_t *nni_cmap_get(const nni_cmap *m, uint32_t rgb);

/* Up to 256 colours and the map from each colour to its index. */
typedef struct nni_palette {
    uint32_t rgb[256];
    size_t count;
    nni_cmap index; /* colour -> its index in rgb */
} nni_palette;

NNI_HIDDEN void nni_palette_free(nni_palette *p);

/* Adds the colours of the pixels of frames[0..n) inside the rectangle (x, y,
 * w, h) (every frame the same size and the rectangle inside it) to pal in
 * order of first appearance (row by row, frame after frame), stopping as
 * soon as there would be more than max (<= 256).  Returns NN_OK, NN_ERR_ARG
 * when there are more than max colours (pal then holds max of them) or
 * NN_ERR_NOMEM. */
NNI_HIDDEN int nni_palette_exact(nni_palette *pal, const nn_image *frames, size_t n, size_t x,
                                 size_t y, size_t w, size_t h, size_t max);

/* Reduces the colours of frames[0..n) to at most max (2..256) by median cut
 * over their colour histogram (the box with the most pixels, among boxes
 * with more than one colour, is split at the median of its widest channel;
 * each box's colour is the pixel-weighted mean).  pal receives the colours;
 * map receives, for every colour of the frames, the index of the nearest
 * palette colour (squared RGB distance, ties to the lower index).  The same
 * frames always give the same palette.  Returns NN_OK or NN_ERR_NOMEM. */
NNI_HIDDEN int nni_palette_median_cut(nni_palette *pal, nni_cmap *map, const nn_image *frames,
                                      size_t n, size_t max);

#endif
