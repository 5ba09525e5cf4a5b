/* test_npz.c - the zip reader and writer, the .npy reader and writer and the
 * model's .npz export and import, on archives and arrays built here byte by
 * byte (the layouts of APPNOTE 6.3 and of NumPy's format.py), with CRC-32s
 * and deflate data computed by zlib. */
#include <stdint.h>

#include "nnart.h"
#include "test.h"

/* ---- building bytes by hand ------------------------------------------------ */

typedef struct bytes {
    uint8_t b[4096];
    size_t n;
} bytes;

static void u8(bytes *x, unsigned v) { x->b[x->n++] = (uint8_t)v; }
static void u16(bytes *x, unsigned v) { u8(x, v & 255); u8(x, v >> 8 & 255); }
static void u32(bytes *x, uint32_t v) { u16(x, v & 0xFFFF); u16(x, v >> 16); }
static void u64(bytes *x, uint64_t v) { u32(x, (uint32_t)v); u32(x, (uint32_t)(v >> 32)); }
static void raw(bytes *x, const void *p, size_t n) { memcpy(x->b + x->n, p, n); x->n += n; }
static void str(bytes *x, const char *s) { raw(x, s, strlen(s)); }

/* The fields of one entry as the tests vary them. */
typedef struct entry {
    const char *name;
    unsigned flags, method;
    uint32_t crc;
    const uint8_t *data; /* as stored (compressed if deflated) */
    size_t csize, usize;
    size_t offset; /* of the local header, filled by local() */
} entry;

/* A local header (no extra field) and the data. */
static void local(bytes *x, entry *e)
{
    e->offset = x->n;
    u32(x, 0x04034b50);
    u16(x, 20);
    u16(x, e->flags);
    u16(x, e->method);
    u16(x, 0);
    u16(x, 0x21);
    u32(x, e->crc);
    u32(x, (uint32_t)e->csize);
    u32(x, (uint32_t)e->usize);
    u16(x, (unsigned)strlen(e->name));
    u16(x, 0);
    str(x, e->name);
    raw(x, e->data, e->csize);
}

/* Its central header (no extra field). */
static void central(bytes *x, const entry *e, unsigned disk)
{
    u32(x, 0x02014b50);
    u16(x, 20);
    u16(x, 20);
    u16(x, e->flags);
    u16(x, e->method);
    u16(x, 0);
    u16(x, 0x21);
    u32(x, e->crc);
    u32(x, (uint32_t)e->csize);
    u32(x, (uint32_t)e->usize);
    u16(x, (unsigned)strlen(e->name));
    u16(x, 0);
    u16(x, 0);
    u16(x, disk);
    u16(x, 0);
    u32(x, 0);
    u32(x, (uint32_t)e->offset);
    str(x, e->name);
}

static void end_record(bytes *x, unsigned n, size_t cd_offset, unsigned disk)
{
    size_t cd_size = x->n - cd_offset;
    u32(x, 0x06054b50);
    u16(x, disk);
    u16(x, disk);
    u16(x, n);
    u16(x, n);
    u32(x, (uint32_t)cd_size);
    u32(x, (uint32_t)cd_offset);
    u16(x, 0);
}

/* An archive of the n entries, all on disk `disk` of the central headers. */
static void archive(bytes *x, entry *e, size_t n, unsigned disk)
{
    x->n = 0;
    for (size_t i = 0; i < n; i++)
        local(x, &e[i]);
    size_t cd = x->n;
    for (size_t i = 0; i < n; i++)
        central(x, &e[i], disk);
    end_record(x, (unsigned)n, cd, 0);
}

static const uint8_t abc[] = "abc";
#define ABC_CRC 0x352441c2u
/* "hello, hello, hello, hello\n" deflated by zlib (raw, level 9) */
static const uint8_t hello_deflated[12] = {0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xd7,
                                           0x51, 0xc8, 0xc0, 0xa4, 0xb8, 0x00};
#define HELLO "hello, hello, hello, hello\n"
#define HELLO_CRC 0x29a1214bu

static void expect_zip_error(const bytes *x, const char *want)
{
    nn_zip z;
    nn_error err = {0};
    int rc = nn_zip_parse(x->b, x->n, "t.npz", &z, &err);
    CHECK(rc == NN_ERR_FORMAT);
    CHECK(z.n == 0 && z.entries == NULL);
    CHECK_MSG(err.msg, "t.npz: ");
    CHECK_MSG(err.msg, want);
}

