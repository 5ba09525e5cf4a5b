/* test_anim.c - animations: GIF and APNG files of grey and colour frames
 * with every colour-table case (one global table, local tables, reduced
 * colours), decoded frame by frame by PIL (Pillow), the independent decoder:
 * frame count, size, delays, looping, and the pixels (exact unless the
 * colours had to be reduced).  The APNG chunk sequence is checked from the
 * specification as well. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nn_anim.h"
#include "nn_io.h"
#include "test.h"

static void test_format_from_path(void)
{
    nn_anim_format f = NN_ANIM_APNG;
    CHECK(nn_anim_format_from_path("a.gif", &f) == 0 && f == NN_ANIM_GIF);
    CHECK(nn_anim_format_from_path("dir/A.GIF", &f) == 0 && f == NN_ANIM_GIF);
    CHECK(nn_anim_format_from_path("a.png", &f) == 0 && f == NN_ANIM_APNG);
    f = NN_ANIM_GIF;
    CHECK(nn_anim_format_from_path("a.ApNg", &f) == 0 && f == NN_ANIM_APNG);
    CHECK(nn_anim_format_from_path("a.jpg", &f) == -1);
    CHECK(nn_anim_format_from_path(".gif", &f) == -1);
    CHECK(nn_anim_format_from_path("gif", &f) == -1);
}

/* ---- frames ----------------------------------------------------------------- */

/* splitmix64 */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

enum { A_GREY, A_GLOBAL, A_LOCAL, A_MANY, A_LARGE, A_SINGLE, A_KINDS };
static const char *const anim_name[A_KINDS] = {"grey", "global", "local", "many", "large",
                                               "single"};
#define MAX_FRAMES 6

/* Frames of a kind: grey with a moving box and a repeated frame; colour
 * with 40 colours in all (one global table); 200 colours per frame but
 * different ones (local tables); thousands of colours (reduced in a GIF);
 * 300 x 200 of 250 colours in short runs (the LZW table fills many times);
 * one frame.  Returns the frame count. */
static size_t make_frames(int kind, nn_image *f, unsigned *delay)
{
    size_t n = kind == A_SINGLE ? 1 : kind == A_LARGE ? 3 : MAX_FRAMES;
    size_t w = kind == A_LARGE ? 300 : 37, h = kind == A_LARGE ? 200 : 23;
    uint64_t s = 99 + (uint64_t)kind;
    nn_error err = {0};
    for (size_t i = 0; i < n; i++) {
        CHECK_OK(nn_image_create(&f[i], w, h, kind == A_GREY ? 1 : 3, &err), &err);
        delay[i] = 2 + 7 * (unsigned)i;
        uint8_t *p = f[i].px;
        for (size_t j = 0; j < w * h; j++) {
            size_t x = j % w, y = j / w;
            if (kind == A_GREY) {
                int in_box = x >= 3 + 4 * i && x < 12 + 4 * i && y >= 5 && y < 15;
                p[j] = in_box ? 255 : (uint8_t)(x / 4 * 20);
                continue;
            }
            unsigned v = kind == A_GLOBAL   ? (unsigned)((x + y + 3 * i) % 40)
                         : kind == A_LOCAL  ? (unsigned)(i * 200 + (x * 7 + y * 3) % 200)
                         : kind == A_MANY   ? (unsigned)(x * 31 + y * 97 + i * 5)
                                            : (unsigned)(rnd(&s) % 3 ? (j ? p[3 * j - 3] : 0) : rnd(&s) % 250);
            p[3 * j] = (uint8_t)v;
            p[3 * j + 1] = (uint8_t)(v * 3 + v / 256);
            p[3 * j + 2] = (uint8_t)(v / 3 + 40 * (v % 2));
        }
        if (kind == A_GREY && i == 3) /* the same picture twice in a row */
            memcpy(p, f[2].px, w * h);
    }
    return n;
}

/* ---- PIL ------------------------------------------------------------------- */

/* For each group (file, raw RGB frames, width, height, delays, exact): PIL
 * opens it, and there are as many frames as delays, each of the size, shown
 * delay * 10 ms, looping forever (loop 0), with exactly the pixels of the
 * dump (or, when exact is 0, a mean error per channel below 12).  An APNG's
 * chunks also come in order: IHDR, PLTE if any, acTL with the frame count
 * and 0 plays, each frame's fcTL before its data, sequence numbers 0, 1, ...
 * over fcTL and fdAT. */
