/* npy.c - NumPy .npy arrays (see nn_npy.h).
 *
 * The header's dict is read by a small recursive-descent parser over the
 * header bytes: dict = '{' item (',' item)* [','] '}', item = string ':'
 * value, where the values allowed are strings, True/False and tuples of
 * non-negative decimal integers; whitespace (spaces and tabs) may separate
 * any two tokens.  After the '}' only spaces may follow, then the final '\n'.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "nn_io.h"
#include "nn_npy.h"

#define MAGIC "\x93NUMPY"
#define MAGIC_LEN 6
#define ALIGN 64          /* the data starts at a multiple of this (NumPy's ARRAY_ALIGN) */
#define GROWTH_DIGITS 21  /* NumPy's room for the first axis to grow (GROWTH_AXIS_MAX_DIGITS) */

/* The header being parsed. */
typedef struct hparser {
    const char *s;
    size_t n, pos;
    const char *name;
    nn_error *err;
} hparser;

/* The dtypes read: float32 or float64, either byte order. */
typedef struct dtype {
    size_t size;   /* 4 or 8 */
    int big;       /* big-endian */
} dtype;

static int bad(const hparser *h, const char *what)
{
    return nn_fail(h->err, NN_ERR_FORMAT, "%s: bad .npy header: %s (at header byte %zu)",
                   h->name, what, h->pos);
}

static void skip_space(hparser *h)
{
    while (h->pos < h->n && (h->s[h->pos] == ' ' || h->s[h->pos] == '\t'))
        h->pos++;
}

/* Consumes c (after any whitespace), or fails naming what was expected. */
static int expect(hparser *h, char c, const char *what)
{
    skip_space(h);
    if (h->pos >= h->n || h->s[h->pos] != c)
        return bad(h, what);
    h->pos++;
    return NN_OK;
}

/* A quoted string without escapes into out (of cap bytes). */
static int parse_string(hparser *h, char *out, size_t cap)
{
    skip_space(h);
    if (h->pos >= h->n || (h->s[h->pos] != '\'' && h->s[h->pos] != '"'))
        return bad(h, "a quoted string expected");
    char q = h->s[h->pos++];
    size_t len = 0;
    while (h->pos < h->n && h->s[h->pos] != q) {
        char c = h->s[h->pos];
        if (c == '\\')
            return bad(h, "escapes in strings are not supported");
        if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
            return bad(h, "a string with a control or non-ASCII byte");
        if (len + 1 >= cap)
            return bad(h, "a string too long for a key or a dtype");
        out[len++] = c;
        h->pos++;
    }
    if (h->pos >= h->n)
        return bad(h, "an unterminated string");
    h->pos++;
    out[len] = '\0';
    return NN_OK;
}

/* True or False. */
static int parse_bool(hparser *h, int *v)
{
    skip_space(h);
    const char *p = h->s + h->pos;
    size_t left = h->n - h->pos;
    if (left >= 4 && memcmp(p, "True", 4) == 0)
        *v = 1, h->pos += 4;
    else if (left >= 5 && memcmp(p, "False", 5) == 0)
        *v = 0, h->pos += 5;
    else
        return bad(h, "True or False expected");
    if (h->pos < h->n && (h->s[h->pos] == '_' || (h->s[h->pos] >= 'A' && h->s[h->pos] <= 'z') ||
                          (h->s[h->pos] >= '0' && h->s[h->pos] <= '9')))
        return bad(h, "True or False expected");
    return NN_OK;
}

/* A non-negative decimal integer, no leading zeros (as Python writes it). */
static int parse_dim(hparser *h, size_t *v)
{
    skip_space(h);
    size_t start = h->pos, x = 0;
    while (h->pos < h->n && h->s[h->pos] >= '0' && h->s[h->pos] <= '9') {
        size_t d = (size_t)(h->s[h->pos] - '0');
        if (x > (SIZE_MAX - d) / 10)
            return bad(h, "a dimension too large");
        x = x * 10 + d;
        h->pos++;
    }
    if (h->pos == start)
        return bad(h, "a dimension (a whole number) expected");
    if (h->pos - start > 1 && h->s[start] == '0')
        return bad(h, "a dimension with a leading zero");
    *v = x;
    return NN_OK;
}

