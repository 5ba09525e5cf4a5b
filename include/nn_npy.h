/* nn_npy.h - NumPy's .npy arrays and .npz archives of them, and a model's
 * parameters as the arrays Keras's model.get_weights() returns.
 *
 * A .npy file is the magic "\x93NUMPY", a version (1.0, 2.0 or 3.0), the
 * length of a header (2 bytes for 1.0, 4 for the others), the header: a
 * Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (784, 10), }
 * padded with spaces and ended by a newline, then the values.  The reader
 * parses the dict strictly: exactly these three keys, each once, in any
 * order; quoted strings without escapes; True or False; a tuple of decimal
 * integers (one element needs its comma, as in Python).  It reads float32
 * ('<f4', and '>f4' byte-swapped) and float64 ('<f8', '>f8') whose every
 * value is a float32 exactly (so nothing is rounded; other float64 values
 * are an error naming the first one); any other dtype is an error.  An
 * array in Fortran order is transposed into C order.  The data must be
 * exactly as long as the shape says.
 *
 * The writer produces what numpy.save writes for a float32 array in C order:
 * version 1.0, '<f4', the header padded with spaces (NumPy's room for a
 * growing first axis included) so that the data starts at a multiple of 64
 * bytes.
 */
#ifndef NN_NPY_H
#define NN_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_layers.h"
#include "nn_model.h"

#define NN_NPY_MAX_DIMS 32 /* NumPy's NPY_MAXDIMS (1.x) */

/* An array of float32 values in C order. */
typedef struct nn_npy {
    size_t ndim;                    /* 0 for a scalar */
    size_t shape[NN_NPY_MAX_DIMS];
    size_t count;                   /* the product of the shape */
    float *data;                    /* owned, count values (never NULL once parsed) */
} nn_npy;

/* Parses the .npy file buf[0..len) into a (name is for messages: "FILE" or
 * "ARCHIVE: ENTRY").  On failure a is empty (safe to nn_npy_free). */
int nn_npy_parse(const uint8_t *buf, size_t len, const char *name, nn_npy *a, nn_error *err);
void nn_npy_free(nn_npy *a);

/* Writes the count = product of shape values of data (C order) as a .npy
 * file into a new buffer (*out, *len) owned by the caller (free()). */
int nn_npy_encode(const float *data, size_t ndim, const size_t *shape, uint8_t **out,
                  size_t *len, nn_error *err);

/* "(784, 10)", "(10,)" or "()": a shape as Python writes the tuple.  cap of
 * NN_NPY_SHAPE_CHARS is always enough. */
#define NN_NPY_SHAPE_CHARS (NN_NPY_MAX_DIMS * 22 + 4)
void nn_npy_shape_string(char *s, size_t cap, size_t ndim, const size_t *shape);

/* ---- models as .npz archives ---------------------------------------------- */

/* m's parameters as numpy.savez(f, *model.get_weights()) writes Keras's
 * weights of the same network: arr_0.npy = W_0 of shape (sizes[0], sizes[1])
 * (inputs x units: nnart's W_l transposed), arr_1.npy = b_0 (sizes[1],),
 * arr_2.npy = W_1, and so on; stored entries, into a new buffer (*out, *len)
 * owned by the caller (free()). */
int nn_model_encode_npz(const nn_model *m, uint8_t **out, size_t *len, nn_error *err);

/* Builds m from the .npz archive buf[0..len) (name is for messages): the
 * arrays in Keras's order, W_l of shape (inputs, units) and b_l of shape
 * (units,), each layer's inputs the units of the one before; the arrays are
 * arr_0, arr_1, ... when so named (numpy.savez(f, *weights)), else taken in
 * the archive's order.  Layer activations: hidden on every layer but the
 * last, output on the last (nn_arch_check decides what is allowed).  Every
 * value must be finite.  m must be freed with nn_model_free. */
int nn_model_parse_npz(const uint8_t *buf, size_t len, const char *name, nn_activation hidden,
                       nn_activation output, nn_model *m, nn_error *err);

#endif
