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
#include "nn_gzip.h"
#include "nn_image.h"
#include "nn_io.h"
#include "pictures/png.h"
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

static int have(const char *tool)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return t_run_command(cmd) == 0;
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

/* What a PNG of img must declare: colour type and bit depth, as png.h
 * promises them (grey at the fewest exact bits, palette by the number of
 * colours, RGB beyond 256). */
typedef struct png_expect {
    unsigned colour_type, depth;
} png_expect;

/* The zlib stream z of img's PNG inflates, by nnart's own inflater (the
 * deflate data in a gzip member whose CRC-32 and length are those of the
 * rows the writer filtered, png.h), to exactly those rows; each row starts
 * with a filter byte 0-4, 0 where the writer must not filter. */
static void check_zlib_rows(const uint8_t *z, size_t zn, const nn_image *img, png_expect e)
{
    nni_png_plan plan;
    uint8_t *rows = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    nn_error err = {0};
    CHECK(nni_png_plan_make(&plan, img, 1) == NN_OK);
    CHECK(plan.colour_type == e.colour_type && plan.depth == e.depth);
    CHECK(nni_png_scanlines(&plan, img, 0, 0, img->width, img->height, &rows, &len) == NN_OK);
    static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    nn_buf g = {0};
    nn_buf_put(&g, head, sizeof head);
    nn_buf_put(&g, z + 2, zn - 6);
    nn_buf_put_u32le(&g, nn_crc32(0, rows, len));
    nn_buf_put_u32le(&g, (uint32_t)len);
    CHECK_OK(nn_gunzip(g.data, g.len, "png", &out, &out_len, &err), &err);
    CHECK(out_len == len && out && memcmp(out, rows, len) == 0);
    CHECK(nn_load_u32be(z + zn - 4) == nn_adler32(1, rows, len));
    size_t bits = img->width * e.depth * (e.colour_type == 2 ? 3 : 1);
    size_t line = (bits + 7) / 8 + 1;
    int filters_ok = len == img->height * line;
    for (size_t y = 0; filters_ok && y < img->height; y++)
        filters_ok = rows[y * line] <= (e.colour_type == 3 || e.depth < 8 ? 0 : 4);
    CHECK(filters_ok);
    nn_buf_free(&g);
    free(out);
    free(rows);
    nni_png_plan_free(&plan);
}

/* Walks a PNG written by nnart and checks its structure with a reader written
 * here from the specification: the signature, every chunk's CRC, IHDR (size,
 * the expected colour type and depth, no interlace), PLTE exactly for palette
 * pictures, the IDAT chunks in one run, IEND last; the zlib stream's header
 * (78 9C) and, through nnart's own inflater, that it inflates to the
 * scanlines the writer filtered: one filter byte (0-4; 0 for palettes and
 * depths below 8) per row of the right length. */
static void check_png_structure(const uint8_t *p, size_t n, const nn_image *img, png_expect e)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    CHECK(n > 8 && memcmp(p, sig, 8) == 0);
    nn_buf z = {0};
    size_t chunks = 0, at = 8, plte = 0, idat_runs = 0;
    int ok = 1, seen_end = 0, in_idat = 0;
    while (ok && at + 12 <= n && !seen_end) {
        uint32_t len = nn_load_u32be(p + at);
        const uint8_t *type = p + at + 4;
        if (len > n - at - 12) {
            ok = 0;
            break;
        }
        ok &= nn_crc32(0, type, 4 + (size_t)len) == nn_load_u32be(p + at + 8 + len);
        int is_idat = memcmp(type, "IDAT", 4) == 0;
        idat_runs += is_idat && !in_idat;
        in_idat = is_idat;
        if (chunks == 0) {
            ok &= memcmp(type, "IHDR", 4) == 0 && len == 13;
            ok &= nn_load_u32be(type + 4) == img->width && nn_load_u32be(type + 8) == img->height;
            ok &= type[12] == e.depth && type[13] == e.colour_type;
            ok &= type[14] == 0 && type[15] == 0 && type[16] == 0;
        } else if (is_idat) {
            nn_buf_put(&z, type + 4, len);
        } else if (memcmp(type, "PLTE", 4) == 0) {
            plte++;
            ok &= len % 3 == 0 && len >= 3 && len <= 768 && idat_runs == 0;
        } else {
            ok &= memcmp(type, "IEND", 4) == 0 && len == 0;
            seen_end = 1;
        }
        at += 12 + (size_t)len;
        chunks++;
    }
    CHECK(ok && seen_end && at == n && idat_runs == 1 && !z.failed);
    CHECK(plte == (e.colour_type == 3));
    CHECK(z.len > 6 && z.data[0] == 0x78 && z.data[1] == 0x9C);
    if (z.len > 6)
        check_zlib_rows(z.data, z.len, img, e);
    nn_buf_free(&z);
}
/* A PNG decoder independent of nnart: Python's zlib checks the chunk CRCs,
 * inflates the IDAT stream (verifying its Adler-32), undoes the filters
 * (PNG section 9), unpacks grey, palette and RGB samples at every depth and
 * compares the colours with a raw RGB dump.  Arguments: groups of PNG, raw
 * dump, width, height, colour type, depth.  Exit status 0: all matched. */
