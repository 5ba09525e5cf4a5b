/* fuzz_png.c - libFuzzer target for the PNG decoder, the conversion of a
 * picture to grey and the format dispatcher.
 *
 * A decoded picture must have sides in 1..NN_IMAGE_MAX_SIDE, 1 to 4
 * channels, a maxval of 2^depth - 1 and no sample above it; its grey map the
 * same size with values in [0, 1].  The dispatcher must agree with the
 * decoder on whether the input is a valid PNG.  Failures leave nothing
 * allocated and come with one line naming the input.
 *
 * A mutation almost always breaks a chunk's CRC, which stops the decoder at
 * once; so each input is also decoded with every CRC made right, for the
 * mutations to reach the inflater, the filters and the pixel unpacking. */
#include <stdint.h>

#include "fuzz.h"
#include "nn_crc.h"
#include "nn_io.h"
#include "nn_picture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rewrites the CRC of every whole chunk after the 8-byte signature. */
static void fix_crcs(uint8_t *b, size_t n)
{
    for (size_t at = 8; n - at >= 12;) {
        size_t len = nn_load_u32be(b + at);
        if (len > n - at - 12)
            break;
        uint32_t crc = nn_crc32(0, b + at + 4, len + 4);
        for (int i = 0; i < 4; i++)
            b[at + 8 + len + i] = (uint8_t)(crc >> (24 - 8 * i));
        at += len + 12;
    }
}

static void check(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check(data, size);
    if (size < 8)
        return 0;
    uint8_t *fixed = malloc(size);
    FUZZ_ASSERT(fixed != NULL);
    memcpy(fixed, data, size);
    fix_crcs(fixed, size);
    check(fixed, size);
    free(fixed);
    return 0;
}

static void check(const uint8_t *data, size_t size)
{
    nn_picture p;
    nn_error err = {0};
    int rc = nn_png_decode(data, size, "drawing.png", &p, &err);
    if (rc != NN_OK) {
        fuzz_check_message(&err, "drawing.png");
        FUZZ_ASSERT(p.px == NULL && p.width == 0);
    } else {
        FUZZ_ASSERT(p.width >= 1 && p.width <= NN_IMAGE_MAX_SIDE);
        FUZZ_ASSERT(p.height >= 1 && p.height <= NN_IMAGE_MAX_SIDE);
        FUZZ_ASSERT(p.channels >= 1 && p.channels <= 4);
        FUZZ_ASSERT(p.maxval == 1 || p.maxval == 3 || p.maxval == 15 || p.maxval == 255 ||
                    p.maxval == 65535);
        for (size_t i = 0; i < p.width * p.height * p.channels; i++)
            FUZZ_ASSERT(p.px[i] <= p.maxval);
        nn_greymap g;
        FUZZ_ASSERT(nn_picture_to_greymap(&p, NN_BACKGROUND_AUTO, &g, &err) == NN_OK);
        FUZZ_ASSERT(g.width == p.width && g.height == p.height);
        for (size_t i = 0; i < g.width * g.height; i++)
            FUZZ_ASSERT(g.v[i] >= 0.0f && g.v[i] <= 1.0f);
        nn_greymap_free(&g);
        nn_picture_free(&p);
    }
    nn_greymap g;
    int rc2 = nn_picture_parse(data, size, "drawing.png", &g, &err);
    if (rc2 != NN_OK) {
        fuzz_check_message(&err, "drawing.png");
        FUZZ_ASSERT(g.v == NULL);
    } else {
        for (size_t i = 0; i < g.width * g.height; i++)
            FUZZ_ASSERT(g.v[i] >= 0.0f && g.v[i] <= 1.0f);
        nn_greymap_free(&g);
    }
    /* what starts with the PNG signature is read as PNG, and as nothing else */
    if (size >= 4 && memcmp(data, "\x89PNG", 4) == 0)
        FUZZ_ASSERT((rc == NN_OK) == (rc2 == NN_OK));
}
