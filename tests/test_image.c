/* test_image.c - images, the font, and the PPM, PGM and PNG writers.
 *
 * The golden files tests/golden/scene.{ppm,pgm,png} hold the encodings of the
 * picture make_scene draws.  After a deliberate change to the font or the
 * writers, regenerate them from the top of the repository with
 *     NNART_REGEN_GOLDEN=1 build/tests/test_image
 * and inspect them (any image viewer; `pngcheck -v tests/golden/scene.png`)
 * before committing.  The PNG encodings are also checked independently of
 * nnart: by pngcheck and by Python's zlib, when they are installed.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nn_crc.h"
#include "nn_image.h"
#include "nn_io.h"
#include "test.h"

/* ---- a scratch directory --------------------------------------------------- */

typedef struct {
    char dir[64];
} tdir;

static int td_open(tdir *t)
{
    strcpy(t->dir, "/tmp/nnart-image-XXXXXX");
    return mkdtemp(t->dir) != NULL;
}

/* The path of name inside the directory (a static buffer per slot). */
static const char *td_path(const tdir *t, int slot, const char *name)
{
    static char paths[4][160];
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", t->dir, name);
    return paths[slot];
}

/* Removes the files in the directory, then the directory. */
static void td_close(const tdir *t)
{
    DIR *d = opendir(t->dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char path[sizeof t->dir + 260]; /* a name is at most 255 bytes */
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", t->dir, e->d_name);
            remove(path);
        }
    }
    if (d)
        closedir(d);
    if (rmdir(t->dir) != 0)
        fprintf(stderr, "note: could not remove %s\n", t->dir);
}

static int write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* Runs a shell command; returns its exit status (-1 if it did not exit). */
static int run(const char *cmd)
{
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int have(const char *tool)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return run(cmd) == 0;
}

/* ---- images ---------------------------------------------------------------- */

static void test_create(void)
{
    nn_image img;
    nn_error err = {0};
    CHECK(nn_image_create(&img, 0, 5, 1, &err) == NN_ERR_ARG);
    CHECK(img.px == NULL && img.width == 0);
    CHECK_MSG(err.msg, "out of range");
    CHECK(nn_image_create(&img, 5, NN_IMAGE_MAX_SIDE + 1, 3, &err) == NN_ERR_ARG);
    CHECK(nn_image_create(&img, 5, 5, 2, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "channels");
    CHECK(nn_image_create(&img, 5, 5, 0, &err) == NN_ERR_ARG);

    CHECK_OK(nn_image_create(&img, 7, 3, 3, &err), &err);
    CHECK(img.width == 7 && img.height == 3 && img.channels == 3 && img.px != NULL);
    int black = 1;
    for (size_t i = 0; i < 7 * 3 * 3; i++)
        black &= img.px[i] == 0;
    CHECK(black);
    nn_image_free(&img);
    CHECK(img.px == NULL && img.width == 0);
    nn_image_free(&img); /* a second free is harmless */
}

/* Counts pixels equal to rgb (grey: rgb[0]) in an image. */
static size_t count_colour(const nn_image *img, const uint8_t rgb[3])
{
    size_t n = 0;
    for (size_t i = 0; i < img->width * img->height; i++) {
        const uint8_t *p = img->px + i * img->channels;
        if (img->channels == 1 ? p[0] == rgb[0]
                               : p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2])
            n++;
    }
    return n;
}

