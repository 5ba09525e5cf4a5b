/* idx.c - IDX files and labelled data sets (see nn_data.h).
 *
 * An IDX file is checked field by field, and its declared size against its
 * real length, before anything is allocated from it.  nn_idx_load keeps the
 * buffer it read the file into: the data is moved to the front of it and
 * converted to host byte order in place, so even the 47 MB of MNIST training
 * images are held once.  nn_dataset_load then takes that buffer over as its
 * pixel array without copying it again.  A gzip-compressed file (found by
 * its magic bytes) is decompressed first, by gzip.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_data.h"
#include "nn_gzip.h"
#include "nn_io.h"
#include "nn_kernels.h"

#define IDX_UINT8 0x08
#define IDX_INT8 0x09
#define IDX_INT16 0x0B
#define IDX_INT32 0x0C
#define IDX_FLOAT32 0x0D
#define IDX_FLOAT64 0x0E

/* Bytes per element of an IDX type, or 0 if the type is unknown. */
static size_t idx_elem_size(uint8_t type)
{
    switch (type) {
    case IDX_UINT8:
    case IDX_INT8: return 1;
    case IDX_INT16: return 2;
    case IDX_INT32:
    case IDX_FLOAT32: return 4;
    case IDX_FLOAT64: return 8;
    default: return 0;
    }
}

static const char *idx_type_name(uint8_t type)
{
    switch (type) {
    case IDX_UINT8: return "uint8";
    case IDX_INT8: return "int8";
    case IDX_INT16: return "int16";
    case IDX_INT32: return "int32";
    case IDX_FLOAT32: return "float32";
    case IDX_FLOAT64: return "float64";
    default: return "unknown";
    }
}

/* Writes "d0 x d1 x ..." for the ndim dimensions at p (big-endian uint32s). */
static void format_dims(char *s, size_t cap, const uint8_t *p, size_t ndim)
{
    size_t at = 0;
    s[0] = '\0';
    for (size_t i = 0; i < ndim && at < cap; i++) {
        int w = snprintf(s + at, cap - at, "%s%lu", i ? " x " : "",
                         (unsigned long)nn_load_u32be(p + 4 * i));
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

/* The element count and the bytes of data the ndim dimensions at buf + 4
 * declare, in 64-bit arithmetic whatever the machine (the file's own sizes),
 * each product checked for overflow; the bytes must also fit in a size_t.
 * Fills x->dims. */
static int idx_declared(const uint8_t *buf, size_t ndim, size_t elem_size, const char *name,
                        nn_idx *x, uint64_t *count_out, uint64_t *bytes_out, nn_error *err)
{
    /* count = d0 * d1 * ... * d(ndim-1), checked for overflow at each step. */
    uint64_t count = 1;
    char dims[NN_IDX_MAX_DIMS * 14];
    for (size_t i = 0; i < ndim; i++) {
        uint32_t d = nn_load_u32be(buf + 4 + 4 * i);
        if (d == 0)
            return nn_fail(err, NN_ERR_FORMAT,
                           "%s: declares an empty dimension (dimension %zu of %zu is 0)", name,
                           i + 1, ndim);
        if (count > UINT64_MAX / d) {
            format_dims(dims, sizeof dims, buf + 4, ndim);
            return nn_fail(err, NN_ERR_FORMAT,
                           "%s: dimensions %s overflow: more than 2^64 elements", name, dims);
        }
        count *= d;
        x->dims[i] = d;
    }
    /* bytes = count * elem_size, again checked. */
    if (count > UINT64_MAX / elem_size) {
        format_dims(dims, sizeof dims, buf + 4, ndim);
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: dimensions %s of %s overflow: more than 2^64 bytes of data", name,
                       dims, idx_type_name(buf[2]));
    }
    uint64_t bytes = count * elem_size;
    if (bytes > SIZE_MAX)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: too large: header declares %llu bytes of data, more than this "
                       "machine can address",
                       name, (unsigned long long)bytes);
    *count_out = count;
    *bytes_out = bytes;
    return NN_OK;
}

/* Validates the IDX header in buf[0..len) and the size it declares.  Fills
 * everything in *x except data and mem, and returns the offset of the data in
 * *offset.  Nothing is allocated, so it is safe on any input. */
