/* test_output.c - the output rule (nn_output.h), checked from outside with
 * stat, lstat and readlink: new files, replaced files keeping their mode,
 * links followed and kept, dangling links, FIFOs and devices written through,
 * directories and duplicates refused, discarded sets leaving every file as it
 * was, names up to the system's limit, and never a temporary left behind. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn_output.h"
#include "test.h"

static char dir[] = "/tmp/nnart-test-output-XXXXXX";

/* dir/name into buf. */
static const char *in_dir(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

/* The number of temporaries in folder d (-1 if it cannot be read). */
static int temporaries(const char *d)
{
    DIR *h = opendir(d);
    if (!h)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(h));)
        n += strncmp(e->d_name, ".nnart.tmp-", 11) == 0;
    closedir(h);
    return n;
}

/* Writes text to path with plain POSIX calls, mode as given. */
static int put(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, text, strlen(text));
    close(fd);
    return w == (ssize_t)strlen(text) && chmod(path, mode) == 0 ? 0 : -1;
}

/* Whether the file at path holds exactly text. */
static int holds(const char *path, const char *text)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    return n == (ssize_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

/* Opens path alone in a set, writes text and lands it. */
static int save(const char *path, const char *text, nn_error *err)
{
    nn_outputs set = {0};
    nn_output *o;
    int rc = nn_outputs_open(&set, path, &o, err);
    if (rc == NN_OK && (rc = nn_output_write(o, text, strlen(text), err)) == NN_OK)
        return nn_outputs_commit(&set, err);
    nn_outputs_discard(&set);
    return rc;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? st.st_mode : 0;
}

static void test_new_and_replaced(void)
{
    char path[256];
    nn_error err = {0};
    mode_t mask = umask(022);
    in_dir(path, sizeof path, "new.txt");
    CHECK_OK(save(path, "first", &err), &err);
    CHECK(holds(path, "first"));
    CHECK(S_ISREG(mode_of(path)) && (mode_of(path) & 07777) == 0644);

    /* A 0640 file is replaced and stays 0640 (not 0644, not mkstemp's 0600). */
    CHECK(chmod(path, 0640) == 0);
    struct stat before, after;
    CHECK(stat(path, &before) == 0);
    CHECK_OK(save(path, "second, longer", &err), &err);
    CHECK(stat(path, &after) == 0);
    CHECK(holds(path, "second, longer"));
    CHECK((after.st_mode & 07777) == 0640);
    CHECK(after.st_uid == before.st_uid && after.st_gid == before.st_gid);
    CHECK(after.st_ino != before.st_ino); /* replaced by rename, not rewritten */
    CHECK(temporaries(dir) == 0);

    /* Someone else's file keeps its owner and group where the process may
     * set them (root may). */
    if (geteuid() == 0 && chown(path, 65534, 65534) == 0) {
        CHECK_OK(save(path, "third", &err), &err);
        CHECK(stat(path, &after) == 0);
        CHECK(after.st_uid == 65534 && after.st_gid == 65534);
        CHECK((after.st_mode & 07777) == 0640 && holds(path, "third"));
    }
    unlink(path);
    umask(mask);
}

static void test_links(void)
{
    char sub[256], target[256], link[256], chain[256], dangling[256], made[256], buf[256];
    nn_error err = {0};
    in_dir(sub, sizeof sub, "sub");
    CHECK(mkdir(sub, 0700) == 0);
    in_dir(target, sizeof target, "sub/target.txt");
    in_dir(link, sizeof link, "link.txt");
    in_dir(chain, sizeof chain, "chain.txt");
    CHECK(put(target, "old", 0600) == 0);
    CHECK(symlink("sub/target.txt", link) == 0); /* relative to the link's folder */
    CHECK(symlink("link.txt", chain) == 0);

    /* Through a chain of two links: the target is replaced, the links stay. */
    CHECK_OK(save(chain, "new", &err), &err);
    CHECK(holds(target, "new"));
    CHECK(S_ISLNK(mode_of(link)) && S_ISLNK(mode_of(chain)));
    ssize_t n = readlink(link, buf, sizeof buf - 1);
    CHECK(n == 14 && memcmp(buf, "sub/target.txt", 14) == 0);
    CHECK((mode_of(target) & 07777) == 0600);
    CHECK(temporaries(dir) == 0 && temporaries(sub) == 0);

    /* A dangling link creates its target, in the target's folder. */
    in_dir(dangling, sizeof dangling, "dangling.txt");
    in_dir(made, sizeof made, "sub/made.txt");
    CHECK(symlink(made, dangling) == 0); /* absolute */
    CHECK_OK(save(dangling, "made", &err), &err);
    CHECK(S_ISLNK(mode_of(dangling)));
    CHECK(S_ISREG(mode_of(made)) && holds(made, "made"));

    /* A loop of links is an error that creates nothing. */
    char a[256], b[256];
    in_dir(a, sizeof a, "loop-a");
    in_dir(b, sizeof b, "loop-b");
    CHECK(symlink("loop-b", a) == 0 && symlink("loop-a", b) == 0);
    CHECK(save(a, "x", &err) == NN_ERR_IO);
    CHECK_MSG(err.msg, "too many levels of symbolic links");
    CHECK(temporaries(dir) == 0);
    unlink(a), unlink(b), unlink(dangling), unlink(made), unlink(chain), unlink(link);
    unlink(target), rmdir(sub);
}

static void test_streams(void)
{
    char fifo[256];
    nn_error err = {0};
    in_dir(fifo, sizeof fifo, "fifo.png");
    CHECK(mkfifo(fifo, 0600) == 0);
    /* Our own reader end: the write then finds a reader and fits the pipe. */
    int reader = open(fifo, O_RDONLY | O_NONBLOCK);
    CHECK(reader >= 0);
    CHECK_OK(save(fifo, "through the pipe", &err), &err);
    char buf[64] = {0};
    CHECK(read(reader, buf, sizeof buf) == 16 && memcmp(buf, "through the pipe", 16) == 0);
    close(reader);
    CHECK(S_ISFIFO(mode_of(fifo))); /* still a FIFO, not replaced by a file */
    CHECK(temporaries(dir) == 0);
    unlink(fifo);

    /* A character device. */
    CHECK_OK(save("/dev/null", "nothing", &err), &err);
    CHECK(S_ISCHR(mode_of("/dev/null")));

    /* "-": standard output (pointed at a file here, then put back). */
    char out[256];
    in_dir(out, sizeof out, "stdout.txt");
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(saved >= 0 && fd >= 0 && dup2(fd, STDOUT_FILENO) == STDOUT_FILENO);
    close(fd);
    int rc = save("-", "on stdout", &err);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    CHECK_OK(rc, &err);
    CHECK(holds(out, "on stdout"));
    unlink(out);
}

static void test_refused(void)
{
    char path[256], sub[256], other[256], link[256];
    nn_error err = {0};
    nn_outputs set = {0};
    nn_output *o, *p;

    /* A directory, before anything is written. */
    in_dir(sub, sizeof sub, "folder");
    CHECK(mkdir(sub, 0700) == 0);
    CHECK(nn_outputs_open(&set, sub, &o, &err) == NN_ERR_IO);
    CHECK_MSG(err.msg, "/folder: is a directory, not a file");
    CHECK(set.n == 0 && temporaries(dir) == 0);

    /* A missing folder. */
    in_dir(path, sizeof path, "missing/m.nnm");
    CHECK(nn_outputs_open(&set, path, &o, &err) == NN_ERR_IO);
    CHECK_MSG(err.msg, "/missing/m.nnm: cannot create: No such file or directory");

    /* The same file twice: by the same name, through a link, by another
     * spelling of a new name, and "-" twice. */
    in_dir(path, sizeof path, "x.nnm");
    in_dir(link, sizeof link, "x-link.nnm");
    in_dir(other, sizeof other, "folder/../x.nnm");
    CHECK(put(path, "old", 0644) == 0);
    CHECK(symlink("x.nnm", link) == 0);
    CHECK_OK(nn_outputs_open(&set, path, &o, &err), &err);
    CHECK(nn_outputs_open(&set, path, &p, &err) == NN_ERR_ARG);
    CHECK(nn_outputs_open(&set, link, &p, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "x-link.nnm: the same file as ");
    CHECK(set.n == 1 && temporaries(dir) == 1);
    nn_outputs_discard(&set);
    unlink(path);
    in_dir(path, sizeof path, "y.nnm"); /* does not exist yet */
    CHECK_OK(nn_outputs_open(&set, path, &o, &err), &err);
    in_dir(other, sizeof other, "folder/../y.nnm");
    CHECK(nn_outputs_open(&set, other, &p, &err) == NN_ERR_ARG);
    CHECK(nn_outputs_open(&set, "-", &p, &err) == NN_OK);
    CHECK(nn_outputs_open(&set, "-", &p, &err) == NN_ERR_ARG);
    CHECK(set.n == 2);
    nn_outputs_discard(&set);
    CHECK(temporaries(dir) == 0 && access(path, F_OK) != 0);
    unlink(link), rmdir(sub);
}

/* Counts the temporaries of dir that nn_outputs_each_temporary lists. */
static int n_listed;
static void list(const char *path)
{
    n_listed += strncmp(path, dir, strlen(dir)) == 0 && strstr(path, "/.nnart.tmp-") != NULL;
}

/* Temporaries exist, beside their targets, from open to commit or discard;
 * a discarded set leaves every old file byte-identical with its mode. */
static void test_discard_and_together(void)
{
    char a[256], b[256];
    nn_error err = {0};
    nn_outputs set = {0};
    nn_output *oa, *ob;
    in_dir(a, sizeof a, "a.nnm");
    in_dir(b, sizeof b, "b.csv");
    CHECK(put(a, "old a", 0640) == 0 && put(b, "old b", 0604) == 0);
    CHECK_OK(nn_outputs_open(&set, a, &oa, &err), &err);
    CHECK_OK(nn_outputs_open(&set, b, &ob, &err), &err);
    CHECK(temporaries(dir) == 2);
    n_listed = 0;
    nn_outputs_each_temporary(&set, list);
    CHECK(n_listed == 2);
    CHECK_OK(nn_output_write(oa, "new a", 5, &err), &err);
    CHECK(holds(a, "old a")); /* nothing lands before the commit */
    nn_outputs_discard(&set);
    CHECK(holds(a, "old a") && holds(b, "old b"));
    CHECK((mode_of(a) & 07777) == 0640 && (mode_of(b) & 07777) == 0604);
    CHECK(temporaries(dir) == 0 && set.n == 0);

    /* The second write fails (a file-size limit): nothing has landed. */
    struct rlimit saved, small;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    if (getrlimit(RLIMIT_FSIZE, &saved) == 0) {
        CHECK_OK(nn_outputs_open(&set, a, &oa, &err), &err);
        CHECK_OK(nn_outputs_open(&set, b, &ob, &err), &err);
        CHECK_OK(nn_output_write(oa, "new a", 5, &err), &err);
        small = saved;
        small.rlim_cur = 64;
        static char big[4096];
        int rc = NN_OK;
        if (setrlimit(RLIMIT_FSIZE, &small) == 0) {
            rc = nn_output_write(ob, big, sizeof big, &err);
            setrlimit(RLIMIT_FSIZE, &saved);
        }
        CHECK(rc == NN_ERR_IO);
        CHECK_MSG(err.msg, "b.csv: cannot write: File too large");
        nn_outputs_discard(&set);
        CHECK(holds(a, "old a") && holds(b, "old b"));
        CHECK(temporaries(dir) == 0);
    }
    signal(SIGXFSZ, prev);

    /* Both written: both land; an output never written stays as it was. */
    char c[256];
    in_dir(c, sizeof c, "c.png");
    CHECK(put(c, "old c", 0600) == 0);
    nn_output *oc;
    CHECK_OK(nn_outputs_open(&set, a, &oa, &err), &err);
    CHECK_OK(nn_outputs_open(&set, b, &ob, &err), &err);
    CHECK_OK(nn_outputs_open(&set, c, &oc, &err), &err);
    CHECK_OK(nn_output_write(oa, "new", 3, &err), &err);
    CHECK_OK(nn_output_write(oa, " a", 2, &err), &err);
    CHECK_OK(nn_output_write(ob, "new b", 5, &err), &err);
    CHECK_OK(nn_outputs_commit(&set, &err), &err);
    CHECK(holds(a, "new a") && holds(b, "new b") && holds(c, "old c"));
    CHECK((mode_of(a) & 07777) == 0640 && (mode_of(b) & 07777) == 0604);
    CHECK(temporaries(dir) == 0 && set.n == 0);
    unlink(a), unlink(b), unlink(c);
}

/* A 254-byte name (the usual limit is 255): the temporary is short. */
static void test_long_name(void)
{
    char name[255], path[512];
    memset(name, 'n', 250);
    memcpy(name + 250, ".nnm", 5);
    in_dir(path, sizeof path, name);
    nn_error err = {0};
    CHECK_OK(save(path, "long", &err), &err);
    CHECK(holds(path, "long"));
    CHECK_OK(save(path, "longer", &err), &err);
    CHECK(holds(path, "longer"));
    CHECK(temporaries(dir) == 0);
    unlink(path);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    RUN(test_new_and_replaced);
    RUN(test_links);
    RUN(test_streams);
    RUN(test_refused);
    RUN(test_discard_and_together);
    RUN(test_long_name);
    rmdir(dir);
    return t_summary();
}
