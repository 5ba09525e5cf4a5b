#!/usr/bin/env python3
"""png_cases.py DIR - writes PNG files built by hand (Python's zlib and
nothing else) into DIR, with what a decoder must make of each:

  NAME.png   every colour type at every bit depth it allows, plain and Adam7,
             odd sizes, every filter, tRNS, bKGD, several IDAT chunks,
             ancillary chunks and APNG frames to skip
  NAME.raw   the picture it holds: "W H C MAXVAL\\n", then W*H*C samples as
             big-endian uint16 (palettes expanded to RGB, or RGBA with tRNS;
             a grey or RGB tRNS colour adds an alpha channel, 0 where it is)
  NAME.pnm   the same pixels as PGM or PPM, when there is no alpha
  NAME.grey.pgm  for ink on a transparent canvas, the grey it must read as
  bad-NAME.png and bad-NAME.msg: a broken file and a phrase of its error

The encoder here is written from the PNG specification alone, apart from the
decoder it tests.
"""
import os
import random
import struct
import sys
import zlib

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
DEPTHS = {0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]}


def chunk(kind, data):
    body = kind + data
    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))


def pack_row(samples, depth):
    if depth == 16:
        return b''.join(struct.pack('>H', s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = acc << depth | s
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(f, row, prev, bpp):
    out = bytearray([f])
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
        out.append((x - pred) & 255)
    return bytes(out)


def image_data(w, h, color, depth, pixels, interlace, filters):
    """The filtered rows of every pass; pixels[y][x] is a tuple of samples."""
    ch = CHANNELS[color]
    bpp = max(1, ch * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    data, n = bytearray(), 0
    for x0, y0, dx, dy in passes:
        xs, ys = range(x0, w, dx), range(y0, h, dy)
        if not xs or not ys:
            continue
        prev = bytes(len(pack_row([0] * (len(xs) * ch), depth)))
        for y in ys:
            row = pack_row([s for x in xs for s in pixels[y][x]], depth)
            data += filter_row(filters[n % len(filters)], row, prev, bpp)
            prev, n = row, n + 1
    return bytes(data)


def encode(w, h, color, depth, pixels, interlace=0, filters=(0, 1, 2, 3, 4), plte=None,
           trns=None, bkgd=None, split=1, before=(), after=(), level=6, raw=None):
    ihdr = struct.pack('>IIBBBBB', w, h, depth, color, 0, 0, interlace)
    z = zlib.compress(image_data(w, h, color, depth, pixels, interlace, filters)
                      if raw is None else raw, level)
    size = -(-len(z) // split)
    idats = [chunk(b'IDAT', z[i:i + size]) for i in range(0, len(z), size)] or [chunk(b'IDAT', z)]
    out = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr)
    out += b''.join(before)
    if plte is not None:
        out += chunk(b'PLTE', bytes(v for e in plte for v in e))
    if trns is not None:
        out += chunk(b'tRNS', trns)
    if bkgd is not None:
        out += chunk(b'bKGD', bkgd)
    return out + b''.join(idats) + b''.join(after) + chunk(b'IEND', b'')


def decoded(w, h, color, depth, pixels, plte=None, trns=None):
    """What the decoder must give: (channels, maxval, samples)."""
    if color == 3:
        alpha = list(trns) if trns is not None else None
        out = []
        for y in range(h):
            for x in range(w):
                e = pixels[y][x][0]
                out += list(plte[e])
                if alpha is not None:
                    out.append(alpha[e] if e < len(alpha) else 255)
        return (4 if alpha is not None else 3), 255, out
    maxval = (1 << depth) - 1
    key = None
    if trns is not None:
        key = tuple(v & maxval for v in struct.unpack('>%dH' % (len(trns) // 2), trns))
    out = []
    for y in range(h):
        for x in range(w):
            out += list(pixels[y][x])
            if key is not None:
                out.append(0 if tuple(pixels[y][x]) == key else maxval)
    return CHANNELS[color] + (key is not None), maxval, out


def pnm(w, h, ch, maxval, samples):
    head = b'P%d\n%d %d\n%d\n' % (5 if ch == 1 else 6, w, h, maxval)
    if maxval > 255:
        return head + b''.join(struct.pack('>H', s) for s in samples)
    return head + bytes(samples)


def write(d, name, png, want=None, msg=None):
    with open(os.path.join(d, name + '.png'), 'wb') as f:
        f.write(png)
    if want is not None:
        w, h, ch, maxval, samples = want
        with open(os.path.join(d, name + '.raw'), 'wb') as f:
            f.write(b'%d %d %d %d\n' % (w, h, ch, maxval))
            f.write(b''.join(struct.pack('>H', s) for s in samples))
        if ch in (1, 3):
            with open(os.path.join(d, name + '.pnm'), 'wb') as f:
                f.write(pnm(w, h, ch, maxval, samples))
    if msg is not None:
        with open(os.path.join(d, name + '.msg'), 'w') as f:
            f.write(msg + '\n')


def random_pixels(rng, w, h, color, depth, n_plte=0):
    top = n_plte - 1 if color == 3 else (1 << depth) - 1
    return [[tuple(rng.randint(0, top) for _ in range(CHANNELS[color])) for _ in range(w)]
            for _ in range(h)]


def good_cases(d, rng):
    sizes = [(1, 1), (7, 5), (13, 9), (33, 17)]
    for color, depths in DEPTHS.items():
        for depth in depths:
            for interlace in (0, 1):
                for w, h in sizes:
                    name = 'c%d-d%d-%s-%dx%d' % (color, depth, 'i' if interlace else 'p', w, h)
                    plte = None
                    if color == 3:
                        plte = [tuple(rng.randint(0, 255) for _ in range(3))
                                for _ in range(rng.randint(1, 1 << depth))]
                    px = random_pixels(rng, w, h, color, depth, len(plte) if plte else 0)
                    png = encode(w, h, color, depth, px, interlace, plte=plte,
                                 split=1 + (w * h) % 4)
                    write(d, name, png, (w, h) + decoded(w, h, color, depth, px, plte))
    transparency_cases(d, rng)
    chunk_cases(d, rng)
    ink_cases(d, rng)


def transparency_cases(d, rng):
    for depth in DEPTHS[0]:  # a grey tRNS colour, some pixels of it
        w, h = 9, 6
        px = random_pixels(rng, w, h, 0, depth)
        key = px[2][3][0]
        trns = struct.pack('>H', key | (0xFF00 if depth < 8 else 0))  # high bits are masked
        write(d, 'trns-grey-d%d' % depth, encode(w, h, 0, depth, px, trns=trns),
              (w, h) + decoded(w, h, 0, depth, px, trns=trns))
    for depth in DEPTHS[2]:
        w, h = 11, 3
        px = random_pixels(rng, w, h, 2, depth)
        px[1][1] = px[0][0]
        trns = struct.pack('>HHH', *px[0][0])
        for interlace in (0, 1):
            write(d, 'trns-rgb-d%d-%d' % (depth, interlace),
                  encode(w, h, 2, depth, px, interlace, trns=trns),
                  (w, h) + decoded(w, h, 2, depth, px, trns=trns))
    for depth in DEPTHS[3]:
        w, h = 10, 7
        n = 1 << depth
        plte = [tuple(rng.randint(0, 255) for _ in range(3)) for _ in range(n)]
        trns = bytes(rng.randint(0, 255) for _ in range(max(1, n // 2)))
        px = random_pixels(rng, w, h, 3, depth, n)
        write(d, 'trns-palette-d%d' % depth, encode(w, h, 3, depth, px, 1, plte=plte, trns=trns),
              (w, h) + decoded(w, h, 3, depth, px, plte, trns))


def chunk_cases(d, rng):
    w, h = 21, 14
    px = random_pixels(rng, w, h, 0, 8)
    want = (w, h) + decoded(w, h, 0, 8, px)
    for f in range(5):  # each filter alone
        write(d, 'filter-%d' % f, encode(w, h, 0, 8, px, filters=(f,)), want)
    write(d, 'level-0-stored', encode(w, h, 0, 8, px, level=0), want)
    write(d, 'level-9', encode(w, h, 0, 8, px, level=9), want)
    write(d, 'idat-one-byte-each', encode(w, h, 0, 8, px, split=10 ** 6), want)
    ancillary = [chunk(b'gAMA', struct.pack('>I', 45455)), chunk(b'tEXt', b'Comment\0hi'),
                 chunk(b'prVt', b'private, safe to skip'), chunk(b'sRGB', b'\0')]
    late = [chunk(b'tIME', struct.pack('>HBBBBB', 2026, 12, 1, 10, 0, 0)), chunk(b'zzZz', b'')]
    write(d, 'ancillary-chunks', encode(w, h, 0, 8, px, before=ancillary, after=late), want)
    write(d, 'bytes-after-iend', encode(w, h, 0, 8, px) + b'junk', want)
    # An APNG: its default image is the IDAT; the second frame is skipped.
    actl = chunk(b'acTL', struct.pack('>II', 2, 0))
    fctl0 = chunk(b'fcTL', struct.pack('>IIIIIHHBB', 0, w, h, 0, 0, 1, 10, 0, 0))
    fctl1 = chunk(b'fcTL', struct.pack('>IIIIIHHBB', 1, w, h, 0, 0, 1, 10, 0, 0))
    fdat = chunk(b'fdAT', struct.pack('>I', 2) + zlib.compress(bytes((w + 1) * h)))
    write(d, 'apng', encode(w, h, 0, 8, px, before=[actl, fctl0], after=[fctl1, fdat]), want)
    # A suggested palette in an RGB picture, and bKGD chunks.
    rgb = random_pixels(rng, 5, 4, 2, 8)
    write(d, 'rgb-with-plte', encode(5, 4, 2, 8, rgb, plte=[(1, 2, 3), (4, 5, 6)]),
          (5, 4) + decoded(5, 4, 2, 8, rgb))
    ga = random_pixels(rng, 6, 6, 4, 16)
    write(d, 'grey-alpha-bkgd', encode(6, 6, 4, 16, ga, bkgd=struct.pack('>H', 40000)),
          (6, 6) + decoded(6, 6, 4, 16, ga))


def ink_cases(d, rng):
    """A digit 1 drawn on a transparent canvas whose hidden colours are noise;
    alpha is 0 or opaque only, so the composite is exact: dark ink goes over
    white, light ink over black, and a bKGD grey is used when there is one."""
    w, h = 20, 24
    for light in (0, 1):
        for color, depth in ((6, 8), (4, 16), (6, 16), (4, 8)):
            top = (1 << depth) - 1
            ink, back = (top, 0) if light else (0, top)
            bkgd = None
            if color == 4 and depth == 8 and not light:
                back = 200
                bkgd = struct.pack('>H', back)
            px, grey = [], []
            for y in range(h):
                row = []
                for x in range(w):
                    on = (8 <= x < 12 and 3 <= y < 21) or (y == 3 and 5 <= x < 12)
                    hidden = [rng.randint(0, top) for _ in range(CHANNELS[color] - 1)]
                    row.append(tuple([ink] * (CHANNELS[color] - 1) + [top]) if on
                               else tuple(hidden + [0]))
                    grey.append(ink if on else back)
                px.append(row)
            name = 'ink-%s-c%d-d%d' % ('light' if light else 'dark', color, depth)
            write(d, name, encode(w, h, color, depth, px, interlace=light, bkgd=bkgd),
                  (w, h) + decoded(w, h, color, depth, px))
            with open(os.path.join(d, name + '.grey.pgm'), 'wb') as f:
                f.write(pnm(w, h, 1, top, grey))


def bad_cases(d, rng):
    w, h = 12, 8
    px = random_pixels(rng, w, h, 0, 8)
    good = encode(w, h, 0, 8, px)
    idat = good.index(b'IDAT') - 4
    write(d, 'bad-truncated', good[:idat + 20], msg='truncated')
    write(d, 'bad-empty-after-signature', good[:8], msg='nothing after the PNG signature')
    flipped = bytearray(good)
    flipped[idat + 10] ^= 1
    write(d, 'bad-crc', bytes(flipped), msg='CRC mismatch')
    write(d, 'bad-missing-iend', good[:-12], msg='missing IEND')
    longer = bytearray(good)
    longer[idat + 3] += 1
    write(d, 'bad-idat-length', bytes(longer), msg='CRC mismatch')
    rows = image_data(w, h, 0, 8, px, 0, (0,))
    write(d, 'bad-filter', encode(w, h, 0, 8, px, raw=rows[:w + 1] + b'\5' + rows[w + 2:]),
          msg='bad filter type 5 on row 1')
    write(d, 'bad-data-short', encode(w, h, 0, 8, px, raw=rows[:-1]), msg='ends early')
    write(d, 'bad-data-long', encode(w, h, 0, 8, px, raw=rows + b'\0'), msg='more data than')
    for name, (ww, hh), msg in [('zero-width', (0, 8), 'size 0 x 8 is out of range'),
                                ('huge-height', (8, 40000), 'size 8 x 40000 is out of range'),
                                ('huge-declared', (32768, 32768), 'too few for 32768 x 32768')]:
        write(d, 'bad-' + name, encode(ww, hh, 0, 8, px, raw=rows), msg=msg)
    sig_end = good.index(b'IHDR') - 4
    write(d, 'bad-unknown-critical',
          good[:idat] + chunk(b'ZZZZ', b'x') + good[idat:], msg='unknown critical chunk ZZZZ')
    nxt = good.index(b'IEND') - 4
    write(d, 'bad-idat-apart', good[:nxt] + chunk(b'tEXt', b'a\0b') + chunk(b'IDAT', b'') +
          good[nxt:], msg='IDAT chunks are not consecutive')
    write(d, 'bad-first-chunk', good[:sig_end] + chunk(b'gAMA', bytes(4)) + good[sig_end:],
          msg='the first chunk is gAMA, not IHDR')
    write(d, 'bad-palette-index', encode(4, 1, 3, 8, [[(0,), (1,), (2,), (3,)]],
                                         plte=[(0, 0, 0), (9, 9, 9)]),
          msg='pixel (2, 0) is palette entry 2')
    write(d, 'bad-no-plte', encode(4, 1, 3, 8, [[(0,)] * 4]), msg='without PLTE')
    z = bytearray(good)
    z[idat + 9] ^= 0x01  # the zlib FLG byte: check bits wrong (CRC made right below)
    write(d, 'bad-zlib-header', fix_crc(bytes(z), idat), msg='header check bits')
    z = bytearray(good)
    end = good.index(b'IEND') - 8
    z[end - 1] ^= 0xFF  # the Adler-32's last byte
    write(d, 'bad-adler', fix_crc(bytes(z), idat), msg='Adler-32 mismatch')
    write(d, 'bad-depth', encode(w, h, 2, 4, [[(0, 0, 0)] * w] * h, raw=rows),
          msg='bit depth 4 is not allowed with colour type 2')
    write(d, 'bad-signature-crlf', b'\x89PNG\r\r\n\x1a\n' + good[8:], msg='damaged PNG signature')
    write(d, 'bad-trns-long', encode(2, 1, 3, 8, [[(0,), (1,)]], plte=[(0, 0, 0), (1, 1, 1)],
                                     trns=b'\1\2\3'), msg='tRNS has 3 entries, the palette 2')
    write(d, 'bad-iend-first', good[:sig_end + 25] + chunk(b'IEND', b''),
          msg='IEND before any image data')


def fix_crc(png, at):
    """Recomputes the CRC of the chunk whose length field is at byte at."""
    n = struct.unpack('>I', png[at:at + 4])[0]
    crc = struct.pack('>I', zlib.crc32(png[at + 4:at + 8 + n]))
    return png[:at + 8 + n] + crc + png[at + 12 + n:]


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    rng = random.Random(15948)
    good_cases(d, rng)
    bad_cases(d, rng)


main()
