/* nn_image.h - pictures: 8-bit images, matplotlib colormaps, a tiny bitmap
 * font, Netpbm and PNG writers, a Netpbm reader, and the preparation of a
 * user's drawing into MNIST's form.
 *
 * Ownership: every struct below owns its pixel buffer; free it with the
 * matching *_free (safe on a zeroed or already freed struct).
 */
#ifndef NN_IMAGE_H
#define NN_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

#define NN_IMAGE_MAX_SIDE 32768 /* largest width or height created or read */

/* An 8-bit image, row-major, channels interleaved (1 = grey, 3 = RGB). */
typedef struct nn_image {
    size_t width, height, channels;
    uint8_t *px; /* owned, height * width * channels bytes */
} nn_image;

/* Allocates a black image; width and height 1..NN_IMAGE_MAX_SIDE, channels 1 or 3. */
int nn_image_create(nn_image *img, size_t width, size_t height, size_t channels, nn_error *err);
void nn_image_free(nn_image *img);

/* Fills the rectangle (clipped to the image) with rgb (grey images take rgb[0]). */
void nn_image_fill_rect(nn_image *img, size_t x, size_t y, size_t w, size_t h,
                        const uint8_t rgb[3]);

/* Draws text with the built-in 5x7 font (digits, letters, a few symbols; each
 * glyph on a 6x8 cell), every font pixel a scale x scale block, top-left at
 * (x, y), clipped.  Unknown characters draw as a hollow box. */
void nn_image_draw_text(nn_image *img, size_t x, size_t y, const char *text, size_t scale,
                        const uint8_t rgb[3]);
/* Size in pixels of text drawn at scale: one 6 x 8 cell per character, so the
 * last column and the bottom row are spacing (strlen(text) * 6 * scale by
 * 8 * scale; SIZE_MAX if that overflows).  Text is one line: '\n' is an
 * unknown character. */
size_t nn_text_width(const char *text, size_t scale);
size_t nn_text_height(size_t scale);

typedef enum nn_image_format {
    NN_IMAGE_PPM, /* P6 */
    NN_IMAGE_PGM, /* P5; RGB images are converted to grey (luma, ITU-R BT.601) */
    NN_IMAGE_PNG  /* grey, palette or RGB (exact, the fewest bits), filtered, deflated */
} nn_image_format;

/* The format named by a path's extension (.ppm, .pgm, .png, any case); 0 on
 * success, -1 if the extension is none of these. */
int nn_image_format_from_path(const char *path, nn_image_format *fmt);

/* Encodes img into a new buffer (*out, *len) owned by the caller (free()). */
int nn_image_encode(const nn_image *img, nn_image_format fmt, uint8_t **out, size_t *len,
                    nn_error *err);
/* Encodes in the format of path's extension and writes atomically (nn_io.h). */
int nn_image_save(const char *path, const nn_image *img, nn_error *err);

/* ---- matplotlib colormaps ------------------------------------------------ */

typedef enum nn_colormap {
    NN_CMAP_HOT,  /* black - red - yellow - white, matplotlib's 'hot' */
    NN_CMAP_BWR,  /* blue - white - red, matplotlib's 'bwr' (diverging) */
    NN_CMAP_GRAY  /* black - white, matplotlib's 'gray' */
} nn_colormap;

/* Name <-> value ("hot", "bwr", "gray"); from_name returns 0, or -1 if the
 * name is none of these. */
const char *nn_colormap_name(nn_colormap c);
int nn_colormap_from_name(const char *name, nn_colormap *out);

/* Colour of a value v already scaled to [0, 1], exactly as matplotlib turns it
 * into bytes: table entry min(floor(v * 256), 255) of the 256-entry table
 * (entry i sampled at x = i / 255), each channel floor(value * 255).  v < 0
 * takes entry 0, v > 1 entry 255, NaN is black. */
void nn_colormap_rgb(nn_colormap c, float v, uint8_t rgb[3]);

/* imshow's default linear scaling: (x - vmin) / (vmax - vmin), or 0 when
 * vmin == vmax (matplotlib's Normalize). */
float nn_normalize(float x, float vmin, float vmax);

/* ---- reading drawings ---------------------------------------------------- */

/* A grey image with float values in [0, 1] (0 black, 1 white). */
typedef struct nn_greymap {
    size_t width, height;
    float *v; /* owned, height * width */
} nn_greymap;

/* Parses a Netpbm image: P2, P5 (grey), P3, P6 (RGB, converted to grey by
 * BT.601 luma), maxval 1..65535 (two bytes big-endian per sample above 255),
 * '#' comments in the header.  Validates the header and the sample count
 * against the real length before allocating.  name is for messages. */
int nn_pnm_parse(const uint8_t *buf, size_t len, const char *name, nn_greymap *out,
                 nn_error *err);
int nn_pnm_load(const char *path, nn_greymap *out, nn_error *err);
void nn_greymap_free(nn_greymap *g);

/* Brings a drawing into MNIST's form, as the MNIST digits were made: grey,
 * white digit on black (invert: 1 invert, 0 keep, -1 decide from the border:
 * a light background is inverted), separated from its background (uneven
 * light, shadows, paper grain and specks are not ink; the ink's contrast is
 * stretched to full), cropped to the digit's bounding box,
 * scaled (area-averaging, aspect kept) to fit a box of 20/28 of the output,
 * and placed so that its centre of mass is at the centre of a rows x cols
 * field.  out receives rows * cols values in [0, 1].  Fails with NN_ERR_FORMAT
 * if the drawing is blank. */
int nn_digit_prepare(const nn_greymap *g, int invert, size_t rows, size_t cols, float *out,
                     nn_error *err);

#endif
