/* io.c - whole-file reads, one-file writes, byte buffers (see nn_io.h). */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE, where the system has them */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "nn_io.h"
#include "nn_output.h"

/* A buffer for n bytes that free() releases.  Large buffers (data sets) are
 * aligned to 2 MiB and, where the system supports it, backed by huge pages:
 * filling 47 MB of fresh 4 KiB pages costs more page faults than reading the
 * file does. */
static uint8_t *alloc_file_buffer(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    if (n < 2 * huge)
        return malloc(n);
    void *p;
    if (posix_memalign(&p, huge, n) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, n - n % huge, MADV_HUGEPAGE); /* a hint: failure changes nothing */
#endif
    return p;
}

/* A stretch of a file to read: bytes [off, off + len) into buf + off. */
typedef struct read_part {
    int fd;
    uint8_t *buf;
    size_t off, len;
    size_t got; /* bytes read: len, or fewer at the end of the file */
    int error;  /* errno, or 0 */
} read_part;

static void *read_part_run(void *arg)
{
    read_part *p = arg;
    p->got = 0;
    p->error = 0;
    while (p->got < p->len) {
        ssize_t r = pread(p->fd, p->buf + p->off + p->got, p->len - p->got,
                          (off_t)(p->off + p->got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            p->error = errno;
            break;
        }
        if (r == 0)
            break;
        p->got += (size_t)r;
    }
    return NULL;
}

/* Files of at least this many bytes are read as two halves at once, the
 * second on a thread of its own: most of the time of reading a data set is
 * the kernel filling fresh pages and copying into them, which two cores do
 * in about half the time. */
#define SPLIT_READ_BYTES ((size_t)8 << 20)

/* Reads up to n bytes of fd from its start into buf: *got bytes, fewer than
 * n only at the end of the file.  Returns 0 or an errno value. */
static int read_all(int fd, uint8_t *buf, size_t n, size_t *got)
{
    size_t half = n >= SPLIT_READ_BYTES ? n / 2 / 4096 * 4096 : n;
    read_part first = {.fd = fd, .buf = buf, .len = half};
    read_part second = {.fd = fd, .buf = buf, .off = half, .len = n - half};
    pthread_t thread;
    int threaded = second.len > 0 && pthread_create(&thread, NULL, read_part_run, &second) == 0;
    read_part_run(&first);
    if (threaded)
        pthread_join(thread, NULL);
    else if (second.len > 0)
        read_part_run(&second);
    *got = first.got < first.len ? first.got : first.got + second.got;
    return first.error ? first.error : second.error;
}

int nn_read_file(const char *path, uint8_t **out, size_t *len, size_t max_len, nn_error *err)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0)
        return nn_fail(err, NN_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return nn_fail(err, NN_ERR_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return nn_fail(err, NN_ERR_IO, "%s: is a directory, not a file", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return nn_fail(err, NN_ERR_IO, "%s: not a regular file", path);
    }
    if (max_len > SIZE_MAX - 1) /* leave room for the spare byte below */
        max_len = SIZE_MAX - 1;
    if (st.st_size < 0 || (uint64_t)st.st_size > (uint64_t)max_len) {
        close(fd);
        return nn_fail(err, NN_ERR_IO, "%s: too large (%lld bytes, at most %zu accepted)", path,
                       (long long)st.st_size, max_len);
    }
    size_t size = (size_t)st.st_size;
    /* One spare byte lets us notice a file that grew after fstat. */
    uint8_t *buf = alloc_file_buffer(size + 1);
    if (!buf) {
        close(fd);
        return nn_fail(err, NN_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, size);
    }
    size_t got;
    int e = read_all(fd, buf, size + 1, &got);
    close(fd);
    if (e) {
        free(buf);
        return nn_fail(err, NN_ERR_IO, "%s: read failed: %s", path, strerror(e));
    }
    if (got != size) {
        free(buf);
        return nn_fail(err, NN_ERR_IO, "%s: file changed size while being read (%zu bytes, then %s)",
                       path, size, got > size ? "more" : "fewer");
    }
    *out = buf;
    *len = size;
    return NN_OK;
}

int nn_write_file_atomic(const char *path, const void *buf, size_t len, nn_error *err)
{
    nn_outputs set = {0};
    nn_output *o;
    int rc = nn_outputs_open(&set, path, &o, err);
    if (rc == NN_OK && (rc = nn_output_write(o, buf, len, err)) == NN_OK)
        return nn_outputs_commit(&set, err);
    nn_outputs_discard(&set);
    return rc;
}

void nn_buf_put(nn_buf *b, const void *p, size_t n)
{
    if (b->failed)
        return;
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            if (nni_size_mul(&cap, cap, 2)) {
                b->failed = 1;
                return;
            }
        }
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->failed = 1;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void nn_buf_put_u8(nn_buf *b, uint8_t v) { nn_buf_put(b, &v, 1); }

void nn_buf_put_u16be(nn_buf *b, uint16_t v)
{
    uint8_t p[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    nn_buf_put(b, p, 2);
}

void nn_buf_put_u32le(nn_buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    nn_buf_put(b, p, 4);
}

void nn_buf_put_u32be(nn_buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    nn_buf_put(b, p, 4);
}

void nn_buf_put_u64le(nn_buf *b, uint64_t v)
{
    nn_buf_put_u32le(b, (uint32_t)v);
    nn_buf_put_u32le(b, (uint32_t)(v >> 32));
}

void nn_buf_put_f32le(nn_buf *b, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    nn_buf_put_u32le(b, u);
}

void nn_buf_free(nn_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

uint16_t nn_load_u16be(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

uint32_t nn_load_u32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t nn_load_u32be(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint64_t nn_load_u64le(const uint8_t *p)
{
    return (uint64_t)nn_load_u32le(p) | (uint64_t)nn_load_u32le(p + 4) << 32;
}

float nn_load_f32le(const uint8_t *p)
{
    uint32_t u = nn_load_u32le(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}
