/* nn_io.h - whole-file reads and writes, with errors that name the file.
 *
 * Reads refuse directories and other non-regular files with a clear message
 * and never allocate more than the file holds (plus one byte).  A write is an
 * output set of one file (nn_output.h): a file is replaced atomically (a
 * temporary beside it, synced, then renamed over it: the old file or the
 * complete new one, never a mixture, and no temporary left on failure), a link
 * is followed, a FIFO or a device is written through.
 */
#ifndef NN_IO_H
#define NN_IO_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

/* Reads the whole file at path into a new buffer (*out, *len), owned by the
 * caller (free()).  Fails with NN_ERR_IO if it cannot be opened or read, is not
 * a regular file, or is larger than max_len bytes. */
int nn_read_file(const char *path, uint8_t **out, size_t *len, size_t max_len, nn_error *err);

/* Writes len bytes to path by the output rule (see above and nn_output.h). */
int nn_write_file_atomic(const char *path, const void *buf, size_t len, nn_error *err);

/* A growable byte buffer for building a file in memory before writing it.
 * nn_buf_put* record an allocation failure in b->failed and then do nothing,
 * so a writer can check once at the end. */
typedef struct nn_buf {
    uint8_t *data; /* owned */
    size_t len, cap;
    int failed;
} nn_buf;

void nn_buf_put(nn_buf *b, const void *p, size_t n);
void nn_buf_put_u8(nn_buf *b, uint8_t v);
void nn_buf_put_u16be(nn_buf *b, uint16_t v);
void nn_buf_put_u32le(nn_buf *b, uint32_t v);
void nn_buf_put_u32be(nn_buf *b, uint32_t v);
void nn_buf_put_u64le(nn_buf *b, uint64_t v);
void nn_buf_put_f32le(nn_buf *b, float v);
void nn_buf_free(nn_buf *b);

/* Little- and big-endian loads from unaligned bytes. */
uint16_t nn_load_u16be(const uint8_t *p);
uint32_t nn_load_u32le(const uint8_t *p);
uint32_t nn_load_u32be(const uint8_t *p);
uint64_t nn_load_u64le(const uint8_t *p);
float nn_load_f32le(const uint8_t *p);

#endif
