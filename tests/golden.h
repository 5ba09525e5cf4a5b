/* golden.h - comparing a rendered picture with its golden file, for the
 * picture tests.  Include after nnart.h and test.h. */
#ifndef NNART_GOLDEN_H
#define NNART_GOLDEN_H

#include <stdlib.h>
#include <string.h>

/* Compares img, encoded as PPM, with tests/golden/<name>.gz (or writes
 * tests/golden/<name> for an update). */
static void check_golden(const nn_image *img, const char *name)
{
    char path[256];
    nn_error err;
    uint8_t *got = NULL, *gz = NULL, *want = NULL;
    size_t got_len = 0, gz_len = 0, want_len = 0;
    CHECK_OK(nn_image_encode(img, NN_IMAGE_PPM, &got, &got_len, &err), &err);
    if (getenv("NNART_UPDATE_GOLDEN")) {
        snprintf(path, sizeof path, "tests/golden/%s", name);
        CHECK_OK(nn_write_file_atomic(path, got, got_len, &err), &err);
    }
    snprintf(path, sizeof path, "tests/golden/%s.gz", name);
    CHECK_OK(nn_read_file(path, &gz, &gz_len, 1 << 20, &err), &err);
    if (gz)
        CHECK_OK(nn_gunzip(gz, gz_len, path, &want, &want_len, &err), &err);
    if (want && got && (got_len != want_len || memcmp(got, want, got_len) != 0)) {
        size_t i = 0;
        while (i < got_len && i < want_len && got[i] == want[i])
            i++;
        fprintf(stderr, "%s: %zu bytes, rendered %zu, first difference at byte %zu\n", path,
                want_len, got_len, i);
        CHECK(!"picture matches its golden file");
    }
    free(got);
    free(gz);
    free(want);
}

#endif