static const char *py_check =
    "import struct, sys, zlib\n"
    "def unfilter(data, h, n, bpp):\n"
    "    out, prev, at = bytearray(), bytearray(n), 0\n"
    "    for y in range(h):\n"
    "        f, row = data[at], bytearray(data[at + 1:at + 1 + n])\n"
    "        at += 1 + n\n"
    "        for i in range(n):\n"
    "            a = row[i - bpp] if i >= bpp else 0\n"
    "            b = prev[i]\n"
    "            c = prev[i - bpp] if i >= bpp else 0\n"
    "            if f == 0: q = 0\n"
    "            elif f == 1: q = a\n"
    "            elif f == 2: q = b\n"
    "            elif f == 3: q = (a + b) // 2\n"
    "            elif f == 4:\n"
    "                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)\n"
    "                q = a if pa <= pb and pa <= pc else b if pb <= pc else c\n"
    "            else: raise ValueError('filter %d' % f)\n"
    "            row[i] = (row[i] + q) & 255\n"
    "        out += row\n"
    "        prev = row\n"
    "    return out\n"
    "def check(png, raw, w, h, ct, depth):\n"
    "    assert png[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
    "    at, types, idat, plte = 8, [], b'', b''\n"
    "    while at < len(png):\n"
    "        n, t = struct.unpack('>I4s', png[at:at + 8])\n"
    "        body = png[at + 8:at + 8 + n]\n"
    "        crc = struct.unpack('>I', png[at + 8 + n:at + 12 + n])[0]\n"
    "        assert zlib.crc32(t + body) & 0xffffffff == crc\n"
    "        if t == b'IHDR':\n"
    "            assert struct.unpack('>IIBBBBB', body) == (w, h, depth, ct, 0, 0, 0)\n"
    "        if t == b'IDAT': idat += body\n"
    "        if t == b'PLTE': plte = body\n"
    "        types.append(t)\n"
    "        at += 12 + n\n"
    "    assert types[0] == b'IHDR' and types[-1] == b'IEND' and b'IDAT' in types\n"
    "    spp = 3 if ct == 2 else 1\n"
    "    n = (w * spp * depth + 7) // 8\n"
    "    data = zlib.decompress(idat)\n"
    "    assert len(data) == h * (n + 1)\n"
    "    px = unfilter(data, h, n, max(1, spp * depth // 8))\n"
    "    if ct == 2:\n"
    "        assert bytes(px) == raw\n"
    "        return\n"
    "    got, mask = bytearray(), (1 << depth) - 1\n"
    "    for y in range(h):\n"
    "        row = px[y * n:(y + 1) * n]\n"
    "        for x in range(w):\n"
    "            bit = x * depth\n"
    "            v = (row[bit // 8] >> (8 - depth - bit % 8)) & mask\n"
    "            if ct == 0: got += bytes([v * 255 // mask] * 3)\n"
    "            else: got += plte[3 * v:3 * v + 3]\n"
    "    assert bytes(got) == raw\n"
    "a = sys.argv[1:]\n"
    "for i in range(0, len(a), 6):\n"
    "    png, raw = open(a[i], 'rb').read(), open(a[i + 1], 'rb').read()\n"
    "    check(png, raw, *map(int, a[i + 2:i + 6]))\n";

/* The PNG files written so far, as arguments for pngcheck and the script. */
typedef struct png_list {
    char files[2048], groups[4096];
} png_list;

/* Checks the listed PNG files with each independent decoder that is
 * installed, each run once; a missing one is a skipped check. */
static void check_pngs_externally(const tdir *t, const png_list *l)
{
    char cmd[6144];
    if (have("pngcheck")) {
        snprintf(cmd, sizeof cmd, "pngcheck -q %s", l->files);
        CHECK(t_run_command(cmd) == 0);
    } else {
        SKIP("PNG files checked by pngcheck", "pngcheck is not installed");
    }
    if (have("python3") && t_run_command("python3 -c 'import zlib' >/dev/null 2>&1") == 0) {
        const char *script = td_path(t, 2, "check.py");
        CHECK(t_write_file(script, py_check, strlen(py_check)));
        snprintf(cmd, sizeof cmd, "python3 '%s' %s", script, l->groups);
        CHECK(t_run_command(cmd) == 0);
    } else {
        SKIP("PNG files decoded by Python's zlib", "python3 with its zlib module is not installed");
    }
}

/* Saves img as name.png in the scratch directory, checks the file equals the
 * encoding, is the same again, and its structure; lists it (with a raw RGB
 * dump of its pixels) for the independent decoders. */
