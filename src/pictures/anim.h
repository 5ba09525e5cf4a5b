/* anim.h - the animation encoders behind nn_anim_encode (anim.c), each
 * appending one whole file to a buffer.  The frames are already checked:
 * 1..NN_ANIM_MAX_FRAMES valid images of one size, delays in range. */
#ifndef NNI_ANIM_H
#define NNI_ANIM_H

#include <stddef.h>

#include "internal.h"
#include "nn_image.h"
#include "nn_io.h"

/* GIF89a (gif.c). */
NNI_HIDDEN int nni_gif_encode(const nn_image *frames, const unsigned *delay_cs, size_t n,
                              nn_buf *b, nn_error *err);
/* APNG (apng.c). */
NNI_HIDDEN int nni_apng_encode(const nn_image *frames, const unsigned *delay_cs, size_t n,
                               nn_buf *b, nn_error *err);

/* The smallest rectangle (*x, *y, *w, *h) holding every pixel where cur
 * differs from prev (same size); 0 if they are equal everywhere. */
NNI_HIDDEN int nni_changed_rect(const nn_image *prev, const nn_image *cur, size_t *x, size_t *y,
                                size_t *w, size_t *h);

#endif
