/* nn_paint.h - networks that paint: a compositional pattern-producing network
 * (CPPN, Stanley 2007), a random dense network that maps each pixel's
 * coordinates and a latent vector to a colour.
 *
 * Pixel (i, j) of a W x H picture (column i, row j) has the coordinates
 *   x = zoom (2 i + 1 - W) / m,   y = zoom (2 j + 1 - H) / m,   m = min(W, H),
 * so the shorter side spans [-zoom, zoom] (y grows downwards) and a picture
 * shows the same pattern at any size; r = sqrt(x^2 + y^2).  The network's
 * inputs are (x, y, r, z_1 .. z_latent), the same z for every pixel; its
 * depth hidden layers of width units each apply their activation, and the
 * output layer a sigmoid to 1 (grey) or 3 (RGB) channels, each value v in
 * [0, 1] becoming the byte round(255 v).
 *
 * Every weight and bias is drawn from N(0, s^2 / fan_in), s the weight scale
 * and fan_in the inputs of its layer (the bias counted as an input fixed at 1),
 * so s sets the spread of every layer's pre-activations whatever the widths:
 * around 1 smooth shapes, larger s busier and sharper ones.  The weights come
 * first from the seed's random stream (layer after layer, W_l in row-major
 * order, then b_l), then z (each z_k uniform in [-1, 1)), then the animation's
 * plane (below).
 *
 * Animation: frame t of n moves z around a circle of radius R through z_0 in
 * a random plane of z space spanned by orthonormal u, v:
 *   z(t) = z_0 + R ((cos a - 1) u + sin a v),   a = 2 pi (t mod n) / n,
 * so frame 0 is the still picture, frame n is frame 0 again (the loop is
 * seamless) and neighbouring frames differ by the same small step.
 *
 * Every pixel is one row of a batched forward pass (nn_forward_rows) over the
 * threads of a pool, and a row's result never depends on the batch or thread
 * that computed it: the same configuration gives the same bytes for any
 * thread count.  The kernel variant in use (nn_kernels.h) may round
 * differently from another one.  The library never prints.
 */
#ifndef NN_PAINT_H
#define NN_PAINT_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_image.h"
#include "nn_layers.h"
#include "nn_model.h"

#define NN_PAINT_MAX_DEPTH (NN_MAX_LAYERS - 1) /* hidden layers (the output is one more) */
#define NN_PAINT_MAX_WIDTH 1024                /* units per hidden layer */
#define NN_PAINT_MAX_LATENT 1024               /* entries of z */

typedef struct nn_paint_config {
    size_t depth;                          /* hidden layers, 1..NN_PAINT_MAX_DEPTH (4) */
    size_t width;                          /* units per hidden layer, 1..NN_PAINT_MAX_WIDTH (32) */
    nn_activation act[NN_PAINT_MAX_DEPTH]; /* of each hidden layer; not softmax (all sin) */
    float weight_scale;                    /* s above, > 0 (2.5) */
    float zoom;                            /* half the shorter side in coordinates, > 0 (1) */
    size_t latent;                         /* entries of z, 0..NN_PAINT_MAX_LATENT (8) */
    const float *z;                        /* latent values (the caller's), or NULL to draw them */
    float radius;                          /* R, the animation circle's radius, >= 0 (0.2) */
    size_t channels;                       /* 1 grey, 3 RGB (3) */
    uint64_t seed;                         /* (1) */
    size_t threads;                        /* 0: one per processor (0) */
} nn_paint_config;

/* Fills c with the defaults given above. */
void nn_paint_config_default(nn_paint_config *c);

/* Checks a configuration: NN_OK, or NN_ERR_ARG with a message naming the
 * field's value ("depth 0; between 1 and 15 are supported"). */
int nn_paint_check(const nn_paint_config *c, nn_error *err);

/* A painter: the network of a configuration, its latent circle and its
 * threads, to render any number of pictures or frames. */
typedef struct nn_painter nn_painter;

/* Builds the painter of c (checked by nn_paint_check; c->z is copied).  On
 * failure *out is NULL. */
int nn_painter_create(nn_painter **out, const nn_paint_config *c, nn_error *err);
void nn_painter_free(nn_painter *p); /* p may be NULL */

/* The network (owned by the painter): 3 + latent inputs, depth hidden layers,
 * channels outputs. */
const nn_model *nn_painter_model(const nn_painter *p);

/* Renders frame t of an animation of n_frames (n_frames >= 1; t = 0 is the
 * still picture, and any t is taken mod n_frames) into a new width x height
 * image (1..NN_IMAGE_MAX_SIDE each) of the configuration's channels.  Only
 * the thread that created p may call it.  On failure img is left empty. */
int nn_painter_render(nn_painter *p, nn_image *img, size_t width, size_t height, size_t t,
                      size_t n_frames, nn_error *err);

/* One picture: nn_painter_render of frame 0 by a painter made for it. */
int nn_paint(nn_image *img, size_t width, size_t height, const nn_paint_config *c,
             nn_error *err);

/* Frame t of n_frames by a painter made for it (nn_painter_render). */
int nn_paint_frame(nn_image *img, size_t width, size_t height, const nn_paint_config *c,
                   size_t t, size_t n_frames, nn_error *err);

#endif
