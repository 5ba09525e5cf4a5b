/* nn_anim.h - animations: a sequence of pictures encoded as an animated GIF
 * (GIF89a) or an animated PNG (APNG, PNG 3rd edition), looping forever.
 *
 * The frames are ordinary nn_image pictures (nn_image.h), all of the same
 * size, grey or RGB (they may mix).  The encoders only read them: the caller
 * keeps ownership of the frames and of the delays.  The same frames and
 * delays always give the same bytes.
 *
 * GIF: frames with at most 256 colours in all are stored exactly (one global
 * colour table when they share one, else a local table per frame); more
 * colours are reduced deterministically to at most 256, so such a GIF is an
 * approximation.  APNG: every frame is stored exactly, all frames in one
 * colour type (and one palette when a palette is used), so any PNG reader
 * shows the first frame as a still picture.
 */
#ifndef NN_ANIM_H
#define NN_ANIM_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_image.h"

#define NN_ANIM_MAX_FRAMES 65535u  /* the most frames one animation holds */
#define NN_ANIM_MIN_DELAY_CS 2u    /* browsers show delays of 0 or 1 cs as 10 cs */
#define NN_ANIM_MAX_DELAY_CS 65535u /* the largest delay a GIF can store */

typedef enum nn_anim_format {
    NN_ANIM_GIF, /* GIF89a, LZW, NETSCAPE2.0 looping */
    NN_ANIM_APNG /* PNG with acTL, fcTL and fdAT chunks */
} nn_anim_format;

/* The format named by a path's extension: .gif -> GIF, .png or .apng -> APNG
 * (any case).  0 on success, -1 for any other extension. */
int nn_anim_format_from_path(const char *path, nn_anim_format *fmt);

/* Encodes n frames (1..NN_ANIM_MAX_FRAMES) of the same size, grey or RGB,
 * frame i shown for delay_cs[i] centiseconds (NN_ANIM_MIN_DELAY_CS ..
 * NN_ANIM_MAX_DELAY_CS), looping forever, into a new buffer (*out, *len)
 * owned by the caller (free()).  frames and delay_cs are read only.  Fails
 * with NN_ERR_ARG for an invalid frame, mismatched sizes, a delay out of range
 * or a bad frame count, NN_ERR_NOMEM when memory runs out; on failure *out is
 * NULL and *len 0. */
int nn_anim_encode(const nn_image *frames, const unsigned *delay_cs, size_t n, nn_anim_format fmt,
                   uint8_t **out, size_t *len, nn_error *err);

/* Encodes in the format of path's extension and writes atomically, like
 * nn_image_save (nn_io.h); messages name the path. */
int nn_anim_save(const char *path, const nn_image *frames, const unsigned *delay_cs, size_t n,
                 nn_error *err);

#endif
