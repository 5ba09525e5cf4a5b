/* test_png.c - the PNG decoder, zlib streams, the conversion of pictures to
 * grey and the format dispatcher.
 *
 * PNGs are built here by hand (chunks with their CRCs, zlib streams of stored
 * blocks) with values worked out on paper, and by tests/png_cases.py, an
 * encoder written from the specification with Python's zlib: every colour
 * type at every bit depth, plain and interlaced, and broken files, each with
 * the samples or the error expected (skipped without python3). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn_crc.h"
#include "nn_gzip.h"
#include "nn_image.h"
#include "nn_io.h"
#include "nn_picture.h"
#include "test.h"

/* ---- building PNGs ---------------------------------------------------- */

typedef struct {
    uint8_t b[1 << 16];
    size_t n;
} bytes;

static void put(bytes *o, const void *p, size_t n)
{
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void put32(bytes *o, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(o, b, 4);
}

static void png_chunk(bytes *o, const char *type, const void *data, size_t n)
{
    put32(o, (uint32_t)n);
    size_t at = o->n;
    put(o, type, 4);
    if (n)
        put(o, data, n);
    put32(o, nn_crc32(0, o->b + at, n + 4));
}

/* A zlib stream of one stored block holding data[0..n) (n < 65536). */
static size_t zlib_stored(uint8_t *z, const uint8_t *data, size_t n)
{
    z[0] = 0x78, z[1] = 0x01, z[2] = 1;
    z[3] = (uint8_t)n, z[4] = (uint8_t)(n >> 8), z[5] = (uint8_t)~n, z[6] = (uint8_t)(~n >> 8);
    memcpy(z + 7, data, n);
    uint32_t a = nn_adler32(1, data, n);
    for (int i = 0; i < 4; i++)
        z[7 + n + i] = (uint8_t)(a >> (24 - 8 * i));
    return n + 11;
}

/* A whole PNG: signature, IHDR, the extra chunks in between (pre, already
 * encoded), one IDAT of the given filtered rows, IEND. */
static void png_file(bytes *o, uint32_t w, uint32_t h, int depth, int color, int interlace,
                     const bytes *pre, const uint8_t *rows, size_t n)
{
    o->n = 0;
    put(o, "\x89PNG\r\n\x1a\n", 8);
    uint8_t ihdr[13];
    for (int i = 0; i < 4; i++)
        ihdr[i] = (uint8_t)(w >> (24 - 8 * i)), ihdr[4 + i] = (uint8_t)(h >> (24 - 8 * i));
    ihdr[8] = (uint8_t)depth, ihdr[9] = (uint8_t)color, ihdr[10] = 0, ihdr[11] = 0;
    ihdr[12] = (uint8_t)interlace;
    png_chunk(o, "IHDR", ihdr, 13);
    if (pre)
        put(o, pre->b, pre->n);
    static uint8_t z[1 << 15];
    png_chunk(o, "IDAT", z, zlib_stored(z, rows, n));
    png_chunk(o, "IEND", NULL, 0);
}

static void expect_png_fail(const bytes *o, const char *want)
{
    nn_picture p;
    nn_error err = {0};
    CHECK(nn_png_decode(o->b, o->n, "t.png", &p, &err) == NN_ERR_FORMAT);
    CHECK(p.px == NULL && p.width == 0);
    CHECK(strncmp(err.msg, "t.png: ", 7) == 0 && strchr(err.msg, '\n') == NULL);
    CHECK_MSG(err.msg, want);
}

/* ---- decoding --------------------------------------------------------- */

/* Every filter on a 3 x 4 grey image, worked out by hand (PNG section 9). */
static void test_filters_by_hand(void)
{
    static const uint8_t rows[] = {1, 10, 5, 5,     /* Sub: 10 15 20 */
                                   2, 1, 1, 1,      /* Up: 11 16 21 */
                                   3, 2, 1, 0,      /* Average: 7 12 16 */
                                   4, 3, 0, 250};   /* Paeth: 10 12 10 */
    static const uint16_t want[] = {10, 15, 20, 11, 16, 21, 7, 12, 16, 10, 12, 10};
    bytes *o = malloc(sizeof *o);
    png_file(o, 3, 4, 8, 0, 0, NULL, rows, sizeof rows);
    nn_picture p;
    nn_error err = {0};
    CHECK_OK(nn_png_decode(o->b, o->n, "t.png", &p, &err), &err);
    CHECK(p.width == 3 && p.height == 4 && p.channels == 1 && p.maxval == 255);
    CHECK(p.px && memcmp(p.px, want, sizeof want) == 0);
    nn_picture_free(&p);
    CHECK(p.px == NULL && p.width == 0);
    /* 2-bit grey, a row of 5 pixels packed into 2 bytes, the last bits unused. */
    static const uint8_t packed[] = {0, 0x1B, 0xC0}; /* 0 1 2 3 | 3 */
    png_file(o, 5, 1, 2, 0, 0, NULL, packed, sizeof packed);
    CHECK_OK(nn_png_decode(o->b, o->n, "t.png", &p, &err), &err);
    static const uint16_t want2[] = {0, 1, 2, 3, 3};
    CHECK(p.px && p.maxval == 3 && memcmp(p.px, want2, sizeof want2) == 0);
    nn_picture_free(&p);
    free(o);
}

/* Palette with tRNS, and a 16-bit RGB tRNS colour becoming alpha. */
static void test_palette_and_trns(void)
{
    bytes *o = malloc(sizeof *o), pre;
    pre.n = 0;
    png_chunk(&pre, "PLTE", "\x10\x20\x30\x40\x50\x60", 6);
    png_chunk(&pre, "tRNS", "\x80", 1);
    static const uint8_t rows[] = {0, 0x40}; /* 1-bit: 0 1 0 */
    png_file(o, 3, 1, 1, 3, 0, &pre, rows, sizeof rows);
    nn_picture p;
    nn_error err = {0};
    CHECK_OK(nn_png_decode(o->b, o->n, "t.png", &p, &err), &err);
    static const uint16_t want[] = {16, 32, 48, 128, 64, 80, 96, 255, 16, 32, 48, 128};
    CHECK(p.channels == 4 && p.maxval == 255 && p.px && memcmp(p.px, want, sizeof want) == 0);
    nn_picture_free(&p);

    pre.n = 0;
    png_chunk(&pre, "tRNS", "\x12\x34\0\0\xff\xff", 6);
    static const uint8_t rgb[] = {0, 0x12, 0x34, 0, 0, 0xff, 0xff, 0x12, 0x34, 0, 0, 0xff, 0xfe};
    png_file(o, 2, 1, 16, 2, 0, &pre, rgb, sizeof rgb);
    CHECK_OK(nn_png_decode(o->b, o->n, "t.png", &p, &err), &err);
    static const uint16_t want16[] = {0x1234, 0, 0xffff, 0, 0x1234, 0, 0xfffe, 65535};
    CHECK(p.channels == 4 && p.maxval == 65535 && p.px &&
          memcmp(p.px, want16, sizeof want16) == 0);
    nn_picture_free(&p);
    free(o);
}

/* Adam7 on a 3 x 3 grey image: passes 1 (0,0), 4 (2,0), 5 (0,2 and 2,2),
 * 6 (1,0 and 1,2), 7 (row 1): each pixel's value is its position. */
static void test_adam7_by_hand(void)
{
    static const uint8_t rows[] = {0, 0,          /* pass 1: (0,0) */
                                   0, 2,          /* pass 4: (2,0) */
                                   0, 6, 8,       /* pass 5: (0,2) (2,2) */
                                   0, 1, 0, 7,    /* pass 6: (1,0); (1,2) */
                                   0, 3, 4, 5};   /* pass 7: row 1 */
    bytes *o = malloc(sizeof *o);
    png_file(o, 3, 3, 8, 0, 1, NULL, rows, sizeof rows);
    nn_picture p;
    nn_error err = {0};
    CHECK_OK(nn_png_decode(o->b, o->n, "t.png", &p, &err), &err);
    for (uint16_t i = 0; p.px && i < 9; i++)
        CHECK(p.px[i] == i);
    nn_picture_free(&p);
    free(o);
}

static void test_errors_by_hand(void)
{
    static const uint8_t rows[] = {0, 1, 2};
    bytes *o = malloc(sizeof *o), pre;
    png_file(o, 2, 1, 8, 0, 0, NULL, rows, sizeof rows);
    o->b[o->n - 13] ^= 1; /* the IDAT CRC */
    expect_png_fail(o, "CRC mismatch: the data has");
    expect_png_fail(o, "(chunk IDAT at byte 33)");
    png_file(o, 2, 1, 8, 0, 0, NULL, rows, sizeof rows);
    o->n -= 12;
    expect_png_fail(o, "missing IEND: the file ends after 2 chunks");
    pre.n = 0;
    png_chunk(&pre, "ABCD", "x", 1);
    png_file(o, 2, 1, 8, 0, 0, &pre, rows, sizeof rows);
    expect_png_fail(o, "unknown critical chunk ABCD (chunk ABCD at byte 33)");
    pre.n = 0;
    png_chunk(&pre, "abCD", "x", 1); /* ancillary: skipped */
    png_file(o, 2, 1, 8, 0, 0, &pre, rows, sizeof rows);
    nn_picture p;
    nn_error err;
    CHECK_OK(nn_png_decode(o->b, o->n, "t.png", &p, &err), &err);
    nn_picture_free(&p);
    png_file(o, 2, 1, 8, 0, 0, NULL, rows, 2);
    expect_png_fail(o, "ends early: 2 bytes of the 3 that 2 x 1 pixels need");
    png_file(o, 2, 1, 8, 1, 0, NULL, rows, 3);
    expect_png_fail(o, "colour type 1 does not exist");
    CHECK(nn_png_decode((const uint8_t *)"GIF89a", 6, "t.png", &p, &err) == NN_ERR_FORMAT);
    CHECK_MSG(err.msg, "not a PNG image");
    free(o);
}

/* nn_image_encode's PNGs (grey and RGB) read back to the same bytes. */
static void test_round_trip(void)
{
    for (size_t ch = 1; ch <= 3; ch += 2) {
        nn_image img;
        nn_error err;
        CHECK_OK(nn_image_create(&img, 37, 5, ch, &err), &err);
        for (size_t i = 0; i < 37 * 5 * ch; i++)
            img.px[i] = (uint8_t)(i * 7 + i / 37);
        uint8_t *buf;
        size_t len;
        CHECK_OK(nn_image_encode(&img, NN_IMAGE_PNG, &buf, &len, &err), &err);
        nn_picture p;
        CHECK_OK(nn_png_decode(buf, len, "w.png", &p, &err), &err);
        CHECK(p.width == 37 && p.height == 5 && p.channels == ch && p.maxval == 255);
        for (size_t i = 0; p.px && i < 37 * 5 * ch; i++)
            CHECK(p.px[i] == img.px[i]);
        nn_picture_free(&p);
        free(buf);
        nn_image_free(&img);
    }
}

/* ---- zlib streams ----------------------------------------------------- */

static void expect_zlib_fail(const uint8_t *z, size_t n, size_t max, const char *want)
{
    uint8_t *out;
    size_t len;
    nn_error err = {0};
    CHECK(nn_zlib_inflate(z, n, "z", max, &out, &len, &err) == NN_ERR_FORMAT);
    CHECK(out == NULL && len == 0);
    CHECK(strncmp(err.msg, "z: ", 3) == 0);
    CHECK_MSG(err.msg, want);
}

static void test_zlib(void)
{
    uint8_t z[64], *out;
    size_t n = zlib_stored(z, (const uint8_t *)"hello", 5), len;
    nn_error err;
    CHECK_OK(nn_zlib_inflate(z, n, "z", 5, &out, &len, &err), &err);
    CHECK(len == 5 && memcmp(out, "hello", 5) == 0);
    free(out);
    expect_zlib_fail(z, n, 4, "more data than the 4 bytes expected");
    expect_zlib_fail(z, n - 1, 100, "truncated: the 4-byte Adler-32 has only 3");
    z[n] = 0;
    expect_zlib_fail(z, n + 1, 100, "trailing garbage: 1 bytes after the end of the stream");
    z[n - 1] ^= 1;
    expect_zlib_fail(z, n, 100, "Adler-32 mismatch");
    z[0] = 0x79;
    expect_zlib_fail(z, n, 100, "compression method 9");
    z[0] = 0x88;
    expect_zlib_fail(z, n, 100, "window of 2^16 bytes");
    z[0] = 0x78, z[1] = 0x02;
    expect_zlib_fail(z, n, 100, "header check bits wrong (78 02");
    z[1] = 0xbb; /* 0x78bb = 30907 = 31 * 997: FDICT set */
    expect_zlib_fail(z, n, 100, "preset dictionary");
    expect_zlib_fail(z, 1, 100, "truncated: 1 bytes of zlib header");
    z[1] = 0x01, z[2] = 3 << 1; /* block type 3 */
    expect_zlib_fail(z, n, 100, "block type 3 does not exist (zlib stream, byte ");
}

/* ---- to grey ------------------------------------------------------------ */

/* PGM and PPM read exactly as the Netpbm reader always has: sample / maxval
 * as a float, BT.601 luma of those floats in double. */
static void test_pnm_values(void)
{
    static const char ppm[] = "P6 2 1 65535\n\x12\x34\xff\xff\x00\x07\xab\xcd\x00\x00\xff\xfe";
    nn_greymap g;
    nn_error err;
    CHECK_OK(nn_pnm_parse((const uint8_t *)ppm, sizeof ppm - 1, "t.ppm", &g, &err), &err);
    float r = (float)(0x1234 / 65535.0), gr = (float)(0xffff / 65535.0), b = (float)(7 / 65535.0);
    double y0 = 0.299 * r + 0.587 * gr + 0.114 * b;
    r = (float)(0xabcd / 65535.0), gr = 0.0f, b = (float)(0xfffe / 65535.0);
    double y1 = 0.299 * r + 0.587 * gr + 0.114 * b;
    CHECK(g.v && g.v[0] == (float)(y0 > 1 ? 1 : y0) && g.v[1] == (float)y1);
    nn_greymap_free(&g);
    static const char pgm[] = "P2 3 1 9 0 4 9";
    CHECK_OK(nn_picture_parse((const uint8_t *)pgm, sizeof pgm - 1, "t.pgm", &g, &err), &err);
    CHECK(g.v && g.v[0] == 0.0f && g.v[1] == (float)(4 / 9.0) && g.v[2] == 1.0f);
    nn_greymap_free(&g);
}

/* Alpha over the background: given, or white behind dark ink and black
 * behind light ink. */
static void test_alpha(void)
{
    uint16_t px[8] = {0, 255, 255, 0, 0, 255, 0, 128}; /* grey, alpha x 4 */
    nn_picture p = {.width = 4, .height = 1, .channels = 2, .maxval = 255, .px = px};
    nn_greymap g;
    nn_error err;
    CHECK_OK(nn_picture_to_greymap(&p, NN_BACKGROUND_AUTO, &g, &err), &err);
    CHECK(g.v && g.v[0] == 0.0f && g.v[1] == 1.0f && g.v[2] == 0.0f);
    CHECK(g.v && g.v[3] == (float)(1.0 - 128 / 255.0)); /* black ink at half over white */
    nn_greymap_free(&g);
    px[0] = 255, px[4] = 255; /* light ink: over black */
    CHECK_OK(nn_picture_to_greymap(&p, NN_BACKGROUND_AUTO, &g, &err), &err);
    CHECK(g.v && g.v[0] == 1.0f && g.v[1] == 0.0f && g.v[3] == 0.0f);
    nn_greymap_free(&g);
    CHECK_OK(nn_picture_to_greymap(&p, 0.25, &g, &err), &err);
    double a = 128 / 255.0;
    CHECK(g.v && g.v[1] == 0.25f && g.v[3] == (float)(a * 0.0 + (1 - a) * 0.25));
    nn_greymap_free(&g);
    for (int i = 1; i < 8; i += 2)
        px[i] = 0; /* nothing opaque: white */
    CHECK_OK(nn_picture_to_greymap(&p, NN_BACKGROUND_AUTO, &g, &err), &err);
    CHECK(g.v && g.v[0] == 1.0f && g.v[2] == 1.0f);
    nn_greymap_free(&g);
    CHECK(nn_picture_to_greymap(&p, 2.0, &g, &err) == NN_ERR_ARG && g.v == NULL);
    p.channels = 5;
    CHECK(nn_picture_to_greymap(&p, 0.0, &g, &err) == NN_ERR_ARG && g.v == NULL);
}

/* A PNG's bKGD sets the background: a transparent pixel over grey 3 of 15
 * (4-bit grey with a tRNS colour). */
static void test_bkgd(void)
{
    bytes *o = malloc(sizeof *o), pre;
    pre.n = 0;
    png_chunk(&pre, "tRNS", "\0\x0f", 2);
    png_chunk(&pre, "bKGD", "\0\x03", 2);
    static const uint8_t rows[] = {0, 0xF0}; /* 15 (transparent), 0 */
    png_file(o, 2, 1, 4, 0, 0, &pre, rows, sizeof rows);
    nn_greymap g;
    nn_error err;
    CHECK_OK(nn_picture_parse(o->b, o->n, "t.png", &g, &err), &err);
    CHECK(g.v && g.v[0] == (float)(3 / 15.0) && g.v[1] == 0.0f);
    nn_greymap_free(&g);
    free(o);
}

/* ---- the dispatcher ----------------------------------------------------- */

static void expect_parse_fail(const char *buf, size_t n, const char *want)
{
    nn_greymap g;
    nn_error err = {0};
    CHECK(nn_picture_parse((const uint8_t *)buf, n, "x", &g, &err) == NN_ERR_FORMAT);
    CHECK(g.v == NULL);
    if (strcmp(err.msg, want) != 0) {
        fprintf(stderr, "message \"%s\", expected \"%s\"\n", err.msg, want);
        CHECK(0);
    }
}

#define S(lit) lit, sizeof lit - 1

static void test_dispatch(void)
{
    const char *tail = ", which nnart does not read; convert it to PNG";
    static const struct {
        const char *bytes;
        size_t n;
        const char *what;
    } formats[] = {
        {S("GIF89a\1\0\1\0"), "a GIF image"},
        {S("BM\x36\0\0\0"), "a BMP image"},
        {S("II*\0\x08\0"), "a TIFF image"},
        {S("MM\0*\0\0"), "a TIFF image"},
        {S("RIFF\x24\0\0\0WEBPVP8 "), "a WebP image"},
        {S("\0\0\0\x18" "ftypheic\0\0\0\0"), "a HEIC (HEIF) image"},
        {S("\0\0\0\x1c" "ftypavif\0\0\0\0"), "an AVIF image"},
        {S("%PDF-1.7\n"), "a PDF document"},
        {S("\x1f\x8b\x08\0"), "gzip data"},
        {S("<svg xmlns="), "an SVG drawing"},
    };
    char want[200];
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        snprintf(want, sizeof want, "x: %s%s", formats[i].what, tail);
        expect_parse_fail(formats[i].bytes, formats[i].n, want);
    }
    expect_parse_fail(S("\xff\xd8\xff\xe0\0\x10JFIF"), "x: truncated: the file ends in the APPn segment");
    expect_parse_fail(S("hello, world"),
                      "x: not a picture nnart reads (it starts with 68 65 6c 6c 6f 2c 20 77 ...)");
    expect_parse_fail(S("\x01\x02"), "x: not a picture nnart reads (it starts with 01 02)");
    expect_parse_fail("", 0, "x: empty, not a picture");
    expect_parse_fail(S("\x89PNG\r\r\n"), "x: damaged PNG signature (bytes 4-7; a transfer in "
                                           "text mode changes them)");
    expect_parse_fail(S("P4 1 1\n\0"), "x: P4 is a black-and-white bitmap (PBM); save the "
                                       "drawing as a grey or colour image (PGM P2/P5 or PPM "
                                       "P3/P6)");
}