static const char *py_check =
    "import struct, sys\n"
    "from PIL import Image, ImageSequence\n"
    "def apng_chunks(png):\n"
    "    at, seq, frames, types = 8, 0, 0, []\n"
    "    while at < len(png):\n"
    "        n, t = struct.unpack('>I4s', png[at:at + 8])\n"
    "        body = png[at + 8:at + 8 + n]\n"
    "        types.append(t)\n"
    "        if t in (b'fcTL', b'fdAT'):\n"
    "            assert struct.unpack('>I', body[:4])[0] == seq\n"
    "            seq += 1\n"
    "        if t == b'fcTL':\n"
    "            frames += 1\n"
    "        if t == b'acTL':\n"
    "            actl = struct.unpack('>II', body)\n"
    "        at += 12 + n\n"
    "    assert types[0] == b'IHDR' and types[-1] == b'IEND'\n"
    "    assert types.index(b'acTL') < types.index(b'IDAT')\n"
    "    assert types.index(b'fcTL') < types.index(b'IDAT')\n"
    "    return actl, frames\n"
    "def check(path, raw, w, h, delays, exact):\n"
    "    im = Image.open(path)\n"
    "    assert im.n_frames == len(delays), (path, im.n_frames)\n"
    "    assert im.info.get('loop') == 0, (path, im.info)\n"
    "    if path.endswith('.png'):\n"
    "        assert apng_chunks(open(path, 'rb').read()) == ((len(delays), 0), len(delays))\n"
    "    size = w * h * 3\n"
    "    for i, fr in enumerate(ImageSequence.Iterator(im)):\n"
    "        assert fr.size == (w, h)\n"
    "        assert abs(fr.info['duration'] - 10 * delays[i]) < 1e-6, (path, i, fr.info)\n"
    "        got, want = fr.convert('RGB').tobytes(), raw[i * size:(i + 1) * size]\n"
    "        if exact:\n"
    "            assert got == want, (path, i)\n"
    "        else:\n"
    "            err = sum(abs(a - b) for a, b in zip(got, want)) / size\n"
    "            assert err < 12, (path, i, err)\n"
    "a = sys.argv[1:]\n"
    "for i in range(0, len(a), 6):\n"
    "    delays = [int(d) for d in a[i + 4].split(',')]\n"
    "    check(a[i], open(a[i + 1], 'rb').read(), int(a[i + 2]), int(a[i + 3]), delays,\n"
    "          int(a[i + 5]))\n";

/* The first Python that imports PIL: python3, or Debian's own behind it. */
static const char *pil_python(void)
{
    static const char *const cands[2] = {"python3", "/usr/bin/python3"};
    for (int i = 0; i < 2; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "%s -c 'import PIL' >/dev/null 2>&1", cands[i]);
        if (t_run_command(cmd) == 0)
            return cands[i];
    }
    return NULL;
}

/* Writes every kind as GIF and APNG (checking that saving gives the bytes
 * encoding gives, twice the same), with raw dumps, and has PIL check them. */
static void test_decoded_by_pil(void)
{
    char dir[] = "/tmp/nnart-anim-XXXXXX", args[8192] = "";
    CHECK(mkdtemp(dir) != NULL);
    for (int k = 0; k < A_KINDS; k++) {
        nn_image f[MAX_FRAMES];
        unsigned delay[MAX_FRAMES];
        size_t n = make_frames(k, f, delay), w = f[0].width, h = f[0].height;
        char raw[96], delays[96] = "";
        snprintf(raw, sizeof raw, "%s/%s.raw", dir, anim_name[k]);
        FILE *out = fopen(raw, "wb");
        CHECK(out != NULL);
        for (size_t i = 0; out && i < n; i++) {
            for (size_t j = 0; j < w * h * 3; j++)
                fputc(f[i].channels == 3 ? f[i].px[j] : f[i].px[j / 3], out);
            size_t at = strlen(delays);
            snprintf(delays + at, sizeof delays - at, "%s%u", i ? "," : "", delay[i]);
        }
        CHECK(out && fclose(out) == 0);
        for (int fmt = 0; fmt < 2; fmt++) {
            char path[96];
            nn_error err = {0};
            snprintf(path, sizeof path, "%s/%s.%s", dir, anim_name[k], fmt ? "png" : "gif");
            CHECK_OK(nn_anim_save(path, f, delay, n, &err), &err);
            uint8_t *a = NULL, *b = NULL, *file = NULL;
            size_t an = 0, bn = 0, fn = 0;
            nn_anim_format af = fmt ? NN_ANIM_APNG : NN_ANIM_GIF;
            CHECK_OK(nn_anim_encode(f, delay, n, af, &a, &an, &err), &err);
            CHECK_OK(nn_anim_encode(f, delay, n, af, &b, &bn, &err), &err);
            CHECK_OK(nn_read_file(path, &file, &fn, (size_t)1 << 26, &err), &err);
            CHECK(a && b && file && an == bn && an == fn && !memcmp(a, b, an) &&
                  !memcmp(a, file, an));
            free(a);
            free(b);
            free(file);
            int exact = fmt == 1 || k != A_MANY;
            size_t at = strlen(args);
            snprintf(args + at, sizeof args - at, " '%s' '%s' %zu %zu %s %d", path, raw, w, h,
                     delays, exact);
        }
        for (size_t i = 0; i < n; i++)
            nn_image_free(&f[i]);
    }
    const char *py = pil_python();
    if (py) {
        char script[64], cmd[8400];
        snprintf(script, sizeof script, "%s/check.py", dir);
        CHECK(t_write_file(script, py_check, strlen(py_check)));
        snprintf(cmd, sizeof cmd, "%s '%s'%s", py, script, args);
        CHECK(t_run_command(cmd) == 0);
    } else {
        SKIP("animations decoded by PIL", "python3 cannot import PIL (python3-pil)");
    }
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(t_run_command(cmd) == 0);
}

