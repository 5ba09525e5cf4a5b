/* test_data.c - IDX parsing and loading, labelled data sets. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "nn_data.h"
#include "nn_io.h"
#include "test.h"

/* A temporary directory and the files written into it, removed by td_close. */
typedef struct {
    char dir[64];
    char files[8][128];
    int n;
} tdir;

static int td_open(tdir *t)
{
    memset(t, 0, sizeof *t);
    strcpy(t->dir, "/tmp/nnart-data-XXXXXX");
    return mkdtemp(t->dir) != NULL;
}

/* Writes len bytes to a file called name in the directory; returns its path. */
static const char *td_file(tdir *t, const char *name, const void *buf, size_t len)
{
    if (t->n == 8)
        return "/nonexistent/too-many-files";
    char full[sizeof t->files[0]];
    snprintf(full, sizeof full, "%s/%s", t->dir, name);
    char *path = t->files[t->n++];
    memcpy(path, full, sizeof full);
    FILE *f = fopen(path, "wb");
    if (!f)
        return path;
    if (len)
        fwrite(buf, 1, len, f);
    fclose(f);
    return path;
}

static void td_close(tdir *t)
{
    for (int i = 0; i < t->n; i++)
        remove(t->files[i]);
    rmdir(t->dir);
}

/* Starts an IDX image: magic, type, dimension count and dimensions. */
static void idx_head(nn_buf *b, uint8_t type, size_t ndim, const uint32_t *dims)
{
    nn_buf_put_u8(b, 0);
    nn_buf_put_u8(b, 0);
    nn_buf_put_u8(b, type);
    nn_buf_put_u8(b, (uint8_t)ndim);
    for (size_t i = 0; i < ndim; i++)
        nn_buf_put_u32be(b, dims[i]);
}

/* A complete uint8 IDX image of the given shape with data bytes. */
static void idx_u8(nn_buf *b, size_t ndim, const uint32_t *dims, const uint8_t *data, size_t n)
{
    idx_head(b, 0x08, ndim, dims);
    nn_buf_put(b, data, n);
}

/* Parses buf and checks that it fails with code and a message holding the
 * name "mem.idx" and the phrase want. */
static void expect_parse_fail(const uint8_t *buf, size_t len, int code, const char *want)
{
    nn_idx x;
    nn_error err = {0};
    int rc = nn_idx_parse(buf, len, "mem.idx", &x, &err);
    CHECK(rc == code);
    CHECK(err.code == code);
    CHECK(x.mem == NULL && x.data == NULL && x.count == 0);
    CHECK(strncmp(err.msg, "mem.idx: ", 9) == 0);
    CHECK_MSG(err.msg, want);
    CHECK(strchr(err.msg, '\n') == NULL);
    nn_idx_free(&x);
}

static void test_parse_uint8_3d(void)
{
    uint32_t dims[3] = {2, 2, 3};
    uint8_t data[12];
    for (int i = 0; i < 12; i++)
        data[i] = (uint8_t)(10 * i + 5);
    nn_buf b = {0};
    idx_u8(&b, 3, dims, data, 12);
    CHECK(!b.failed && b.len == 4 + 12 + 12);
    nn_idx x;
    nn_error err = {0};
    CHECK_OK(nn_idx_parse(b.data, b.len, "mem.idx", &x, &err), &err);
    CHECK(x.type == 0x08 && x.ndim == 3 && x.elem_size == 1 && x.count == 12);
    CHECK(x.dims[0] == 2 && x.dims[1] == 2 && x.dims[2] == 3);
    /* The data is a copy: changing the caller's buffer leaves it alone. */
    memset(b.data + 16, 0, 12);
    CHECK(x.data != NULL && memcmp(x.data, data, 12) == 0);
    nn_idx_free(&x);
    CHECK(x.mem == NULL && x.data == NULL);
    nn_buf_free(&b);
}