static void test_fill_rect(void)
{
    nn_image img;
    nn_error err = {0};
    const uint8_t red[3] = {200, 10, 20};
    CHECK_OK(nn_image_create(&img, 10, 6, 3, &err), &err);
    nn_image_fill_rect(&img, 2, 1, 3, 2, red);
    /* Naive reference: exactly the pixels with 2 <= x < 5 and 1 <= y < 3. */
    int ok = 1;
    for (size_t y = 0; y < 6; y++)
        for (size_t x = 0; x < 10; x++) {
            const uint8_t *p = img.px + (y * 10 + x) * 3;
            int in = x >= 2 && x < 5 && y >= 1 && y < 3;
            ok &= in ? p[0] == 200 && p[1] == 10 && p[2] == 20 : p[0] == 0 && p[1] == 0;
        }
    CHECK(ok);
    /* Clipped at the right and bottom, including sizes that would overflow. */
    nn_image_fill_rect(&img, 8, 4, 100, 100, red);
    CHECK(count_colour(&img, red) == 6 + 4);
    nn_image_fill_rect(&img, 9, 5, SIZE_MAX, SIZE_MAX, red);
    CHECK(count_colour(&img, red) == 10);
    nn_image_fill_rect(&img, 10, 0, 5, 5, red); /* starts outside: nothing */
    nn_image_fill_rect(&img, SIZE_MAX, SIZE_MAX, 5, 5, red);
    CHECK(count_colour(&img, red) == 10);
    nn_image_free(&img);

    /* Grey images take the first component. */
    CHECK_OK(nn_image_create(&img, 4, 4, 1, &err), &err);
    nn_image_fill_rect(&img, 0, 0, 2, 4, red);
    CHECK(count_colour(&img, red) == 8 && img.px[0] == 200 && img.px[2] == 0);
    nn_image_free(&img);
}

/* ---- the font ---------------------------------------------------------------- */

/* Checks the pixels of a w x h window of a grey image at (x0, y0) against
 * art: '#' is 255, '.' is 0, rows of w characters. */
static int matches(const nn_image *img, size_t x0, size_t y0, size_t w, size_t h,
                   const char *const *art)
{
    int ok = 1;
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            uint8_t want = art[y][x] == '#' ? 255 : 0;
            if (img->px[(y0 + y) * img->width + x0 + x] != want) {
                fprintf(stderr, "pixel (%zu, %zu) is %d, expected %d\n", x0 + x, y0 + y,
                        img->px[(y0 + y) * img->width + x0 + x], want);
                ok = 0;
            }
        }
    return ok;
}

static void test_font_glyphs(void)
{
    static const uint8_t white[3] = {255, 255, 255};
    /* Hand-drawn references, one 6 x 8 cell each. */
    static const char *const a7g[8] = {
        ".###..#####.......",
        "#...#.....#..####.",
        "#...#....#..#...#.",
        "#...#...#...#...#.",
        "#####..#.....####.",
        "#...#..#........#.",
        "#...#..#.....###..",
        "..................",
    };
    static const char *const pct_unknown[8] = {
        "##....#####.",
        "##..#.#...#.",
        "...#..#...#.",
        "..#...#...#.",
        ".#....#...#.",
        "#..##.#...#.",
        "...##.#####.",
        "............",
    };
    nn_image img;
    nn_error err = {0};
    CHECK_OK(nn_image_create(&img, 30, 10, 1, &err), &err);
    nn_image_draw_text(&img, 1, 1, "A7g", 1, white);
    CHECK(matches(&img, 1, 1, 18, 8, a7g));
    /* Nothing outside the text's cells: 18 + 11 + 16 pixels in all. */
    CHECK(count_colour(&img, white) == 45);
    memset(img.px, 0, 30 * 10);
    nn_image_draw_text(&img, 0, 0, "%\x01", 1, white);
    CHECK(matches(&img, 0, 0, 12, 8, pct_unknown));
    nn_image_free(&img);

    /* Every character the font promises has a glyph of its own, not the box. */
    const char *all = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      ".,:;-+=/()%?!_'\"<>#*";
    nn_image box, one;
    CHECK_OK(nn_image_create(&box, 6, 8, 1, &err), &err);
    CHECK_OK(nn_image_create(&one, 6, 8, 1, &err), &err);
    nn_image_draw_text(&box, 0, 0, "\x7f", 1, white);
    int distinct = 1;
    for (const char *c = all; *c; c++) {
        char s[2] = {*c, 0};
        memset(one.px, 0, 48);
        nn_image_draw_text(&one, 0, 0, s, 1, white);
        if (memcmp(one.px, box.px, 48) == 0 || count_colour(&one, white) == 0) {
            fprintf(stderr, "'%c' has no glyph\n", *c);
            distinct = 0;
        }
    }
    CHECK(distinct);
    /* Upper and lower case differ where lower case has its own shape. */
    const char *pairs = "abdegnqrt";
    for (const char *c = pairs; *c; c++) {
        char lo[2] = {*c, 0}, up[2] = {(char)(*c - 'a' + 'A'), 0};
        memset(one.px, 0, 48);
        nn_image_draw_text(&one, 0, 0, lo, 1, white);
        memset(box.px, 0, 48);
        nn_image_draw_text(&box, 0, 0, up, 1, white);
        CHECK(memcmp(one.px, box.px, 48) != 0);
    }
    nn_image_free(&box);
    nn_image_free(&one);
}

