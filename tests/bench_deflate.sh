#!/bin/sh
# bench_deflate.sh BUILD MODEL WIDE_MODEL HISTORY - PNG sizes and compression
# speed for every kind of picture nnart draws, against Python's zlib at
# level 6 on the same filtered scanlines and against PIL's own PNG writer
# (filters and zlib level 6 of its own) when they are installed.
#
# MODEL is a 784-10-10-10 model, WIDE_MODEL a 784-256-128-10 one, HISTORY a
# training history; the pictures are drawn as PPM and handed to
# build/tests/bench_deflate, which writes the scanlines the PNG writer
# compresses.  The reference size of a kind is the smaller of nnart's PNG
# with its IDAT data replaced by zlib.compress(rows, 6) and PIL's PNG; the
# times are the best of RUNS (5) CPU times of compressing the rows.
set -u
BUILD=$1 M=$2 WIDE=$3 HIST=$4
RUNS=${RUNS:-5}
N=$BUILD/nnart
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
draw() { # draw NAME ARGS...: the picture NAME.ppm, or a note why not
    name=$1
    shift
    "$N" "$@" --render "$tmp/$name.ppm" >/dev/null 2>"$tmp/err" ||
        echo "bench_deflate.sh: $name: $(head -n 1 "$tmp/err")" >&2
}
draw strip predict -m "$M"
draw poster predict -m "$M" --count 12
draw dream dream -m "$M"
draw units dream -m "$M" --layer 2
draw weights weights -m "$M"
draw weights_wide weights -m "$WIDE"
draw confusion evaluate -m "$M"
draw plot plot "$HIST"
draw explain explain -m "$M" --method all
draw show show -m "$M" --index 0
"$N" paint --size 1920x1080 --render "$tmp/paint.ppm" >/dev/null 2>"$tmp/err" ||
    echo "bench_deflate.sh: paint: $(head -n 1 "$tmp/err")" >&2
"$BUILD/tests/bench_deflate" "$RUNS" "$tmp" "$tmp"/*.ppm >"$tmp/nnart.txt" || exit 1

echo "PNG compression, nnart's deflate against zlib level 6 (CPU ms, best of $RUNS):"
py=
for p in ${PYTHONS:-python3 /usr/bin/python3}; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c "import zlib" >/dev/null 2>&1; then
        [ -z "$py" ] && py=$p
        if "$p" -c "import PIL" >/dev/null 2>&1; then
            py=$p
            break
        fi
    fi
done
if [ -z "$py" ]; then
    awk '{ printf "    %-13s %-10s %-9s png %8d  %7.2f ms\n", $1, $2, $3, $9, $11 }' "$tmp/nnart.txt"
    echo "    (python3 with zlib is not installed: no comparison)"
    exit 0
fi
"$py" - "$tmp" "$RUNS" <<'PYEOF'
import io, sys, time, zlib
tmp, runs = sys.argv[1], int(sys.argv[2])
try:
    from PIL import Image
except ImportError:
    Image = None

def pil_png(name, kind):
    """PIL's PNG of the picture in nnart's colour type, or None."""
    if Image is None:
        return None
    im = Image.open('%s/%s.ppm' % (tmp, name)).convert('RGB')
    if kind.startswith('grey'):
        pim = im.convert('L')
    elif kind.startswith('palette'):
        pim = im.convert('P', palette=Image.ADAPTIVE, colors=256)
        if pim.convert('RGB').tobytes() != im.tobytes():
            return None
    else:
        pim = im
    out = io.BytesIO()
    pim.save(out, 'PNG')
    return len(out.getvalue())

print('    %-13s %-10s %-9s %8s %8s %8s %6s %8s %8s %6s' % (
    'picture', 'size', 'type', 'nnart', 'zlib-6', 'PIL', 'ratio', 'nnart ms', 'zlib ms', 'speed'))
worst, ours_ms, ref_ms = 0.0, 0.0, 0.0
for line in open('%s/nnart.txt' % tmp):
    f = line.split()
    name, size, kind, zours, png, ms = f[0], f[1], f[2], int(f[6]), int(f[8]), float(f[10])
    rows = open('%s/%s.rows' % (tmp, name), 'rb').read()
    best = None
    for _ in range(runs):
        t = time.process_time()
        z6 = zlib.compress(rows, 6)
        t = time.process_time() - t
        best = t if best is None or t < best else best
    via_zlib = png - zours + len(z6)
    pil = pil_png(name, kind)
    ref = min(via_zlib, pil) if pil else via_zlib
    ratio = png / ref
    worst = max(worst, ratio)
    ours_ms += ms
    ref_ms += best * 1e3
    print('    %-13s %-10s %-9s %8d %8d %8s %6.3f %8.2f %8.2f %6.2f' % (
        name, size, kind, png, via_zlib, pil if pil else '-', ratio, ms, best * 1e3,
        ms / (best * 1e3) if best > 0 else 0))
print('    sizes: nnart PNG / the smaller of (zlib-6 of the same rows, PIL%s); speed: nnart / zlib-6'
      % ('' if Image else ': not installed'))
print('    all pictures: nnart %.1f ms, zlib-6 %.1f ms: %.2fx zlib\'s time' % (
    ours_ms, ref_ms, ours_ms / ref_ms))
ok = lambda c: 'met' if c else 'NOT met'
print('    every PNG within 10%% of the reference (worst %.3f): %s' % (worst, ok(worst <= 1.10)))
print('    deflate within 2x of zlib-6\'s time (%.2fx): %s' % (ours_ms / ref_ms, ok(ours_ms <= 2 * ref_ms)))
PYEOF