static void test_parse_uint8_1d(void)
{
    uint32_t dims[1] = {5};
    uint8_t data[5] = {0, 1, 127, 128, 255};
    nn_buf b = {0};
    idx_u8(&b, 1, dims, data, 5);
    nn_idx x;
    nn_error err = {0};
    CHECK_OK(nn_idx_parse(b.data, b.len, "mem.idx", &x, &err), &err);
    CHECK(x.ndim == 1 && x.dims[0] == 5 && x.count == 5);
    CHECK(memcmp(x.data, data, 5) == 0);
    nn_idx_free(&x);
    nn_buf_free(&b);
}

static void test_parse_int8(void)
{
    uint32_t dims[1] = {3};
    const uint8_t raw[3] = {0xFF, 0x80, 0x7F};
    nn_buf b = {0};
    idx_head(&b, 0x09, 1, dims);
    nn_buf_put(&b, raw, 3);
    nn_idx x;
    nn_error err = {0};
    CHECK_OK(nn_idx_parse(b.data, b.len, "mem.idx", &x, &err), &err);
    const int8_t *v = x.data;
    CHECK(x.type == 0x09 && x.elem_size == 1);
    CHECK(v[0] == -1 && v[1] == -128 && v[2] == 127);
    nn_idx_free(&x);
    nn_buf_free(&b);
}

/* The big-endian test images below, shared by the parse and load tests. */
static void build_int16(nn_buf *b)
{
    uint32_t dims[2] = {1, 3};
    const uint8_t raw[6] = {0x12, 0x34, 0xFF, 0xFE, 0x80, 0x00};
    idx_head(b, 0x0B, 2, dims);
    nn_buf_put(b, raw, 6);
}

static void check_int16(const nn_idx *x)
{
    const int16_t *v = x->data;
    CHECK(x->type == 0x0B && x->elem_size == 2 && x->count == 3);
    CHECK(v[0] == 0x1234 && v[1] == -2 && v[2] == -32768);
}

static void build_int32(nn_buf *b)
{
    uint32_t dims[1] = {3};
    const uint8_t raw[12] = {0x01, 0x02, 0x03, 0x04, 0xFF, 0xFF, 0xFF, 0xFD,
                             0x80, 0x00, 0x00, 0x01};
    idx_head(b, 0x0C, 1, dims);
    nn_buf_put(b, raw, 12);
}

static void check_int32(const nn_idx *x)
{
    const int32_t *v = x->data;
    CHECK(x->type == 0x0C && x->elem_size == 4 && x->count == 3);
    CHECK(v[0] == 0x01020304 && v[1] == -3 && v[2] == -2147483647);
}

static void build_float32(nn_buf *b)
{
    uint32_t dims[2] = {2, 1};
    /* 1.5 = 0x3FC00000 and -2.25 = 0xC0100000 in IEEE 754 single precision. */
    const uint8_t raw[8] = {0x3F, 0xC0, 0x00, 0x00, 0xC0, 0x10, 0x00, 0x00};
    idx_head(b, 0x0D, 2, dims);
    nn_buf_put(b, raw, 8);
}

static void check_float32(const nn_idx *x)
{
    const float *v = x->data;
    CHECK(x->type == 0x0D && x->elem_size == 4 && x->count == 2);
    CHECK(v[0] == 1.5f && v[1] == -2.25f);
}

/* Two dimensions put the data at offset 12, not a multiple of 8. */
static void build_float64(nn_buf *b)
{
    uint32_t dims[2] = {1, 2};
    /* 1.5 = 0x3FF8000000000000 and -0.1 = 0xBFB999999999999A in double precision. */
    const uint8_t raw[16] = {0x3F, 0xF8, 0, 0, 0, 0, 0, 0,
                             0xBF, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A};
    idx_head(b, 0x0E, 2, dims);
    nn_buf_put(b, raw, 16);
}

static void check_float64(const nn_idx *x)
{
    const double *v = x->data;
    CHECK(x->type == 0x0E && x->elem_size == 8 && x->count == 2);
    CHECK((uintptr_t)x->data % 8 == 0);
    CHECK(v[0] == 1.5 && v[1] == -0.1);
}

