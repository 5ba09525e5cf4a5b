/* picture.h - what the picture readers share inside the library. */
#ifndef NNI_PICTURE_H
#define NNI_PICTURE_H

#include "internal.h"
#include "nn_picture.h"

/* nn_png_decode, also giving the grey of the background the PNG asks for
 * (its bKGD chunk: the grey, or the luma of the colour or palette entry, over
 * maxval) in *background, or NN_BACKGROUND_AUTO if it has none.  background
 * may be NULL. */
NNI_HIDDEN int nni_png_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out,
                              double *background, nn_error *err);

/* BT.601 luma of three samples already divided by maxval, at most 1: the
 * arithmetic nn_picture_to_greymap applies to every colour pixel. */
static inline float nni_luma(float r, float g, float b)
{
    double y = 0.299 * r + 0.587 * g + 0.114 * b;
    return (float)(y > 1.0 ? 1.0 : y);
}

#endif