static void check_png(const tdir *t, const nn_image *img, const char *name, png_expect e,
                      png_list *l)
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
    if (file && fn > 26 && (file[24] != e.depth || file[25] != e.colour_type))
        fprintf(stderr, "%s: colour type %u depth %u, expected %u and %u\n", name, file[25],
                file[24], e.colour_type, e.depth);
    if (file)
        check_png_structure(file, fn, img, e);
    free(file);
    free(enc);
    size_t count = img->width * img->height;
    uint8_t *rgb = malloc(3 * count);
    CHECK(rgb != NULL);
    for (size_t i = 0; rgb && i < 3 * count; i++)
        rgb[i] = img->channels == 3 ? img->px[i] : img->px[i / 3];
    CHECK(rgb && t_write_file(raw, rgb, 3 * count));
    free(rgb);
    size_t n = strlen(l->files), m = strlen(l->groups);
    snprintf(l->files + n, sizeof l->files - n, " '%s'", png);
    snprintf(l->groups + m, sizeof l->groups - m, " '%s' '%s' %zu %zu %u %u", png, raw,
             img->width, img->height, e.colour_type, e.depth);
}

/* An image of k colours (k <= 257 distinct ones) in short runs: colour v
 * is (37 v, 91 v + v / 256, 13 v + v / 128), bytes wrapping. */
static int make_colours(nn_image *img, size_t w, size_t h, size_t channels, size_t k)
{
    nn_error err = {0};
    if (nn_image_create(img, w, h, channels, &err) != NN_OK)
        return 0;
    for (size_t i = 0; i < w * h; i++) {
        size_t v = (i / 3 + i / w) % k;
        uint8_t *p = img->px + i * channels;
        p[0] = (uint8_t)(v * 37);
        if (channels == 3) {
            p[1] = (uint8_t)(v * 91 + v / 256);
            p[2] = (uint8_t)(v * 13 + v / 128);
        }
    }
    return 1;
}

static void test_png(void)
{
    tdir t;
    png_list l = {"", ""};
    CHECK(td_open(&t));
    nn_image img;
    nn_error err = {0};
    CHECK(make_scene(&img)); /* 4 colours: a 2-bit palette */
    check_png(&t, &img, "scene.png", (png_expect){3, 2}, &l);
    nn_image_free(&img);

    /* Grey: levels i * 17 fit 4 bits; black alone 1 bit; 0 and 85 two;
     * levels of every kind 8; RGB with R = G = B everywhere is grey. */
    CHECK_OK(nn_image_create(&img, 5, 3, 1, &err), &err);
    for (size_t i = 0; i < 15; i++)
        img.px[i] = (uint8_t)(i * 17);
    check_png(&t, &img, "grey4.png", (png_expect){0, 4}, &l);
    nn_image_free(&img);
    CHECK_OK(nn_image_create(&img, 1, 1, 1, &err), &err);
    check_png(&t, &img, "one.png", (png_expect){0, 1}, &l);
    nn_image_free(&img);
    CHECK_OK(nn_image_create(&img, 13, 5, 1, &err), &err);
    for (size_t i = 0; i < 13 * 5; i++)
        img.px[i] = (uint8_t)(i % 3 == 0 ? 85 : 0);
    check_png(&t, &img, "grey2.png", (png_expect){0, 2}, &l);
    nn_image_free(&img);
    CHECK_OK(nn_image_create(&img, 61, 37, 3, &err), &err);
    for (size_t i = 0; i < 61 * 37 * 3; i++)
        img.px[i] = (uint8_t)((i / 3) * 7 + (i / 3) / 61);
    check_png(&t, &img, "grey8.png", (png_expect){0, 8}, &l);
    nn_image_free(&img);

    /* Palettes of 2, 4, 16 and 256 colours, widths that leave part of a byte. */
    static const size_t colours[4] = {2, 4, 16, 256}, depths[4] = {1, 2, 4, 8};
    for (int i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "palette%zu.png", depths[i]);
        CHECK(make_colours(&img, 67, 41, 3, colours[i]));
        check_png(&t, &img, name, (png_expect){3, (unsigned)depths[i]}, &l);
        nn_image_free(&img);
    }

    /* 257 colours: RGB.  Then 700 x 520 of noise: the zlib stream is larger
     * than one IDAT chunk (1 MiB). */
    CHECK(make_colours(&img, 67, 41, 3, 257));
    check_png(&t, &img, "rgb.png", (png_expect){2, 8}, &l);
    nn_image_free(&img);
    CHECK_OK(nn_image_create(&img, 700, 520, 3, &err), &err);
    uint32_t x = 1;
    for (size_t i = 0; i < 700 * 520 * 3; i++) {
        x = x * 1664525u + 1013904223u;
        img.px[i] = (uint8_t)(x >> 24);
    }
    check_png(&t, &img, "large.png", (png_expect){2, 8}, &l);
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
    CHECK(t_write_file(path, "old", 3));
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
