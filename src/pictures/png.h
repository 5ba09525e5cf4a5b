/* png.h - the parts of a PNG file (ISO/IEC 15948, W3C PNG 3rd edition)
 * that the still-picture writer (image.c) and the APNG writer (apng.c)
 * share: the choice of colour type and bit depth, the packed and filtered
 * scanlines, their zlib stream, and the chunks. */
#ifndef NNI_PNG_H
#define NNI_PNG_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "nn_image.h"
#include "nn_io.h"
#include "pictures/palette.h"

#define NNI_PNG_GREY 0
#define NNI_PNG_RGB 2
#define NNI_PNG_PALETTE 3

/* How a set of pictures is stored: colour type and bit depth, and the
 * palette of a palette image. */
typedef struct nni_png_plan {
    unsigned colour_type; /* NNI_PNG_GREY, NNI_PNG_RGB or NNI_PNG_PALETTE */
    unsigned depth;       /* bits per sample: 1, 2, 4 or 8 */
    nni_palette pal;      /* NNI_PNG_PALETTE: the colours, in order of first appearance */
} nni_png_plan;

/* The smallest exact encoding shared by frames[0..n): grey when every pixel
 * is grey (R = G = B), at 1, 2 or 4 bits when every level is a multiple of
 * 255, 85 or 17, else 8; a palette when there are at most 256 colours (1, 2,
 * 4 or 8 bits by their number); RGB otherwise.  Returns NN_OK or
 * NN_ERR_NOMEM. */
NNI_HIDDEN int nni_png_plan_make(nni_png_plan *plan, const nn_image *frames, size_t n);
NNI_HIDDEN void nni_png_plan_free(nni_png_plan *plan);

/* The filtered scanlines of the rectangle (x, y, w, h) of img (inside it):
 * each row a filter byte then its packed samples, into a new buffer (*raw,
 * *len) owned by the caller.  Each row takes the filter whose output has the
 * smallest sum of absolute values (bytes as signed; libpng's heuristic), or
 * None for palette images and depths below 8.  Returns NN_OK or
 * NN_ERR_NOMEM. */
NNI_HIDDEN int nni_png_scanlines(const nni_png_plan *plan, const nn_image *img, size_t x,
                                 size_t y, size_t w, size_t h, uint8_t **raw, size_t *len);

/* The zlib stream of raw[0..len) (nn_zlib_compress, nn_deflate.h) into a
 * new buffer (*z, *zlen) owned by the caller.  Returns NN_OK or
 * NN_ERR_NOMEM. */
NNI_HIDDEN int nni_png_zlib(const uint8_t *raw, size_t len, uint8_t **z, size_t *zlen);

/* Appends a chunk: length, type, data, CRC-32 of type and data. */
NNI_HIDDEN void nni_png_chunk(nn_buf *b, const char type[4], const uint8_t *data, size_t len);

/* Appends the signature, IHDR (width x height, the plan's colour type and
 * depth, no interlace) and, for a palette, PLTE. */
NNI_HIDDEN void nni_png_head(nn_buf *b, const nni_png_plan *plan, size_t width, size_t height);

/* The most zlib bytes put into one IDAT or fdAT chunk. */
#define NNI_PNG_CHUNK_MAX ((size_t)1 << 20)

#endif
