/* fuzz_args.c - libFuzzer target for the command-line option parser.
 *
 * The input is split at NUL bytes into argument words (so words may hold
 * spaces, newlines or nothing at all) and parsed against an option table of
 * every kind `nnart train` uses.  A successful parse must leave every number
 * inside its range and every string non-empty; a failed one must leave one
 * line of message naming the command. */
#include <math.h>
#include <stdint.h>

#include "cli/cli.h"
#include "fuzz.h"

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A NUL-terminated copy, cut into words in place. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_WORDS];
    int argc = 0;
    for (size_t i = 0; i <= size && argc < MAX_WORDS;) {
        argv[argc++] = text + i;
        i += strlen(text + i) + 1;
    }

    const char *layers = "784-10-10-10", *out_path = "nnart.nnm", *history = NULL;
    float lr = 0.001f, val_split = 0.0f;
    size_t epochs = 10, batch = 128, threads = 0, limit = 0;
    uint64_t seed = 1;
    int quiet = 0, no_test = 0;
    cli_opt opts[] = {
        {"layers", 0, OPT_STRING, &layers, 0, 0, "SPEC", "layer widths", 0},
        {"lr", 0, OPT_FLOAT, &lr, 1e-12, 1e6, "RATE", "learning rate", 0},
        {"epochs", 'e', OPT_SIZE, &epochs, 1, 1e6, "N", "passes", 0},
        {"batch", 'b', OPT_SIZE, &batch, 1, 1e6, "N", "samples per step", 0},
        {"seed", 's', OPT_U64, &seed, 0, 1.8446744073709552e19, "N", "random seed", 0},
        {"val-split", 0, OPT_FLOAT, &val_split, 0, 0.99, "F", "validation fraction", 0},
        {"threads", 't', OPT_SIZE, &threads, 0, 256, "N", "worker threads", 0},
        {"output", 'o', OPT_STRING, &out_path, 0, 0, "MODEL", "where to save", 0},
        {"history", 0, OPT_STRING, &history, 0, 0, "FILE.csv", "history", 0},
        {"no-test", 0, OPT_FLAG, &no_test, 0, 0, NULL, "skip the test set", 0},
        {"limit", 0, OPT_SIZE, &limit, 1, 1e9, "N", "first N samples", 0},
        {"quiet", 'q', OPT_FLAG, &quiet, 0, 0, NULL, "quiet", 0},
    };
    const char *arg = NULL;
    cli_command cmd = {.name = "train", .usage = "nnart train [options]", .summary = "Train.",
                       .opts = opts, .n_opts = sizeof opts / sizeof *opts, .arg = &arg};
    char msg[512];
    int r = cli_parse(&cmd, argc, argv, msg, sizeof msg);
    FUZZ_ASSERT(r == CLI_PARSED || r == CLI_HELP || r == CLI_BAD);
    if (r == CLI_BAD) {
        if (msg[0] == '\0' || strchr(msg, '\n') || strncmp(msg, "nnart train: ", 13) != 0) {
            fprintf(stderr, "bad message: \"%s\"\n", msg);
            abort();
        }
    } else if (r == CLI_PARSED) {
        int word = 0; /* the argument, if any, is one of the words */
        for (int i = 0; i < argc; i++)
            word |= arg == argv[i];
        FUZZ_ASSERT(!arg || word);
        FUZZ_ASSERT(layers[0] && out_path[0] && (!history || history[0]));
        FUZZ_ASSERT(isfinite(lr) && lr >= 1e-12f && lr <= 1e6f);
        FUZZ_ASSERT(val_split >= 0.0f && val_split <= 0.99f);
        FUZZ_ASSERT(epochs >= 1 && epochs <= 1000000 && batch >= 1 && batch <= 1000000);
        FUZZ_ASSERT(threads <= 256 && limit <= 1000000000);
        FUZZ_ASSERT(quiet == 0 || quiet == 1);
    }
    free(text);
    return 0;
}
