/* nn_picture.h - decoded pictures of the formats nnart reads (JPEG ...),
 * with their samples as the file stores them.
 *
 * Ownership: an nn_picture owns its sample buffer; free it with
 * nn_picture_free (safe on a zeroed or already freed struct).
 */
#ifndef NN_PICTURE_H
#define NN_PICTURE_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

/* A decoded picture: samples as stored, before any conversion. */
typedef struct nn_picture {
    size_t width, height;
    size_t channels;  /* 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA */
    unsigned maxval;  /* the largest sample value: 2^depth - 1 (1, 3, 15, 255 or 65535) */
    uint16_t *px;     /* owned: height * width * channels samples, row-major, interleaved */
} nn_picture;
void nn_picture_free(nn_picture *p);
int nn_jpeg_decode(const uint8_t *buf, size_t len, const char *name, nn_picture *out, nn_error *err);

#endif