typedef struct {
    const char *name;
    void (*build)(nn_buf *);
    void (*check)(const nn_idx *);
} typed_case;

static const typed_case typed_cases[] = {
    {"int16.idx", build_int16, check_int16},
    {"int32.idx", build_int32, check_int32},
    {"float32.idx", build_float32, check_float32},
    {"float64.idx", build_float64, check_float64},
};

static void test_parse_multibyte_byte_order(void)
{
    for (size_t i = 0; i < sizeof typed_cases / sizeof typed_cases[0]; i++) {
        nn_buf b = {0};
        typed_cases[i].build(&b);
        nn_buf copy = {0};
        nn_buf_put(&copy, b.data, b.len);
        nn_idx x;
        nn_error err = {0};
        CHECK_OK(nn_idx_parse(b.data, b.len, typed_cases[i].name, &x, &err), &err);
        typed_cases[i].check(&x);
        /* The caller's buffer is not swapped in place. */
        CHECK(memcmp(b.data, copy.data, b.len) == 0);
        nn_idx_free(&x);
        nn_buf_free(&b);
        nn_buf_free(&copy);
    }
}

static void test_load_multibyte_byte_order(void)
{
    tdir t;
    CHECK(td_open(&t));
    for (size_t i = 0; i < sizeof typed_cases / sizeof typed_cases[0]; i++) {
        nn_buf b = {0};
        typed_cases[i].build(&b);
        const char *path = td_file(&t, typed_cases[i].name, b.data, b.len);
        nn_idx x;
        nn_error err = {0};
        CHECK_OK(nn_idx_load(path, &x, &err), &err);
        typed_cases[i].check(&x);
        nn_idx_free(&x);
        nn_buf_free(&b);
    }
    td_close(&t);
}

static void test_load_uint8(void)
{
    uint32_t dims[3] = {3, 1, 2};
    const uint8_t data[6] = {9, 8, 7, 6, 5, 4};
    nn_buf b = {0};
    idx_u8(&b, 3, dims, data, 6);
    tdir t;
    CHECK(td_open(&t));
    const char *path = td_file(&t, "u8.idx", b.data, b.len);
    nn_idx x;
    nn_error err = {0};
    CHECK_OK(nn_idx_load(path, &x, &err), &err);
    CHECK(x.ndim == 3 && x.dims[0] == 3 && x.dims[1] == 1 && x.dims[2] == 2 && x.count == 6);
    CHECK(x.data != NULL && memcmp(x.data, data, 6) == 0);
    nn_idx_free(&x);
    td_close(&t);
    nn_buf_free(&b);
}

static void test_bad_magic(void)
{
    const uint8_t a[9] = {0x00, 0x01, 0x08, 0x01, 0, 0, 0, 1, 42};
    const uint8_t b[9] = {0x12, 0x00, 0x08, 0x01, 0, 0, 0, 1, 42};
    expect_parse_fail(a, sizeof a, NN_ERR_FORMAT, "not an IDX file");
    expect_parse_fail(b, sizeof b, NN_ERR_FORMAT, "not an IDX file");
    expect_parse_fail(b, sizeof b, NN_ERR_FORMAT, "12 00");
}

static void test_unknown_type(void)
{
    const uint8_t a[9] = {0, 0, 0x07, 0x01, 0, 0, 0, 1, 42};
    const uint8_t b[9] = {0, 0, 0x0A, 0x01, 0, 0, 0, 1, 42};
    expect_parse_fail(a, sizeof a, NN_ERR_FORMAT, "unknown element type 0x07");
    expect_parse_fail(b, sizeof b, NN_ERR_FORMAT, "unknown element type 0x0A");
}

static void test_ndim_zero(void)
{
    const uint8_t a[5] = {0, 0, 0x08, 0, 42};
    expect_parse_fail(a, sizeof a, NN_ERR_FORMAT, "declares 0 dimensions");
}

