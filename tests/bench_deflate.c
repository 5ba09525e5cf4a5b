/* bench_deflate.c - the PNG writer's compression on nnart's own pictures.
 *
 *   bench_deflate RUNS OUTDIR PICTURE.ppm...
 *
 * For each picture (a P6 file as nnart writes it) it prepares the PNG's
 * filtered scanlines exactly as the writer does (colour type, depth and
 * filters of png.h), compresses them RUNS times with nn_zlib_compress, and
 * prints one line:
 *
 *   NAME WxH TYPE rows BYTES zlib BYTES png BYTES cpu_ms BEST
 *
 * (TYPE grey8, palette4, rgb8, ...; BEST the fastest run's CPU time, which
 * other processes on the machine do not inflate as they do wall time).  The
 * scanlines go to OUTDIR/NAME.rows so that another compressor can be timed
 * on the very same bytes (tests/bench_deflate.sh does it with Python's
 * zlib). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nn_deflate.h"
#include "nn_image.h"
#include "nn_io.h"
#include "pictures/png.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A P6 file with maxval 255 and no comments, as nnart writes them. */
static int load_ppm(const char *path, nn_image *img)
{
    uint8_t *buf;
    size_t len, w, h;
    int off = 0;
    nn_error err = {0};
    if (nn_read_file(path, &buf, &len, (size_t)1 << 30, &err) != NN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 0;
    }
    char head[64] = {0};
    memcpy(head, buf, len < sizeof head - 1 ? len : sizeof head - 1);
    int ok = sscanf(head, "P6 %zu %zu 255%n", &w, &h, &off) == 2 && off > 0 &&
             nn_image_create(img, w, h, 3, &err) == NN_OK && len - (size_t)off - 1 == w * h * 3;
    if (ok)
        memcpy(img->px, buf + off + 1, w * h * 3);
    else
        fprintf(stderr, "%s: not a P6 picture written by nnart\n", path);
    free(buf);
    return ok;
}

/* The file's name without its folders and extension. */
static void base_name(const char *path, char *out, size_t cap)
{
    const char *s = strrchr(path, '/');
    snprintf(out, cap, "%s", s ? s + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot)
        *dot = '\0';
}

static int bench_one(const char *path, int runs, const char *outdir)
{
    nn_image img;
    if (!load_ppm(path, &img))
        return 0;
    nni_png_plan plan;
    uint8_t *rows = NULL, *z = NULL, *png = NULL;
    size_t len = 0, zlen = 0, plen = 0;
    nn_error err = {0};
    int ok = nni_png_plan_make(&plan, &img, 1) == NN_OK &&
             nni_png_scanlines(&plan, &img, 0, 0, img.width, img.height, &rows, &len) == NN_OK &&
             nn_image_encode(&img, NN_IMAGE_PNG, &png, &plen, &err) == NN_OK;
    double best = -1;
    for (int r = 0; ok && r < runs; r++) {
        free(z);
        double t0 = cpu_now();
        ok = nn_zlib_compress(rows, len, &z, &zlen, &err) == NN_OK;
        double t = cpu_now() - t0;
        best = best < 0 || t < best ? t : best;
    }
    char name[256], rows_path[1024];
    base_name(path, name, sizeof name);
    snprintf(rows_path, sizeof rows_path, "%s/%s.rows", outdir, name);
    ok = ok && nn_write_file_atomic(rows_path, rows, len, &err) == NN_OK;
    if (ok) {
        const char *type = plan.colour_type == NNI_PNG_GREY      ? "grey"
                           : plan.colour_type == NNI_PNG_PALETTE ? "palette"
                                                                 : "rgb";
        printf("%s %zux%zu %s%u rows %zu zlib %zu png %zu cpu_ms %.3f\n", name, img.width,
               img.height, type, plan.depth, len, zlen, plen, best * 1e3);
    } else {
        fprintf(stderr, "%s: %s\n", path, err.msg[0] ? err.msg : "out of memory");
    }
    nni_png_plan_free(&plan);
    free(rows);
    free(z);
    free(png);
    nn_image_free(&img);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_deflate RUNS OUTDIR PICTURE.ppm...\n");
        return 2;
    }
    int runs = atoi(argv[1]), status = 0;
    for (int i = 3; i < argc; i++)
        status |= !bench_one(argv[i], runs > 0 ? runs : 1, argv[2]);
    return status;
}