static int idx_header(const uint8_t *buf, size_t len, const char *name, nn_idx *x, size_t *offset,
                      nn_error *err)
{
    if (len == 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: empty file, not an IDX file", name);
    if (len < 4)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: truncated header: %zu bytes, an IDX header needs at least 4", name,
                       len);
    if (buf[0] != 0 || buf[1] != 0)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: not an IDX file (starts with bytes %02x %02x, expected 00 00)", name,
                       buf[0], buf[1]);
    size_t elem_size = idx_elem_size(buf[2]);
    if (elem_size == 0)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: unknown element type 0x%02X (IDX types are 0x08, 0x09, 0x0B, 0x0C, "
                       "0x0D and 0x0E)",
                       name, buf[2]);
    size_t ndim = buf[3];
    if (ndim == 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: declares 0 dimensions (at least 1 is needed)",
                       name);
    if (ndim > NN_IDX_MAX_DIMS)
        return nn_fail(err, NN_ERR_FORMAT, "%s: declares %zu dimensions, at most %d are supported",
                       name, ndim, NN_IDX_MAX_DIMS);
    size_t head = 4 + 4 * ndim;
    if (len < head)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: truncated header: %zu dimensions need %zu header bytes, file has %zu",
                       name, ndim, head, len);

    uint64_t count = 0, bytes = 0;
    int rc = idx_declared(buf, ndim, elem_size, name, x, &count, &bytes, err);
    if (rc != NN_OK)
        return rc;
    size_t have = len - head;
    if (bytes > have)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: truncated: header declares %llu bytes of data, file has %zu", name,
                       (unsigned long long)bytes, have);
    if (bytes < have)
        return nn_fail(err, NN_ERR_FORMAT, "%s: trailing garbage: %zu bytes after the data",
                       name, have - (size_t)bytes);
    x->type = buf[2];
    x->ndim = ndim;
    x->count = (size_t)count;
    x->elem_size = elem_size;
    *offset = head;
    return NN_OK;
}

/* Converts count big-endian elements of elem_size bytes at p to host order,
 * in place.  Reading the bytes by value makes this right on any host. */
static void idx_to_host(uint8_t *p, size_t count, size_t elem_size)
{
    if (elem_size == 2) {
        for (size_t i = 0; i < count; i++, p += 2) {
            uint16_t v = nn_load_u16be(p);
            memcpy(p, &v, 2);
        }
    } else if (elem_size == 4) {
        for (size_t i = 0; i < count; i++, p += 4) {
            uint32_t v = nn_load_u32be(p);
            memcpy(p, &v, 4);
        }
    } else if (elem_size == 8) {
        for (size_t i = 0; i < count; i++, p += 8) {
            uint64_t v = (uint64_t)nn_load_u32be(p) << 32 | nn_load_u32be(p + 4);
            memcpy(p, &v, 8);
        }
    }
}

int nn_idx_parse(const uint8_t *buf, size_t len, const char *name, nn_idx *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    if (!name)
        name = "IDX data";
    if (!buf && len > 0)
        return nn_fail(err, NN_ERR_ARG, "%s: no buffer given for %zu bytes", name, len);
    nn_idx x = {0};
    size_t offset;
    int rc = idx_header(buf, len, name, &x, &offset, err);
    if (rc)
        return rc;
    size_t bytes = len - offset; /* idx_header checked: count * elem_size */
    x.mem = nni_alloc(x.count, x.elem_size);
    if (!x.mem)
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu bytes of data", name, bytes);
    memcpy(x.mem, buf + offset, bytes);
    idx_to_host(x.mem, x.count, x.elem_size);
    x.data = x.mem;
    *out = x;
    return NN_OK;
}

/* The one place where compressed input is handled.  gzip streams begin with
 * the bytes 1f 8b (RFC 1952, section 2.3.1) and an IDX file with 00 00, so the
 * magic tells them apart whatever the file is called.  A gzip file is replaced
 * in *buf by its contents (see nn_gzip.h). */
static int idx_gunzip(const char *path, uint8_t **buf, size_t *len, nn_error *err)
{
    if (!nn_is_gzip(*buf, *len))
        return NN_OK;
    uint8_t *raw;
    size_t raw_len;
    int rc = nn_gunzip(*buf, *len, path, &raw, &raw_len, err);
    if (rc)
        return rc;
    free(*buf);
    *buf = raw;
    *len = raw_len;
    return NN_OK;
}

int nn_idx_load(const char *path, nn_idx *out, nn_error *err)
{
    memset(out, 0, sizeof *out);
    if (!path)
        return nn_fail(err, NN_ERR_ARG, "IDX file: no path given");
    uint8_t *buf;
    size_t len;
    /* The whole file is read; nn_read_file adds one spare byte, hence the - 1. */
    int rc = nn_read_file(path, &buf, &len, SIZE_MAX - 1, err);
    if (rc)
        return rc;
    rc = idx_gunzip(path, &buf, &len, err);
    nn_idx x = {0};
    size_t offset = 0;
    if (!rc)
        rc = idx_header(buf, len, path, &x, &offset, err);
    if (rc) {
        free(buf);
        return rc;
    }
    /* The data stays where it is in the file's buffer (for 47 MB of MNIST
     * a copy costs more than the read), unless its offset, 4 + 4 ndim, does
     * not suit its element type: then it moves to the front, which malloc
     * aligns for any type. */
    uint8_t *data = buf + offset;
    if (offset % x.elem_size != 0) {
        memmove(buf, data, len - offset); /* count * elem_size bytes */
        data = buf;
    }
    idx_to_host(data, x.count, x.elem_size);
    x.mem = buf;
    x.data = data;
    *out = x;
    return NN_OK;
}

