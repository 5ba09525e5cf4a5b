/* nn_zip.h - zip archives (PKWARE's APPNOTE 6.3), as NumPy's .npz files use
 * them: the whole archive in memory, every entry read or written at once.
 *
 * The reader takes what Python's zipfile writes (and so numpy.savez and
 * numpy.savez_compressed): stored and deflated entries, ZIP64 extra fields in
 * local headers and the central directory, ZIP64 end records, data
 * descriptors, an archive comment.  It checks everything and fails with
 * NN_ERR_FORMAT and one line naming the archive, the entry and the problem:
 * a missing or damaged end record, a central directory or an entry out of
 * the file's range, entries that overlap, a local header that disagrees with
 * the central directory, encryption (refused), archives split over several
 * disks (refused), compression methods other than stored and deflate, names
 * that are empty or hold a NUL byte, two entries of one name, and a CRC-32
 * or a length that does not match the data.  The central directory must end
 * where the end record begins (an archive with data appended after its
 * entries' directory, as some self-extracting ones are, is refused).  Memory
 * stays within a small multiple of the archive's size, except for a deflated
 * entry's data, which is at most NN_DEFLATE_MAX_RATIO times its compressed
 * size (and never more than its central header announces).
 */
#ifndef NN_ZIP_H
#define NN_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

typedef struct nn_zip_entry {
    char *name;    /* NUL-terminated */
    uint8_t *data; /* the uncompressed contents, len bytes */
    size_t len;
} nn_zip_entry;

/* A read archive: its entries in the central directory's order, each name
 * and data owned by it (nn_zip_free). */
typedef struct nn_zip {
    nn_zip_entry *entries;
    size_t n;
} nn_zip;

/* Reads the archive buf[0..len) into z (name is for messages).  On failure z
 * is empty (safe to nn_zip_free). */
int nn_zip_parse(const uint8_t *buf, size_t len, const char *name, nn_zip *z, nn_error *err);
void nn_zip_free(nn_zip *z);

/* Writer flags. */
enum {
    NN_ZIP_ZIP64 = 1 /* ZIP64 extra fields and end records even where 32 bits would do */
};

/* Writes the n entries (the caller's: name and data are only read) as a new
 * archive (*out, *len) owned by the caller (free()): stored, in the given
 * order, dated 1980-01-01 00:00 so that the same entries give the same
 * bytes.  ZIP64 fields are used where a size, an offset or the count needs
 * them, or everywhere with NN_ZIP_ZIP64.  Fails with NN_ERR_ARG for an empty
 * name, a name of 65536 bytes or more, or two entries of one name. */
int nn_zip_encode(const nn_zip_entry *entries, size_t n, unsigned flags, uint8_t **out,
                  size_t *len, nn_error *err);

#endif
