/* output.c - the output rule: temporaries beside their targets, renamed
 * together at the end; streams written straight through (see nn_output.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "nn_output.h"

#define TMP_NAME ".nnart.tmp-XXXXXX"
#define MAX_LINKS 40 /* as many as the system follows (Linux's limit) */

/* The name of o in messages. */
static const char *name_of(const nn_output *o)
{
    return o->target ? o->path : "standard output";
}

/* A new string: the first n bytes of s. */
static char *copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* The length of path's folder part, up to and without the last '/' (0 when
 * path has none, 1 for a file in "/"). */
static size_t folder_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
}

/* path with the name part replaced by rel (rel itself if it is absolute or
 * path has no folder): where a relative link in path points. */
static char *beside(const char *path, const char *rel)
{
    size_t d = folder_len(path), r = strlen(rel), n;
    if (rel[0] == '/' || d == 0)
        return copy(rel, r);
    char *s = nni_size_add(&n, d + 1, r) ? NULL : malloc(n + 1);
    if (s) {
        memcpy(s, path, d);
        s[d] = '/';
        memcpy(s + d + 1, rel, r + 1);
    }
    return s;
}

/* Follows the links from o->path: o->target becomes the first path of the
 * chain that is not a link, *st its lstat (or *exists = 0 if it is absent). */
static int resolve(nn_output *o, struct stat *st, int *exists, nn_error *err)
{
    o->target = copy(o->path, strlen(o->path));
    for (int hops = 0; o->target; hops++) {
        if (lstat(o->target, st) != 0) {
            if (errno != ENOENT)
                return nn_fail(err, NN_ERR_IO, "%s: cannot open: %s", o->path, strerror(errno));
            *exists = 0;
            return NN_OK;
        }
        *exists = 1;
        if (!S_ISLNK(st->st_mode))
            return NN_OK;
        if (hops == MAX_LINKS)
            return nn_fail(err, NN_ERR_IO, "%s: too many levels of symbolic links", o->path);
        size_t cap = st->st_size > 0 && st->st_size < 65536 ? (size_t)st->st_size + 1 : 4096;
        char *link = malloc(cap);
        ssize_t n = link ? readlink(o->target, link, cap) : -1;
        if (n < 0 || (size_t)n >= cap) {
            free(link);
            return nn_fail(err, NN_ERR_IO, "%s: cannot read the link %s", o->path, o->target);
        }
        link[n] = '\0';
        char *next = beside(o->target, link);
        free(link);
        free(o->target);
        o->target = next;
    }
    return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory", o->path);
}

/* The identity compared between outputs: the file, or its folder and name. */
static int identify(nn_output *o, const struct stat *st, int exists, nn_error *err)
{
    if (exists) {
        o->dev = (unsigned long long)st->st_dev;
        o->ino = (unsigned long long)st->st_ino;
        return NN_OK;
    }
    size_t d = folder_len(o->target);
    const char *slash = strrchr(o->target, '/'), *leaf = slash ? slash + 1 : o->target;
    char *folder = d ? copy(o->target, d) : copy(".", 1);
    o->leaf = copy(leaf, strlen(leaf));
    if (!folder || !o->leaf) {
        free(folder);
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory", o->path);
    }
    struct stat fs;
    int bad = stat(folder, &fs) != 0;
    int e = errno;
    free(folder);
    if (bad)
        return nn_fail(err, NN_ERR_IO, "%s: cannot create: %s", o->path, strerror(e));
    o->dev = (unsigned long long)fs.st_dev;
    o->ino = (unsigned long long)fs.st_ino;
    return NN_OK;
}

/* Creates the temporary beside o->target, with the mode (and, where allowed,
 * the owner) of the file it replaces, or the usual mode of a new file. */
static int create_temporary(nn_output *o, const struct stat *st, int exists, nn_error *err)
{
    size_t d = folder_len(o->target), n;
    o->tmp = nni_size_add(&n, d + 1, sizeof TMP_NAME) ? NULL : malloc(n);
    if (!o->tmp)
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory", o->path);
    memcpy(o->tmp, o->target, d);
    if (d)
        o->tmp[d++] = '/';
    memcpy(o->tmp + d, TMP_NAME, sizeof TMP_NAME);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return nn_fail(err, NN_ERR_IO, "%s: cannot create: %s", o->path, strerror(e));
    }
    o->fd = fd;
    mode_t mode;
    if (exists) {
        /* chown may clear set-id bits, so it comes first; failure (not the
         * owner, not in the group) keeps the creator's. */
        if (fchown(fd, st->st_uid, st->st_gid) != 0 && fchown(fd, (uid_t)-1, st->st_gid) != 0) {
            /* neither the owner nor in the group: the file stays the creator's */
        }
        mode = st->st_mode & 07777;
    } else {
        mode_t mask = umask(0); /* mkstemp made 0600: give a new file 0666 under the umask */
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0)
        return nn_fail(err, NN_ERR_IO, "%s: cannot create: %s", o->path, strerror(errno));
    return NN_OK;
}

/* Prepares o (its path set) by the kind of file it names. */
static int prepare(nn_output *o, nn_error *err)
{
    struct stat st;
    int exists = 0;
    if (strcmp(o->path, "-") == 0) {
        o->stream = 1;
        o->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3); /* the caller may reuse fd 1 */
        if (o->fd < 0 || fstat(o->fd, &st) != 0)
            return nn_fail(err, NN_ERR_IO, "standard output: %s", strerror(errno));
        return identify(o, &st, 1, err);
    }
    /* What the path leads to, through every link (those of /proc included). */
    if (stat(o->path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
        o->stream = 1;
        o->target = copy(o->path, strlen(o->path));
        if (!o->target)
            return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory", o->path);
        if (access(o->path, W_OK) != 0)
            return nn_fail(err, NN_ERR_IO, "%s: cannot open: %s", o->path, strerror(errno));
        return identify(o, &st, 1, err);
    }
    int rc = resolve(o, &st, &exists, err);
    if (rc)
        return rc;
    if (exists && S_ISDIR(st.st_mode))
        return nn_fail(err, NN_ERR_IO, "%s: is a directory, not a file", o->path);
    if (exists && !S_ISREG(st.st_mode))
        return nn_fail(err, NN_ERR_IO, "%s: not a regular file, FIFO or character device",
                       o->path);
    if ((rc = identify(o, &st, exists, err)))
        return rc;
    return create_temporary(o, &st, exists, err);
}

