/* npz.c - a model's parameters as a NumPy .npz archive, in the order and
 * layout of Keras's model.get_weights() (see nn_npy.h).
 *
 * nnart keeps W_l as (units, inputs), row o holding the weights into unit o
 * (nn_model.h); Keras keeps a Dense kernel as (inputs, units).  The archive
 * holds the transpose, so that x @ W + b is a layer's pre-activation in
 * NumPy exactly as x W_l^T + b_l is in nnart.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_npy.h"
#include "nn_zip.h"

#define MAX_ARRAYS (2 * NN_MAX_LAYERS)
#define ENTRY_NAME_CHARS 32
#define SHOWN_CHARS 96 /* an entry's name in messages */

/* An entry's name as messages show it: control bytes as '?', cut if long. */
static void show_name(char *out, const char *name)
{
    size_t i = 0;
    for (; name[i] && i < SHOWN_CHARS - 4; i++)
        out[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
    strcpy(out + i, name[i] ? "..." : "");
}

/* Layer l's weights transposed to (inputs, units) and its biases, as .npy
 * files into e[0] and e[1] (names and data owned by the caller). */
static int encode_layer(const nn_model *m, size_t l, nn_zip_entry *e,
                        char names[2][ENTRY_NAME_CHARS], nn_error *err)
{
    size_t in = m->sizes[l], units = m->sizes[l + 1];
    const float *W = m->params + nn_model_weight_offset(m, l);
    float *T = nni_alloc(in * units, sizeof *T); /* in * units < n_params */
    if (!T)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for layer %zu's weights", l + 1);
    for (size_t o = 0; o < units; o++)
        for (size_t i = 0; i < in; i++)
            T[i * units + o] = W[o * in + i];
    size_t wshape[2] = {in, units};
    snprintf(names[0], ENTRY_NAME_CHARS, "arr_%zu.npy", 2 * l);
    snprintf(names[1], ENTRY_NAME_CHARS, "arr_%zu.npy", 2 * l + 1);
    e[0].name = names[0];
    e[1].name = names[1];
    int rc = nn_npy_encode(T, 2, wshape, &e[0].data, &e[0].len, err);
    free(T);
    if (!rc)
        rc = nn_npy_encode(m->params + nn_model_bias_offset(m, l), 1, &units, &e[1].data,
                           &e[1].len, err);
    return rc;
}

int nn_model_encode_npz(const nn_model *m, uint8_t **out, size_t *len, nn_error *err)
{
    *out = NULL;
    *len = 0;
    if (m->n_layers < 1 || m->n_layers > NN_MAX_LAYERS || !m->params)
        return nn_fail(err, NN_ERR_ARG, "not a model (%zu layers)", m->n_layers);
    nn_zip_entry e[MAX_ARRAYS];
    char names[MAX_ARRAYS][ENTRY_NAME_CHARS];
    memset(e, 0, sizeof e);
    size_t n = 2 * m->n_layers;
    int rc = NN_OK;
    for (size_t l = 0; l < m->n_layers && !rc; l++)
        rc = encode_layer(m, l, e + 2 * l, names + 2 * l, err);
    if (!rc)
        rc = nn_zip_encode(e, n, 0, out, len, err);
    for (size_t i = 0; i < n; i++)
        free(e[i].data);
    return rc;
}

/* ---- reading ---------------------------------------------------------------- */

/* k if name is "arr_K.npy" (K without leading zeros), else -1. */
static long arr_number(const char *name)
{
    if (strncmp(name, "arr_", 4) != 0 || name[4] < '0' || name[4] > '9' ||
        (name[4] == '0' && name[5] != '.'))
        return -1;
    long k = 0;
    const char *p = name + 4;
    for (; *p >= '0' && *p <= '9'; p++) {
        k = k * 10 + (*p - '0');
        if (k > MAX_ARRAYS)
            return -1;
    }
    return strcmp(p, ".npy") == 0 ? k : -1;
}

/* order[i] = the entry holding array i: arr_0, arr_1, ... when every entry
 * is so named, else the archive's order.  Each entry must be a .npy file. */
static int array_order(const nn_zip *z, const char *name, size_t *order, nn_error *err)
{
    int numbered = 1;
    char shown[SHOWN_CHARS];
    for (size_t i = 0; i < z->n; i++) {
        size_t nl = strlen(z->entries[i].name);
        show_name(shown, z->entries[i].name);
        if (nl < 4 || strcmp(z->entries[i].name + nl - 4, ".npy") != 0)
            return nn_fail(err, NN_ERR_FORMAT, "%s: %s: not a .npy array (the name does not end "
                           "in .npy)", name, shown);
        numbered &= arr_number(z->entries[i].name) >= 0;
        order[i] = i;
    }
    if (!numbered)
        return NN_OK;
    for (size_t i = 0; i < z->n; i++) {
        size_t k = (size_t)arr_number(z->entries[i].name);
        if (k >= z->n)
            return nn_fail(err, NN_ERR_FORMAT, "%s: %s: %zu arrays, so arr_0 to arr_%zu are "
                           "expected", name, z->entries[i].name, z->n, z->n - 1); /* printable */
        order[k] = i; /* the names are distinct, so this is a permutation */
    }
    return NN_OK;
}

/* Checks the number of arrays: two per layer, 1 to NN_MAX_LAYERS layers. */
static int check_count(size_t n, const char *name, nn_error *err)
{
    if (n < 2 || n % 2 != 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: %zu array%s; a model needs two per layer (the "
                       "weights, then the biases)", name, n, n == 1 ? "" : "s");
    if (n > MAX_ARRAYS)
        return nn_fail(err, NN_ERR_FORMAT, "%s: %zu arrays make %zu layers; at most %d", name, n,
                       n / 2, NN_MAX_LAYERS);
    return NN_OK;
}

/* Checks the shapes of the arrays a[0..n) (entry names in names[]) as
 * Keras's weights of a dense stack and fills sizes. */
static int check_shapes(const nn_npy *a, const char *const *names, size_t n, const char *name,
                        size_t *sizes, nn_error *err)
{
    char shape[NN_NPY_SHAPE_CHARS];
    for (size_t l = 0; l < n / 2; l++) {
        const nn_npy *W = &a[2 * l], *b = &a[2 * l + 1];
        nn_npy_shape_string(shape, sizeof shape, W->ndim, W->shape);
        if (W->ndim != 2)
            return nn_fail(err, NN_ERR_FORMAT, "%s: %s: shape %s is not layer %zu's weight "
                           "matrix (inputs, units)", name, names[2 * l], shape, l + 1);
        if (l > 0 && W->shape[0] != sizes[l])
            return nn_fail(err, NN_ERR_FORMAT, "%s: %s: shape %s: layer %zu takes %zu inputs, "
                           "but layer %zu has %zu units", name, names[2 * l], shape, l + 1,
                           W->shape[0], l, sizes[l]);
        sizes[l] = W->shape[0];
        sizes[l + 1] = W->shape[1];
        nn_npy_shape_string(shape, sizeof shape, b->ndim, b->shape);
        if (b->ndim != 1 || b->shape[0] != W->shape[1])
            return nn_fail(err, NN_ERR_FORMAT, "%s: %s: shape %s is not layer %zu's biases "
                           "(%zu,)", name, names[2 * l + 1], shape, l + 1, W->shape[1]);
    }
    return NN_OK;
}

/* Fills m (created with the arrays' sizes) from the arrays: W_l transposed
 * back to (units, inputs).  Every value must be finite. */
static int fill_model(nn_model *m, const nn_npy *a, const char *const *names, const char *name,
                      nn_error *err)
{
    for (size_t k = 0; k < 2 * m->n_layers; k++)
        for (size_t i = 0; i < a[k].count; i++)
            if (!isfinite(a[k].data[i]))
                return nn_fail(err, NN_ERR_FORMAT, "%s: %s: value %zu is not finite (%g)", name,
                               names[k], i, (double)a[k].data[i]);
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t in = m->sizes[l], units = m->sizes[l + 1];
        float *W = m->params + nn_model_weight_offset(m, l);
        for (size_t o = 0; o < units; o++)
            for (size_t i = 0; i < in; i++)
                W[o * in + i] = a[2 * l].data[i * units + o];
        memcpy(m->params + nn_model_bias_offset(m, l), a[2 * l + 1].data, units * sizeof(float));
    }
    return NN_OK;
}

/* The arrays of z in order, parsed into a[0..z->n) with their names as
 * messages show them. */
static int parse_arrays(const nn_zip *z, const char *name, nn_npy *a,
                        char (*names)[SHOWN_CHARS], nn_error *err)
{
    size_t order[MAX_ARRAYS];
    int rc = array_order(z, name, order, err);
    for (size_t i = 0; i < z->n && !rc; i++) {
        const nn_zip_entry *e = &z->entries[order[i]];
        char what[4200];
        show_name(names[i], e->name);
        snprintf(what, sizeof what, "%s: %s", name, names[i]);
        rc = nn_npy_parse(e->data, e->len, what, &a[i], err);
    }
    return rc;
}

/* The model of the arrays a[0..n), checked. */
static int build(const nn_npy *a, const char *const *names, size_t n, const char *name,
                 nn_activation hidden, nn_activation output, nn_model *m, nn_error *err)
{
    size_t sizes[NN_MAX_LAYERS + 1];
    int rc = check_shapes(a, names, n, name, sizes, err);
    if (rc)
        return rc;
    size_t L = n / 2;
    nn_activation act[NN_MAX_LAYERS];
    for (size_t l = 0; l < L; l++)
        act[l] = l + 1 < L ? hidden : output;
    nn_error why = {0};
    if ((rc = nn_arch_check(L, sizes, act, &why)) != NN_OK)
        return nn_fail(err, rc == NN_ERR_ARG ? NN_ERR_FORMAT : rc, "%s: %s", name, why.msg);
    if ((rc = nn_model_create(m, L, sizes, act, &why)) != NN_OK)
        return nn_fail(err, rc, "%s: %s", name, why.msg);
    return fill_model(m, a, names, name, err);
}

int nn_model_parse_npz(const uint8_t *buf, size_t len, const char *name, nn_activation hidden,
                       nn_activation output, nn_model *m, nn_error *err)
{
    memset(m, 0, sizeof *m);
    if (!name)
        name = ".npz archive";
    if (buf && len >= 6 && memcmp(buf, "\x93NUMPY", 6) == 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: one .npy array, not an .npz archive of a "
                       "model's arrays", name);
    nn_zip z;
    int rc = nn_zip_parse(buf, len, name, &z, err);
    if (rc)
        return rc;
    if ((rc = check_count(z.n, name, err))) {
        nn_zip_free(&z);
        return rc;
    }
    nn_npy a[MAX_ARRAYS];
    char names[MAX_ARRAYS][SHOWN_CHARS];
    const char *name_ptr[MAX_ARRAYS];
    memset(a, 0, sizeof a);
    for (size_t i = 0; i < MAX_ARRAYS; i++)
        name_ptr[i] = names[i];
    rc = parse_arrays(&z, name, a, names, err);
    if (!rc)
        rc = build(a, name_ptr, z.n, name, hidden, output, m, err);
    for (size_t i = 0; i < z.n; i++)
        nn_npy_free(&a[i]);
    nn_zip_free(&z);
    if (rc)
        nn_model_free(m);
    return rc;
}