/* ---- the cases of tests/png_cases.py ---------------------------------- */

/* NAME.png decodes to the picture NAME.raw describes. */
static void check_good(const char *dir, const char *name)
{
    char path[512];
    uint8_t *png, *raw;
    size_t plen, rlen;
    nn_error err;
    snprintf(path, sizeof path, "%s/%s.raw", dir, name);
    CHECK_OK(nn_read_file(path, &raw, &rlen, 1 << 24, &err), &err);
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    CHECK_OK(nn_read_file(path, &png, &plen, 1 << 24, &err), &err);
    size_t w, h, ch;
    unsigned maxval;
    int head = 0;
    char line[64] = "";
    memcpy(line, raw, rlen < 63 ? rlen : 63);
    if (sscanf(line, "%zu %zu %zu %u\n%n", &w, &h, &ch, &maxval, &head) != 4 || head == 0) {
        CHECK(!"a readable .raw header");
        return;
    }
    nn_picture p;
    int rc = nn_png_decode(png, plen, path, &p, &err);
    CHECK_OK(rc, &err);
    int same = rc == NN_OK && p.width == w && p.height == h && p.channels == ch &&
               p.maxval == maxval && rlen - (size_t)head == 2 * w * h * ch;
    for (size_t i = 0; same && i < w * h * ch; i++)
        same = p.px[i] == nn_load_u16be(raw + head + 2 * i);
    if (!same)
        fprintf(stderr, "%s: decoded samples differ from %s.raw\n", path, name);
    CHECK(same);
    nn_picture_free(&p);
    free(png);
    free(raw);
}