static void test_font_scale_and_clip(void)
{
    static const uint8_t c[3] = {9, 8, 7};
    nn_image big, small;
    nn_error err = {0};
    /* At scale 3 each font pixel is a 3 x 3 block of the scale-1 drawing. */
    CHECK_OK(nn_image_create(&small, 18, 8, 3, &err), &err);
    CHECK_OK(nn_image_create(&big, 54, 24, 3, &err), &err);
    nn_image_draw_text(&small, 0, 0, "Hi!", 1, c);
    nn_image_draw_text(&big, 0, 0, "Hi!", 3, c);
    int ok = 1;
    for (size_t y = 0; y < 24; y++)
        for (size_t x = 0; x < 54; x++)
            ok &= memcmp(big.px + (y * 54 + x) * 3, small.px + ((y / 3) * 18 + x / 3) * 3, 3) == 0;
    CHECK(ok);
    CHECK(nn_text_width("Hi!", 3) == 54 && nn_text_height(3) == 24);
    CHECK(nn_text_width("", 2) == 0 && nn_text_width("x", 1) == 6 && nn_text_height(1) == 8);
    CHECK(nn_text_width("ab", SIZE_MAX) == SIZE_MAX && nn_text_height(SIZE_MAX) == SIZE_MAX);

    /* Clipping: text hanging over the right and bottom edges draws only its
     * visible part, the same pixels as in a larger image. */
    nn_image part;
    CHECK_OK(nn_image_create(&part, 40, 15, 3, &err), &err);
    nn_image_draw_text(&part, 0, 0, "Hi!", 3, c);
    ok = 1;
    for (size_t y = 0; y < 15; y++)
        ok &= memcmp(part.px + y * 40 * 3, big.px + y * 54 * 3, 40 * 3) == 0;
    CHECK(ok);
    /* Starting outside, or at absurd scales, is harmless. */
    nn_image_draw_text(&part, 40, 0, "x", 1, c);
    nn_image_draw_text(&part, 0, 15, "x", 1, c);
    nn_image_draw_text(&part, 39, 14, "WW", SIZE_MAX, c);
    CHECK(memcmp(part.px + (14 * 40 + 39) * 3, c, 3) == 0); /* W's top-left pixel is set */
    nn_image_draw_text(&part, 0, 0, "x", 0, c);
    nn_image_free(&part);
    nn_image_free(&small);
    nn_image_free(&big);
}

/* ---- encodings --------------------------------------------------------------- */

static void test_format_from_path(void)
{
    nn_image_format f;
    CHECK(nn_image_format_from_path("a.png", &f) == 0 && f == NN_IMAGE_PNG);
    CHECK(nn_image_format_from_path("dir.x/A.PNG", &f) == 0 && f == NN_IMAGE_PNG);
    CHECK(nn_image_format_from_path("x.Ppm", &f) == 0 && f == NN_IMAGE_PPM);
    CHECK(nn_image_format_from_path("x.pgm", &f) == 0 && f == NN_IMAGE_PGM);
    CHECK(nn_image_format_from_path("x.jpg", &f) == -1);
    CHECK(nn_image_format_from_path("png", &f) == -1);
    CHECK(nn_image_format_from_path("x.png.gz", &f) == -1);
    CHECK(nn_image_format_from_path("", &f) == -1);
}