static void test_ndim_too_large(void)
{
    /* Nine dimensions of 1 and one data byte: well formed but for the count. */
    nn_buf b = {0};
    uint32_t dims[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    idx_head(&b, 0x08, 9, dims);
    nn_buf_put_u8(&b, 42);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "declares 9 dimensions, at most 8");
    nn_buf_free(&b);
    /* Eight are accepted. */
    b = (nn_buf){0};
    idx_head(&b, 0x08, 8, dims);
    nn_buf_put_u8(&b, 42);
    nn_idx x;
    nn_error err = {0};
    CHECK_OK(nn_idx_parse(b.data, b.len, "mem.idx", &x, &err), &err);
    CHECK(x.ndim == 8 && x.count == 1 && ((uint8_t *)x.data)[0] == 42);
    nn_idx_free(&x);
    nn_buf_free(&b);
}

static void test_truncated_header(void)
{
    const uint8_t a[3] = {0, 0, 0x08};
    expect_parse_fail(a, sizeof a, NN_ERR_FORMAT, "truncated header");
    /* Three dimensions need 16 header bytes; only one dimension is there. */
    const uint8_t b[8] = {0, 0, 0x08, 0x03, 0, 0, 0, 1};
    expect_parse_fail(b, sizeof b, NN_ERR_FORMAT, "truncated header");
    expect_parse_fail(b, sizeof b, NN_ERR_FORMAT, "16");
    expect_parse_fail(b, 4, NN_ERR_FORMAT, "truncated header");
}

static void test_truncated_data(void)
{
    uint32_t dims[2] = {2, 3};
    const uint8_t data[5] = {1, 2, 3, 4, 5};
    nn_buf b = {0};
    idx_u8(&b, 2, dims, data, 5);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT,
                      "truncated: header declares 6 bytes of data, file has 5");
    nn_buf_free(&b);
    /* int32 elements count four bytes each. */
    b = (nn_buf){0};
    idx_head(&b, 0x0C, 2, dims);
    nn_buf_put(&b, data, 5);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT,
                      "truncated: header declares 24 bytes of data, file has 5");
    nn_buf_free(&b);
}

static void test_trailing_bytes(void)
{
    uint32_t dims[2] = {2, 3};
    const uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    nn_buf b = {0};
    idx_u8(&b, 2, dims, data, 8);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "trailing garbage: 2 bytes after the data");
    nn_buf_free(&b);
}

static void test_empty_dimension(void)
{
    uint32_t dims[3] = {4, 0, 2};
    nn_buf b = {0};
    idx_head(&b, 0x08, 3, dims);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "declares an empty dimension");
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "dimension 2 of 3");
    nn_buf_free(&b);
}

static void test_dims_overflow_32(void)
{
    /* 65536 x 65536 = 2^32 elements: zero in 32-bit arithmetic, which would
     * match the empty data section if the product wrapped. */
    uint32_t dims[2] = {65536, 65536};
    nn_buf b = {0};
    idx_head(&b, 0x08, 2, dims);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "4294967296 bytes");
    nn_buf_free(&b);
    /* 2^30 int32 elements are 2^32 bytes. */
    uint32_t one[1] = {1u << 30};
    b = (nn_buf){0};
    idx_head(&b, 0x0C, 1, one);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "4294967296 bytes");
    nn_buf_free(&b);
}

static void test_dims_overflow_64(void)
{
    uint32_t big[3] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
    nn_buf b = {0};
    idx_head(&b, 0x08, 3, big);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "overflow");
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "4294967295 x 4294967295 x 4294967295");
    nn_buf_free(&b);
    /* 2^16 four times is exactly 2^64: zero in 64-bit arithmetic. */
    uint32_t wrap[4] = {65536, 65536, 65536, 65536};
    b = (nn_buf){0};
    idx_head(&b, 0x08, 4, wrap);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "overflow");
    nn_buf_free(&b);
    /* The element count fits in 64 bits, its size in bytes does not. */
    uint32_t two[2] = {0xFFFFFFFFu, 0xFFFFFFFFu};
    b = (nn_buf){0};
    idx_head(&b, 0x0E, 2, two);
    expect_parse_fail(b.data, b.len, NN_ERR_FORMAT, "overflow");
    nn_buf_free(&b);
}