/* Frame differencing: a GIF of one changing pixel is much smaller than one
 * of two unrelated frames (each frame after the first covers only what
 * changed), and the same frame twice costs a few bytes more than once. */
static void test_changed_rectangles(void)
{
    nn_image f[MAX_FRAMES];
    unsigned delay[MAX_FRAMES];
    nn_error err = {0};
    make_frames(A_GLOBAL, f, delay);
    delay[0] = delay[1] = 10;
    for (int fmt = 0; fmt < 2; fmt++) {
        nn_anim_format af = fmt ? NN_ANIM_APNG : NN_ANIM_GIF;
        uint8_t *one = NULL, *two = NULL, *moved = NULL;
        size_t n1 = 0, n2 = 0, nm = 0;
        CHECK_OK(nn_anim_encode(f, delay, 1, af, &one, &n1, &err), &err);
        memcpy(f[1].px, f[0].px, f[0].width * f[0].height * 3);
        CHECK_OK(nn_anim_encode(f, delay, 2, af, &two, &n2, &err), &err);
        f[1].px[3 * 100] ^= 1;
        CHECK_OK(nn_anim_encode(f, delay, 2, af, &moved, &nm, &err), &err);
        CHECK(n2 > n1 && n2 - n1 < 100 && nm - n1 < 120);
        free(one);
        free(two);
        free(moved);
    }
    for (size_t i = 0; i < MAX_FRAMES; i++)
        nn_image_free(&f[i]);
}

static void test_bad_arguments(void)
{
    nn_image f[2];
    unsigned delay[2] = {10, 10};
    nn_error err = {0};
    uint8_t *out = (uint8_t *)&err;
    size_t len = 5;
    CHECK_OK(nn_image_create(&f[0], 4, 4, 1, &err), &err);
    CHECK_OK(nn_image_create(&f[1], 4, 5, 3, &err), &err);
    CHECK(nn_anim_encode(f, delay, 0, NN_ANIM_GIF, &out, &len, &err) == NN_ERR_ARG);
    CHECK(out == NULL && len == 0);
    CHECK_MSG(err.msg, "0 frames");
    CHECK(nn_anim_encode(f, delay, 2, NN_ANIM_APNG, &out, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "frame 2 is 4 x 5, frame 1 is 4 x 4");
    delay[0] = 1;
    CHECK(nn_anim_encode(f, delay, 1, NN_ANIM_GIF, &out, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "delay 1 cs is out of range (2-65535)");
    delay[0] = 65536;
    CHECK(nn_anim_encode(f, delay, 1, NN_ANIM_GIF, &out, &len, &err) == NN_ERR_ARG);
    delay[0] = 10;
    nn_image bad = {0};
    CHECK(nn_anim_encode(&bad, delay, 1, NN_ANIM_GIF, &out, &len, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "frame 1 is not a valid image");
    CHECK(nn_anim_encode(f, delay, 1, (nn_anim_format)7, &out, &len, &err) == NN_ERR_ARG);
    CHECK(nn_anim_save("/tmp/x.jpg", f, delay, 1, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "/tmp/x.jpg: unknown animation type");
    CHECK(nn_anim_save("/nonexistent-dir/x.gif", f, delay, 1, &err) == NN_ERR_IO);
    CHECK(strncmp(err.msg, "/nonexistent-dir/x.gif", 22) == 0);
    nn_image_free(&f[0]);
    nn_image_free(&f[1]);
}

int main(void)
{
    RUN(test_format_from_path);
    RUN(test_bad_arguments);
    RUN(test_changed_rectangles);
    RUN(test_decoded_by_pil);
    return t_summary();
}
