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
    {"show", cmd_show, "the whole network for one input: activations, weights and contributions"},
    {"weights", cmd_weights, "each first-layer unit's weights drawn as an image"},
    {"explain", cmd_explain, "which pixels made the model decide: saliency, integrated gradients and more"},
    {"export", cmd_export, "the model as a web page to draw digits on, or as NumPy arrays (.npz)"},
    {"plot", cmd_plot, "loss and accuracy per epoch of a --history file, as line charts"},
    {"paint", cmd_paint, "a random network paints a picture of any size, or a looping animation"},
    {"import", cmd_import, "a model from a NumPy .npz of a dense network's weights"},
};
#define N_COMMANDS (sizeof commands / sizeof *commands)

static void usage(FILE *f)
{
    fprintf(f, "usage: nnart COMMAND [options]\n\n"
               "A small dense neural network trainer: MNIST in seconds, and pictures of what\n"
               "the network sees.\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        fprintf(f, "  %-10s", commands[i].name);
        cli_print_wrapped(f, commands[i].summary, 12, 13);
    }
    fprintf(f, "\nRun 'nnart help COMMAND' (or 'nnart COMMAND --help') for a command's options,\n"
               "'man nnart' for the manual, 'nnart --version' for the version.\n");
}

/* The error for a word that is not a command, with a suggestion if one is
 * close: a command, or (for a word starting with '-') --help or --version. */
static int unknown(const char *word, const char *what)
{
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = commands[i].name;
    const char *flags[2] = {"--help", "--version"};
    const char *s = word[0] == '-' ? cli_suggest(word, flags, 2)
                                   : cli_suggest(word, names, N_COMMANDS);
    if (s)
        cli_error("%s '%s' (did you mean '%s'?)", what, word, s);
    else if (word[0] == '-')
        cli_error("%s '%s' (options follow the command: nnart COMMAND [options]; see nnart "
                  "--help)",
                  what, word);
    else
        cli_error("%s '%s' (see nnart --help)", what, word);
    return EXIT_USAGE;
}

/* The command named by argv[1] (or help, or the version): its exit status. */
static int run(int argc, char **argv)
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
            return unknown(argv[2], "no command");
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
    return unknown(name, name[0] == '-' ? "unknown option" : "unknown command");
}

int main(int argc, char **argv)
{
    cli_handle_signals();
    return cli_finish(run(argc, argv));
}