/* A tuple of dimensions: (), (N,), (N, M) or (N, M,), and so on. */
static int parse_shape(hparser *h, nn_npy *a)
{
    int rc = expect(h, '(', "a tuple '(...)' expected for the shape");
    if (rc)
        return rc;
    a->ndim = 0;
    skip_space(h);
    if (h->pos < h->n && h->s[h->pos] == ')') {
        h->pos++;
        return NN_OK;
    }
    for (;;) {
        if (a->ndim == NN_NPY_MAX_DIMS)
            return bad(h, "more than 32 dimensions");
        if ((rc = parse_dim(h, &a->shape[a->ndim])))
            return rc;
        a->ndim++;
        skip_space(h);
        char c = h->pos < h->n ? h->s[h->pos] : '\0';
        if (c == ',') {
            h->pos++;
            skip_space(h);
            if (h->pos < h->n && h->s[h->pos] == ')') {
                h->pos++;
                return NN_OK;
            }
        } else if (c == ')' && a->ndim == 1) {
            return bad(h, "a shape of one dimension needs its comma, as in (10,)");
        } else if (c == ')') {
            h->pos++;
            return NN_OK;
        } else {
            return bad(h, "',' or ')' expected in the shape");
        }
    }
}

/* The dtype string: float32 or float64, little- or big-endian. */
static int parse_descr(hparser *h, dtype *t)
{
    char s[32];
    size_t at = h->pos;
    int rc = parse_string(h, s, sizeof s);
    if (rc)
        return rc;
    if ((s[0] == '<' || s[0] == '>') && (strcmp(s + 1, "f4") == 0 || strcmp(s + 1, "f8") == 0)) {
        t->big = s[0] == '>';
        t->size = s[2] == '4' ? 4 : 8;
        return NN_OK;
    }
    h->pos = at;
    return nn_fail(h->err, NN_ERR_FORMAT,
                   "%s: dtype '%s' is not supported (float32 '<f4' or '>f4'; float64 '<f8' or "
                   "'>f8' when every value is a float32)",
                   h->name, s);
}

/* One "key: value" item; seen counts each key. */
static int parse_item(hparser *h, nn_npy *a, dtype *t, int *fortran, int seen[3])
{
    char key[32];
    int rc = parse_string(h, key, sizeof key);
    if (rc)
        return rc;
    int k = strcmp(key, "descr") == 0 ? 0 : strcmp(key, "fortran_order") == 0 ? 1
            : strcmp(key, "shape") == 0 ? 2 : -1;
    if (k < 0)
        return bad(h, "an unknown key (only 'descr', 'fortran_order' and 'shape')");
    if (seen[k]++)
        return bad(h, "a key given twice");
    if ((rc = expect(h, ':', "':' expected after a key")))
        return rc;
    return k == 0 ? parse_descr(h, t) : k == 1 ? parse_bool(h, fortran) : parse_shape(h, a);
}

/* The header's dict, then its padding and the final newline. */
static int parse_dict(hparser *h, nn_npy *a, dtype *t, int *fortran)
{
    int seen[3] = {0, 0, 0}, rc = expect(h, '{', "the header is not a dict ('{' expected)");
    for (;;) {
        skip_space(h);
        if (h->pos < h->n && h->s[h->pos] == '}')
            break;
        if (rc || (rc = parse_item(h, a, t, fortran, seen)))
            return rc;
        skip_space(h);
        if (h->pos < h->n && h->s[h->pos] == ',')
            h->pos++;
        else if (h->pos >= h->n || h->s[h->pos] != '}')
            return bad(h, "',' or '}' expected");
    }
    if (rc)
        return rc;
    h->pos++;
    if (!seen[0] || !seen[1] || !seen[2])
        return bad(h, "'descr', 'fortran_order' and 'shape' are all required");
    while (h->pos + 1 < h->n && h->s[h->pos] == ' ')
        h->pos++;
    if (h->pos + 1 != h->n || h->s[h->pos] != '\n')
        return bad(h, "only spaces and a final newline may follow the dict");
    return NN_OK;
}