/* The golden picture: a background, a rectangle, and text, including some
 * clipped at the right edge. */
static int make_scene(nn_image *img)
{
    static const uint8_t bg[3] = {20, 40, 90}, box[3] = {250, 250, 250}, ink[3] = {255, 200, 0},
                         dark[3] = {0, 0, 0};
    nn_error err = {0};
    if (nn_image_create(img, 48, 20, 3, &err) != NN_OK)
        return 0;
    nn_image_fill_rect(img, 0, 0, 48, 20, bg);
    nn_image_fill_rect(img, 1, 10, 30, 9, box);
    nn_image_draw_text(img, 1, 1, "Hi 7%", 1, ink);
    nn_image_draw_text(img, 2, 11, "p=0.9", 1, dark);
    nn_image_draw_text(img, 32, 2, "ok", 2, ink);
    return 1;
}

/* Encodes img as fmt and compares with (or, regenerating, writes) the golden
 * file tests/golden/<name>. */
static void check_golden(const nn_image *img, nn_image_format fmt, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "tests/golden/%s", name);
    uint8_t *enc = NULL, *gold = NULL;
    size_t n = 0, gn = 0;
    nn_error err = {0};
    CHECK_OK(nn_image_encode(img, fmt, &enc, &n, &err), &err);
    if (getenv("NNART_REGEN_GOLDEN")) {
        CHECK_OK(nn_write_file_atomic(path, enc, n, &err), &err);
        printf("wrote %s (%zu bytes)\n", path, n);
    }
    CHECK_OK(nn_read_file(path, &gold, &gn, 1 << 20, &err), &err);
    CHECK(gold != NULL && gn == n && memcmp(gold, enc, n) == 0);
    free(enc);
    free(gold);
}

static void test_golden(void)
{
    nn_image img;
    CHECK(make_scene(&img));
    check_golden(&img, NN_IMAGE_PPM, "scene.ppm");
    check_golden(&img, NN_IMAGE_PGM, "scene.pgm");
    check_golden(&img, NN_IMAGE_PNG, "scene.png");
    nn_image_free(&img);
}

static void test_ppm_pgm(void)
{
    nn_image img;
    nn_error err = {0};
    CHECK(make_scene(&img));
    uint8_t *enc;
    size_t n;
    /* P6: the header, then the samples unchanged. */
    CHECK_OK(nn_image_encode(&img, NN_IMAGE_PPM, &enc, &n, &err), &err);
    const char *h6 = "P6\n48 20\n255\n";
    CHECK(n == strlen(h6) + 48 * 20 * 3 && memcmp(enc, h6, strlen(h6)) == 0);
    CHECK(memcmp(enc + strlen(h6), img.px, 48 * 20 * 3) == 0);
    free(enc);
    /* P5 of an RGB image: Y = 0.299 R + 0.587 G + 0.114 B, rounded. */
    CHECK_OK(nn_image_encode(&img, NN_IMAGE_PGM, &enc, &n, &err), &err);
    const char *h5 = "P5\n48 20\n255\n";
    CHECK(n == strlen(h5) + 48 * 20 && memcmp(enc, h5, strlen(h5)) == 0);
    int ok = 1;
    for (size_t i = 0; i < 48 * 20; i++) {
        const uint8_t *p = img.px + 3 * i;
        double y = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
        ok &= fabs(enc[strlen(h5) + i] - y) <= 0.5 + 1e-9;
    }
    CHECK(ok);
    /* By hand: background (20, 40, 90) -> 5.98 + 23.48 + 10.26 = 39.72 -> 40;
     * ink (255, 200, 0) -> 76.245 + 117.4 = 193.645 -> 194. */
    CHECK(enc[strlen(h5)] == 40);
    CHECK(enc[strlen(h5) + 1 * 48 + 1] == 194); /* 'H' top-left pixel at (1, 1) */
    free(enc);
    nn_image_free(&img);

    /* A grey image: P5 keeps it, P6 repeats each sample three times. */
    CHECK_OK(nn_image_create(&img, 3, 2, 1, &err), &err);
    for (int i = 0; i < 6; i++)
        img.px[i] = (uint8_t)(40 * i + 1);
    CHECK_OK(nn_image_encode(&img, NN_IMAGE_PGM, &enc, &n, &err), &err);
    CHECK(n == 11 + 6 && memcmp(enc, "P5\n3 2\n255\n\x01\x29\x51\x79\xa1\xc9", n) == 0);
    free(enc);
    CHECK_OK(nn_image_encode(&img, NN_IMAGE_PPM, &enc, &n, &err), &err);
    CHECK(n == 11 + 18 && memcmp(enc + 11, "\x01\x01\x01\x29\x29\x29\x51\x51\x51", 9) == 0);
    free(enc);
    nn_image_free(&img);

    /* Encoding an invalid image fails cleanly. */
    nn_image bad = {0};
    enc = (uint8_t *)&bad;
    CHECK(nn_image_encode(&bad, NN_IMAGE_PNG, &enc, &n, &err) == NN_ERR_ARG);
    CHECK(enc == NULL && n == 0);
}

