/* fuzz_model.c - libFuzzer target for the model-file reader.
 *
 * Each input is decoded twice: as it is, and with its last four bytes replaced
 * by the right CRC-32, so that the fuzzer also reaches the checks that come
 * after the checksum.  Whenever a decode succeeds, encoding the result must
 * give back exactly the bytes that were decoded. */
#include <stdint.h>

#include "fuzz.h"
#include "nn_crc.h"
#include "nn_io.h"
#include "nn_modelfile.h"

/* Decodes buf and checks the round trip. */
static void decode(const uint8_t *buf, size_t len)
{
    nn_model m;
    nn_train_info info;
    nn_error err = {0};
    if (nn_model_parse(buf, len, "model", &m, &info, &err) != NN_OK) {
        fuzz_check_message(&err, "model");
        nn_model_free(&m);
        return;
    }
    uint8_t *out;
    size_t out_len;
    int rc = nn_model_encode(&m, &info, &out, &out_len, &err);
    if (rc != NN_OK) {
        fprintf(stderr, "decoded model does not encode: %s\n", err.msg);
        abort();
    }
    FUZZ_ASSERT(out_len == len);
    FUZZ_ASSERT(memcmp(out, buf, len) == 0);
    free(out);
    nn_model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode(data, size);
    if (size < 4)
        return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return 0;
    memcpy(fixed, data, size);
    uint32_t crc = nn_crc32(0, fixed, size - 4);
    for (int i = 0; i < 4; i++)
        fixed[size - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    decode(fixed, size);
    free(fixed);
    return 0;
}
