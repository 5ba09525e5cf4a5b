/* nn_network.h - the whole network for one input, drawn as a teacher draws it
 * on the board (an nn_image, nn_image.h):
 *
 *   the input as a grey image; beside each first-layer unit its weights as a
 *   small bwr tile (red: ink there raises the unit, blue: lowers it); each
 *   layer's activations as a column of cells coloured by matplotlib's 'hot'
 *   (0 to the layer's largest activation; the output cells 0 to 1) with the
 *   value written in; the connections between two columns as anti-aliased
 *   lines, red for a positive weight and blue for a negative one, their
 *   opacity and width proportional to the size of the contribution
 *   |w_ok a_k| (relative to the largest between the two columns); from the
 *   input to each first-layer unit one line for the sum of its
 *   contributions, sum_i w_oi x_i; the predicted class framed.
 *
 * A layer wider than max_units shows the max_units units with the largest
 * |activation| (in their order) and says so under the picture.
 */
#ifndef NN_NETWORK_H
#define NN_NETWORK_H

#include <stddef.h>

#include "nn_error.h"
#include "nn_image.h"
#include "nn_model.h"

#define NN_NETWORK_MAX_UNITS 64 /* most units drawn per layer */

typedef struct nn_network_style {
    size_t scale;      /* pixels per layout unit, 1..16 (2: about 1030 x 790 for 784-10-10-10) */
    size_t max_units;  /* units drawn per layer, 1..NN_NETWORK_MAX_UNITS */
    size_t rows, cols; /* the input's shape: rows * cols = the model's inputs */
} nn_network_style;

/* Fills s with: scale 2, 16 units per layer, a rows x cols input. */
void nn_network_style_default(nn_network_style *s, size_t rows, size_t cols);

/* The picture above of m's forward pass on x (sizes[0] values, in [0, 1] for
 * the grey image).  Creates img (RGB); leaves it empty on failure. */
int nn_render_network(nn_image *img, const nn_model *m, const float *x,
                      const nn_network_style *s, nn_error *err);

#endif
