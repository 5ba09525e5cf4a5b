/* main.c - the nnart command: picks a subcommand and hands it the rest of
 * the arguments. */
#include <string.h>

#include "cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"train", cmd_train, "train a network on MNIST (or any IDX data set) and save it"},
    {"evaluate", cmd_evaluate, "loss, accuracy and confusion matrix of a saved model"},
    {"info", cmd_info, "architecture and training settings of a saved model"},
    {"predict", cmd_predict, "probabilities for test images or a drawing, as a table and a heat-map"},
    {"dream", cmd_dream, "what the network believes each class looks like (gradient descent on the input)"},
    {"weights", cmd_weights, "each first-layer unit's weights drawn as an image"},
};
#define N_COMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
    fprintf(f, "usage: nnart COMMAND [options]\n\n"
               "A small dense neural network trainer: MNIST in seconds, and pictures of what\n"
               "the network sees.\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'nnart COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_error("no command given (try nnart train, or nnart --help for all commands)");
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2) {
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char help[] = "--help";
                    char *args[] = {help, NULL};
                    return commands[i].run(1, args);
                }
            cli_error("no command '%s' (see nnart --help)", argv[2]);
            return EXIT_USAGE;
        }
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("nnart %s\n", NNART_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = commands[i].name;
    const char *s = cli_suggest(name, names, N_COMMANDS);
    if (s)
        cli_error("unknown command '%s' (did you mean '%s'?)", name, s);
    else
        cli_error("unknown command '%s' (see nnart --help)", name);
    return EXIT_USAGE;
}
