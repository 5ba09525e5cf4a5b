/* batch.c - data sets into batches of inputs (see batch.h). */
#include "run/batch.h"
#include "nn_kernels.h"

int nni_check_data(const nn_model *m, const nn_dataset *d, const char *what, nn_error *err)
{
    size_t classes = m->sizes[m->n_layers];
    if (!d->labels)
        return nn_fail(err, NN_ERR_ARG, "%s: no labels", what);
    if (d->n == 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no samples", what);
    if (d->dim != m->sizes[0])
        return nn_fail(err, NN_ERR_ARG,
                       "%s: samples have %zu values but the model takes %zu inputs", what, d->dim,
                       m->sizes[0]);
    if (d->n_classes > classes)
        return nn_fail(err, NN_ERR_ARG,
                       "%s: label %zu is outside the model's %zu classes (0-%zu)", what,
                       d->n_classes - 1, classes, classes - 1);
    return NN_OK;
}

void nni_gather(float *x, uint8_t *y, const nn_dataset *d, const uint32_t *idx, size_t first,
                size_t B, const uint32_t *next, size_t n_next)
{
    for (size_t i = 0; i < B || i < n_next; i++) {
#if defined(__GNUC__) || defined(__clang__)
        /* a hint, written out here: GCC drops calls to a helper function
         * that does nothing but prefetch, as if it had no effect */
        if (i < n_next) {
            const uint8_t *p = d->pixels + (size_t)next[i] * d->dim;
            for (size_t k = 0; k < d->dim; k += 64)
                __builtin_prefetch(p + k);
            __builtin_prefetch(p + d->dim - 1);
        }
#else
        (void)next;
        (void)n_next;
#endif
        if (i >= B)
            continue;
        size_t s = idx ? idx[i] : first + i;
        nn_bytes_to_floats(x + i * d->dim, d->pixels + s * d->dim, d->dim);
        if (y)
            y[i] = d->labels[s];
    }
}