/* Walks a PNG written by nnart and checks its structure with a reader written
 * here from the specification: chunk CRCs, IHDR, and the zlib stream of stored
 * blocks, whose payload must be the filter-0 scanlines of img. */
static void check_png_structure(const uint8_t *p, size_t n, const nn_image *img)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    CHECK(n > 8 && memcmp(p, sig, 8) == 0);
    size_t line = img->width * img->channels + 1, raw_len = img->height * line;
    uint8_t *z = malloc(n), *raw = malloc(raw_len);
    size_t zn = 0, chunks = 0, at = 8;
    int ok = z && raw, seen_end = 0;
    while (ok && at + 12 <= n && !seen_end) {
        uint32_t len = nn_load_u32be(p + at);
        const uint8_t *type = p + at + 4;
        if (len > n - at - 12) {
            ok = 0;
            break;
        }
        uint32_t crc = nn_crc32(0, type, 4 + (size_t)len);
        ok &= crc == nn_load_u32be(p + at + 8 + len);
        if (chunks == 0) {
            ok &= memcmp(type, "IHDR", 4) == 0 && len == 13;
            ok &= nn_load_u32be(type + 4) == img->width && nn_load_u32be(type + 8) == img->height;
            ok &= type[12] == 8 && type[13] == (img->channels == 3 ? 2 : 0);
            ok &= type[14] == 0 && type[15] == 0 && type[16] == 0;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            memcpy(z + zn, type + 4, len);
            zn += len;
        } else {
            ok &= memcmp(type, "IEND", 4) == 0 && len == 0;
            seen_end = 1;
        }
        at += 12 + (size_t)len;
        chunks++;
    }
    CHECK(ok && seen_end && at == n);
    /* zlib: CMF 0x78, FLG 0x01, stored blocks of at most 65535 bytes, the
     * last one marked final, then the Adler-32 of the payload. */
    CHECK(zn > 6 && z[0] == 0x78 && z[1] == 0x01);
    size_t zat = 2, got = 0, blocks = 0;
    int final = 0;
    while (ok && !final && zat + 5 <= zn) {
        final = z[zat] == 1;
        ok &= z[zat] == 0 || z[zat] == 1;
        size_t len = (size_t)z[zat + 1] | (size_t)z[zat + 2] << 8;
        size_t nlen = (size_t)z[zat + 3] | (size_t)z[zat + 4] << 8;
        ok &= (len ^ nlen) == 0xFFFF && len <= raw_len - got && zat + 5 + len <= zn;
        if (!ok)
            break;
        /* Every block but the last is full. */
        ok &= final || len == 65535;
        memcpy(raw + got, z + zat + 5, len);
        got += len;
        zat += 5 + len;
        blocks++;
    }
    CHECK(ok && final && got == raw_len && zat + 4 == zn);
    CHECK(blocks == (raw_len + 65534) / 65535);
    if (ok && got == raw_len) {
        CHECK(nn_load_u32be(z + zat) == nn_adler32(1, raw, raw_len));
        int lines_ok = 1;
        for (size_t y = 0; y < img->height; y++) {
            lines_ok &= raw[y * line] == 0;
            lines_ok &= memcmp(raw + y * line + 1, img->px + y * (line - 1), line - 1) == 0;
        }
        CHECK(lines_ok);
    }
    free(z);
    free(raw);
}

