/* test_jpeg.c - the baseline JPEG decoder: two small golden files whose
 * samples were decoded by Pillow (libjpeg), malformed inputs (every truncation,
 * bad tables and markers) failing with one line naming the file, and, when
 * Python's Pillow is installed, a few hundred pictures made by Pillow and
 * cjpeg compared with Pillow's own decode (tests/jpeg_cases.py). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nn_io.h"
#include "nn_picture.h"
#include "test.h"

/* Reads a whole file (test input) into a malloc'ed buffer, or NULL. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            uint8_t *p = realloc(buf, cap = cap ? 2 * cap : 4096);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

/* The decode of len bytes must fail with NN_ERR_FORMAT, a clean picture and a
 * one-line message starting with the name and containing want (if any). */
static void expect_fail(const uint8_t *buf, size_t len, const char *want)
{
    nn_picture p;
    nn_error err = {0};
    int rc = nn_jpeg_decode(buf, len, "x.jpg", &p, &err);
    CHECK(rc == NN_ERR_FORMAT && err.code == NN_ERR_FORMAT);
    CHECK(p.px == NULL && p.width == 0 && p.height == 0);
    CHECK(strncmp(err.msg, "x.jpg: ", 7) == 0 && strchr(err.msg, '\n') == NULL);
    if (want)
        CHECK_MSG(err.msg, want);
    if (rc == NN_OK)
        nn_picture_free(&p);
}

/* tests/golden/jpeg_grey.jpg: a 12 x 10 ring, grey, made by cjpeg -grayscale
 * -quality 80 -restart 1B (a restart marker after every block); its samples
 * as Pillow 9.4 (libjpeg-turbo 2.1.5) decodes them. */
static const uint8_t grey_want[10 * 12] = {
      2,   0,   6,   3,   0,   7,   0,   2,   0,   7,   0,   0,
      0,  11,   0,   0,   1, 251, 244, 255,  18,   0,   3,   0,
      0,   5,   0,   0, 255, 255, 255, 252, 248,   0,   2,   0,
      0,   0,  12, 255, 239,   0,   0,   0, 250, 255,   8,   0,
      0,   0,   4, 246, 255,   2,  16,   0, 255, 238,   0,   4,
      0,   5,   0, 255, 255,   0,  14,   0, 241, 255,   3,   0,
      1,   3,   0, 255, 255,   5,   0,  17, 255, 252,   0,   9,
      0,   0,   5,   0, 254, 255, 255, 249, 255,   0,   3,   0,
      1,   0,   2,   0,  11, 252, 255, 255,   0,   0,   0,   0,
      8,   0,   1,   0,   0,  15,   1,   0,   0,   0,   0,   0,
};

/* tests/golden/jpeg_colour.jpg: 7 x 5 RGB, cjpeg -quality 75 -sample 2x2
 * -restart 1B (4:2:0, so the chroma is 4 x 3 and upsampled; a restart after
 * every MCU), decoded by Pillow as above. */
static const uint8_t colour_want[5 * 7 * 3] = {
     12,   9, 212,  36,  17, 207,  72,  21, 184, 104,  18, 151, 142,  13, 116, 176,  15,  91, 205,  17,  76,
     29,  55, 228,  53,  63, 223,  88,  66, 200, 120,  63, 168, 159,  59, 132, 193,  61, 108, 221,  62,  92,
     31, 115, 229,  54, 122, 223,  89, 125, 201, 122, 123, 169, 161, 119, 133, 195, 121, 110, 222, 123,  92,
     37, 173, 235,  58, 179, 226,  93, 181, 203, 126, 179, 173, 165, 177, 139, 200, 179, 114, 226, 179,  97,
     37, 223, 238,  59, 229, 229,  92, 230, 205, 127, 227, 173, 167, 226, 142, 202, 230, 119, 227, 230, 101,
};

/* The decode of len bytes is w x h x ch and exactly want. */
static void expect_picture(const uint8_t *buf, size_t len, size_t w, size_t h, size_t ch,
                           const uint8_t *want)
{
    nn_picture p;
    nn_error err = {0};
    CHECK_OK(nn_jpeg_decode(buf, len, "x.jpg", &p, &err), &err);
    CHECK(p.width == w && p.height == h && p.channels == ch && p.maxval == 255 && p.px);
    if (p.px && p.width == w && p.height == h && p.channels == ch)
        for (size_t i = 0; i < w * h * ch; i++)
            if (p.px[i] != want[i]) {
                CHECK(p.px[i] == want[i]);
                fprintf(stderr, "sample %zu: %u, expected %u\n", i, p.px[i], want[i]);
                break;
            }
    nn_picture_free(&p);
    CHECK(p.px == NULL && p.width == 0);
}

