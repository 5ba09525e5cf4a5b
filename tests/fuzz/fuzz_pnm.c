/* fuzz_pnm.c - libFuzzer target for the Netpbm reader and the preparation
 * of a drawing into MNIST's 28 x 28 form.
 *
 * The decoded picture (nn_pnm_decode) must have 1 or 3 channels and no
 * sample above its maxval, and nn_pnm_parse must succeed exactly when it
 * does.  A grey map must have sides in 1..NN_IMAGE_MAX_SIDE and values in
 * [0, 1]; so must the prepared digit.  The inversion mode (-1 automatic, 0
 * keep, 1 invert) comes from the input's length, so all three are tried. */
#include <math.h>
#include <stdint.h>

#include "fuzz.h"
#include "nn_image.h"
#include "nn_picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_picture p;
    nn_error err = {0};
    int decoded = nn_pnm_decode(data, size, "drawing.pgm", &p, &err) == NN_OK;
    if (decoded) {
        FUZZ_ASSERT(p.channels == 1 || p.channels == 3);
        FUZZ_ASSERT(p.maxval >= 1 && p.maxval <= 65535);
        for (size_t i = 0; i < p.width * p.height * p.channels; i++)
            FUZZ_ASSERT(p.px[i] <= p.maxval);
        nn_picture_free(&p);
    }
    nn_greymap g;
    if (nn_pnm_parse(data, size, "drawing.pgm", &g, &err) != NN_OK) {
        fuzz_check_message(&err, "drawing.pgm");
        FUZZ_ASSERT(g.v == NULL && !decoded);
        return 0;
    }
    FUZZ_ASSERT(decoded);
    FUZZ_ASSERT(g.width >= 1 && g.width <= NN_IMAGE_MAX_SIDE);
    FUZZ_ASSERT(g.height >= 1 && g.height <= NN_IMAGE_MAX_SIDE);
    /* every sample takes at least one byte of the file */
    FUZZ_ASSERT(g.width * g.height <= size);
    for (size_t i = 0; i < g.width * g.height; i++)
        FUZZ_ASSERT(g.v[i] >= 0.0f && g.v[i] <= 1.0f);

    float out[28 * 28];
    int invert = (int)(size % 3) - 1;
    if (nn_digit_prepare(&g, invert, 28, 28, out, &err) == NN_OK) {
        for (size_t i = 0; i < 28 * 28; i++)
            FUZZ_ASSERT(isfinite(out[i]) && out[i] >= 0.0f && out[i] <= 1.0f);
    } else {
        FUZZ_ASSERT(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
    }
    nn_greymap_free(&g);
    return 0;
}