/* ---- zip ------------------------------------------------------------------- */

static void test_zip_stored_and_deflated(void)
{
    entry e[2] = {{.name = "a.txt", .crc = ABC_CRC, .data = abc, .csize = 3, .usize = 3},
                  {.name = "dir/h", .method = 8, .crc = HELLO_CRC, .data = hello_deflated,
                   .csize = sizeof hello_deflated, .usize = strlen(HELLO)}};
    bytes x;
    archive(&x, e, 2, 0);
    nn_zip z;
    nn_error err;
    CHECK_OK(nn_zip_parse(x.b, x.n, "t.npz", &z, &err), &err);
    CHECK(z.n == 2);
    if (z.n == 2) {
        CHECK(strcmp(z.entries[0].name, "a.txt") == 0 && z.entries[0].len == 3);
        CHECK(memcmp(z.entries[0].data, "abc", 3) == 0);
        CHECK(strcmp(z.entries[1].name, "dir/h") == 0 && z.entries[1].len == strlen(HELLO));
        CHECK(memcmp(z.entries[1].data, HELLO, strlen(HELLO)) == 0);
    }
    nn_zip_free(&z);
    /* an archive comment is allowed */
    x.b[x.n - 2] = 3;
    str(&x, "hi!");
    CHECK_OK(nn_zip_parse(x.b, x.n, "t.npz", &z, &err), &err);
    nn_zip_free(&z);
}

static void test_zip_damage(void)
{
    entry e[2] = {{.name = "a", .crc = ABC_CRC, .data = abc, .csize = 3, .usize = 3},
                  {.name = "h", .method = 8, .crc = HELLO_CRC, .data = hello_deflated,
                   .csize = sizeof hello_deflated, .usize = strlen(HELLO)}};
    bytes x, y;
    archive(&x, e, 2, 0);
    y = x;
    y.n -= 1;
    expect_zip_error(&y, "not a zip archive (no end of central directory record");
    y.n = 10;
    expect_zip_error(&y, "too short (10 bytes) to be a zip archive");
    y = x;
    y.b[30 + 1 + 1] ^= 1; /* a byte of "abc" */
    expect_zip_error(&y, "a: CRC-32 mismatch: the data has");
    entry bad = e[1];
    bad.crc ^= 1;
    entry pair[2] = {e[0], bad};
    archive(&y, pair, 2, 0);
    expect_zip_error(&y, "h: CRC-32 mismatch");
    bad = e[1];
    bad.usize += 1; /* the deflate data makes one byte less */
    pair[1] = bad;
    archive(&y, pair, 2, 0);
    expect_zip_error(&y, "h: length mismatch: 27 bytes of data, 28 expected (deflate data, byte");
    bad.usize = 1000000; /* more than 12 deflated bytes can give */
    pair[1] = bad;
    archive(&y, pair, 2, 0);
    expect_zip_error(&y, "h: corrupt: 1000000 bytes cannot come from 12 bytes of deflate data");
    pair[1] = e[1];
    pair[1].flags = 1;
    archive(&y, pair, 2, 0);
    expect_zip_error(&y, "h: encrypted (not supported)");
    pair[1] = e[1];
    pair[1].method = 12;
    archive(&y, pair, 2, 0);
    expect_zip_error(&y, "h: compression method 12 is not supported (only stored and deflate)");
    pair[1] = e[0];
    archive(&y, pair, 2, 0);
    expect_zip_error(&y, "a: two entries of this name");
    pair[1] = e[1];
    pair[1].name = "h\ni"; /* allowed, but shown on one line */
    pair[1].crc ^= 1;
    archive(&y, pair, 2, 0);
    expect_zip_error(&y, "t.npz: h?i: CRC-32 mismatch");
    archive(&y, e, 2, 1);
    expect_zip_error(&y, "a: on disk 1 (multi-disk archives are not supported)");
    archive(&y, e, 2, 0);
    y.b[y.n - 22 + 4] = 1; /* the end record's disk number */
    expect_zip_error(&y, "the archive spans several disks");
}

/* A name with a NUL, a central directory or a local header out of place, a
 * local header that disagrees, and entries that overlap are errors. */
