/* fuzz_deflate.c - libFuzzer target for the deflate compressor: any bytes
 * compress (raw deflate and zlib), and nnart's own inflater gives exactly
 * those bytes back from the deflate data put in a gzip member; the zlib
 * stream is the same data between its header and its Adler-32, and
 * compressing again gives the same bytes. */
#include <stdint.h>

#include "fuzz.h"
#include "nn_crc.h"
#include "nn_deflate.h"
#include "nn_gzip.h"
#include "nn_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *def, *z, *out;
    size_t dlen, zlen, out_len;
    nn_error err = {0};
    FUZZ_ASSERT(nn_deflate(data, size, &def, &dlen, &err) == NN_OK);
    FUZZ_ASSERT(nn_zlib_compress(data, size, &z, &zlen, &err) == NN_OK);
    FUZZ_ASSERT(zlen == dlen + 6 && z[0] == 0x78 && z[1] == 0x9C);
    FUZZ_ASSERT(memcmp(z + 2, def, dlen) == 0);
    FUZZ_ASSERT(nn_load_u32be(z + zlen - 4) == nn_adler32(1, data, size));
    /* No worse than stored blocks of 16,384 symbols, plus the empty case. */
    FUZZ_ASSERT(dlen <= size + 5 * (size / 16384 + 1));

    static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    nn_buf g = {0};
    nn_buf_put(&g, head, sizeof head);
    nn_buf_put(&g, def, dlen);
    nn_buf_put_u32le(&g, nn_crc32(0, data, size));
    nn_buf_put_u32le(&g, (uint32_t)size);
    FUZZ_ASSERT(!g.failed);
    if (nn_gunzip(g.data, g.len, "fuzz.gz", &out, &out_len, &err) != NN_OK) {
        fprintf(stderr, "inflating the compressed input failed: %s\n", err.msg);
        abort();
    }
    FUZZ_ASSERT(out_len == size && (size == 0 || memcmp(out, data, size) == 0));
    free(out);
    nn_buf_free(&g);
    free(z);
    free(def);
    return 0;
}
