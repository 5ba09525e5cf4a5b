/* nn_data.h - IDX files and labelled data sets (MNIST and its look-alikes).
 *
 * IDX is big-endian: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B
 * int16, 0x0C int32, 0x0D float32, 0x0E float64), a dimension count, one uint32
 * per dimension, then the data in row-major order.  The reader validates every
 * field and the declared size against the real length (with overflow checks)
 * before it trusts anything, and allocates nothing larger than the file.
 */
#ifndef NN_DATA_H
#define NN_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

#define NN_IDX_MAX_DIMS 8

typedef struct nn_idx {
    uint8_t type;                  /* 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E */
    size_t ndim;                   /* 1..NN_IDX_MAX_DIMS */
    size_t dims[NN_IDX_MAX_DIMS];
    size_t count;                  /* product of dims: number of elements */
    size_t elem_size;              /* bytes per element: 1, 2, 4 or 8 */
    void *data;                    /* count elements in host byte order; points into mem */
    uint8_t *mem;                  /* owned */
} nn_idx;

/* Parses an IDX image of len bytes.  name is used in error messages only.
 * On success *out owns a copy of the data. */
int nn_idx_parse(const uint8_t *buf, size_t len, const char *name, nn_idx *out, nn_error *err);
/* Reads and parses the IDX file at path (gzip-compressed files are recognised
 * by their magic bytes and decompressed). */
int nn_idx_load(const char *path, nn_idx *out, nn_error *err);
void nn_idx_free(nn_idx *x);

/* A labelled data set of n samples of dim bytes each (pixels 0..255). */
typedef struct nn_dataset {
    size_t n;          /* samples */
    size_t dim;        /* values per sample (rows * cols) */
    size_t rows, cols; /* image shape; rows = 1 for 2-D IDX data */
    size_t n_classes;  /* 1 + largest label (0 if there are no labels) */
    uint8_t *pixels;   /* n * dim: owned, or inside mem[0] */
    uint8_t *labels;   /* n: owned, or inside mem[1]; NULL when loaded without labels */
    void *mem[2];      /* if not NULL, the owned buffers (whole files, as read) that
                        * pixels and labels point into; nn_dataset_free frees
                        * these instead */
} nn_dataset;

/* Loads images (uint8 IDX of 2 or 3 dimensions) and, if labels_path is not
 * NULL, labels (uint8 IDX of 1 dimension, same count).  Errors name the file. */
int nn_dataset_load(const char *images_path, const char *labels_path, nn_dataset *d,
                    nn_error *err);
/* Same, from IDX bytes already in memory (names are for messages). */
int nn_dataset_from_idx(const nn_idx *images, const char *images_name, const nn_idx *labels,
                        const char *labels_name, nn_dataset *d, nn_error *err);
void nn_dataset_free(nn_dataset *d);

/* The network's inputs for samples [first, first + n) of d: pixels / 255 in
 * [0, 1], (n, dim) floats into out (caller-owned).  The caller checks that
 * the range lies inside d. */
void nn_dataset_inputs(const nn_dataset *d, size_t first, size_t n, float *out);

#endif