static void test_zip_names_and_ranges(void)
{
    entry e[1] = {{.name = "ab", .crc = ABC_CRC, .data = abc, .csize = 3, .usize = 3}};
    bytes x;
    archive(&x, e, 1, 0);
    bytes y = x;
    y.b[30 + 1] = 0; /* the local name's second byte */
    y.b[35 + 46 + 1] = 0; /* and the central one's */
    expect_zip_error(&y, "the name holds a NUL byte");
    y = x;
    y.b[x.n - 22 + 16] += 1; /* the central directory's offset */
    expect_zip_error(&y, "does not end where the end record begins");
    y = x;
    y.b[35 + 42] = 1; /* the local header's offset */
    expect_zip_error(&y, "ab: no local header at offset 1");
    y = x;
    y.b[35 + 20] = 200; /* compressed size */
    y.b[35 + 24] = 200;
    expect_zip_error(&y, "ab: the local header's CRC-32 or sizes disagree");

    /* "outer" holds, as its data, a whole entry "in": both are sound alone */
    bytes inner = {.n = 0};
    entry in = {.name = "in", .crc = ABC_CRC, .data = abc, .csize = 3, .usize = 3};
    local(&inner, &in);
    entry outer = {.name = "outer", .data = inner.b, .csize = inner.n, .usize = inner.n,
                   .crc = nn_crc32(0, inner.b, inner.n)};
    x.n = 0;
    local(&x, &outer);
    in.offset = 30 + 5;
    size_t cd = x.n;
    central(&x, &outer, 0);
    central(&x, &in, 0);
    end_record(&x, 2, cd, 0);
    expect_zip_error(&x, "in: overlaps the entry outer");
}

/* The entries of a ZIP64 archive by hand: "z" with sizes all ones in its
 * local header and the values in a ZIP64 extra field, then "d" with flag bit
 * 3, its CRC-32 and sizes in a data descriptor (with its signature).
 * Returns the offset of "d". */
static size_t zip64_entries(bytes *x)
{
    x->n = 0;
    u32(x, 0x04034b50);
    u16(x, 45);
    u16(x, 0);
    u16(x, 0);
    u16(x, 0);
    u16(x, 0x21);
    u32(x, ABC_CRC);
    u32(x, 0xFFFFFFFF);
    u32(x, 0xFFFFFFFF);
    u16(x, 1);
    u16(x, 20);
    str(x, "z");
    u16(x, 1);
    u16(x, 16);
    u64(x, 3);
    u64(x, 3);
    str(x, "abc");
    size_t second = x->n;
    entry d = {.name = "d", .flags = 8, .data = abc, .csize = 3};
    local(x, &d); /* CRC-32 and sizes zero here */
    u32(x, 0x08074b50);
    u32(x, ABC_CRC);
    u32(x, 3);
    u32(x, 3);
    return second;
}

/* Their central directory (sizes and offset of "z" in a ZIP64 extra field),
 * a ZIP64 end record and its locator, and an end record of all ones.
 * Returns the central directory's offset. */
static size_t zip64_directory(bytes *x, size_t second)
{
    size_t cd = x->n;
    u32(x, 0x02014b50);
    u16(x, 45);
    u16(x, 45);
    for (int i = 0; i < 3; i++)
        u16(x, 0); /* flags, method, time */
    u16(x, 0x21);
    u32(x, ABC_CRC);
    u32(x, 0xFFFFFFFF);
    u32(x, 0xFFFFFFFF);
    u16(x, 1);
    u16(x, 28);
    for (int i = 0; i < 3; i++)
        u16(x, 0); /* comment, disk, internal attributes */
    u32(x, 0);
    u32(x, 0xFFFFFFFF);
    str(x, "z");
    u16(x, 1);
    u16(x, 24);
    u64(x, 3);
    u64(x, 3);
    u64(x, 0);
    entry d = {.name = "d", .flags = 8, .crc = ABC_CRC, .csize = 3, .usize = 3,
               .offset = second};
    central(x, &d, 0);
    size_t end64 = x->n;
    u32(x, 0x06064b50);
    u64(x, 44);
    u16(x, 45);
    u16(x, 45);
    u32(x, 0);
    u32(x, 0);
    u64(x, 2);
    u64(x, 2);
    u64(x, end64 - cd);
    u64(x, cd);
    u32(x, 0x07064b50);
    u32(x, 0);
    u64(x, end64);
    u32(x, 1);
    u32(x, 0x06054b50);
    u32(x, 0);
    u32(x, 0xFFFFFFFF);
    u32(x, 0xFFFFFFFF);
    u32(x, 0xFFFFFFFF);
    u16(x, 0);
    return cd;
}