static void test_empty_buffer(void)
{
    const uint8_t z[1] = {0};
    expect_parse_fail(z, 0, NN_ERR_FORMAT, "empty");
    nn_idx x;
    CHECK(nn_idx_parse(NULL, 0, "mem.idx", &x, NULL) == NN_ERR_FORMAT);
}

/* The failing load of path gives code and a message naming path and want. */
static void expect_load_fail(const char *path, int code, const char *want)
{
    nn_idx x;
    nn_error err = {0};
    CHECK(nn_idx_load(path, &x, &err) == code);
    CHECK(err.code == code);
    CHECK(x.mem == NULL && x.data == NULL);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0);
    CHECK_MSG(err.msg, want);
    nn_idx_free(&x);
}

static void test_load_errors(void)
{
    tdir t;
    CHECK(td_open(&t));
    const char *empty = td_file(&t, "empty.idx", "", 0);
    expect_load_fail(empty, NN_ERR_FORMAT, "empty");
    expect_load_fail(t.dir, NN_ERR_IO, "directory");
    char missing[128];
    snprintf(missing, sizeof missing, "%s/missing.idx", t.dir);
    expect_load_fail(missing, NN_ERR_IO, "cannot open");
    const uint8_t trunc[10] = {0, 0, 0x08, 0x01, 0, 0, 0, 9, 1, 2};
    const char *tp = td_file(&t, "trunc.idx", trunc, sizeof trunc);
    expect_load_fail(tp, NN_ERR_FORMAT, "truncated: header declares 9 bytes of data, file has 2");
    const uint8_t magic[9] = {0x01, 0x00, 0x08, 0x01, 0, 0, 0, 1, 7};
    const char *mp = td_file(&t, "magic.idx", magic, sizeof magic);
    expect_load_fail(mp, NN_ERR_FORMAT, "not an IDX file");
    td_close(&t);
}

/* A gzip-compressed IDX file loads like the raw one, whatever its name; a
 * damaged one fails with a message naming it.  The .gz files are made by the
 * system's gzip from the raw file. */
static void test_load_gzip(void)
{
    uint32_t dims[3] = {3, 4, 5};
    uint8_t pix[60];
    for (int i = 0; i < 60; i++)
        pix[i] = (uint8_t)(i % 7 == 0 ? 0 : 4 * i + 1);
    nn_buf b = {0};
    idx_u8(&b, 3, dims, pix, sizeof pix);
    tdir t;
    CHECK(td_open(&t));
    const char *raw = td_file(&t, "x-idx3-ubyte", b.data, b.len);
    char gz[160], cmd[512];
    snprintf(gz, sizeof gz, "%s/x-idx3-ubyte.gz", t.dir);
    snprintf(cmd, sizeof cmd, "gzip -n -9 -c '%s' > '%s'", raw, gz);
    CHECK(system(cmd) == 0);
    nn_idx x;
    nn_error err = {0};
    CHECK_OK(nn_idx_load(gz, &x, &err), &err);
    CHECK(x.ndim == 3 && x.dims[0] == 3 && x.dims[1] == 4 && x.dims[2] == 5 && x.count == 60);
    CHECK(x.data != NULL && memcmp(x.data, pix, sizeof pix) == 0);
    nn_idx_free(&x);

    /* The magic decides, not the name: gzip data under a raw-looking name. */
    uint8_t *z;
    size_t zlen;
    CHECK_OK(nn_read_file(gz, &z, &zlen, 1 << 20, &err), &err);
    const char *renamed = td_file(&t, "y-idx3-ubyte", z, zlen);
    CHECK_OK(nn_idx_load(renamed, &x, &err), &err);
    CHECK(x.count == 60 && x.data != NULL && memcmp(x.data, pix, sizeof pix) == 0);
    nn_idx_free(&x);

    /* Cut short, or with a wrong checksum: a format error naming the file. */
    const char *cut = td_file(&t, "cut.gz", z, zlen - 5);
    expect_load_fail(cut, NN_ERR_FORMAT, "truncated");
    z[zlen - 8] ^= 0x01;
    const char *bad = td_file(&t, "bad.gz", z, zlen);
    expect_load_fail(bad, NN_ERR_FORMAT, "CRC-32 mismatch");
    /* The start of a gzip member and nothing more. */
    const uint8_t head[12] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03, 0x03, 0x00};
    const char *stub = td_file(&t, "stub.gz", head, sizeof head);
    expect_load_fail(stub, NN_ERR_FORMAT, "truncated");
    /* Well-formed gzip around something that is not IDX. */
    const char *txt = td_file(&t, "text", "hello\n", 6);
    char tgz[160];
    snprintf(tgz, sizeof tgz, "%s/text.gz", t.dir);
    snprintf(cmd, sizeof cmd, "gzip -n -c '%s' > '%s'", txt, tgz);
    CHECK(system(cmd) == 0);
    expect_load_fail(tgz, NN_ERR_FORMAT, "not an IDX file");
    remove(gz);
    remove(tgz);
    free(z);
    nn_buf_free(&b);
    td_close(&t);
}