/* A PNG decoder independent of nnart: Python's zlib checks the chunk CRCs,
 * inflates the IDAT stream (verifying its Adler-32) and compares the pixels
 * with a raw dump.  Arguments: groups of PNG, raw dump, width, height,
 * channels.  Exit status 0 means all of them matched. */
static const char *py_check =
    "import struct, sys, zlib\n"
    "def check(png, raw, w, h, c):\n"
    "    assert png[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
    "    at, types, idat = 8, [], b''\n"
    "    while at < len(png):\n"
    "        n, t = struct.unpack('>I4s', png[at:at + 8])\n"
    "        body = png[at + 8:at + 8 + n]\n"
    "        crc = struct.unpack('>I', png[at + 8 + n:at + 12 + n])[0]\n"
    "        assert zlib.crc32(t + body) & 0xffffffff == crc\n"
    "        if t == b'IHDR':\n"
    "            assert struct.unpack('>IIBBBBB', body) == (w, h, 8, 2 if c == 3 else 0, 0, 0, 0)\n"
    "        if t == b'IDAT':\n"
    "            idat += body\n"
    "        types.append(t)\n"
    "        at += 12 + n\n"
    "    assert types[0] == b'IHDR' and types[-1] == b'IEND' and b'IDAT' in types\n"
    "    data = zlib.decompress(idat)\n"
    "    line = w * c + 1\n"
    "    assert len(data) == h * line\n"
    "    for y in range(h):\n"
    "        assert data[y * line] == 0\n"
    "        assert data[y * line + 1:(y + 1) * line] == raw[y * (line - 1):(y + 1) * (line - 1)]\n"
    "a = sys.argv[1:]\n"
    "for i in range(0, len(a), 5):\n"
    "    png, raw = open(a[i], 'rb').read(), open(a[i + 1], 'rb').read()\n"
    "    check(png, raw, int(a[i + 2]), int(a[i + 3]), int(a[i + 4]))\n";

/* The PNG files written so far, as arguments for pngcheck and the script. */
typedef struct png_list {
    char files[1024], groups[2048];
} png_list;

/* Checks the listed PNG files with each independent decoder that is
 * installed, each run once; a missing one is a skipped check. */
static void check_pngs_externally(const tdir *t, const png_list *l)
{
    char cmd[4096];
    if (have("pngcheck")) {
        snprintf(cmd, sizeof cmd, "pngcheck -q %s", l->files);
        CHECK(run(cmd) == 0);
    } else {
        SKIP("PNG files checked by pngcheck", "pngcheck is not installed");
    }
    if (have("python3") && run("python3 -c 'import zlib' >/dev/null 2>&1") == 0) {
        const char *script = td_path(t, 2, "check.py");
        CHECK(write_bytes(script, py_check, strlen(py_check)));
        snprintf(cmd, sizeof cmd, "python3 '%s' %s", script, l->groups);
        CHECK(run(cmd) == 0);
    } else {
        SKIP("PNG files decoded by Python's zlib", "python3 with its zlib module is not installed");
    }
}

/* Saves img as name.png in the scratch directory, checks the file equals the
 * encoding and its structure, and lists it (with a raw dump of its pixels) for
 * the independent decoders. */