/* The magic, the version and the header's extent: sets *header and *hlen. */
static int read_preamble(const uint8_t *buf, size_t len, const char *name, size_t *header,
                         size_t *hlen, nn_error *err)
{
    if (len < MAGIC_LEN + 4 || memcmp(buf, MAGIC, MAGIC_LEN) != 0)
        return nn_fail(err, NN_ERR_FORMAT, "%s: not a .npy array (no \\x93NUMPY magic)", name);
    unsigned major = buf[6], minor = buf[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: .npy format version %u.%u is not supported (1.0, 2.0, 3.0)", name,
                       major, minor);
    if (major == 1) {
        *header = 10;
        *hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
    } else {
        if (len < 12)
            return nn_fail(err, NN_ERR_FORMAT, "%s: truncated inside the .npy header length",
                           name);
        *header = 12;
        *hlen = nn_load_u32le(buf + 8);
    }
    if (*hlen > len - *header)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: truncated: a .npy header of %zu bytes, but only %zu follow", name,
                       *hlen, len - *header);
    return NN_OK;
}

/* The value of type t at p into *v; -1 (with the value in *d) for a float64
 * that no float32 equals.  Infinities and NaN convert (the caller decides). */
static int load_value(const uint8_t *p, dtype t, float *v, double *d)
{
    uint8_t b[8];
    for (size_t i = 0; i < t.size; i++)
        b[i] = t.big ? p[t.size - 1 - i] : p[i];
    if (t.size == 4) {
        *v = nn_load_f32le(b);
        return 0;
    }
    uint64_t bits = nn_load_u64le(b);
    memcpy(d, &bits, sizeof *d);
    if (isfinite(*d) && (fabs(*d) > FLT_MAX || (double)(float)*d != *d))
        return -1;
    *v = (float)*d;
    return 0;
}

/* C-order position of the element at Fortran-order position f. */
static size_t c_index(const nn_npy *a, size_t f)
{
    size_t c = 0, stride = 1, idx[NN_NPY_MAX_DIMS];
    for (size_t k = 0; k < a->ndim; k++) {
        idx[k] = f % a->shape[k];
        f /= a->shape[k];
    }
    for (size_t k = a->ndim; k-- > 0;) {
        c += idx[k] * stride;
        stride *= a->shape[k];
    }
    return c;
}

/* The values after the header (exactly as many bytes as the shape needs),
 * converted to float32 in C order. */
static int read_values(const uint8_t *p, size_t len, const char *name, dtype t, int fortran,
                       nn_npy *a, nn_error *err)
{
    size_t bytes;
    char shape[NN_NPY_SHAPE_CHARS];
    nn_npy_shape_string(shape, sizeof shape, a->ndim, a->shape);
    const char *type = t.size == 4 ? "float32" : "float64";
    if (nni_size_mul(&bytes, a->count, t.size))
        return nn_fail(err, NN_ERR_FORMAT, "%s: shape %s of %s is too large", name, shape, type);
    if (bytes != len)
        return nn_fail(err, NN_ERR_FORMAT,
                       "%s: %s: %zu bytes of data, but shape %s of %s needs %zu", name,
                       bytes > len ? "truncated" : "trailing data", len, shape, type, bytes);
    a->data = nni_alloc(a->count, sizeof *a->data);
    if (!a->data)
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory for %zu values", name, a->count);
    for (size_t i = 0; i < a->count; i++) {
        float v;
        double d;
        if (load_value(p + i * t.size, t, &v, &d) != 0)
            return nn_fail(err, NN_ERR_FORMAT, "%s: float64 value %zu (%.17g) is not exactly a "
                           "float32; save the array as float32 (astype('<f4'))",
                           name, i, d);
        a->data[fortran ? c_index(a, i) : i] = v;
    }
    return NN_OK;
}