static uint8_t *golden(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "tests/golden/%s", name);
    uint8_t *buf = slurp(path, len);
    CHECK(buf != NULL);
    return buf;
}

static void test_golden(void)
{
    size_t n;
    uint8_t *grey = golden("jpeg_grey.jpg", &n);
    if (grey)
        expect_picture(grey, n, 12, 10, 1, grey_want);
    free(grey);
    uint8_t *colour = golden("jpeg_colour.jpg", &n);
    if (colour)
        expect_picture(colour, n, 7, 5, 3, colour_want);
    free(colour);
}

/* Cut at every length, a file fails cleanly, except without its last two
 * bytes (EOI), when the picture is complete; bytes after EOI are ignored. */
static void test_truncated(void)
{
    const char *names[2] = {"jpeg_grey.jpg", "jpeg_colour.jpg"};
    const uint8_t *wants[2] = {grey_want, colour_want};
    size_t sizes[2][3] = {{12, 10, 1}, {7, 5, 3}};
    for (int f = 0; f < 2; f++) {
        size_t n;
        uint8_t *buf = golden(names[f], &n);
        if (!buf)
            continue;
        for (size_t cut = 0; cut + 2 < n; cut++) {
            /* a copy of exactly cut bytes, so that ASan sees any read past it */
            uint8_t *part = malloc(cut ? cut : 1);
            memcpy(part, buf, cut);
            expect_fail(part, cut, NULL);
            free(part);
        }
        for (size_t cut = n - 2; cut <= n; cut++)
            expect_picture(buf, cut, sizes[f][0], sizes[f][1], sizes[f][2], wants[f]);
        uint8_t *more = malloc(n + 6);
        memcpy(more, buf, n);
        memcpy(more + n, "\xff\xd8junk", 6);
        expect_picture(more, n + 6, sizes[f][0], sizes[f][1], sizes[f][2], wants[f]);
        free(more);
        free(buf);
    }
}

/* The offset of the first marker FF code in buf (after SOI), or 0. */
static size_t find_marker(const uint8_t *buf, size_t len, uint8_t code)
{
    for (size_t i = 2; i + 1 < len; i++)
        if (buf[i] == 0xFF && buf[i + 1] == code)
            return i;
    return 0;
}

/* The grey golden file with the byte at marker code's offset + at set to v,
 * which must fail with want. */
static void expect_patched(uint8_t code, size_t at, uint8_t v, const char *want)
{
    size_t n;
    uint8_t *buf = golden("jpeg_grey.jpg", &n);
    if (!buf)
        return;
    size_t m = find_marker(buf, n, code);
    CHECK(m != 0 && m + at < n);
    if (m && m + at < n) {
        buf[m + at] = v;
        expect_fail(buf, n, want);
    }
    free(buf);
}

static void test_bad_tables(void)
{
    /* DHT: FF C4, length, Tc|Th at +4, 16 counts at +5, symbols at +21 */
    expect_patched(0xC4, 4, 0x20, "table class");
    expect_patched(0xC4, 4, 0x04, "table class or number");
    expect_patched(0xC4, 5 + 15, 200, "more symbols than the segment holds");
    expect_patched(0xC4, 21, 16, "DC difference category above 15");
    {
        /* two codes of length 1 (one fewer of lengths 2 and 3, the same total): no room */
        size_t n;
        uint8_t *buf = golden("jpeg_grey.jpg", &n);
        size_t m = buf ? find_marker(buf, n, 0xC4) : 0;
        CHECK(m && buf[m + 5] == 0 && buf[m + 6] == 1 && buf[m + 7] == 5);
        if (m) {
            buf[m + 5] = 2;
            buf[m + 6] = 0;
            buf[m + 7] = 4;
            expect_fail(buf, n, "more codes of some length than fit");
            /* three of length 1: the third would lie past the look-up table */
            buf[m + 5] = 3;
            buf[m + 7] = 3;
            expect_fail(buf, n, "more codes of some length than fit");
        }
        free(buf);
    }
    /* DQT: Pq|Tq at +4 */
    expect_patched(0xDB, 4, 0x20, "precision");
    expect_patched(0xDB, 4, 0x10, "shorter than its tables");
    /* SOS: Ns at +4, Cs at +5, Td|Ta at +6 */
    expect_patched(0xDA, 6, 0x11, "Huffman table that is not defined");
    expect_patched(0xDA, 5, 0x07, "not in the frame");
    expect_patched(0xDA, 4, 0x02, "length does not match");
    /* DRI: length at +2 */
    expect_patched(0xDD, 3, 0x05, "DRI");
}