static void test_zip64_and_descriptor(void)
{
    bytes x;
    size_t second = zip64_entries(&x), cd = zip64_directory(&x, second);
    nn_zip z;
    nn_error err;
    CHECK_OK(nn_zip_parse(x.b, x.n, "t.npz", &z, &err), &err);
    CHECK(z.n == 2);
    for (size_t i = 0; i < z.n; i++)
        CHECK(z.entries[i].len == 3 && memcmp(z.entries[i].data, "abc", 3) == 0);
    nn_zip_free(&z);
    bytes y = x;
    y.b[x.n - 22 - 20 + 8] -= 1; /* the locator's offset of the ZIP64 end record */
    expect_zip_error(&y, "no ZIP64 end record at offset");
    y = x;
    y.b[cd + 46 + 1 + 2] = 8; /* a ZIP64 field shorter than the three values it must hold */
    expect_zip_error(&y, "z: the ZIP64 extra field is too short (8 bytes)");
    y = x;
    y.b[second + 30 + 1 + 3 + 4 + 4] = 4; /* the descriptor's compressed size */
    expect_zip_error(&y, "d: the data descriptor disagrees with the central directory");
}

/* The writer's archives read back (plain and ZIP64), and its fields are
 * where APPNOTE puts them. */
static void test_zip_writer(void)
{
    nn_zip_entry in[2] = {{.name = "a.npy", .data = (uint8_t *)"abc", .len = 3},
                          {.name = "empty", .data = NULL, .len = 0}};
    for (unsigned flags = 0; flags <= NN_ZIP_ZIP64; flags++) {
        uint8_t *buf;
        size_t len;
        nn_error err;
        CHECK_OK(nn_zip_encode(in, 2, flags, &buf, &len, &err), &err);
        CHECK(nn_load_u32le(buf) == 0x04034b50 && nn_load_u32le(buf + 14) == ABC_CRC);
        CHECK(len == (flags ? 30 + 5 + 20 + 3 + 30 + 5 + 20 + 2 * (46 + 5 + 28) + 56 + 20 + 22
                            : 30 + 5 + 3 + 30 + 5 + 2 * (46 + 5) + 22));
        nn_zip z;
        CHECK_OK(nn_zip_parse(buf, len, "w.npz", &z, &err), &err);
        CHECK(z.n == 2 && z.entries[0].len == 3 && z.entries[1].len == 0);
        CHECK(z.n == 2 && strcmp(z.entries[1].name, "empty") == 0);
        nn_zip_free(&z);
        free(buf);
    }
    nn_zip_entry dup[2] = {in[0], in[0]};
    uint8_t *buf;
    size_t len;
    nn_error err;
    CHECK(nn_zip_encode(dup, 2, 0, &buf, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "a.npy: two zip entries of this name");
}

static void test_inflate(void)
{
    uint8_t *out;
    nn_error err;
    CHECK_OK(nn_inflate(hello_deflated, 12, strlen(HELLO), "h", &out, &err), &err);
    CHECK(out && memcmp(out, HELLO, strlen(HELLO)) == 0);
    free(out);
    CHECK(nn_inflate(hello_deflated, 12, 5, "h", &out, &err) == NN_ERR_FORMAT && !out);
    CHECK_MSG(err.msg, "h: corrupt: more data than the 5 bytes expected (deflate data, byte");
    uint8_t more[13];
    memcpy(more, hello_deflated, 12);
    more[12] = 0;
    CHECK(nn_inflate(more, 13, strlen(HELLO), "h", &out, &err) == NN_ERR_FORMAT);
    CHECK_MSG(err.msg, "h: trailing data: 1 bytes after the end of the deflate stream");
    CHECK(nn_inflate(hello_deflated, 7, strlen(HELLO), "h", &out, &err) == NN_ERR_FORMAT);
    CHECK_MSG(err.msg, "h: truncated");
}

/* ---- npy ------------------------------------------------------------------- */

/* A .npy file: version major.0, the dict padded to 64 bytes, then the data. */
static void npy(bytes *x, unsigned major, const char *dict, const void *data, size_t n)
{
    size_t pre = major == 1 ? 10 : 12, hlen = strlen(dict) + 1;
    hlen += 64 - (pre + hlen) % 64;
    x->n = 0;
    raw(x, "\x93NUMPY", 6);
    u8(x, major);
    u8(x, 0);
    if (major == 1)
        u16(x, (unsigned)hlen);
    else
        u32(x, (uint32_t)hlen);
    str(x, dict);
    while (x->n < pre + hlen - 1)
        u8(x, ' ');
    u8(x, '\n');
    raw(x, data, n);
}

static void expect_npy_error(const bytes *x, const char *want)
{
    nn_npy a;
    nn_error err = {0};
    CHECK(nn_npy_parse(x->b, x->n, "a.npy", &a, &err) == NN_ERR_FORMAT);
    CHECK(a.data == NULL);
    CHECK_MSG(err.msg, "a.npy: ");
    CHECK_MSG(err.msg, want);
}

static void test_npy_read(void)
{
    const float v[6] = {1, 2, 3, 4, 5, -6.5f};
    bytes x;
    nn_npy a;
    nn_error err;
    for (unsigned major = 1; major <= 3; major++) {
        npy(&x, major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", v, 24);
        CHECK_OK(nn_npy_parse(x.b, x.n, "a.npy", &a, &err), &err);
        CHECK(a.ndim == 2 && a.shape[0] == 2 && a.shape[1] == 3 && a.count == 6);
        CHECK(a.data && memcmp(a.data, v, sizeof v) == 0);
        nn_npy_free(&a);
    }
    /* keys in another order, double quotes, no trailing comma, tabs */
    npy(&x, 1, "{\"shape\":(6,),\t'fortran_order':False,'descr':\"<f4\"}", v, 24);
    CHECK_OK(nn_npy_parse(x.b, x.n, "a.npy", &a, &err), &err);
    CHECK(a.ndim == 1 && a.shape[0] == 6);
    nn_npy_free(&a);
    npy(&x, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", v, 4);
    CHECK_OK(nn_npy_parse(x.b, x.n, "a.npy", &a, &err), &err);
    CHECK(a.ndim == 0 && a.count == 1 && a.data[0] == 1.0f);
    nn_npy_free(&a);
    /* Fortran order: element (i, j) at i + 2 j */
    npy(&x, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", v, 24);
    CHECK_OK(nn_npy_parse(x.b, x.n, "a.npy", &a, &err), &err);
    const float c_order[6] = {1, 3, 5, 2, 4, -6.5f};
    CHECK(a.data && memcmp(a.data, c_order, sizeof c_order) == 0);
    nn_npy_free(&a);
}

static void test_npy_dtypes(void)
{
    const uint8_t be[8] = {0x3f, 0x80, 0, 0, 0xc0, 0x00, 0, 0}; /* 1.0f, -2.0f big-endian */
    bytes x;
    nn_npy a;
    nn_error err;
    npy(&x, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be, 8);
    CHECK_OK(nn_npy_parse(x.b, x.n, "a.npy", &a, &err), &err);
    CHECK(a.data && a.data[0] == 1.0f && a.data[1] == -2.0f);
    nn_npy_free(&a);
    const double exact[2] = {0.5, -3.0e-40}; /* a float32 denormal is exact too */
    double d = (double)(float)exact[1];
    const double ok[2] = {exact[0], d};
    npy(&x, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", ok, 16);
    CHECK_OK(nn_npy_parse(x.b, x.n, "a.npy", &a, &err), &err);
    CHECK(a.data && a.data[0] == 0.5f && a.data[1] == (float)d);
    nn_npy_free(&a);
    const double tenth[2] = {0.5, 0.1};
    npy(&x, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", tenth, 16);
    expect_npy_error(&x, "float64 value 1 (0.10000000000000001) is not exactly a float32");
    const double huge[1] = {1e300};
    npy(&x, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", huge, 8);
    expect_npy_error(&x, "float64 value 0 (1.0000000000000001e+300) is not exactly a float32");
    npy(&x, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", be, 4);
    expect_npy_error(&x, "dtype '<i4' is not supported");
}

static void test_npy_strict(void)
{
    const float v[2] = {1, 2};
    static const struct {
        const char *dict, *want;
    } bad[] = {
        {"{'descr': '<f4', 'shape': (2,), }", "are all required"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "a key given twice"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "an unknown key"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "needs its comma, as in (10,)"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (02,)}", "a leading zero"},
        {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "True or False expected"},
        {"{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,)}", "True or False expected"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", "only spaces and a final newline"},
        {"{'descr': '<\\x66\\x34', 'fortran_order': False, 'shape': (2,)}", "escapes in strings"},
        {"['descr', '<f4']", "the header is not a dict"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2,, )}", "a dimension (a whole number) expected"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}", "a dimension too large"},
    };
    bytes x;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        npy(&x, 1, bad[i].dict, v, 8);
        expect_npy_error(&x, bad[i].want);
    }
    npy(&x, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", v, 8);
    expect_npy_error(&x, "truncated: 8 bytes of data, but shape (3,) of float32 needs 12");
    npy(&x, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", v, 8);
    expect_npy_error(&x, "trailing data: 8 bytes of data, but shape (1,) of float32 needs 4");
    npy(&x, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296)}", v, 8);
    expect_npy_error(&x, "the shape's size overflows");
    npy(&x, 4, "{}", v, 0);
    expect_npy_error(&x, ".npy format version 4.0 is not supported (1.0, 2.0, 3.0)");
    npy(&x, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", v, 8);
    x.b[x.n - 9] = ' '; /* the header's newline */
    expect_npy_error(&x, "only spaces and a final newline may follow the dict");
    x.n = 40;
    expect_npy_error(&x, "truncated: a .npy header of 118 bytes, but only 30 follow");
    x.n = 0;
    expect_npy_error(&x, "not a .npy array (no \\x93NUMPY magic)");
}

/* nn_npy_encode writes NumPy's bytes: those of numpy.save of a float32 array
 * (NumPy 1.24: 'shape' with room for 21 digits of the first axis, the data at
 * byte 128 here). */
static void test_npy_write(void)
{
    static const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (784, 10), }";
    char want[128];
    memcpy(want, "\x93NUMPY\x01\x00\x76\x00", 10);
    memset(want + 10, ' ', sizeof want - 10);
    memcpy(want + 10, dict, strlen(dict));
    want[127] = '\n';
    float *v = calloc(7840, sizeof *v);
    if (!v)
        return;
    v[7839] = -1.5f;
    const size_t shape[2] = {784, 10};
    uint8_t *buf;
    size_t len;
    nn_error err;
    CHECK_OK(nn_npy_encode(v, 2, shape, &buf, &len, &err), &err);
    CHECK(len == 128 + 4 * 7840);
    CHECK(memcmp(buf, want, 128) == 0);
    CHECK(nn_load_f32le(buf + len - 4) == -1.5f);
    free(buf);
    free(v);
    const size_t ten = 10; /* "(10,), }" and 21 - 2 spaces: still 128 bytes of header */
    float z[10] = {0};
    CHECK_OK(nn_npy_encode(z, 1, &ten, &buf, &len, &err), &err);
    CHECK(len == 128 + 40 && buf[8] == 0x76 && buf[127] == '\n');
    CHECK(memcmp(buf + 10 + 50, "(10,), }", 8) == 0);
    free(buf);
    CHECK_OK(nn_npy_encode(z, 0, NULL, &buf, &len, &err), &err);
    CHECK(len == 128 + 4 && memcmp(buf + 10 + 50, "(), }", 5) == 0);
    free(buf);
}

/* ---- models ------------------------------------------------------------------ */

static void small_model(nn_model *m)
{
    const size_t sizes[3] = {4, 3, 2};
    const nn_activation act[2] = {NN_ACT_RELU, NN_ACT_SOFTMAX};
    nn_error err;
    CHECK_OK(nn_model_create(m, 2, sizes, act, &err), &err);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = (float)i * 0.25f - 3.0f;
}

static void test_model_npz(void)
{
    nn_model m, back;
    small_model(&m);
    uint8_t *buf;
    size_t len;
    nn_error err;
    CHECK_OK(nn_model_encode_npz(&m, &buf, &len, &err), &err);
    nn_zip z;
    CHECK_OK(nn_zip_parse(buf, len, "m.npz", &z, &err), &err);
    CHECK(z.n == 4);
    if (z.n == 4) {
        CHECK(strcmp(z.entries[0].name, "arr_0.npy") == 0);
        CHECK(strcmp(z.entries[3].name, "arr_3.npy") == 0);
        nn_npy W;
        CHECK_OK(nn_npy_parse(z.entries[0].data, z.entries[0].len, "W", &W, &err), &err);
        CHECK(W.ndim == 2 && W.shape[0] == 4 && W.shape[1] == 3);
        /* arr_0[i][o] = nnart's W_0[o][i] */
        for (size_t i = 0; W.data && i < 4; i++)
            for (size_t o = 0; o < 3; o++)
                CHECK(W.data[i * 3 + o] == m.params[o * 4 + i]);
        nn_npy_free(&W);
    }
    nn_zip_free(&z);
    CHECK_OK(nn_model_parse_npz(buf, len, "m.npz", NN_ACT_TANH, NN_ACT_SIGMOID, &back, &err),
             &err);
    CHECK(back.n_layers == 2 && back.sizes[0] == 4 && back.sizes[1] == 3 && back.sizes[2] == 2);
    CHECK(back.act[0] == NN_ACT_TANH && back.act[1] == NN_ACT_SIGMOID);
    CHECK(back.params && memcmp(back.params, m.params, m.n_params * sizeof(float)) == 0);
    nn_model_free(&back);
    free(buf);
    nn_model_free(&m);
}

/* An archive of the given arrays (shape strings), imported: the error. */
static void expect_import_error(const char *const *shapes, size_t n, const char *want)
{
    static float zeros[64];
    nn_zip_entry e[8];
    char names[8][32];
    uint8_t *data[8];
    for (size_t i = 0; i < n; i++) {
        size_t shape[2], nd = (size_t)sscanf(shapes[i], "%zu,%zu", &shape[0], &shape[1]);
        snprintf(names[i], sizeof names[i], "arr_%zu.npy", i);
        e[i].name = names[i];
        nn_error err;
        CHECK_OK(nn_npy_encode(zeros, nd, shape, &data[i], &e[i].len, &err), &err);
        e[i].data = data[i];
    }
    uint8_t *buf;
    size_t len;
    nn_error err;
    CHECK_OK(nn_zip_encode(e, n, NN_ZIP_ZIP64, &buf, &len, &err), &err);
    nn_model m;
    CHECK(nn_model_parse_npz(buf, len, "m.npz", NN_ACT_RELU, NN_ACT_SOFTMAX, &m, &err) ==
          NN_ERR_FORMAT);
    CHECK(m.params == NULL);
    CHECK_MSG(err.msg, want);
    free(buf);
    for (size_t i = 0; i < n; i++)
        free(data[i]);
}

static void test_import_checks(void)
{
    const char *one[] = {"4,3"};
    expect_import_error(one, 1, "m.npz: 1 array; a model needs two per layer");
    const char *odd[] = {"4,3", "3", "3,2"};
    expect_import_error(odd, 3, "m.npz: 3 arrays; a model needs two per layer");
    const char *chain[] = {"4,3", "3", "2,2", "2"};
    expect_import_error(chain, 4, "m.npz: arr_2.npy: shape (2, 2): layer 2 takes 2 inputs, but "
                                  "layer 1 has 3 units");
    const char *bias[] = {"4,3", "2"};
    expect_import_error(bias, 2, "m.npz: arr_1.npy: shape (2,) is not layer 1's biases (3,)");
    const char *flat[] = {"4", "3"};
    expect_import_error(flat, 2, "m.npz: arr_0.npy: shape (4,) is not layer 1's weight matrix");
    const char *empty[] = {"4,0", "0"};
    expect_import_error(empty, 2, "m.npz: ");
}

int main(void)
{
    RUN(test_zip_stored_and_deflated);
    RUN(test_zip_damage);
    RUN(test_zip_names_and_ranges);
    RUN(test_zip64_and_descriptor);
    RUN(test_zip_writer);
    RUN(test_inflate);
    RUN(test_npy_read);
    RUN(test_npy_dtypes);
    RUN(test_npy_strict);
    RUN(test_npy_write);
    RUN(test_model_npz);
    RUN(test_import_checks);
    return t_summary();
}
