/* cli.h - what the nnart command's files share: the option parser, the
 * progress display, the picture options, model and data loading, defaults and
 * exit statuses.  Each command (one file each) parses its arguments into an
 * options struct, calls the library and reports; all the work is in the
 * library. */
#ifndef NNART_CLI_H
#define NNART_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "nnart.h"

#ifndef NNART_DATADIR
#define NNART_DATADIR "data"
#endif
#define DEFAULT_MODEL "nnart.nnm"
/* The bundled MNIST; each file may also be there as NAME.gz only (see
 * cli_data_file), as in an installed nnart's share folder. */
#define DEFAULT_TRAIN_IMAGES NNART_DATADIR "/train-images-idx3-ubyte"
#define DEFAULT_TRAIN_LABELS NNART_DATADIR "/train-labels-idx1-ubyte"
#define DEFAULT_TEST_IMAGES NNART_DATADIR "/t10k-images-idx3-ubyte"
#define DEFAULT_TEST_LABELS NNART_DATADIR "/t10k-labels-idx1-ubyte"

enum {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1,     /* a file or the computation failed */
    EXIT_USAGE = 2,       /* the command line is wrong */
    EXIT_INTERRUPTED = 130 /* stopped by SIGINT (128 + the signal's number for the others) */
};

/* ---- options ---------------------------------------------------------- */

typedef enum {
    OPT_FLAG,   /* int, set to 1 */
    OPT_STRING, /* const char *, points into argv */
    OPT_SIZE,   /* size_t, whole number in [min, max] */
    OPT_U64,    /* uint64_t, whole number in [min, max] */
    OPT_FLOAT   /* float, finite number in [min, max] */
} opt_type;

typedef struct cli_opt {
    const char *name;    /* long name without "--" */
    char short_name;     /* 0 if none */
    opt_type type;
    void *dest;          /* where the value goes */
    double min, max;     /* accepted range for numbers */
    const char *metavar; /* "N", "FILE", ... (NULL for flags) */
    const char *help;    /* one line */
    int seen;            /* set by the parser */
} cli_opt;

typedef struct cli_command {
    const char *name;    /* "train" */
    const char *usage;   /* "nnart train [options]" */
    const char *summary; /* one line */
    cli_opt *opts;
    size_t n_opts;
    const char **arg;    /* where the one positional argument goes; NULL if none is taken */
} cli_command;

enum { CLI_PARSED = 0, CLI_HELP = 1, CLI_BAD = 2 };

/* Parses argv[0..argc) (the words after the command name) against cmd's
 * options; a word that is not an option goes to *cmd->arg (one at most).
 * Returns CLI_PARSED, CLI_HELP for -h/--help, or CLI_BAD with a one-line
 * message in msg.  Never prints. */
int cli_parse(cli_command *cmd, int argc, char **argv, char *msg, size_t msg_len);

/* Whether the option called name was given in the last cli_parse of cmd. */
int cli_given(const cli_command *cmd, const char *name);

/* Replaces the control characters in s (newlines, escapes) by '?', so that a
 * message quoting a user's words is one line and prints as it reads. */
void cli_one_line(char *s);

/* Prints text word-wrapped to lines of at most 79 columns: the first line
 * goes on from column at (a space first if at > 0), the others start at
 * column indent. */
void cli_print_wrapped(FILE *f, const char *text, size_t at, size_t indent);

/* Prints cmd's usage and option table (wrapped to 79 columns). */
void cli_print_help(FILE *f, const cli_command *cmd);

/* The closest of the n names to word, or NULL if none is close. */
const char *cli_suggest(const char *word, const char *const *names, size_t n);

/* Parses cmd's options and handles help and errors in the usual way: returns
 * -1 to go on, or the exit status to return. */
int cli_parse_or_exit(cli_command *cmd, int argc, char **argv);

/* Prints "nnart: MESSAGE" on stderr, as one line (control characters become '?'). */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Prints MESSAGE (which names the command itself: "nnart train: ...") the same way. */
void cli_print_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Whether to colour what goes to f: only on a terminal, and never when the
 * NO_COLOR environment variable is set to a non-empty value. */
int cli_color(FILE *f);

/* Exit status for a library error code. */
int cli_status(int rc);

/* ---- progress ------------------------------------------------------------ */

