/* test_pnm.c - the Netpbm reader: valid images of every kind it reads, and
 * malformed ones, each of which must fail with one clear line naming the file. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "nn_image.h"
#include "nn_io.h"
#include "test.h"

/* Decodes n bytes and checks the result is w x h with the given values. */
static void expect_grey(const char *buf, size_t n, size_t w, size_t h, const double *want)
{
    nn_greymap g;
    nn_error err = {0};
    CHECK_OK(nn_pnm_parse((const uint8_t *)buf, n, "mem.pnm", &g, &err), &err);
    CHECK(g.width == w && g.height == h && g.v != NULL);
    if (g.v && g.width == w && g.height == h)
        for (size_t i = 0; i < w * h; i++)
            CHECK_NEAR(g.v[i], want[i], 1e-6);
    nn_greymap_free(&g);
    CHECK(g.v == NULL && g.width == 0);
}

/* Decodes n bytes, which must fail with NN_ERR_FORMAT and a one-line message
 * starting with the name and containing want. */
static void expect_fail(const char *buf, size_t n, const char *want)
{
    nn_greymap g;
    nn_error err = {0};
    int rc = nn_pnm_parse((const uint8_t *)buf, n, "mem.pnm", &g, &err);
    CHECK(rc == NN_ERR_FORMAT && err.code == NN_ERR_FORMAT);
    CHECK(g.v == NULL && g.width == 0 && g.height == 0);
    CHECK(strncmp(err.msg, "mem.pnm: ", 9) == 0);
    CHECK_MSG(err.msg, want);
    CHECK(strchr(err.msg, '\n') == NULL);
    nn_greymap_free(&g);
}

#define S(lit) lit, sizeof lit - 1

static void test_plain_grey(void)
{
    /* P2 with comments between every header field and in the samples. */
    const double want[6] = {0.0, 3.0 / 15, 1.0, 7.0 / 15, 15.0 / 15, 10.0 / 15};
    expect_grey(S("P2\n# made by hand\n3 # width\n2\n# maxval next\n15\n"
                  "0 3 15\n# second row\n7\t15 10\n"),
                3, 2, want);
    /* Minimal whitespace, no trailing newline, comment right after the magic. */
    expect_grey(S("P2#c\n3 2 15 0 3 15 7 15 10"), 3, 2, want);
    /* A plain 16-bit image. */
    const double w16[2] = {1000.0 / 65535, 1.0};
    expect_grey(S("P2 2 1 65535 1000 65535\n"), 2, 1, w16);
}

static void test_raw_grey(void)
{
    const double want[4] = {0.0, 1.0 / 255, 128.0 / 255, 1.0};
    expect_grey(S("P5\n2 2\n255\n\x00\x01\x80\xff"), 2, 2, want);
    /* maxval below 255 scales to it. */
    const double w3[3] = {0.0, 0.5, 1.0};
    expect_grey(S("P5 3 1 2\n\x00\x01\x02"), 3, 1, w3);
    /* 16 bits, most significant byte first: 0x0102 = 258, 0xFFFF, 0x8000. */
    const double w16[3] = {258.0 / 65535, 1.0, 32768.0 / 65535};
    expect_grey(S("P5 3 1 65535\n\x01\x02\xff\xff\x80\x00"), 3, 1, w16);
    /* maxval 256 already takes two bytes per sample. */
    const double w256[2] = {1.0, 255.0 / 256};
    expect_grey(S("P5 2 1 256\n\x01\x00\x00\xff"), 2, 1, w256);
    /* The single whitespace byte after maxval may be a space or CR; the next
     * byte is data even if it looks like whitespace or '#'. */
    const double wsp[2] = {32.0 / 255, 35.0 / 255};
    expect_grey(S("P5 2 1 255 \x20#"), 2, 1, wsp);
    expect_grey(S("P5 2 1 255\r\x20#"), 2, 1, wsp);
    /* Bytes after the first image (a second image, say) are ignored. */
    expect_grey(S("P5 3 1 2\n\x00\x01\x02P5 1 1 1\n\x01"), 3, 1, w3);
}

