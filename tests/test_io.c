/* test_io.c - whole-file reads and atomic writes at their edges: empty and
 * oversized files, directories, FIFOs, files whose size changes between
 * fstat and read (/proc and /sys files do, every time), and failed writes
 * that must leave nothing behind. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn_io.h"
#include "test.h"

static char dir[] = "/tmp/nnart-test-io-XXXXXX";

/* dir/name into buf. */
static const char *in_dir(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

/* The number of entries of d whose name contains ".tmp-". */
static int temp_files(const char *d)
{
    DIR *h = opendir(d);
    if (!h)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(h));)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(h);
    return n;
}

static void test_roundtrip_and_limit(void)
{
    char path[256];
    in_dir(path, sizeof path, "data");
    const uint8_t bytes[5] = {0, 1, 2, 254, 255};
    nn_error err = {0};
    CHECK_OK(nn_write_file_atomic(path, bytes, sizeof bytes, &err), &err);
    uint8_t *got = NULL;
    size_t len = 99;
    CHECK_OK(nn_read_file(path, &got, &len, 5, &err), &err);
    CHECK(len == 5 && got && memcmp(got, bytes, 5) == 0);
    free(got);
    /* One byte over the limit: refused before anything is read. */
    CHECK(nn_read_file(path, &got, &len, 4, &err) == NN_ERR_IO);
    CHECK(got == NULL && len == 0);
    CHECK_MSG(err.msg, "/data: too large (5 bytes, at most 4 accepted)");
    CHECK(temp_files(dir) == 0);
}

/* Large files are read as two halves at once: files of sizes around the
 * split and its page boundary come back byte for byte. */
static void test_large_files(void)
{
    size_t sizes[] = {(8u << 20) - 1, 8u << 20, (8u << 20) + 1, (9u << 20) + 4095, 12345679};
    uint8_t *bytes = malloc(sizes[4]);
    CHECK(bytes != NULL);
    if (!bytes)
        return;
    for (size_t i = 0; i < sizes[4]; i++)
        bytes[i] = (uint8_t)(i * 2654435761u >> 13);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char path[256];
        in_dir(path, sizeof path, "large");
        nn_error err = {0};
        CHECK_OK(nn_write_file_atomic(path, bytes, sizes[k], &err), &err);
        uint8_t *got = NULL;
        size_t len = 0;
        CHECK_OK(nn_read_file(path, &got, &len, sizes[k], &err), &err);
        CHECK(len == sizes[k] && got && memcmp(got, bytes, len) == 0);
        free(got);
        unlink(path);
    }
    free(bytes);
}

static void test_empty_file(void)
{
    char path[256];
    in_dir(path, sizeof path, "empty");
    nn_error err = {0};
    CHECK_OK(nn_write_file_atomic(path, "", 0, &err), &err);
    uint8_t *got = NULL;
    size_t len = 99;
    CHECK_OK(nn_read_file(path, &got, &len, 100, &err), &err);
    CHECK(len == 0 && got != NULL);
    free(got);
}

static void test_not_regular_files(void)
{
    nn_error err = {0};
    uint8_t *got = NULL;
    size_t len;
    CHECK(nn_read_file(dir, &got, &len, 100, &err) == NN_ERR_IO && got == NULL);
    CHECK_MSG(err.msg, "is a directory, not a file");
    CHECK(nn_read_file("/dev/null", &got, &len, 100, &err) == NN_ERR_IO && got == NULL);
    CHECK_MSG(err.msg, "/dev/null: not a regular file");
    char path[256];
    in_dir(path, sizeof path, "none");
    CHECK(nn_read_file(path, &got, &len, 100, &err) == NN_ERR_IO && got == NULL);
    CHECK_MSG(err.msg, "/none: cannot open: No such file or directory");
}

/* A FIFO with no writer blocks a plain open() for ever; the reader must
 * refuse it at once.  alarm() turns a hang into a failed run. */