/* Whether a and b name the same file. */
static int same_file(const nn_output *a, const nn_output *b)
{
    if (!a->target && !b->target) /* "-" twice */
        return 1;
    if (a->dev != b->dev || a->ino != b->ino || !a->leaf != !b->leaf)
        return 0;
    return !a->leaf || strcmp(a->leaf, b->leaf) == 0;
}

/* Removes o's temporary, closes it and frees what o owns. */
static void release(nn_output *o)
{
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp)
        unlink(o->tmp);
    char *tmp = o->tmp;
    o->tmp = NULL; /* after the unlink: a handler running meanwhile removes it too */
    free(tmp);
    free(o->target);
    free(o->leaf);
    nn_buf_free(&o->held);
    memset(o, 0, sizeof *o);
    o->fd = -1;
}

int nn_outputs_open(nn_outputs *set, const char *path, nn_output **out, nn_error *err)
{
    if (set->n == NN_OUTPUTS_MAX)
        return nn_fail(err, NN_ERR_ARG, "%s: more than %d outputs", path, NN_OUTPUTS_MAX);
    nn_output *o = &set->out[set->n];
    memset(o, 0, sizeof *o);
    o->path = path;
    o->fd = -1;
    int rc = prepare(o, err);
    for (size_t i = 0; rc == NN_OK && i < set->n; i++)
        if (same_file(o, &set->out[i]))
            rc = nn_fail(err, NN_ERR_ARG, "%s: the same file as %s", name_of(o),
                         name_of(&set->out[i]));
    if (rc) {
        release(o);
        return rc;
    }
    set->n++;
    *out = o;
    return NN_OK;
}

/* Writes all of buf to fd, retrying short writes. */
static int write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int nn_output_write(nn_output *o, const void *buf, size_t len, nn_error *err)
{
    o->written = 1;
    if (o->stream) {
        nn_buf_put(&o->held, buf, len);
        if (o->held.failed)
            return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory", name_of(o));
        return NN_OK;
    }
    if (o->fd < 0)
        return nn_fail(err, NN_ERR_ARG, "%s: not open", name_of(o));
    if (write_all(o->fd, buf, len) != 0)
        return nn_fail(err, NN_ERR_IO, "%s: cannot write: %s", name_of(o), strerror(errno));
    return NN_OK;
}

/* Syncs and closes o's temporary (a written file to replace). */
static int finish_temporary(nn_output *o, nn_error *err)
{
    int fd = o->fd;
    o->fd = -1;
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return nn_fail(err, NN_ERR_IO, "%s: cannot sync: %s", o->path, strerror(e));
    }
    if (close(fd) != 0)
        return nn_fail(err, NN_ERR_IO, "%s: cannot close: %s", o->path, strerror(errno));
    return NN_OK;
}

/* Writes a stream's bytes through; *e receives errno of a failed write. */
static int write_stream(nn_output *o, int *e_out, nn_error *err)
{
    int fd = o->target ? open(o->target, O_WRONLY | O_NOCTTY) : o->fd;
    if (fd < 0)
        return nn_fail(err, NN_ERR_IO, "%s: cannot open: %s", name_of(o), strerror(errno));
    o->fd = -1;
    int bad = write_all(fd, o->held.data, o->held.len) != 0;
    int e = errno;
    if (close(fd) != 0 && !bad)
        bad = 1, e = errno;
    if (bad) {
        *e_out = e;
        return nn_fail(err, NN_ERR_IO, "%s: cannot write: %s", name_of(o), strerror(e));
    }
    return NN_OK;
}

int nn_outputs_commit(nn_outputs *set, nn_error *err)
{
    int rc = NN_OK;
    for (size_t i = 0; i < set->n && rc == NN_OK; i++)
        if (set->out[i].tmp && set->out[i].written)
            rc = finish_temporary(&set->out[i], err);
    for (size_t i = 0; i < set->n && rc == NN_OK; i++) {
        nn_output *o = &set->out[i];
        if (!o->tmp || !o->written)
            continue;
        if (rename(o->tmp, o->target) != 0)
            rc = nn_fail(err, NN_ERR_IO, "%s: cannot rename into place: %s", o->path,
                         strerror(errno));
        else
            o->tmp[0] = '\0'; /* landed: nothing left to remove (unlink("") fails) */
    }
    set->stdout_errno = 0;
    for (size_t i = 0; i < set->n && rc == NN_OK; i++) {
        nn_output *o = &set->out[i];
        int e = 0;
        if (o->stream && o->written && (rc = write_stream(o, &e, err)) != NN_OK && !o->target)
            set->stdout_errno = e;
    }
    nn_outputs_discard(set);
    return rc;
}

void nn_outputs_discard(nn_outputs *set)
{
    while (set->n > 0)
        release(&set->out[--set->n]);
}

void nn_outputs_each_temporary(const nn_outputs *set, void (*fn)(const char *path))
{
    for (size_t i = 0; i < set->n; i++) {
        const char *tmp = set->out[i].tmp;
        if (tmp && tmp[0])
            fn(tmp);
    }
}
