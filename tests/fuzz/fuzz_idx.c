/* fuzz_idx.c - libFuzzer target for the IDX reader and data-set assembly.
 *
 * The input is two IDX images behind a 2-byte little-endian length k: bytes
 * [2, 2 + k) are the images, the rest the labels (k is clamped to what is
 * there).  Each part is parsed on its own; when both parse, they are combined
 * into a data set, as `nnart train` does with its two files. */
#include <stdint.h>

#include "fuzz.h"
#include "nn_data.h"

/* Checks what nn_idx_parse promises about a parsed image of len bytes. */
static void check_idx(const nn_idx *x, size_t len)
{
    FUZZ_ASSERT(x->ndim >= 1 && x->ndim <= NN_IDX_MAX_DIMS);
    size_t count = 1;
    for (size_t i = 0; i < x->ndim; i++) {
        FUZZ_ASSERT(x->dims[i] >= 1);
        count *= x->dims[i];
    }
    FUZZ_ASSERT(count == x->count);
    FUZZ_ASSERT(x->elem_size == 1 || x->elem_size == 2 || x->elem_size == 4 ||
                x->elem_size == 8);
    /* header + data is exactly the input: nothing was allocated beyond it */
    FUZZ_ASSERT(4 + 4 * x->ndim + x->count * x->elem_size == len);
    FUZZ_ASSERT(x->data == x->mem && x->mem != NULL);
}

/* Parses one part; returns 1 and fills x on success. */
static int parse(const uint8_t *p, size_t len, const char *name, nn_idx *x)
{
    nn_error err = {0};
    if (nn_idx_parse(p, len, name, x, &err) != NN_OK) {
        fuzz_check_message(&err, name);
        return 0;
    }
    check_idx(x, len);
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t k = (size_t)data[0] | (size_t)data[1] << 8;
    const uint8_t *p = data + 2;
    size_t rest = size - 2;
    if (k > rest)
        k = rest;
    nn_idx images, labels;
    int have_images = parse(p, k, "images", &images);
    int have_labels = parse(p + k, rest - k, "labels", &labels);

    nn_error err = {0};
    nn_dataset d;
    if (have_images) {
        /* Unlabelled, then labelled if the labels parsed. */
        if (nn_dataset_from_idx(&images, "images", NULL, NULL, &d, &err) == NN_OK) {
            FUZZ_ASSERT(d.n * d.dim == images.count && d.labels == NULL);
            FUZZ_ASSERT(d.rows * d.cols == d.dim && d.n_classes == 0);
            nn_dataset_free(&d);
        } else {
            fuzz_check_message(&err, "images");
        }
        if (have_labels) {
            if (nn_dataset_from_idx(&images, "images", &labels, "labels", &d, &err) == NN_OK) {
                FUZZ_ASSERT(d.n * d.dim == images.count && d.n == labels.count);
                size_t top = 0;
                for (size_t i = 0; i < d.n; i++)
                    top = d.labels[i] > top ? d.labels[i] : top;
                FUZZ_ASSERT(d.n_classes == top + 1);
                nn_dataset_free(&d);
            } else if (strncmp(err.msg, "images:", 7) != 0) {
                fuzz_check_message(&err, "labels");
            }
        }
    }
    if (have_images)
        nn_idx_free(&images);
    if (have_labels)
        nn_idx_free(&labels);
    return 0;
}
