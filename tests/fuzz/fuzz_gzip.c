/* fuzz_gzip.c - libFuzzer target for the gzip (RFC 1952) and deflate
 * (RFC 1951) decoder.
 *
 * Nothing is compared: the decoder must not crash, must fail with a one-line
 * message naming the input, and must never produce (or hold) more than
 * NN_DEFLATE_MAX_RATIO times the compressed size.  run.sh caps every single
 * allocation (-malloc_limit_mb) well below what an unbounded decoder would
 * reach on the inputs the fuzzer makes. */
#include <stdint.h>

#include "fuzz.h"
#include "nn_gzip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *out;
    size_t out_len;
    nn_error err = {0};
    if (nn_gunzip(data, size, "data.gz", &out, &out_len, &err) != NN_OK) {
        fuzz_check_message(&err, "data.gz");
        FUZZ_ASSERT(out == NULL && out_len == 0);
        return 0;
    }
    FUZZ_ASSERT(out != NULL);
    FUZZ_ASSERT(out_len / NN_DEFLATE_MAX_RATIO <= size);
    FUZZ_ASSERT(nn_is_gzip(data, size));
    free(out);
    return 0;
}