static void test_fifo(void)
{
    char path[256];
    in_dir(path, sizeof path, "fifo");
    CHECK(mkfifo(path, 0600) == 0);
    alarm(10);
    nn_error err = {0};
    uint8_t *got = NULL;
    size_t len;
    CHECK(nn_read_file(path, &got, &len, 100, &err) == NN_ERR_IO && got == NULL);
    alarm(0);
    CHECK_MSG(err.msg, "/fifo: not a regular file");
    unlink(path);
}

/* /proc/self/status: stat says 0 bytes, read() gives several hundred. */
static void test_proc_file_grows(void)
{
    struct stat st;
    CHECK(stat("/proc/self/status", &st) == 0 && st.st_size == 0);
    nn_error err = {0};
    uint8_t *got = NULL;
    size_t len = 99;
    CHECK(nn_read_file("/proc/self/status", &got, &len, 1 << 20, &err) == NN_ERR_IO);
    CHECK(got == NULL && len == 0);
    CHECK_MSG(err.msg,
              "/proc/self/status: file changed size while being read (0 bytes, then more)");
}

/* A /sys attribute: stat says 4096 bytes (a page), read() gives a few. */
static const char *const sys_files[] = {"/sys/kernel/mm/transparent_hugepage/enabled",
                                        "/sys/kernel/profiling", "/sys/kernel/osrelease",
                                        "/sys/power/state"};

static const char *shrinking_file(void)
{
    for (size_t i = 0; i < sizeof sys_files / sizeof *sys_files; i++) {
        struct stat st;
        if (stat(sys_files[i], &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4096 &&
            access(sys_files[i], R_OK) == 0)
            return sys_files[i];
    }
    return NULL;
}

static void test_sys_file_shrinks(void)
{
    const char *path = shrinking_file();
    nn_error err = {0};
    uint8_t *got = NULL;
    size_t len = 99;
    CHECK(nn_read_file(path, &got, &len, 1 << 20, &err) == NN_ERR_IO);
    CHECK(got == NULL && len == 0);
    char want[256];
    snprintf(want, sizeof want, "%s: file changed size while being read (4096 bytes, then fewer)",
             path);
    CHECK_MSG(err.msg, want);
}

/* Failed writes: the target is untouched and no temporary file remains. */
static void test_failed_writes(void)
{
    char path[256], sub[256];
    nn_error err = {0};
    in_dir(path, sizeof path, "missing/file");
    CHECK(nn_write_file_atomic(path, "x", 1, &err) == NN_ERR_IO);
    CHECK_MSG(err.msg, "/missing/file: cannot create: No such file or directory");

    /* A directory where the file should go: refused before anything is written. */
    in_dir(sub, sizeof sub, "taken");
    CHECK(mkdir(sub, 0700) == 0);
    CHECK(nn_write_file_atomic(sub, "abc", 3, &err) == NN_ERR_IO);
    CHECK_MSG(err.msg, "/taken: is a directory, not a file");
    CHECK(temp_files(dir) == 0);
    rmdir(sub);

    /* Replacing a file: the new bytes, whole. */
    in_dir(path, sizeof path, "data");
    CHECK_OK(nn_write_file_atomic(path, "new", 3, &err), &err);
    uint8_t *got = NULL;
    size_t len = 0;
    CHECK_OK(nn_read_file(path, &got, &len, 100, &err), &err);
    CHECK(len == 3 && got && memcmp(got, "new", 3) == 0);
    free(got);
    CHECK(temp_files(dir) == 0);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        fprintf(stderr, "cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    RUN(test_roundtrip_and_limit);
    RUN(test_empty_file);
    RUN(test_large_files);
    RUN(test_not_regular_files);
    RUN(test_fifo);
    if (access("/proc/self/status", R_OK) == 0)
        RUN(test_proc_file_grows);
    else
        SKIP("test_proc_file_grows", "no /proc/self/status");
    if (shrinking_file())
        RUN(test_sys_file_shrinks);
    else
        SKIP("test_sys_file_shrinks", "no readable page-sized /sys attribute");
    RUN(test_failed_writes);
    char path[256];
    unlink(in_dir(path, sizeof path, "data"));
    unlink(in_dir(path, sizeof path, "empty"));
    rmdir(dir);
    return t_summary();
}
