/* args.c - a small table-driven option parser with strict numbers,
 * duplicate detection and "did you mean" suggestions; help and error output
 * (coloured on a terminal). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Levenshtein distance between a and b, capped: both are short option names. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 64;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *cur);
    }
    return prev[lb];
}

const char *cli_suggest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i]);
        /* A prefix of a longer name ("--epoch" for "--epochs") counts as close. */
        if (strncmp(word, names[i], strlen(word)) == 0 && strlen(word) >= 2)
            d = 1;
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    size_t len = strlen(word);
    return best && best_d <= (len < 5 ? 1 : 2) ? best : NULL;
}

static cli_opt *find_long(cli_command *cmd, const char *name, size_t len)
{
    for (size_t i = 0; i < cmd->n_opts; i++)
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return &cmd->opts[i];
    return NULL;
}

static cli_opt *find_short(cli_command *cmd, char c)
{
    for (size_t i = 0; i < cmd->n_opts; i++)
        if (cmd->opts[i].short_name == c)
            return &cmd->opts[i];
    return NULL;
}

/* Parses text as o's type into o->dest; on failure writes msg. */
static int set_value(const cli_command *cmd, cli_opt *o, const char *text, char *msg,
                     size_t msg_len)
{
    if (o->type == OPT_STRING) {
        if (text[0] == '\0') {
            snprintf(msg, msg_len, "nnart %s: --%s needs a non-empty value", cmd->name, o->name);
            return -1;
        }
        *(const char **)o->dest = text;
        return 0;
    }
    char *end;
    errno = 0;
    if (o->type == OPT_FLOAT) {
        double v = strtod(text, &end);
        if (end == text || *end != '\0' || isspace((unsigned char)text[0])) {
            snprintf(msg, msg_len, "nnart %s: --%s: '%s' is not a number", cmd->name, o->name,
                     text);
            return -1;
        }
        if (!isfinite(v) || v < o->min || v > o->max || errno == ERANGE) {
            snprintf(msg, msg_len, "nnart %s: --%s: %s is out of range (%g to %g)", cmd->name,
                     o->name, text, o->min, o->max);
            return -1;
        }
        *(float *)o->dest = (float)v;
        return 0;
    }
    /* Whole numbers: digits only (no sign, no spaces, no hex). */
    int digits = text[0] != '\0';
    for (const char *p = text; *p; p++)
        digits &= isdigit((unsigned char)*p) != 0;
    if (!digits) {
        snprintf(msg, msg_len, "nnart %s: --%s: '%s' is not a whole number", cmd->name, o->name,
                 text);
        return -1;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (errno == ERANGE || (double)v < o->min || (double)v > o->max) {
        snprintf(msg, msg_len, "nnart %s: --%s: %s is out of range (%.0f to %.0f)", cmd->name,
                 o->name, text, o->min, o->max);
        return -1;
    }
    if (o->type == OPT_SIZE)
        *(size_t *)o->dest = (size_t)v;
    else
        *(uint64_t *)o->dest = (uint64_t)v;
    return 0;
}

static void unknown_option(const cli_command *cmd, const char *word, char *msg, size_t msg_len)
{
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; i < cmd->n_opts && n < 63; i++)
        names[n++] = cmd->opts[i].name;
    names[n++] = "help";
    const char *name = word + strspn(word, "-");
    size_t len = strcspn(name, "=");
    char base[64];
    snprintf(base, sizeof base, "%.*s", (int)(len < 63 ? len : 63), name);
    const char *s = cli_suggest(base, names, n);
    if (s)
        snprintf(msg, msg_len, "nnart %s: unknown option '%s' (did you mean --%s?)", cmd->name,
                 word, s);
    else
        snprintf(msg, msg_len, "nnart %s: unknown option '%s' (see nnart %s --help)", cmd->name,
                 word, cmd->name);
}

