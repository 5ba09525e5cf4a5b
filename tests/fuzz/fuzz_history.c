/* fuzz_history.c - libFuzzer target for the training-history CSV reader and
 * the line charts drawn from it (`nnart plot`).
 *
 * A parsed history must hold at least one row, strictly increasing epochs and
 * finite values only; drawing it must give an image of the documented size. */
#include <math.h>
#include <stdint.h>

#include "fuzz.h"
#include "nn_plot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nn_history h;
    nn_error err = {0};
    if (nn_history_parse(data, size, "history.csv", &h, &err) != NN_OK) {
        fuzz_check_message(&err, "history.csv");
        FUZZ_ASSERT(h.epoch == NULL && h.loss == NULL && h.val_loss == NULL);
        return 0;
    }
    FUZZ_ASSERT(h.n >= 1 && h.n <= size);
    FUZZ_ASSERT(h.has_val == (h.val_loss != NULL) && h.has_val == (h.val_accuracy != NULL));
    for (size_t i = 0; i < h.n; i++) {
        FUZZ_ASSERT(isfinite(h.epoch[i]) && isfinite(h.loss[i]) && isfinite(h.accuracy[i]));
        FUZZ_ASSERT(i == 0 || h.epoch[i] > h.epoch[i - 1]);
        if (h.has_val)
            FUZZ_ASSERT(isfinite(h.val_loss[i]) && isfinite(h.val_accuracy[i]));
    }
    nn_image img;
    if (nn_plot_history(&h, &img, &err) == NN_OK) {
        FUZZ_ASSERT(img.width == NN_PLOT_WIDTH && img.height == NN_PLOT_HEIGHT);
        FUZZ_ASSERT(img.channels == 3 && img.px != NULL);
        nn_image_free(&img);
    } else {
        FUZZ_ASSERT(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
    }
    nn_history_free(&h);
    return 0;
}