/* Two uint8 images of 2 x 3 pixels and their labels, in memory. */
static void dataset_inputs(nn_idx *images, nn_idx *labels, nn_error *err)
{
    uint32_t idims[3] = {2, 2, 3};
    const uint8_t pix[12] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 255};
    uint32_t ldims[1] = {2};
    const uint8_t lab[2] = {4, 1};
    nn_buf b = {0};
    idx_u8(&b, 3, idims, pix, 12);
    CHECK_OK(nn_idx_parse(b.data, b.len, "img.idx", images, err), err);
    nn_buf_free(&b);
    idx_u8(&b, 1, ldims, lab, 2);
    CHECK_OK(nn_idx_parse(b.data, b.len, "lab.idx", labels, err), err);
    nn_buf_free(&b);
}

static void test_dataset_from_idx(void)
{
    nn_idx images, labels;
    nn_error err = {0};
    dataset_inputs(&images, &labels, &err);
    nn_dataset d;
    CHECK_OK(nn_dataset_from_idx(&images, "img.idx", &labels, "lab.idx", &d, &err), &err);
    CHECK(d.n == 2 && d.rows == 2 && d.cols == 3 && d.dim == 6);
    CHECK(d.n_classes == 5);
    CHECK(d.pixels != NULL && d.pixels != images.data);
    CHECK(memcmp(d.pixels, images.data, 12) == 0);
    CHECK(d.labels != NULL && d.labels[0] == 4 && d.labels[1] == 1);
    nn_dataset_free(&d);
    CHECK(d.pixels == NULL && d.labels == NULL && d.n == 0);
    /* Without labels. */
    CHECK_OK(nn_dataset_from_idx(&images, "img.idx", NULL, NULL, &d, &err), &err);
    CHECK(d.n == 2 && d.labels == NULL && d.n_classes == 0);
    CHECK(d.pixels[11] == 255);
    nn_dataset_free(&d);
    nn_idx_free(&images);
    nn_idx_free(&labels);
}

static void test_dataset_2d_images(void)
{
    uint32_t dims[2] = {3, 2};
    const uint8_t pix[6] = {1, 2, 3, 4, 5, 6};
    nn_buf b = {0};
    idx_u8(&b, 2, dims, pix, 6);
    nn_idx images;
    nn_error err = {0};
    CHECK_OK(nn_idx_parse(b.data, b.len, "flat.idx", &images, &err), &err);
    nn_dataset d;
    CHECK_OK(nn_dataset_from_idx(&images, "flat.idx", NULL, NULL, &d, &err), &err);
    CHECK(d.n == 3 && d.dim == 2 && d.rows == 1 && d.cols == 2);
    CHECK(memcmp(d.pixels, pix, 6) == 0);
    nn_dataset_free(&d);
    nn_idx_free(&images);
    nn_buf_free(&b);
}

