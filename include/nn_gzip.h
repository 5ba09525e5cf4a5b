/* nn_gzip.h - reading gzip files (RFC 1952), zlib streams (RFC 1950) and the
 * deflate data inside them (RFC 1951), with nothing but libc.
 *
 * The decoder takes the whole compressed file in memory and returns the whole
 * decompressed contents.  It accepts what `gzip -dc` accepts: stored, fixed
 * and dynamic Huffman blocks, every header flag (FTEXT, FHCRC, FEXTRA, FNAME,
 * FCOMMENT), and several members one after the other (their contents are
 * joined).  It checks everything: the header fields, every Huffman code, every
 * distance, the CRC-32 and the length (ISIZE) of each member.  Zero bytes
 * from the end of the last member to the end of the input are padding (tar
 * and some uploads leave it) and are ignored, as `gzip -dc` ignores them;
 * any other byte after the last member, or zeros followed by anything else,
 * is an error.  Malformed input fails with NN_ERR_FORMAT
 * and a one-line message naming the input, the member and the byte offset.
 *
 * Memory stays bounded: the output buffer starts at the size the last trailer
 * announces (a hint only, taken up to 8 times the compressed size at first)
 * and grows by doubling, but never beyond 1032 times the compressed size, the
 * most that deflate can expand (a 258-byte match in two bits); a stream that
 * claims more is malformed.
 */
#ifndef NN_GZIP_H
#define NN_GZIP_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"

/* The largest expansion deflate allows: 258 bytes out per 2 bits in. */
#define NN_DEFLATE_MAX_RATIO 1032

/* 1 if buf starts with the gzip magic bytes 1f 8b, else 0. */
int nn_is_gzip(const uint8_t *buf, size_t len);

/* Decompresses the gzip file in[0..len) into a new buffer (*out, *out_len)
 * owned by the caller (free(); never NULL on success, even when empty).  name
 * is used in error messages only.  On failure *out is NULL and *out_len 0. */
int nn_gunzip(const uint8_t *in, size_t len, const char *name, uint8_t **out, size_t *out_len,
              nn_error *err);

/* Decompresses the zlib stream in[0..len) (as in PNG's image data): the
 * two-byte header (method 8, window at most 32 KiB, check bits, no preset
 * dictionary), the deflate data, checked as nn_gunzip checks it, and the
 * Adler-32 of the output; nothing may follow.  The output may not exceed
 * max_out bytes (nor deflate's largest expansion of len bytes): a stream
 * that makes more fails, so the memory a caller expecting a known size gives
 * is bounded by it.  The output goes into (*out, *out_len) as for nn_gunzip;
 * errors name the stream and the byte offset within in. */
int nn_zlib_inflate(const uint8_t *in, size_t len, const char *name, size_t max_out,
                    uint8_t **out, size_t *out_len, nn_error *err);
/* Decompresses raw deflate data (RFC 1951, no header or trailer: a zip
 * entry's data) into a new buffer *out (free(); never NULL on success) of
 * exactly out_len bytes, the length the caller knows from elsewhere.  Every
 * check of nn_gunzip applies; besides, the stream must produce exactly out_len
 * bytes (out_len may not exceed NN_DEFLATE_MAX_RATIO times len, so nothing
 * larger is ever allocated) and end at in + len.  No checksum is part of
 * raw deflate: the caller checks its own.  Messages name the input by name
 * and the byte offset ("NAME: WHAT (deflate data, byte B)"). */
int nn_inflate(const uint8_t *in, size_t len, size_t out_len, const char *name, uint8_t **out,
               nn_error *err);

#endif
