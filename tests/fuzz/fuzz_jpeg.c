/* fuzz_jpeg.c - libFuzzer target for the baseline JPEG decoder.
 *
 * A decoded picture must be grey or RGB with 8-bit samples and sides in
 * 1..NN_IMAGE_MAX_SIDE, and no larger than its bytes can describe (a block of
 * 64 samples takes at least 2 bits); a failure leaves no picture behind. */
#include <stdint.h>

#include "fuzz.h"
#include "nn_image.h"
#include "nn_picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_picture p;
    nn_error err = {0};
    if (nn_jpeg_decode(data, size, "photo.jpg", &p, &err) != NN_OK) {
        fuzz_check_message(&err, "photo.jpg");
        FUZZ_ASSERT(p.px == NULL && p.width == 0 && p.height == 0);
        return 0;
    }
    FUZZ_ASSERT(p.px != NULL && (p.channels == 1 || p.channels == 3) && p.maxval == 255);
    FUZZ_ASSERT(p.width >= 1 && p.width <= NN_IMAGE_MAX_SIDE);
    FUZZ_ASSERT(p.height >= 1 && p.height <= NN_IMAGE_MAX_SIDE);
    FUZZ_ASSERT(p.width * p.height <= 256 * size);
    for (size_t i = 0; i < p.width * p.height * p.channels; i++)
        FUZZ_ASSERT(p.px[i] <= 255);
    nn_picture_free(&p);
    return 0;
}