/* nn_dataset_from_idx fails with NN_ERR_FORMAT and a message starting with
 * who and holding want. */
static void expect_dataset_fail(const nn_idx *images, const nn_idx *labels, const char *who,
                                const char *want)
{
    nn_dataset d;
    nn_error err = {0};
    CHECK(nn_dataset_from_idx(images, "img.idx", labels, "lab.idx", &d, &err) == NN_ERR_FORMAT);
    CHECK(d.pixels == NULL && d.labels == NULL);
    CHECK(strncmp(err.msg, who, strlen(who)) == 0);
    CHECK_MSG(err.msg, want);
    nn_dataset_free(&d);
}

static void test_dataset_mismatch(void)
{
    nn_idx images, labels;
    nn_error err = {0};
    dataset_inputs(&images, &labels, &err);
    /* Three labels for the two images. */
    uint32_t ldims[1] = {3};
    const uint8_t lab[3] = {1, 2, 3};
    nn_buf b = {0};
    idx_u8(&b, 1, ldims, lab, 3);
    nn_idx three;
    CHECK_OK(nn_idx_parse(b.data, b.len, "lab.idx", &three, &err), &err);
    nn_buf_free(&b);
    expect_dataset_fail(&images, &three, "lab.idx: ", "3 labels for 2 images in img.idx");
    nn_idx_free(&three);

    /* int16 images. */
    build_int16(&b);
    nn_idx wide;
    CHECK_OK(nn_idx_parse(b.data, b.len, "img.idx", &wide, &err), &err);
    nn_buf_free(&b);
    expect_dataset_fail(&wide, &labels, "img.idx: ", "images must be uint8");
    expect_dataset_fail(&wide, &labels, "img.idx: ", "int16");
    nn_idx_free(&wide);

    /* Labels with two dimensions (2 x 1). */
    uint32_t l2[2] = {2, 1};
    idx_u8(&b, 2, l2, lab, 2);
    nn_idx lab2;
    CHECK_OK(nn_idx_parse(b.data, b.len, "lab.idx", &lab2, &err), &err);
    nn_buf_free(&b);
    expect_dataset_fail(&images, &lab2, "lab.idx: ", "labels must have 1 dimension");

    /* One-dimensional images. */
    expect_dataset_fail(&labels, &labels, "img.idx: ", "images must have 2 dimensions");
    nn_idx_free(&lab2);
    nn_idx_free(&images);
    nn_idx_free(&labels);
}