int nn_npy_parse(const uint8_t *buf, size_t len, const char *name, nn_npy *a, nn_error *err)
{
    memset(a, 0, sizeof *a);
    if (!name)
        name = ".npy array";
    if (!buf)
        len = 0;
    size_t at = 0, hlen = 0;
    int rc = read_preamble(buf, len, name, &at, &hlen, err);
    if (rc)
        return rc;
    hparser h = {.s = (const char *)buf + at, .n = hlen, .name = name, .err = err};
    dtype t = {4, 0};
    int fortran = 0;
    if ((rc = parse_dict(&h, a, &t, &fortran)))
        return rc;
    a->count = 1;
    for (size_t k = 0; k < a->ndim; k++)
        if (nni_size_mul(&a->count, a->count, a->shape[k]))
            return nn_fail(err, NN_ERR_FORMAT, "%s: the shape's size overflows", name);
    rc = read_values(buf + at + hlen, len - at - hlen, name, t, fortran, a, err);
    if (rc)
        nn_npy_free(a);
    return rc;
}

void nn_npy_free(nn_npy *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}

void nn_npy_shape_string(char *s, size_t cap, size_t ndim, const size_t *shape)
{
    size_t used = 0;
    int n = snprintf(s, cap, "(");
    for (size_t k = 0; k < ndim && n >= 0 && (used += (size_t)n) < cap; k++)
        n = snprintf(s + used, cap - used, k ? ", %zu" : "%zu", shape[k]);
    if (n >= 0 && (used += (size_t)n) < cap)
        snprintf(s + used, cap - used, ndim == 1 ? ",)" : ")");
}

int nn_npy_encode(const float *data, size_t ndim, const size_t *shape, uint8_t **out,
                  size_t *len, nn_error *err)
{
    *out = NULL;
    *len = 0;
    if (ndim > NN_NPY_MAX_DIMS)
        return nn_fail(err, NN_ERR_ARG, "%zu dimensions (at most %d)", ndim, NN_NPY_MAX_DIMS);
    size_t count = 1;
    for (size_t k = 0; k < ndim; k++)
        if (nni_size_mul(&count, count, shape[k]) || count > SIZE_MAX / 4)
            return nn_fail(err, NN_ERR_ARG, "an array too large for memory");
    char shp[NN_NPY_SHAPE_CHARS], dict[NN_NPY_SHAPE_CHARS + 96];
    nn_npy_shape_string(shp, sizeof shp, ndim, shape);
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }",
                     shp);
    size_t dlen = (size_t)n;
    if (ndim > 0) { /* numpy.save's room for the first axis to grow, then the alignment */
        char first[24];
        size_t digits = (size_t)snprintf(first, sizeof first, "%zu", shape[0]);
        dlen += digits < GROWTH_DIGITS ? GROWTH_DIGITS - digits : 0;
    }
    size_t hlen = dlen + 1, pad = ALIGN - (MAGIC_LEN + 4 + hlen) % ALIGN;
    nn_buf b = {0};
    nn_buf_put(&b, MAGIC, MAGIC_LEN);
    nn_buf_put_u8(&b, 1);
    nn_buf_put_u8(&b, 0);
    nn_buf_put_u8(&b, (uint8_t)((hlen + pad) & 0xFF));
    nn_buf_put_u8(&b, (uint8_t)((hlen + pad) >> 8));
    nn_buf_put(&b, dict, (size_t)n);
    for (size_t i = (size_t)n; i < dlen + pad; i++)
        nn_buf_put_u8(&b, ' ');
    nn_buf_put_u8(&b, '\n');
    for (size_t i = 0; i < count; i++)
        nn_buf_put_f32le(&b, data[i]);
    if (b.failed) {
        nn_buf_free(&b);
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for an array of %zu values", count);
    }
    *out = b.data;
    *len = b.len;
    return NN_OK;
}
