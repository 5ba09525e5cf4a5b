/* outputs.c - what happens around a run of any command: its output files
 * (opened before the work, landing together at the end), the signals that
 * stop it, and the check of standard output.
 *
 * The signal policy: SIGINT, SIGTERM and SIGHUP remove the run's temporaries
 * and end it with 128 + the signal; the files it would have replaced are
 * unchanged.  Training asks for them to stop it between steps instead
 * (cli_catch_signals).  A signal the process was started with ignored stays
 * ignored, as the shell intends for a job it runs in the background without
 * job control.  SIGPIPE never kills nnart: a write to a reader that stopped
 * fails, and such a failure on standard output ends the command quietly. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* How a stopping signal is handled: at once (remove the temporaries, exit),
 * by the command (set stop_requested, training checks it between steps), or
 * not at all once the outputs have landed (the run is over). */
enum { STOP_AT_ONCE, STOP_BY_COMMAND, STOP_TOO_LATE };

/* The process-wide state of a run: set up by one command, read by the
 * signal handlers. */
static volatile sig_atomic_t stop_requested, stop_mode, pipe_broken;
static nn_outputs run_outputs;
static int stdout_errno; /* the first failure to flush standard output */
static char *done_notes[NN_OUTPUTS_MAX]; /* printed once the outputs have landed */

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_STOP_SIGNALS (sizeof stop_signals / sizeof *stop_signals)

const char *cli_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP"
                                                                                 : "a signal";
}

static void remove_temporary(const char *path)
{
    unlink(path);
}

/* Writes s on stderr from a signal handler. */
static void say(const char *s)
{
    ssize_t w = write(STDERR_FILENO, s, strlen(s));
    (void)w; /* nothing to do if stderr is gone */
}

static void on_stop(int sig)
{
    stop_requested = sig;
    if (stop_mode != STOP_AT_ONCE)
        return;
    int had_outputs = run_outputs.n > 0;
    nn_outputs_each_temporary(&run_outputs, remove_temporary);
    say("nnart: interrupted by ");
    say(cli_signal_name(sig));
    say(had_outputs ? "; nothing written\n" : "\n");
    _exit(128 + sig);
}

static void on_pipe(int sig)
{
    pipe_broken = sig;
}

/* The stopping signals, blocked (how = SIG_BLOCK) or unblocked again. */
static void block_stop_signals(int how)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaddset(&set, stop_signals[i]);
    pthread_sigmask(how, &set, NULL);
}

void cli_handle_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++) {
        sigaddset(&sa.sa_mask, stop_signals[i]); /* one handler at a time */
        struct sigaction old;
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(stop_signals[i], &sa, NULL);
    }
    sa.sa_handler = on_pipe;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}

const volatile sig_atomic_t *cli_catch_signals(void)
{
    stop_mode = STOP_BY_COMMAND;
    return &stop_requested;
}

int cli_output_open(const char *cmd, const char *option, const char *path, nn_output **out)
{
    nn_error err;
    block_stop_signals(SIG_BLOCK);
    int rc = nn_outputs_open(&run_outputs, path, out, &err);
    block_stop_signals(SIG_UNBLOCK);
    if (rc == NN_ERR_ARG && cmd) {
        cli_print_error("nnart %s: %s %s", cmd, option, err.msg);
        return EXIT_USAGE;
    }
    if (rc == NN_ERR_ARG) {
        cli_error("%s %s", option, err.msg);
        return EXIT_USAGE;
    }
    if (rc) {
        cli_error("%s", err.msg);
        return EXIT_RUNTIME;
    }
    if (!(*out)->target) { /* the file goes to standard output: what nnart says, to stderr */
        fflush(stdout);
        dup2(STDERR_FILENO, STDOUT_FILENO);
    }
    return EXIT_OK;
}

nn_output *cli_output_find(const char *path)
{
    for (size_t i = 0; i < run_outputs.n; i++)
        if (run_outputs.out[i].path == path || strcmp(run_outputs.out[i].path, path) == 0)
            return &run_outputs.out[i];
    return NULL;
}

int cli_output_write(nn_output *o, const void *buf, size_t len, const char *done)
{
    nn_error err;
    int rc = nn_output_write(o, buf, len, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    if (done)
        cli_output_done(o, done);
    return EXIT_OK;
}

void cli_output_done(const nn_output *o, const char *done)
{
    size_t i = (size_t)(o - run_outputs.out);
    if (!o->target) /* no note on standard output, which holds the file */
        return;
    free(done_notes[i]);
    done_notes[i] = malloc(strlen(done) + 1);
    if (done_notes[i])
        memcpy(done_notes[i], done, strlen(done) + 1);
}

/* fflush(stdout), keeping the reason of the first failure. */
static int flush_stdout(void)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    if (!stdout_errno)
        stdout_errno = errno;
    return -1;
}

/* Whether standard output is a pipe or a socket whose reader has gone. */
static int reader_gone(int e)
{
    struct stat st;
    return (e == EPIPE || pipe_broken) && fstat(STDOUT_FILENO, &st) == 0 &&
           (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Lands the outputs (status 0) or removes them (any other status, or a
 * signal the command was asked to handle has come); returns the status. */
static int land(int status)
{
    nn_error err;
    block_stop_signals(SIG_BLOCK);
    if (status == EXIT_OK && stop_requested) {
        cli_error("interrupted by %s; nothing written", cli_signal_name(stop_requested));
        status = 128 + stop_requested;
    }
    if (status == EXIT_OK && run_outputs.n > 0) {
        flush_stdout(); /* what was printed comes before an output written to it */
        /* A signal while the outputs land (a FIFO nobody reads keeps nnart
         * waiting) ends the run at once, removing what has not landed. */
        stop_mode = STOP_AT_ONCE;
        block_stop_signals(SIG_UNBLOCK);
        int rc = nn_outputs_commit(&run_outputs, &err);
        block_stop_signals(SIG_BLOCK);
        /* A reader of standard output that stopped (`--render - | head`:
         * EPIPE, which only a pipe or socket gives) is not an error, as for
         * what is printed (cli_finish). */
        if (rc != NN_OK && run_outputs.stdout_errno != EPIPE) {
            cli_error("%s", err.msg);
            status = EXIT_RUNTIME;
        }
    }
    nn_outputs_discard(&run_outputs);
    stop_mode = STOP_TOO_LATE;
    block_stop_signals(SIG_UNBLOCK);
    for (size_t i = 0; i < NN_OUTPUTS_MAX; i++) {
        if (status == EXIT_OK && done_notes[i])
            printf("%s\n", done_notes[i]);
        free(done_notes[i]);
        done_notes[i] = NULL;
    }
    return status;
}

int cli_finish(int status)
{
    status = land(status);
    int bad = flush_stdout() != 0, gone = bad && reader_gone(stdout_errno);
    if (fclose(stdout) != 0 && !bad)
        bad = 1, stdout_errno = errno, gone = stdout_errno == EPIPE;
    if (bad && !gone && status == EXIT_OK) {
        cli_error("standard output: %s", stdout_errno ? strerror(stdout_errno) : "write error");
        status = EXIT_RUNTIME;
    }
    return status;
}