/* cli_parse without the clean-up of its message. */
static int parse_words(cli_command *cmd, int argc, char **argv, char *msg, size_t msg_len)
{
    int have_arg = 0;
    msg[0] = '\0';
    for (size_t i = 0; i < cmd->n_opts; i++)
        cmd->opts[i].seen = 0;
    int only_positional = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        cli_opt *o = NULL;
        const char *value = NULL;
        if (!only_positional && strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (!only_positional && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0))
            return CLI_HELP;
        if (!only_positional && a[0] == '-' && a[1] == '-') {
            size_t len = strcspn(a + 2, "=");
            o = find_long(cmd, a + 2, len);
            if (a[2 + len] == '=')
                value = a + 3 + len;
        } else if (!only_positional && a[0] == '-' && a[1] != '\0') {
            o = find_short(cmd, a[1]);
            if (o && a[2] != '\0')
                value = a + 2;
        } else {
            if (!cmd->arg || have_arg) {
                snprintf(msg, msg_len, "nnart %s: unexpected argument '%s'", cmd->name, a);
                return CLI_BAD;
            }
            *cmd->arg = a;
            have_arg = 1;
            continue;
        }
        if (!o) {
            unknown_option(cmd, a, msg, msg_len);
            return CLI_BAD;
        }
        if (o->seen) {
            snprintf(msg, msg_len, "nnart %s: option --%s given twice", cmd->name, o->name);
            return CLI_BAD;
        }
        o->seen = 1;
        if (o->type == OPT_FLAG) {
            if (value) {
                snprintf(msg, msg_len, "nnart %s: --%s takes no value", cmd->name, o->name);
                return CLI_BAD;
            }
            *(int *)o->dest = 1;
            continue;
        }
        if (!value) {
            if (i + 1 >= argc) {
                snprintf(msg, msg_len, "nnart %s: --%s needs a value (%s)", cmd->name, o->name,
                         o->metavar);
                return CLI_BAD;
            }
            value = argv[++i];
        }
        if (set_value(cmd, o, value, msg, msg_len) != 0)
            return CLI_BAD;
    }
    return CLI_PARSED;
}

void cli_one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

int cli_parse(cli_command *cmd, int argc, char **argv, char *msg, size_t msg_len)
{
    int r = parse_words(cmd, argc, argv, msg, msg_len);
    cli_one_line(msg); /* it may quote an argument holding a newline */
    return r;
}

void cli_print_wrapped(FILE *f, const char *text, size_t at, size_t indent)
{
    size_t col = at;
    int line_start = at == 0; /* nothing printed on this line yet */
    for (const char *p = text;;) {
        p += strspn(p, " ");
        size_t word = strcspn(p, " ");
        if (word == 0)
            break;
        if (!line_start && col > indent && col + 1 + word > 79) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
            line_start = 1;
        }
        if (!line_start) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, word, f);
        col += word;
        p += word;
        line_start = 0;
    }
    fputc('\n', f);
}

void cli_print_help(FILE *f, const cli_command *cmd)
{
    fprintf(f, "usage: %s\n\n", cmd->usage);
    cli_print_wrapped(f, cmd->summary, 0, 0);
    fprintf(f, "\noptions:\n");
    for (size_t i = 0; i < cmd->n_opts; i++) {
        const cli_opt *o = &cmd->opts[i];
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->metavar ? " " : "", o->metavar ? o->metavar : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        fprintf(f, "  %-28s", left);
        cli_print_wrapped(f, o->help, 2 + (strlen(left) > 28 ? strlen(left) : 28), 31);
    }
    fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}

int cli_given(const cli_command *cmd, const char *name)
{
    for (size_t i = 0; i < cmd->n_opts; i++)
        if (strcmp(cmd->opts[i].name, name) == 0)
            return cmd->opts[i].seen;
    return 0;
}

int cli_parse_or_exit(cli_command *cmd, int argc, char **argv)
{
    char msg[512];
    int r = cli_parse(cmd, argc, argv, msg, sizeof msg);
    if (r == CLI_HELP) {
        cli_print_help(stdout, cmd);
        return EXIT_OK;
    }
    if (r == CLI_BAD) {
        cli_print_error("%s", msg);
        return EXIT_USAGE;
    }
    return -1;
}

int cli_color(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    return isatty(fileno(f)) && !(no && no[0]);
}

/* Prints prefix and the formatted message on stderr as one line: control
 * characters (a newline in a file name, say) become '?'.  On a terminal the
 * part before the first ": " ("nnart:", "nnart train:") is bold red. */
static void print_line(const char *prefix, const char *fmt, va_list ap)
{
    char line[8192];
    vsnprintf(line, sizeof line, fmt, ap);
    cli_one_line(line);
    if (!cli_color(stderr)) {
        fprintf(stderr, "%s%s\n", prefix, line);
        return;
    }
    char full[8192 + 16];
    snprintf(full, sizeof full, "%s%s", prefix, line);
    const char *sep = strstr(full, ": ");
    int head = sep ? (int)(sep - full) + 1 : 0;
    fprintf(stderr, "\033[1;31m%.*s\033[0m%s\n", head, full, full + head);
}

void cli_print_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_line("", fmt, ap);
    va_end(ap);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_line("nnart: ", fmt, ap);
    va_end(ap);
}

int cli_status(int rc)
{
    if (rc == NN_OK)
        return EXIT_OK;
    if (rc == NN_ERR_INTERRUPTED)
        return EXIT_INTERRUPTED;
    return EXIT_RUNTIME;
}