/* Keras-style progress display: redrawn in place on a terminal, one line per
 * finished epoch otherwise. */
typedef struct cli_progress {
    FILE *out;
    int tty;       /* redraw in place */
    int quiet;     /* print nothing */
    nn_buf *history; /* CSV rows appended per epoch, or NULL */
    double last_draw; /* seconds into the epoch of the last redraw */
    const volatile sig_atomic_t *stop; /* non-zero asks training to stop */
    int color;     /* colour the bar (a terminal without NO_COLOR) */
} cli_progress;

int cli_progress_report(const nn_progress *p, void *ctx);
/* "469/469 [=====...] - 2s 4ms/step" and so on; exposed for tests and evaluate. */
void cli_progress_bar(char *buf, size_t len, size_t step, size_t steps);

/* ---- commands (train.c, evaluate.c, info.c, ...) ------------------------- */

int cmd_train(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_dream(int argc, char **argv);
int cmd_weights(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_paint(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* ---- pictures (render.c) ----------------------------------------------- */

/* The picture options the commands share: --render, --render-format, and
 * where the command has them --cmap, --scale, --vmin and --vmax. */
typedef struct cli_render {
    const char *path;   /* --render FILE, NULL if not given */
    const char *format; /* --render-format FMT (for --render -), NULL if not given */
    const char *cmap;   /* --cmap NAME, NULL for a command without it */
    size_t scale;       /* --scale S: pixels per cell */
    float vmin, vmax;   /* --vmin V, --vmax V: used only if given */
} cli_render;

/* The --render-format option of a command whose cli_render is r. */
#define CLI_RENDER_FORMAT_OPT(r)                                                           \
    {.name = "render-format", .type = OPT_STRING, .dest = &(r).format, .metavar = "FMT",    \
     .help = "the picture's format for --render -: png, ppm or pgm (png)"}

/* Checks the picture options cmd has just parsed into r: a --render path must
 * end in .ppm, .pgm or .png, the colormap must be known and --vmin may not be
 * above --vmax.  Fills style with them (nn_render_style_default otherwise),
 * and opens the --render file as an output of the run (cli_output_open).
 * Returns 0 or an exit status after printing the error. */
int cli_render_style(const cli_command *cmd, const cli_render *r, nn_render_style *style);

/* Sets style->range from the --range name, one of the n_allowed names in
 * allowed: probability (0 to 1), data (smallest to largest; "global" is its
 * other name), row (each row its own), errors (0 to the largest off-diagonal
 * count) or log.  Returns 0 or EXIT_USAGE after printing the error. */
int cli_render_range(const cli_command *cmd, const char *name, const char *const *allowed,
                     size_t n_allowed, nn_render_style *style);
/* Encodes img (then frees it) into the output opened for r's --render path
 * (opening it now if it was not), in the format of its extension, or of
 * --render-format for "-"; it lands with the run's other outputs, followed
 * by "wrote PATH (W x H pixels)" unless quiet. */
int cli_save_render(const cli_render *r, nn_image *img, int quiet);

/* ---- models (common.c) ------------------------------------------------ */

/* Loads the model at path, and how it was trained into info if not NULL,
 * reporting errors.  Returns 0 or an exit status. */
int cli_load_model(const char *path, nn_model *m, nn_train_info *info);
/* The side of the square images the model at model_path takes. */
int cli_input_side(const char *model_path, const nn_model *m, size_t *side);

/* ---- drawings (picture.c) --------------------------------------------- */

/* Reads the picture at path, or standard input for "-" (at most
 * NN_PICTURE_MAX_FILE bytes either way), in any format nn_picture_parse
 * reads, into g; reports errors, after "OPTION: " if option is not NULL.
 * Returns 0 or an exit status. */
int cli_load_picture(const char *option, const char *path, nn_greymap *g);
/* How messages name the picture at path: "standard input" for "-". */
const char *cli_picture_name(const char *path);

/* ---- data sets (common.c) -------------------------------------------- */

/* An MNIST-format data set is a folder with these four files, each raw IDX
 * or gzip-compressed with the .gz suffix added (raw preferred if both are
 * there): --data DIR, or NNART_DATADIR by default. */
#define TRAIN_IMAGES_NAME "train-images-idx3-ubyte"
#define TRAIN_LABELS_NAME "train-labels-idx1-ubyte"
#define TEST_IMAGES_NAME "t10k-images-idx3-ubyte"
#define TEST_LABELS_NAME "t10k-labels-idx1-ubyte"
#define CLI_PATH_MAX 4096

/* path itself if it exists (or cannot be checked), else path.gz (written to
 * buf) if that exists, else path: the error then names the plain file. */
const char *cli_data_file(char *buf, size_t len, const char *path);
/* A data file option: *path as given (resolved by cli_data_file), or, if
 * NULL, name in dir (the --data folder, or NNART_DATADIR if dir is NULL),
 * resolved the same way; buf holds the result.  Returns 0, or an exit status
 * after an error message naming cmd (if neither the file nor its .gz is in
 * the folder, say). */
int cli_data_option(const char **path, char *buf, size_t len, const char *cmd, const char *dir,
                    const char *name);
/* Checks that a --data folder exists and is a folder (0 or an exit status). */
int cli_data_dir(const char *cmd, const char *dir);
/* A command's test set: *images as given, else the test images of --data dir
 * (or of NNART_DATADIR); *labels as given, else the test labels when
 * need_labels is set or the images are the default ones (else NULL).  The
 * resolved paths live in bufs.  Returns -1 to go on, or an exit status after
 * an error message naming cmd. */
int cli_test_set(const char *cmd, const char *dir, const char **images, const char **labels,
                 int need_labels, char bufs[2][CLI_PATH_MAX]);

/* Loads a labelled data set, limited to its first `limit` samples if limit > 0,
 * reporting errors.  Paths are resolved by cli_data_file (labels may be NULL).
 * Returns 0 or an exit status. */
int cli_load_data(const char *images, const char *labels, size_t limit, nn_dataset *d);
/* Checks, before any work, that d fits m: as many values per sample as the
 * model has inputs, and (if d has labels) every label one of its classes.
 * Errors name the images or labels file; model describes the model ("the
 * model", or its path).  Returns 0 or an exit status. */
int cli_check_data(const nn_model *m, const nn_dataset *d, const char *images,
                   const char *labels, const char *model);

/* ---- around a run (outputs.c) -------------------------------------------- */

/* Every command's outputs follow one rule (nn_output.h) and belong to one set
 * for the run: each is opened before the work (so that a bad path fails at
 * once), written when ready, and all land together in cli_finish, or none. */

/* Opens path as an output of this run; cmd ("train", or NULL) and option
 * ("-o", "--render") name it in the error for a file named twice.  Returns 0, or an exit status after the
 * error (1 for a path that cannot be written, 2 for the same file twice). */
int cli_output_open(const char *cmd, const char *option, const char *path, nn_output **out);
/* The output opened for path, or NULL. */
nn_output *cli_output_find(const char *path);
/* Appends len bytes to o; done (if not NULL) is printed on standard output
 * once every output has landed ("saved m.nnm").  Returns 0 or an exit status
 * after the error. */
int cli_output_write(nn_output *o, const void *buf, size_t len, const char *done);
/* Sets the line printed once every output has landed, for an output written
 * another way (nn_model_write). */
void cli_output_done(const nn_output *o, const char *done);

/* Installs the signal policy (see outputs.c): SIGINT, SIGTERM and SIGHUP
 * remove the run's temporaries and exit with 128 + the signal; SIGPIPE makes
 * writes to a stopped reader fail instead of killing nnart.  A stopping signal
 * the process inherited as ignored stays ignored.  Called by main before
 * the command runs. */
void cli_handle_signals(void);
/* From now on a stopping signal only sets the returned flag to its number,
 * for a command that stops by itself (training, between steps); the run then
 * ends with 128 + the number, its outputs removed. */
const volatile sig_atomic_t *cli_catch_signals(void);
/* "SIGINT", "SIGTERM", "SIGHUP" (or "a signal"), for messages. */
const char *cli_signal_name(int sig);

/* Ends the run with the command's status: 0 lands every output (1 if that
 * fails), any other status removes them; then prints the notes of
 * cli_output_write and flushes and closes standard output, a failure there
 * turning 0 into 1 with one line naming it; a reader that stopped (a closed
 * pipe) is not a failure.  Returns the exit status. */
int cli_finish(int status);

#endif
