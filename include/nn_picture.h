/* nn_picture.h - reading pictures: PNG, JPEG and Netpbm decoded into their
 * samples as stored, a dispatcher that recognises the format by its first
 * bytes, and the one conversion of any of them to the grey map a drawing is
 * read as (nn_image.h).
 *
 * Ownership: an nn_picture owns its samples; free it with nn_picture_free
 * (safe on a zeroed or already freed struct).  Every decoder zeroes *out
 * first and leaves it zeroed on failure.  Errors are NN_ERR_FORMAT with one
 * line naming the input (name), what is wrong and where, NN_ERR_NOMEM, or
 * NN_ERR_ARG for arguments out of range.
 */
#ifndef NN_PICTURE_H
#define NN_PICTURE_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_image.h"

#define NN_PICTURE_MAX_FILE ((size_t)1 << 30) /* the largest file the loaders read */

/* A decoded picture: samples as stored, before any conversion. */
typedef struct nn_picture {
    size_t width, height;
    size_t channels;  /* 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA */
    unsigned maxval;  /* the largest sample value: 2^depth - 1 (1, 3, 15, 255 or 65535) */
    uint16_t *px;     /* owned: height * width * channels samples, row-major, interleaved */
} nn_picture;
void nn_picture_free(nn_picture *p);

/* PNG (ISO/IEC 15948, W3C PNG third edition): every colour type (grey,
 * RGB, palette, grey + alpha, RGBA) at every bit depth it allows (1, 2, 4,
 * 8, 16), Adam7 interlacing, the five filters.  A palette picture expands to
 * RGB (maxval 255), or RGBA when tRNS gives its entries alpha; tRNS in a grey
 * or RGB picture becomes an alpha channel (0 for the transparent colour,
 * maxval otherwise).  Checked: the signature, every chunk's CRC, the chunk
 * rules (IHDR first, PLTE before the image data, IDAT chunks consecutive,
 * IEND present; unknown critical chunks are errors, unknown ancillary ones
 * are skipped), the zlib stream and its Adler-32, every filter byte and
 * palette index, and that the image data is exactly as long as the pixels
 * need.  An APNG reads as its default image (acTL, fcTL and fdAT are
 * skipped); bytes after IEND are ignored.  Sides are 1..NN_IMAGE_MAX_SIDE, and
 * nothing the size of the picture is allocated before the compressed data is
 * known to be able to fill it. */
int nn_png_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out, nn_error *err);

/* JPEG (ITU-T T.81, in JFIF, EXIF or Adobe files): baseline and extended
 * sequential DCT with Huffman coding and 8-bit samples, grey (1 channel) or
 * colour (YCbCr or, as an Adobe marker or the component names say, RGB; 3
 * channels), maxval 255; sampling factors 1 and 2, interleaved or not,
 * restart intervals.  The samples are libjpeg's: its accurate integer IDCT,
 * its fancy upsampling and its YCbCr -> RGB.  Progressive, lossless,
 * hierarchical, arithmetic-coded, 12-bit and CMYK files fail naming what they
 * are.  Bytes after EOI are ignored, and so is a missing EOI after the last
 * scan; scan data that ends early is an error. */
int nn_jpeg_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out, nn_error *err);

/* Netpbm grey and colour (PGM P2/P5, PPM P3/P6), maxval 1..65535; see
 * nn_pnm_parse (nn_image.h) for what is checked. */
int nn_pnm_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out, nn_error *err);

/* ---- to grey ---------------------------------------------------------- */

/* The background to composite transparent pixels over: a grey in [0, 1], or
 * this to decide it from the picture itself. */
#define NN_BACKGROUND_AUTO (-1.0)

/* Converts p to grey values in [0, 1], the one conversion every reader
 * uses.  Each sample counts as sample / maxval (rounded to float); colour
 * becomes ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B (computed in
 * double from those floats, at most 1), so a PGM or PPM reads exactly as it
 * always has.  Alpha a (= A / maxval) composites the pixel over the
 * background b: a Y + (1 - a) b.  With background NN_BACKGROUND_AUTO, b is
 * white behind dark ink and black behind light ink: white when the mean grey
 * of the pixels, each weighted by its opacity a, is below 1/2 (or when every
 * pixel is transparent), black otherwise.  Pictures without alpha ignore the
 * background. */
int nn_picture_to_greymap(const nn_picture *p, double background, nn_greymap *out,
                          nn_error *err);

/* ---- any picture ---------------------------------------------------------- */

/* Decodes a picture of any format read here, recognised by its first bytes
 * (never by name): PNG, JPEG, Netpbm (PGM, PPM), and converts it to grey
 * (nn_picture_to_greymap; a PNG's bKGD chunk, when present, gives the
 * background, else it is decided from the picture).  A format not read here
 * fails with a message naming it (GIF, BMP, TIFF, WebP, HEIC, AVIF, PDF,
 * gzip, ...), or showing the first bytes in hex. */
int nn_picture_parse(const uint8_t *buf, size_t len, const char *name, nn_greymap *out,
                     nn_error *err);
/* Reads the file at path (at most NN_PICTURE_MAX_FILE bytes) and parses it. */
int nn_picture_load(const char *path, nn_greymap *out, nn_error *err);

#endif