static void test_bad_frames(void)
{
    /* SOF0: FF C0, length, P at +4, Y at +5, X at +7, Nf at +9, then C, H|V, Tq */
    expect_patched(0xC0, 1, 0xC2, "a progressive JPEG: only baseline JPEG is supported");
    expect_patched(0xC0, 1, 0xC3, "a lossless JPEG");
    expect_patched(0xC0, 1, 0xC5, "a hierarchical JPEG");
    expect_patched(0xC0, 1, 0xC9, "an arithmetic-coded JPEG");
    expect_patched(0xC0, 4, 12, "12-bit samples: only 8-bit JPEG is supported");
    expect_patched(0xC0, 4, 16, "16-bit samples");
    expect_patched(0xC0, 6, 0, "height 0");
    expect_patched(0xC0, 8, 0, "width 0");
    expect_patched(0xC0, 9, 2, "length does not match");
    expect_patched(0xC0, 11, 0x31, "sampling factors 3x1");
    expect_patched(0xC0, 11, 0x50, "sampling factor or table number out of range");
    expect_patched(0xC0, 12, 2, "quantisation table is not defined");
    expect_patched(0xC0, 5, 0x75, "cannot hold"); /* 29962 x 12 in 465 bytes */
    expect_patched(0xC0, 5, 0x90, "too large");
    /* a CMYK frame (4 components), and 2 components */
    static const uint8_t cmyk[] = {0xFF, 0xD8, 0xFF, 0xC0, 0, 20, 8, 0, 1, 0, 1, 4,
                                   1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0};
    expect_fail(cmyk, sizeof cmyk, "a CMYK JPEG (4 components)");
    static const uint8_t two[] = {0xFF, 0xD8, 0xFF, 0xC0, 0, 14, 8, 0, 1, 0, 1, 2,
                                  1, 0x11, 0, 2, 0x11, 0};
    expect_fail(two, sizeof two, "2 components");
}

static void test_bad_markers(void)
{
    expect_fail((const uint8_t *)"", 0, "not a JPEG file");
    expect_fail((const uint8_t *)"\x89PNG\r\n\x1a\n", 8, "not a JPEG file");
    expect_fail((const uint8_t *)"\xff\xd8\xff\xd9", 4, "no frame header");
    expect_fail((const uint8_t *)"\xff\xd8\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00", 12,
                "before the frame header");
    expect_fail((const uint8_t *)"\xff\xd8\xff\x02\x00\x02", 6, "unknown marker FF 02");
    expect_fail((const uint8_t *)"\xff\xd8\xff\xe1\x00\x01", 6, "bad APPn segment: length 1");
    expect_fail((const uint8_t *)"\xff\xd8\xff\xfe\x00\x09" "abc", 9, "truncated: the file ends in the COM segment");
    expect_fail((const uint8_t *)"\xff\xd8\xff\xd8", 4, "second start-of-image");
    /* restart markers out of sequence, or another marker in their place */
    expect_patched(0xD1, 1, 0xD2, "expected the restart marker RST1");
    expect_patched(0xD0, 1, 0xD9, "expected the restart marker RST0");
    /* a second frame header */
    size_t n;
    uint8_t *buf = golden("jpeg_grey.jpg", &n);
    if (buf) {
        size_t sof = find_marker(buf, n, 0xC0), sos = find_marker(buf, n, 0xDA);
        uint8_t *twice = malloc(n + 13);
        memcpy(twice, buf, sos);
        memcpy(twice + sos, buf + sof, 13);
        memcpy(twice + sos + 13, buf + sos, n - sos);
        expect_fail(twice, n + 13, "a second frame header");
        free(twice);
        /* a marker inside a restart interval's data */
        size_t data = sos + 10;
        buf[data + 3] = 0xFF;
        buf[data + 4] = 0xD9;
        expect_fail(buf, n, "bad scan data");
        free(buf);
    }
}

/* A Python that can import Pillow (Debian's lives in /usr/bin, maybe behind
 * another python3 on the PATH), or NULL. */
static const char *pillow_python(void)
{
    static const char *candidates[] = {"python3", "/usr/bin/python3"};
    for (size_t i = 0; i < 2; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "%s -c 'import PIL' >/dev/null 2>&1", candidates[i]);
        if (system(cmd) == 0)
            return candidates[i];
    }
    return NULL;
}

/* Differences between a decode and Pillow's, over all the cases. */
typedef struct diffstats {
    int max, cases, exact;
    double sum;
    size_t samples;
    char worst[128];
} diffstats;