static void test_colour(void)
{
    /* BT.601 luma: 0.299 R + 0.587 G + 0.114 B on samples scaled to [0, 1]. */
    const double want[3] = {0.299, 0.587 * 0.5, 0.114 + 0.299 * 0.5};
    expect_grey(S("P3\n# rgb\n3 1\n2\n2 0 0  0 1 0\n1 0 2\n"), 3, 1, want);
    expect_grey(S("P6 3 1 2\n\x02\x00\x00\x00\x01\x00\x01\x00\x02"), 3, 1, want);
    /* White stays 1 (the weights sum to 1), 16-bit samples. */
    const double w16[2] = {1.0, 0.299 * 256.0 / 65535 + 0.587 * 1.0 / 65535};
    expect_grey(S("P6 2 1 65535\n\xff\xff\xff\xff\xff\xff\x01\x00\x00\x01\x00\x00"), 2, 1, w16);
}

static void test_malformed_header(void)
{
    expect_fail("", 0, "empty file");
    expect_fail(S("GIF89a"), "not a Netpbm image");
    expect_fail(S("P"), "not a Netpbm image");
    expect_fail(S("P9 1 1 1\n\x00"), "not a Netpbm image");
    expect_fail(S("P52 1 255\n\x00\x00"), "no whitespace after the magic number");
    expect_fail(S("P4 8 1\n\x00"), "bitmap");
    expect_fail(S("P1 1 1 1"), "bitmap");
    expect_fail(S("P7\nWIDTH 1\n"), "P7 (PAM) is not supported");
    expect_fail(S("P5"), "truncated header: the file ends before the width");
    expect_fail(S("P5 2 # no height\n"), "truncated header: the file ends before the height");
    expect_fail(S("P5 2 2"), "truncated header: the file ends before the maxval");
    expect_fail(S("P5 x 2 255\n"), "expected the width, found 'x'");
    expect_fail(S("P5 2 -2 255\n"), "expected the height, found '-'");
    expect_fail(S("P5 2 2.5 255\n"), "height followed by '.'");
    expect_fail(S("P5 2 2 0\n"), "maxval 0 is out of range (1-65535)");
    expect_fail(S("P5 2 2 65536\n"), "maxval 65536 is out of range (1-65535)");
    expect_fail(S("P2 1 1 99999999999999999999 0"), "maxval 99999999999999999999 is out of range");
    expect_fail(S("P2 1 1 123456789012345678901 0"),
                "maxval 12345678901234567890... is out of range");
    expect_fail(S("P5 0 2 255\n"), "size 0 x 2 is out of range (1-32768 on each side)");
    expect_fail(S("P5 2 0 255\n"), "size 2 x 0 is out of range");
    expect_fail(S("P5 100000 100000 255\n\x00"), "size 100000 x 100000 is out of range");
    expect_fail(S("P6 32769 1 255\n"), "out of range");
    /* Sides whose product overflows 32 and 64 bits are refused before any
     * multiplication. */
    expect_fail(S("P5 4294967296 4294967296 255\n"),
                "size 4294967296 x 4294967296 is out of range");
    expect_fail(S("P5 18446744073709551617 2 255\n"), "out of range");
    /* Exactly one whitespace byte after maxval in raw formats. */
    expect_fail(S("P5 2 1 255\x01\x02"), "bad header: maxval followed by byte 0x01");
    expect_fail(S("P5 2 1 255#c\n\x01\x02"),
                "expected one whitespace byte after maxval, found '#'");
    expect_fail(S("P5 2 1 255"), "truncated: 2 samples declared, 0 present");
}

