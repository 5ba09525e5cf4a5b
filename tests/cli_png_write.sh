# cli_png_write.sh - every kind of picture nnart draws, as PNG: pngcheck accepts
# it, Python's zlib inflates its IDAT rows and a filter decoder written here
# from the PNG specification gives back exactly the pixels of the same
# picture drawn as PPM; the PNG is within 10% of what zlib's level 6 makes
# of the same filtered rows; drawing it again gives the same bytes.
. tests/lib.sh
N=${NNART:-./nnart}

"$N" train --limit 3000 --epochs 1 -q -o "$tmp/m.nnm" --history "$tmp/h.csv" >/dev/null 2>&1
"$N" train --limit 2000 --epochs 1 -q --layers 784-256-128-10 -o "$tmp/w.nnm" >/dev/null 2>&1
check "the models train" test -s "$tmp/m.nnm" -a -s "$tmp/w.nnm"
M=$tmp/m.nnm
kinds="strip poster dream units weights weights_wide confusion plot explain show"
draw() { # draw KIND EXT: the picture of that kind as $tmp/KIND.EXT
    out=$tmp/$1.$2
    case $1 in
    strip) "$N" predict -m "$M" --render "$out" ;;
    poster) "$N" predict -m "$M" --count 12 --render "$out" ;;
    dream) "$N" dream -m "$M" --render "$out" ;;
    units) "$N" dream -m "$M" --layer 2 --render "$out" ;;
    weights) "$N" weights -m "$M" --render "$out" ;;
    weights_wide) "$N" weights -m "$tmp/w.nnm" --render "$out" ;;
    confusion) "$N" evaluate -m "$M" --render "$out" ;;
    plot) "$N" plot "$tmp/h.csv" --render "$out" ;;
    explain) "$N" explain -m "$M" --method all --render "$out" ;;
    show) "$N" show -m "$M" --index 0 --render "$out" ;;
    esac >/dev/null 2>"$tmp/err"
}
args=
for k in $kinds; do
    draw "$k" png && draw "$k" ppm && cp "$tmp/$k.png" "$tmp/$k.first.png" && draw "$k" png
    check "$k: drawn as PNG and PPM" test -s "$tmp/$k.png" -a -s "$tmp/$k.ppm"
    check "$k: the same PNG bytes twice" cmp -s "$tmp/$k.png" "$tmp/$k.first.png"
    args="$args $tmp/$k.png $tmp/$k.ppm"
done

if have pngcheck; then
    # shellcheck disable=SC2086
    check "pngcheck accepts every picture" pngcheck -q $(for k in $kinds; do echo "$tmp/$k.png"; done)
else
    skip "PNG pictures checked by pngcheck" "pngcheck is not installed"
fi

cat >"$tmp/check.py" <<'PYEOF'
import struct, sys, zlib
def unfilter(data, h, n, bpp):
    out, prev, at = bytearray(), bytearray(n), 0
    for y in range(h):
        f, row = data[at], bytearray(data[at + 1:at + 1 + n])
        at += 1 + n
        if f == 0:
            pass
        elif f == 2:
            row = bytearray((r + p) & 255 for r, p in zip(row, prev))
        else:
            for i in range(n):
                a = row[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                if f == 1: q = a
                elif f == 3: q = (a + b) // 2
                elif f == 4:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    q = a if pa <= pb and pa <= pc else b if pb <= pc else c
                else: raise ValueError('filter %d' % f)
                row[i] = (row[i] + q) & 255
        out += row
        prev = row
    return out
def ppm(path):
    d = open(path, 'rb').read()
    parts = d.split(b'\n', 3)
    assert parts[0] == b'P6' and parts[2] == b'255'
    w, h = map(int, parts[1].split())
    return w, h, parts[3]
def check(png_path, ppm_path):
    png = open(png_path, 'rb').read()
    w, h, want = ppm(ppm_path)
    assert png[:8] == b'\x89PNG\r\n\x1a\n'
    at, idat, plte = 8, b'', b''
    while at < len(png):
        n, t = struct.unpack('>I4s', png[at:at + 8])
        body = png[at + 8:at + 8 + n]
        assert zlib.crc32(t + body) & 0xffffffff == struct.unpack('>I', png[at + 8 + n:at + 12 + n])[0]
        if t == b'IHDR':
            pw, ph, depth, ct, comp, filt, lace = struct.unpack('>IIBBBBB', body)
            assert (pw, ph, comp, filt, lace) == (w, h, 0, 0, 0)
        if t == b'IDAT': idat += body
        if t == b'PLTE': plte = body
        at += 12 + n
    spp = 3 if ct == 2 else 1
    n = (w * spp * depth + 7) // 8
    rows = zlib.decompress(idat)
    assert len(rows) == h * (n + 1)
    px = unfilter(rows, h, n, max(1, spp * depth // 8))
    if ct == 2:
        got = bytes(px)
    else:
        got, mask = bytearray(), (1 << depth) - 1
        for y in range(h):
            r = px[y * n:(y + 1) * n]
            vals = [(r[(x * depth) // 8] >> (8 - depth - (x * depth) % 8)) & mask for x in range(w)]
            if ct == 0: got += bytes(v * 255 // mask for v in vals for _ in range(3))
            else: got += b''.join(plte[3 * v:3 * v + 3] for v in vals)
    assert bytes(got) == want, png_path + ': pixels differ from the PPM'
    ref = len(png) - len(idat) + len(zlib.compress(rows, 6))
    assert len(png) <= 1.10 * ref, '%s: %d bytes, zlib level 6 makes %d' % (png_path, len(png), ref)
a = sys.argv[1:]
bad = 0
for i in range(0, len(a), 2):
    try:
        check(a[i], a[i + 1])
    except AssertionError as e:
        print(e)
        bad += 1
sys.exit(1 if bad else 0)
PYEOF
if have python3 && python3 -c 'import zlib' 2>/dev/null; then
    # shellcheck disable=SC2086
    check "every PNG decodes to the PPM's pixels, within 10% of zlib level 6" python3 "$tmp/check.py" $args
else
    skip "PNG pictures decoded by Python's zlib" "python3 with zlib is not installed"
fi
finish
