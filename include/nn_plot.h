/* nn_plot.h - training curves: the per-epoch history CSV that nnart's
 * training writes, read back and drawn as line charts.
 *
 * The history is CSV with a header line naming the columns.  Columns are
 * found by name, so both nnart's own file
 *   epoch,loss,accuracy,val_loss,val_accuracy,seconds
 * and Keras's CSVLogger output (epoch,accuracy,loss,val_accuracy,val_loss)
 * are read; epoch, loss and accuracy are required, the validation columns
 * are optional (left empty on every row when there was no validation), and
 * other columns are ignored.
 */
#ifndef NN_PLOT_H
#define NN_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_image.h"

typedef struct nn_history {
    size_t n;        /* rows (epochs), at least 1 */
    int has_val;     /* val_loss and val_accuracy are given on every row */
    double *epoch;   /* owned, n values, strictly increasing */
    double *loss, *accuracy;         /* owned, n values each */
    double *val_loss, *val_accuracy; /* owned, n values each; NULL without has_val */
} nn_history;

/* Parses a history from len bytes of CSV (lines end in \n or \r\n).  Every
 * value must be a finite number.  name is for messages, which give the line
 * and column at fault.  On failure h is left empty. */
int nn_history_parse(const uint8_t *buf, size_t len, const char *name, nn_history *h,
                     nn_error *err);
int nn_history_load(const char *path, nn_history *h, nn_error *err);
void nn_history_free(nn_history *h);

/* Size of the chart nn_plot_history draws. */
#define NN_PLOT_WIDTH 960
#define NN_PLOT_HEIGHT 400

/* Draws the history as two line charts side by side, loss on the left and
 * accuracy on the right, each against the epoch: the training values in
 * blue, the validation values (if any) in orange, with axes, ticks at round
 * values, grid lines, tick labels, axis labels and a legend.  Any finite
 * values are drawn in bounded time: an axis ends at +-1e307 at most (values
 * beyond land on its edge), and values too close together for ticks to tell
 * apart are spread as equal values are.  img is created (RGB, NN_PLOT_WIDTH x
 * NN_PLOT_HEIGHT) and left empty on failure. */
int nn_plot_history(const nn_history *h, nn_image *img, nn_error *err);

#endif