static void test_malformed_samples(void)
{
    /* A 28 x 28 raw image cut short, as the message promises. */
    static char img[16 + 700];
    memcpy(img, "P5\n28 28\n255\n", 13);
    memset(img + 13, 7, 700);
    expect_fail(img, 13 + 700, "truncated: 784 samples declared, 700 present");
    expect_fail(S("P5 2 2 65535\n\x00\x01\x00\x02\x00\x03\x00"), "4 samples declared, 3 present");
    expect_fail(S("P6 2 1 255\n\x01\x02\x03\x04\x05"), "6 samples declared, 5 present");
    expect_fail(S("P2 3 2 15 0 3 15 7 15"), "6 samples declared, 5 present");
    expect_fail(S("P2 3 2 15 0 3 15 7 15 # 10\n"), "6 samples declared, 5 present");
    /* Samples above maxval. */
    expect_fail(S("P2 2 1 15 3 16\n"), "sample 2 is 16, above maxval 15");
    expect_fail(S("P3 1 1 255 0 0 99999999999999999999999\n"),
                "sample 3 is 99999999999999999999..., above maxval 255");
    expect_fail(S("P5 2 1 200\n\x01\xc9"), "sample 2 is 201, above maxval 200");
    expect_fail(S("P5 1 1 1000\n\x03\xe9"), "sample 1 is 1001, above maxval 1000");
    /* Junk in plain samples. */
    expect_fail(S("P2 2 1 15 3 x\n"), "sample 2: unexpected 'x'");
    expect_fail(S("P2 2 1 15 3 -1\n"), "sample 2: unexpected '-'");
    expect_fail(S("P2 2 1 15 3,4\n"), "sample 1: unexpected ','");
}

static void test_load(void)
{
    char dir[] = "/tmp/nnart-pnm-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/d.pgm", dir);
    nn_error err = {0};
    CHECK_OK(nn_write_file_atomic(path, "P5 2 1 255\n\x00\xff", 13, &err), &err);
    nn_greymap g;
    CHECK_OK(nn_pnm_load(path, &g, &err), &err);
    CHECK(g.width == 2 && g.height == 1 && g.v && g.v[0] == 0.0f && g.v[1] == 1.0f);
    nn_greymap_free(&g);

    /* Errors name the path: bad contents, empty file, directory, missing. */
    CHECK_OK(nn_write_file_atomic(path, "P5 2 1 0\n\x00\x00", 11, &err), &err);
    CHECK(nn_pnm_load(path, &g, &err) == NN_ERR_FORMAT && g.v == NULL);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0);
    CHECK_MSG(err.msg, "maxval 0 is out of range (1-65535)");
    CHECK_OK(nn_write_file_atomic(path, "", 0, &err), &err);
    CHECK(nn_pnm_load(path, &g, &err) == NN_ERR_FORMAT && g.v == NULL);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0);
    CHECK_MSG(err.msg, "empty file");
    CHECK(nn_pnm_load(dir, &g, &err) == NN_ERR_IO && g.v == NULL);
    CHECK(strncmp(err.msg, dir, strlen(dir)) == 0);
    CHECK_MSG(err.msg, "directory");
    remove(path);
    CHECK(nn_pnm_load(path, &g, &err) == NN_ERR_IO && g.v == NULL);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0);
    CHECK(strchr(err.msg, '\n') == NULL);
    rmdir(dir);
}

/* What nnart writes, nnart reads: PGM and PPM round trips of every grey level. */
static void test_round_trip(void)
{
    nn_image img;
    nn_error err = {0};
    CHECK_OK(nn_image_create(&img, 16, 16, 1, &err), &err);
    for (size_t i = 0; i < 256; i++)
        img.px[i] = (uint8_t)i;
    for (int fmt = 0; fmt < 2; fmt++) {
        uint8_t *buf = NULL;
        size_t n = 0;
        CHECK_OK(nn_image_encode(&img, fmt ? NN_IMAGE_PPM : NN_IMAGE_PGM, &buf, &n, &err), &err);
        nn_greymap g;
        CHECK_OK(nn_pnm_parse(buf, n, "mem", &g, &err), &err);
        int ok = g.v && g.width == 16 && g.height == 16;
        for (size_t i = 0; ok && i < 256; i++)
            ok &= fabs(g.v[i] - i / 255.0) < 1e-6;
        CHECK(ok);
        nn_greymap_free(&g);
        free(buf);
    }
    nn_image_free(&img);
}

int main(void)
{
    RUN(test_plain_grey);
    RUN(test_raw_grey);
    RUN(test_colour);
    RUN(test_malformed_header);
    RUN(test_malformed_samples);
    RUN(test_load);
    RUN(test_round_trip);
    return t_summary();
}