static void check_png(const tdir *t, const nn_image *img, const char *name, png_list *l)
{
    nn_error err = {0};
    char png[160], raw[170];
    snprintf(png, sizeof png, "%s", td_path(t, 0, name));
    snprintf(raw, sizeof raw, "%s.raw", png);
    CHECK_OK(nn_image_save(png, img, &err), &err);
    uint8_t *file = NULL, *enc = NULL;
    size_t fn = 0, en = 0;
    CHECK_OK(nn_read_file(png, &file, &fn, (size_t)1 << 28, &err), &err);
    CHECK_OK(nn_image_encode(img, NN_IMAGE_PNG, &enc, &en, &err), &err);
    CHECK(file && enc && fn == en && memcmp(file, enc, fn) == 0);
    if (file)
        check_png_structure(file, fn, img);
    free(file);
    free(enc);
    CHECK(write_bytes(raw, img->px, img->width * img->height * img->channels));
    size_t n = strlen(l->files), m = strlen(l->groups);
    snprintf(l->files + n, sizeof l->files - n, " '%s'", png);
    snprintf(l->groups + m, sizeof l->groups - m, " '%s' '%s' %zu %zu %zu", png, raw, img->width,
             img->height, img->channels);
}

static void test_png(void)
{
    tdir t;
    png_list l = {"", ""};
    CHECK(td_open(&t));
    nn_image img;
    nn_error err = {0};
    CHECK(make_scene(&img));
    check_png(&t, &img, "scene.png", &l);
    nn_image_free(&img);

    /* Grey, and the smallest image there is. */
    CHECK_OK(nn_image_create(&img, 5, 3, 1, &err), &err);
    for (size_t i = 0; i < 15; i++)
        img.px[i] = (uint8_t)(i * 17);
    check_png(&t, &img, "grey.png", &l);
    nn_image_free(&img);
    CHECK_OK(nn_image_create(&img, 1, 1, 1, &err), &err);
    check_png(&t, &img, "one.png", &l);
    nn_image_free(&img);

    /* 700 x 520 RGB: 520 * (1 + 2100) = 1,092,520 bytes of scanlines need 17
     * stored blocks, and the zlib stream spans two IDAT chunks. */
    CHECK_OK(nn_image_create(&img, 700, 520, 3, &err), &err);
    for (size_t i = 0; i < 700 * 520 * 3; i++)
        img.px[i] = (uint8_t)(i * 7 + i / 997);
    check_png(&t, &img, "large.png", &l);
    nn_image_free(&img);

    check_pngs_externally(&t, &l);
    td_close(&t);
}

static void test_save_errors(void)
{
    tdir t;
    CHECK(td_open(&t));
    nn_image img;
    nn_error err = {0};
    CHECK(make_scene(&img));
    const char *path = td_path(&t, 0, "picture.jpg");
    CHECK(nn_image_save(path, &img, &err) == NN_ERR_ARG);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0);
    CHECK_MSG(err.msg, ".png, .ppm or .pgm");
    CHECK(access(path, F_OK) != 0);
    path = td_path(&t, 0, "no/such/dir/x.png");
    CHECK(nn_image_save(path, &img, &err) == NN_ERR_IO);
    CHECK(strncmp(err.msg, path, strlen(path)) == 0);
    CHECK(strchr(err.msg, '\n') == NULL);
    /* Saving over an existing file replaces it whole. */
    path = td_path(&t, 0, "x.ppm");
    CHECK(write_bytes(path, "old", 3));
    CHECK_OK(nn_image_save(path, &img, &err), &err);
    uint8_t *file = NULL;
    size_t fn = 0;
    CHECK_OK(nn_read_file(path, &file, &fn, 1 << 20, &err), &err);
    CHECK(fn == 13 + 48 * 20 * 3 && file && memcmp(file, "P6\n48 20\n255\n", 13) == 0);
    free(file);
    nn_image_free(&img);
    td_close(&t);
}

int main(void)
{
    RUN(test_create);
    RUN(test_fill_rect);
    RUN(test_font_glyphs);
    RUN(test_font_scale_and_clip);
    RUN(test_format_from_path);
    RUN(test_golden);
    RUN(test_ppm_pgm);
    RUN(test_png);
    RUN(test_save_errors);
    return t_summary();
}