void nn_idx_free(nn_idx *x)
{
    if (!x)
        return;
    free(x->mem);
    memset(x, 0, sizeof *x);
}

/* Checks that images (and labels, if not NULL) have the shapes and types a
 * data set needs. */
static int dataset_check(const nn_idx *images, const char *images_name, const nn_idx *labels,
                         const char *labels_name, nn_error *err)
{
    if (images->type != IDX_UINT8)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: images must be uint8 (IDX type 0x08), this file holds %s (type "
                       "0x%02X)",
                       images_name, idx_type_name(images->type), images->type);
    if (images->ndim != 2 && images->ndim != 3)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: images must have 2 dimensions (count x values) or 3 (count x rows x "
                       "cols), this file has %zu",
                       images_name, images->ndim);
    if (!labels)
        return NN_OK;
    if (labels->type != IDX_UINT8)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: labels must be uint8 (IDX type 0x08), this file holds %s (type "
                       "0x%02X)",
                       labels_name, idx_type_name(labels->type), labels->type);
    if (labels->ndim != 1)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: labels must have 1 dimension, this file has %zu", labels_name,
                       labels->ndim);
    if (labels->dims[0] != images->dims[0])
        return nn_fail(err, NN_ERR_FORMAT, "%s: %zu labels for %zu images in %s", labels_name,
                       labels->dims[0], images->dims[0], images_name);
    return NN_OK;
}

/* Fills in the sizes of d from checked images and labels. */
static void dataset_shape(const nn_idx *images, const nn_idx *labels, nn_dataset *d)
{
    d->n = images->dims[0];
    d->rows = images->ndim == 3 ? images->dims[1] : 1;
    d->cols = images->ndim == 3 ? images->dims[2] : images->dims[1];
    d->dim = d->rows * d->cols;
    d->n_classes = 0;
    if (labels) {
        const uint8_t *l = labels->data;
        size_t top = 0;
        for (size_t i = 0; i < labels->count; i++)
            if (l[i] > top)
                top = l[i];
        d->n_classes = top + 1;
    }
}

int nn_dataset_from_idx(const nn_idx *images, const char *images_name, const nn_idx *labels,
                        const char *labels_name, nn_dataset *d, nn_error *err)
{
    memset(d, 0, sizeof *d);
    if (!images_name)
        images_name = "images";
    if (!labels_name)
        labels_name = "labels";
    if (!images)
        return nn_fail(err, NN_ERR_ARG, "%s: no images given", images_name);
    int rc = dataset_check(images, images_name, labels, labels_name, err);
    if (rc)
        return rc;
    nn_dataset s;
    memset(&s, 0, sizeof s);
    dataset_shape(images, labels, &s);
    s.pixels = malloc(images->count);
    s.labels = labels ? malloc(labels->count) : NULL;
    if (!s.pixels || (labels && !s.labels)) {
        free(s.pixels);
        free(s.labels);
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory copying %zu images", images_name,
                       s.n);
    }
    memcpy(s.pixels, images->data, images->count);
    if (labels)
        memcpy(s.labels, labels->data, labels->count);
    *d = s;
    return NN_OK;
}

int nn_dataset_load(const char *images_path, const char *labels_path, nn_dataset *d,
                    nn_error *err)
{
    memset(d, 0, sizeof *d);
    nn_idx images, labels = {0};
    int rc = nn_idx_load(images_path, &images, err);
    if (rc)
        return rc;
    if (labels_path)
        rc = nn_idx_load(labels_path, &labels, err);
    if (!rc)
        rc = dataset_check(&images, images_path, labels_path ? &labels : NULL, labels_path,
                           err);
    if (!rc) {
        /* The data set takes the files' buffers over instead of copying
         * them. */
        dataset_shape(&images, labels_path ? &labels : NULL, d);
        d->pixels = images.data;
        d->labels = labels.data;
        d->mem[0] = images.mem;
        d->mem[1] = labels.mem;
        images.mem = NULL;
        labels.mem = NULL;
    }
    nn_idx_free(&images);
    nn_idx_free(&labels);
    return rc;
}

void nn_dataset_free(nn_dataset *d)
{
    if (!d)
        return;
    free(d->mem[0] ? d->mem[0] : d->pixels);
    free(d->mem[1] ? d->mem[1] : d->labels);
    memset(d, 0, sizeof *d);
}

void nn_dataset_inputs(const nn_dataset *d, size_t first, size_t n, float *out)
{
    nn_bytes_to_floats(out, d->pixels + first * d->dim, n * d->dim);
}