/* One case that decodes: same size and channels as Pillow's, and its samples
 * within 3 levels of Pillow's (an IDCT's rounding). */
static void compare_case(const char *dir, const char *name, size_t w, size_t h, size_t ch,
                         diffstats *st)
{
    char path[512];
    size_t len, rawlen;
    snprintf(path, sizeof path, "%s/%s.jpg", dir, name);
    uint8_t *buf = slurp(path, &len);
    snprintf(path, sizeof path, "%s/%s.raw", dir, name);
    uint8_t *raw = slurp(path, &rawlen);
    nn_picture p;
    nn_error err = {0};
    CHECK(buf && raw);
    int rc = buf ? nn_jpeg_decode(buf, len, name, &p, &err) : NN_ERR_IO;
    if (rc != NN_OK)
        fprintf(stderr, "%s: %s\n", name, err.msg);
    CHECK(rc == NN_OK);
    if (rc == NN_OK && raw) {
        CHECK(p.width == w && p.height == h && p.channels == ch && p.maxval == 255);
        CHECK(rawlen == w * h * ch);
        int max = 0;
        if (p.width == w && p.height == h && p.channels == ch && rawlen == w * h * ch)
            for (size_t i = 0; i < rawlen; i++) {
                int d = abs((int)p.px[i] - (int)raw[i]);
                max = d > max ? d : max;
                st->sum += d;
            }
        st->samples += rawlen;
        st->cases++;
        st->exact += max == 0;
        if (max > st->max) {
            st->max = max;
            snprintf(st->worst, sizeof st->worst, "%s", name);
        }
        if (max > 3)
            fprintf(stderr, "%s: differs from Pillow's decode by up to %d\n", name, max);
        CHECK(max <= 3);
    }
    if (rc == NN_OK)
        nn_picture_free(&p);
    free(buf);
    free(raw);
}

/* One case that must fail, with a message containing word. */
static void failing_case(const char *dir, const char *name, const char *word)
{
    char path[512];
    size_t len;
    snprintf(path, sizeof path, "%s/%s.jpg", dir, name);
    uint8_t *buf = slurp(path, &len);
    CHECK(buf != NULL);
    if (buf) {
        nn_picture p;
        nn_error err = {0};
        CHECK(nn_jpeg_decode(buf, len, "x.jpg", &p, &err) == NN_ERR_FORMAT);
        CHECK_MSG(err.msg, word);
        CHECK(p.px == NULL);
    }
    free(buf);
}

/* Runs every case of tests/jpeg_cases.py. */
static void test_against_pillow(void)
{
    const char *py = pillow_python();
    if (!py) {
        SKIP("JPEG decodes compared with Pillow's", "Python's Pillow (python3-pil) is missing");
        return;
    }
    char dir[] = "/tmp/nnart-jpeg-XXXXXX", cmd[512], line[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd, "%s tests/jpeg_cases.py %s", py, dir);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "%s/cases.txt", dir);
    FILE *f = fopen(cmd, "r");
    CHECK(f != NULL);
    diffstats st = {0};
    int errors = 0, no_cjpeg = 0;
    while (f && fgets(line, sizeof line, f)) {
        char name[128], kind[16], word[64];
        size_t w, h, ch;
        if (sscanf(line, "%127s ok %zu %zu %zu", name, &w, &h, &ch) == 4)
            compare_case(dir, name, w, h, ch, &st);
        else if (sscanf(line, "%127s %15s %63s", name, kind, word) == 3 && !strcmp(kind, "error"))
            failing_case(dir, name, word), errors++;
        else
            no_cjpeg = 1;
    }
    if (f)
        fclose(f);
    CHECK(st.cases >= 100 && errors == 3);
    printf("JPEG against Pillow: %d pictures, %d identical, largest difference %d (%s), mean "
           "%.4f over %zu samples\n",
           st.cases, st.exact, st.max, st.worst, st.samples ? st.sum / (double)st.samples : 0.0,
           st.samples);
    CHECK(st.samples && st.sum / (double)st.samples < 0.5);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    if (no_cjpeg)
        SKIP("JPEGs made by cjpeg (restart intervals, 4:4:0, RGB, non-interleaved scans)",
             "cjpeg (libjpeg-turbo-progs) is not installed");
}

int main(void)
{
    RUN(test_golden);
    RUN(test_truncated);
    RUN(test_bad_tables);
    RUN(test_bad_frames);
    RUN(test_bad_markers);
    RUN(test_against_pillow);
    return t_summary();
}
