/* fuzz_npz.c - libFuzzer target for the zip reader, the .npy reader and the
 * model import from .npz (nn_zip.h, nn_npy.h).
 *
 * Each input is read three ways:
 *   - as a zip archive; when that succeeds, the entries written again by
 *     nn_zip_encode (plain and ZIP64) must read back the same;
 *   - as one .npy array; when that succeeds, nn_npy_encode of it must read
 *     back the same values, bit for bit;
 *   - as the .npy files it holds one after the other (each starting at the
 *     \x93NUMPY magic), put into a valid archive as arr_0.npy, arr_1.npy, ...
 *     and imported as a model, so that the checks after the archive's CRC-32
 *     are reached too; when the import succeeds, the model exported and
 *     imported again must have the same parameters.
 * Every failure must be one line naming the input. */
#include <stdint.h>

#include "fuzz.h"
#include "nn_model.h"
#include "nn_npy.h"
#include "nn_zip.h"

#define MAX_PIECES 34

/* The entries of two archives are the same, in the same order. */
static void same_entries(const nn_zip *a, const nn_zip *b)
{
    FUZZ_ASSERT(a->n == b->n);
    for (size_t i = 0; i < a->n; i++) {
        FUZZ_ASSERT(strcmp(a->entries[i].name, b->entries[i].name) == 0);
        FUZZ_ASSERT(a->entries[i].len == b->entries[i].len);
        FUZZ_ASSERT(a->entries[i].len == 0 ||
                    memcmp(a->entries[i].data, b->entries[i].data, a->entries[i].len) == 0);
    }
}

static void as_zip(const uint8_t *data, size_t size)
{
    nn_zip z;
    nn_error err = {0};
    if (nn_zip_parse(data, size, "data.npz", &z, &err) != NN_OK) {
        fuzz_check_message(&err, "data.npz");
        FUZZ_ASSERT(z.n == 0 && z.entries == NULL);
        return;
    }
    for (unsigned flags = 0; flags <= NN_ZIP_ZIP64; flags++) {
        uint8_t *buf;
        size_t len;
        FUZZ_ASSERT(nn_zip_encode(z.entries, z.n, flags, &buf, &len, &err) == NN_OK);
        nn_zip again;
        if (nn_zip_parse(buf, len, "again", &again, &err) != NN_OK) {
            fprintf(stderr, "a written archive does not read: %s\n", err.msg);
            abort();
        }
        same_entries(&z, &again);
        nn_zip_free(&again);
        free(buf);
    }
    nn_zip_free(&z);
}

static void as_npy(const uint8_t *data, size_t size)
{
    nn_npy a, b;
    nn_error err = {0};
    if (nn_npy_parse(data, size, "data.npy", &a, &err) != NN_OK) {
        fuzz_check_message(&err, "data.npy");
        FUZZ_ASSERT(a.data == NULL);
        return;
    }
    uint8_t *buf;
    size_t len;
    FUZZ_ASSERT(nn_npy_encode(a.data, a.ndim, a.shape, &buf, &len, &err) == NN_OK);
    FUZZ_ASSERT((len - a.count * 4) % 64 == 0);
    FUZZ_ASSERT(nn_npy_parse(buf, len, "again", &b, &err) == NN_OK);
    FUZZ_ASSERT(a.ndim == b.ndim && a.count == b.count);
    FUZZ_ASSERT(memcmp(a.shape, b.shape, a.ndim * sizeof *a.shape) == 0);
    FUZZ_ASSERT(memcmp(a.data, b.data, a.count * sizeof *a.data) == 0);
    free(buf);
    nn_npy_free(&a);
    nn_npy_free(&b);
}

/* Exports m and imports it again: the same architecture and parameters. */
static void round_trip(const nn_model *m)
{
    uint8_t *buf;
    size_t len;
    nn_error err = {0};
    nn_model back;
    FUZZ_ASSERT(nn_model_encode_npz(m, &buf, &len, &err) == NN_OK);
    if (nn_model_parse_npz(buf, len, "again", m->act[0], m->act[m->n_layers - 1], &back,
                           &err) != NN_OK) {
        fprintf(stderr, "an exported model does not import: %s\n", err.msg);
        abort();
    }
    FUZZ_ASSERT(back.n_layers == m->n_layers && back.n_params == m->n_params);
    FUZZ_ASSERT(memcmp(back.sizes, m->sizes, sizeof m->sizes) == 0);
    FUZZ_ASSERT(memcmp(back.params, m->params, m->n_params * sizeof *m->params) == 0);
    nn_model_free(&back);
    free(buf);
}

/* The pieces of data starting at each \x93NUMPY magic, as archive entries. */
static size_t split(const uint8_t *data, size_t size, nn_zip_entry *e, char (*names)[24])
{
    size_t n = 0;
    for (size_t i = 0; i + 6 <= size && n < MAX_PIECES; i++) {
        if (memcmp(data + i, "\x93NUMPY", 6) != 0)
            continue;
        if (n > 0)
            e[n - 1].len = i - (size_t)(e[n - 1].data - data);
        snprintf(names[n], sizeof names[n], "arr_%zu.npy", n);
        e[n].name = names[n];
        e[n].data = (uint8_t *)(uintptr_t)(data + i); /* only read */
        e[n].len = size - i;
        n++;
    }
    return n;
}

static void as_model(const uint8_t *data, size_t size)
{
    nn_zip_entry e[MAX_PIECES];
    char names[MAX_PIECES][24];
    size_t n = split(data, size, e, names);
    uint8_t *zip;
    size_t len;
    nn_error err = {0};
    FUZZ_ASSERT(nn_zip_encode(e, n, 0, &zip, &len, &err) == NN_OK);
    nn_model m;
    /* relu hidden layers; the last byte picks the output activation */
    nn_activation out = size ? (nn_activation)(data[size - 1] % 5) : NN_ACT_SOFTMAX;
    if (nn_model_parse_npz(zip, len, "data.npz", NN_ACT_RELU, out, &m, &err) != NN_OK) {
        fuzz_check_message(&err, "data.npz");
    } else {
        FUZZ_ASSERT(m.n_layers == n / 2 && m.act[m.n_layers - 1] == out);
        round_trip(&m);
    }
    nn_model_free(&m);
    free(zip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_zip(data, size);
    as_npy(data, size);
    as_model(data, size);
    return 0;
}