static void test_dataset_load(void)
{
    uint32_t idims[3] = {3, 2, 2};
    const uint8_t pix[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    uint32_t ldims[1] = {3};
    const uint8_t lab[3] = {3, 0, 5};
    nn_buf bi = {0}, bl = {0};
    idx_u8(&bi, 3, idims, pix, 12);
    idx_u8(&bl, 1, ldims, lab, 3);
    tdir t;
    CHECK(td_open(&t));
    const char *ip = td_file(&t, "images.idx", bi.data, bi.len);
    const char *lp = td_file(&t, "labels.idx", bl.data, bl.len);
    nn_dataset d;
    nn_error err = {0};
    CHECK_OK(nn_dataset_load(ip, lp, &d, &err), &err);
    CHECK(d.n == 3 && d.rows == 2 && d.cols == 2 && d.dim == 4 && d.n_classes == 6);
    CHECK(d.pixels != NULL && memcmp(d.pixels, pix, 12) == 0);
    CHECK(d.labels != NULL && memcmp(d.labels, lab, 3) == 0);
    nn_dataset_free(&d);
    CHECK_OK(nn_dataset_load(ip, NULL, &d, &err), &err);
    CHECK(d.n == 3 && d.labels == NULL && d.n_classes == 0);
    CHECK(memcmp(d.pixels, pix, 12) == 0);
    nn_dataset_free(&d);

    /* Images and labels swapped: the labels file is 1-D. */
    CHECK(nn_dataset_load(lp, ip, &d, &err) == NN_ERR_FORMAT);
    CHECK(strncmp(err.msg, lp, strlen(lp)) == 0);
    CHECK_MSG(err.msg, "images must have 2 dimensions");
    CHECK(d.pixels == NULL && d.labels == NULL);

    /* Two labels for three images. */
    nn_buf_free(&bl);
    ldims[0] = 2;
    idx_u8(&bl, 1, ldims, lab, 2);
    const char *short_lp = td_file(&t, "short.idx", bl.data, bl.len);
    CHECK(nn_dataset_load(ip, short_lp, &d, &err) == NN_ERR_FORMAT);
    CHECK(strncmp(err.msg, short_lp, strlen(short_lp)) == 0);
    CHECK_MSG(err.msg, "2 labels for 3 images in ");
    CHECK_MSG(err.msg, ip);

    /* A missing labels file is named. */
    char missing[128];
    snprintf(missing, sizeof missing, "%s/nope.idx", t.dir);
    CHECK(nn_dataset_load(ip, missing, &d, &err) == NN_ERR_IO);
    CHECK(strncmp(err.msg, missing, strlen(missing)) == 0);
    CHECK(d.pixels == NULL);
    td_close(&t);
    nn_buf_free(&bi);
    nn_buf_free(&bl);
}

/* The bundled MNIST test set (unpacked by `make data`). */
static void test_mnist_t10k(void)
{
    nn_dataset d;
    nn_error err = {0};
    CHECK_OK(nn_dataset_load("data/t10k-images-idx3-ubyte", "data/t10k-labels-idx1-ubyte", &d,
                             &err),
             &err);
    if (!d.pixels)
        return;
    CHECK(d.n == 10000 && d.rows == 28 && d.cols == 28 && d.dim == 784);
    CHECK(d.n_classes == 10);
    const uint8_t first[10] = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9};
    CHECK(memcmp(d.labels, first, 10) == 0);
    /* The published class sizes of the MNIST test set. */
    const size_t sizes[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    size_t count[10] = {0};
    for (size_t i = 0; i < d.n; i++)
        if (d.labels[i] < 10)
            count[d.labels[i]]++;
    CHECK(memcmp(count, sizes, sizeof sizes) == 0);
    /* The first image, a 7, has a blank top row and ink in the middle. */
    size_t top = 0, ink = 0;
    for (size_t j = 0; j < 28; j++)
        top += d.pixels[j];
    for (size_t j = 0; j < 784; j++)
        ink += d.pixels[j] != 0;
    CHECK(top == 0 && ink > 50 && ink < 400);
    nn_dataset_free(&d);
}

int main(void)
{
    RUN(test_parse_uint8_3d);
    RUN(test_parse_uint8_1d);
    RUN(test_parse_int8);
    RUN(test_parse_multibyte_byte_order);
    RUN(test_load_multibyte_byte_order);
    RUN(test_load_uint8);
    RUN(test_bad_magic);
    RUN(test_unknown_type);
    RUN(test_ndim_zero);
    RUN(test_ndim_too_large);
    RUN(test_truncated_header);
    RUN(test_truncated_data);
    RUN(test_trailing_bytes);
    RUN(test_empty_dimension);
    RUN(test_dims_overflow_32);
    RUN(test_dims_overflow_64);
    RUN(test_empty_buffer);
    RUN(test_load_errors);
    RUN(test_load_gzip);
    RUN(test_dataset_from_idx);
    RUN(test_dataset_2d_images);
    RUN(test_dataset_mismatch);
    RUN(test_dataset_load);
    RUN(test_mnist_t10k);
    return t_summary();
}
