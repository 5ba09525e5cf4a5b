/* fuzz_pnm.c - libFuzzer target for the Netpbm reader and the preparation
 * of a drawing into MNIST's 28 x 28 form.
 *
 * A decoded image must have sides in 1..NN_IMAGE_MAX_SIDE and values in
 * [0, 1]; so must the prepared digit.  The inversion mode (-1 automatic, 0
 * keep, 1 invert) comes from the input's length, so all three are tried. */
#include <math.h>
#include <stdint.h>

#include "fuzz.h"
#include "nn_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_greymap g;
    nn_error err = {0};
    if (nn_pnm_parse(data, size, "drawing.pgm", &g, &err) != NN_OK) {
        fuzz_check_message(&err, "drawing.pgm");
        FUZZ_ASSERT(g.v == NULL);
        return 0;
    }
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