/* bad-NAME.png fails with a message naming it and holding bad-NAME.msg. */
static void check_bad(const char *dir, const char *name)
{
    char path[512], want[256] = "";
    uint8_t *png, *msg;
    size_t plen, mlen;
    nn_error err = {0};
    snprintf(path, sizeof path, "%s/%s.msg", dir, name);
    CHECK_OK(nn_read_file(path, &msg, &mlen, 255, &err), &err);
    memcpy(want, msg, mlen && mlen < 256 ? mlen - 1 : 0);
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    CHECK_OK(nn_read_file(path, &png, &plen, 1 << 24, &err), &err);
    nn_picture p;
    CHECK(nn_png_decode(png, plen, path, &p, &err) == NN_ERR_FORMAT && p.px == NULL);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0 && strchr(err.msg, '\n') == NULL);
    CHECK_MSG(err.msg, want);
    free(png);
    free(msg);
}

static void test_python_cases(void)
{
    if (system("command -v python3 >/dev/null 2>&1") != 0) {
        SKIP("the PNGs of tests/png_cases.py", "python3 is not installed");
        return;
    }
    char dir[] = "/tmp/nnart-png-XXXXXX", cmd[600];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd, "python3 tests/png_cases.py %s", dir);
    CHECK(system(cmd) == 0);
    DIR *d = opendir(dir);
    size_t good = 0, bad = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".png") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), e->d_name);
        if (strncmp(name, "bad-", 4) == 0)
            check_bad(dir, name), bad++;
        else
            check_good(dir, name), good++;
    }
    if (d)
        closedir(d);
    CHECK(good >= 140 && bad >= 20);
    printf("png_cases.py: %zu pictures and %zu broken files\n", good, bad);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(test_filters_by_hand);
    RUN(test_palette_and_trns);
    RUN(test_adam7_by_hand);
    RUN(test_errors_by_hand);
    RUN(test_round_trip);
    RUN(test_zlib);
    RUN(test_pnm_values);
    RUN(test_alpha);
    RUN(test_bkgd);
    RUN(test_dispatch);
    RUN(test_python_cases);
    return t_summary();
}
