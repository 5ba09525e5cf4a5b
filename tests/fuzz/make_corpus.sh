#!/bin/sh
# make_corpus.sh - writes the seed corpora in tests/fuzz/corpus/ (committed;
# run again only to change them): small valid inputs of each format and a few
# that are wrong in one field each.  Model seeds are trained by nnart itself:
#   NNART=./nnart sh tests/fuzz/make_corpus.sh
set -eu
N=${NNART:-./nnart}
C=tests/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# byte V...: the bytes with these decimal values.
byte() { for v in "$@"; do printf "\\$(printf %03o "$v")"; done; }
# be32 V: a big-endian uint32.  le16 V: a little-endian uint16.
be32() { byte $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
le16() { byte $(($1 & 255)) $(($1 >> 8 & 255)); }
# idx TYPE D...: an IDX header of that type and those dimensions.
idx() { t=$1; shift; byte 0 0 "$t" $#; for d in "$@"; do be32 "$d"; done; }
# pixels N: N bytes counting up from 0.
pixels() { i=0; while [ "$i" -lt "$1" ]; do byte $((i * 37 % 256)); i=$((i + 1)); done; }
# pair NAME IMAGES LABELS: an fuzz_idx input (2-byte length of the images first).
pair() { { le16 "$(wc -c <"$2")"; cat "$2" "$3"; } >"$C/fuzz_idx/$1"; }

# (files not written here, such as inputs that once crashed, are kept)
mkdir -p "$C/fuzz_idx" "$C/fuzz_model" "$C/fuzz_args"

# ---- IDX ----
{ idx 8 3 2 2; pixels 12; } >"$tmp/img3"       # 3 images of 2x2
{ idx 8 3; byte 0 1 2; } >"$tmp/lab3"           # labels 0, 1, 2
{ idx 8 4 5; pixels 20; } >"$tmp/img2d"        # 4 samples of 5 values
{ idx 8 4; byte 9 0 3 3; } >"$tmp/lab4"
pair valid-3d "$tmp/img3" "$tmp/lab3"
pair valid-2d "$tmp/img2d" "$tmp/lab4"
pair count-mismatch "$tmp/img3" "$tmp/lab4"
{ idx 11 3; be32 1; be32 2; } >"$tmp/i16"      # int16 (partly): two shorts too few
{ idx 11 2; byte 1 2 255 254; } >"$tmp/i16ok"
{ idx 12 1; be32 7; } >"$tmp/i32"
{ idx 13 1; be32 1065353216; } >"$tmp/f32"    # 1.0f
{ idx 14 1; be32 1072693248; be32 0; } >"$tmp/f64"  # 1.0
{ idx 9 2 1; byte 128 127; } >"$tmp/i8"
pair int16-labels "$tmp/img3" "$tmp/i16ok"
pair int16-truncated "$tmp/i16" "$tmp/lab3"
pair int32 "$tmp/i32" "$tmp/f32"
pair float64 "$tmp/f64" "$tmp/i8"
{ idx 8 2 2; pixels 5; } >"$tmp/trail"          # one byte too many
pair trailing "$tmp/trail" "$tmp/lab3"
{ idx 8 3 2 2; pixels 11; } >"$tmp/short"
pair truncated "$tmp/short" "$tmp/lab3"
{ byte 0 0 8 9; } >"$tmp/ndim9"
pair ndim9 "$tmp/ndim9" "$tmp/lab3"
{ idx 8 4294967295 4294967295 4294967295; } >"$tmp/ovf"
pair overflow64 "$tmp/ovf" "$tmp/lab3"
{ idx 8 60000 28 28; pixels 8; } >"$tmp/huge"
pair huge-declared "$tmp/huge" "$tmp/lab3"
{ idx 8 3 0 2; } >"$tmp/zero"
pair zero-dim "$tmp/zero" "$tmp/lab3"
{ byte 0 0 7 1; be32 1; byte 0; } >"$tmp/type7"
pair bad-type "$tmp/type7" "$tmp/lab3"
{ byte 31 139 8 0; } >"$tmp/gz"
pair gzip-magic "$tmp/gz" "$tmp/lab3"

# ---- model files: tiny networks trained on a tiny data set ----
{ idx 8 8 4; pixels 32; } >"$tmp/x"
{ idx 8 8; byte 0 1 2 0 1 2 0 1; } >"$tmp/y"
# (The model seeds depend on the arithmetic of the machine that trained them;
# any valid model files serve.)
train() {
    out=$1
    shift
    "$N" train --train-images "$tmp/x" --train-labels "$tmp/y" --no-test -q --epochs 1 \
        --batch 4 -o "$C/fuzz_model/$out" "$@" >/dev/null
}
train relu-4-3-3 --layers 4-3-3
train one-layer-4-3 --layers 4-3
train sgd-mse-sigmoid --layers 4-2-2-3 --activation sigmoid --output-activation sigmoid \
    --loss mse --optimizer sgd --lr 0.5 --seed 9
train val-split-tanh --layers 4-5-3 --activation tanh --val-split 0.25
m=$C/fuzz_model/relu-4-3-3
len=$(wc -c <"$m")
head -c $((len - 1)) "$m" >"$C/fuzz_model/truncated"
{ head -c 8 "$m"; byte 2 0 0 0; tail -c +13 "$m"; } >"$C/fuzz_model/version-2"
{ cat "$m"; byte 0; } >"$C/fuzz_model/trailing"
printf 'NNARTMDL' >"$C/fuzz_model/magic-only"

# ---- command lines: words separated by NUL bytes ----
args() { name=$1; shift; printf '%s\0' "$@" | head -c -1 >"$C/fuzz_args/$name"; }
args typical --epochs 3 --lr 0.01 -o m.nnm --layers 784-32-10
args equals --layers=784-10-10 -q --seed=18446744073709551615 --val-split=0.2
args short-joined -e5 -b32 -t0 -s7 -oout.nnm
args positional -- -x model.nnm
args twice --epochs 2 --epochs 3
args range --lr nan --epochs 0 --batch -5
args typo --epoch 3
args help --help
args flag-value --quiet=1
args empty-value --output ''

# ---- Netpbm drawings ----
P=$C/fuzz_pnm
mkdir -p "$P"
printf 'P2\n# a 4x4 digit\n4 4\n255\n0 0 0 0\n0 255 255 0\n0 0 255 0\n0 0 255 0\n' >"$P/plain-grey"
printf 'P3 2 2 15 15 15 15 0 0 0 0 0 0 15 15 15\n' >"$P/plain-rgb"
{ printf 'P5 3 3 255\n'; byte 255 255 255 255 0 255 255 0 255; } >"$P/raw-grey-inverted"
{ printf 'P6\n2 1\n255\n'; byte 0 0 0 200 100 50; } >"$P/raw-rgb"
{ printf 'P5 2 2 65535\n'; byte 0 0 255 255 18 52 0 1; } >"$P/raw-16bit"
{ printf 'P5 2 2 65535\n'; byte 0 0 255 255 18 52 0; } >"$P/raw-16bit-truncated"
printf 'P2 2 2 9\n0 0 0 0\n' >"$P/blank"
printf 'P2 2 2 9\n0 10 0 0\n' >"$P/above-maxval"
printf 'P5 32768 32768 255\n' >"$P/huge-declared"
printf 'P2 4294967296 1 255\n1\n' >"$P/overflow-width"
printf 'P1 2 2 0 1 1 0\n' >"$P/pbm"
printf 'P7\nWIDTH 1\n' >"$P/pam"

# ---- gzip files: stored, fixed and dynamic blocks, header flags, members ----
G=$C/fuzz_gzip
mkdir -p "$G"
: >"$tmp/empty"
printf 'hello, hello, hello, hello\n' >"$tmp/hello"
pixels 300 >"$tmp/bytes"
{ idx 8 3 2 2; pixels 12; } >"$tmp/idx"
i=0; while [ $i -lt 40 ]; do echo "line $i of a text with words that repeat"; i=$((i + 1)); done >"$tmp/text"
gzip -n -c "$tmp/empty" >"$G/empty"
gzip -n -c "$tmp/hello" >"$G/fixed"
gzip -n -c "$tmp/text" >"$G/dynamic"
gzip -n -1 -c "$tmp/bytes" >"$G/bytes"
gzip -n -c "$tmp/idx" >"$G/idx"
touch -d @1000000000 "$tmp/hello" # the stored time, for the same bytes every time
(cd "$tmp" && gzip -N -c hello) >"$G/with-name"
{ gzip -n -c "$tmp/hello"; gzip -n -c "$tmp/idx"; } >"$G/two-members"
# A stored block written by hand: header, BFINAL=1 BTYPE=00, LEN, NLEN, data,
# then the CRC-32 and length taken from gzip's own member for the same bytes.
{ byte 31 139 8 0 0 0 0 0 0 255 1 5 0 250 255; printf 'hello'; printf 'hello' | gzip -n -c | tail -c 8; } >"$G/stored"
# Flags FHCRC, FEXTRA and FCOMMENT, with the header CRC left wrong.
{ byte 31 139 8 22 0 0 0 0 0 255 2 0 65 66; printf 'a comment'; byte 0 0 0; gzip -n -c "$tmp/hello" | tail -c +11; } >"$G/flags"
len=$(wc -c <"$G/dynamic")
head -c $((len - 3)) "$G/dynamic" >"$G/truncated"
{ head -c $((len - 8)) "$G/dynamic"; byte 1 2 3 4; tail -c 4 "$G/dynamic"; } >"$G/bad-crc"
{ cat "$G/fixed"; byte 0; } >"$G/trailing"
byte 31 139 8 0 0 0 0 0 0 255 7 0 0 0 0 0 0 0 0 0 >"$G/reserved-btype"

# ---- bytes to compress: text, runs, counting bytes, nothing ----
D=$C/fuzz_deflate
mkdir -p "$D"
cp "$tmp/empty" "$D/empty"
cp "$tmp/text" "$D/text"
cp "$tmp/bytes" "$D/bytes"
{ i=0; while [ $i -lt 600 ]; do printf 'aaaa'; i=$((i + 1)); done; pixels 40; } >"$D/runs"

# ---- training histories (CSV) ----
H=$C/fuzz_history
mkdir -p "$H"
printf 'epoch,loss,accuracy,val_loss,val_accuracy,seconds\n1,0.512,0.851,,,1.2\n2,0.301,0.912,,,1.1\n' >"$H/nnart"
printf 'epoch,loss,accuracy,val_loss,val_accuracy,seconds\r\n1,0.5,0.85,0.4,0.88,1\r\n2,0.3,0.91,0.35,0.9,1\r\n' >"$H/nnart-val-crlf"
printf 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.8,0.6,0.85,0.5\n1,0.9,0.3,0.9,0.31\n2,0.93,0.2,0.91,0.3\n' >"$H/keras"
printf 'epoch,loss,accuracy\n1,1e300,-1e300\n' >"$H/extreme"
printf 'epoch,loss,accuracy\n1,nan,0.5\n' >"$H/nan"
printf 'epoch,loss,accuracy\n2,0.5,0.5\n1,0.4,0.6\n' >"$H/decreasing"
printf 'epoch,loss\n1,0.5\n' >"$H/no-accuracy"
printf 'epoch,loss,accuracy\n' >"$H/header-only"
printf ' epoch , loss , accuracy \n 1 , 0.5 , 0.5 \n\n' >"$H/spaces"

# ---- chart layout: a settings byte, then doubles (fuzz_plot.c) ----
F=$C/fuzz_plot
mkdir -p "$F"
# f64 HEX...: doubles given as 16 hex digits of their bits, written little-endian.
f64() { for h in "$@"; do i=14; while [ $i -ge 0 ]; do byte $((0x$(echo "$h" | cut -c$((i + 1))-$((i + 2))))); i=$((i - 2)); done; done; }
ONE=3ff0000000000000 TWO=4000000000000000 THREE=4008000000000000 HALF=3fe0000000000000
# ordinary rows: epoch, loss, accuracy (and val_loss, val_accuracy)
{ byte 5; f64 $ONE 3fe6666666666666 $HALF $TWO 3fd3333333333333 3feccccccccccccd; } >"$F/ordinary"
{ byte 101; f64 $ONE $ONE $HALF 3fe6666666666666 $HALF $TWO $HALF 3fe6666666666666 3fd3333333333333 3feccccccccccccd; } >"$F/ordinary-val"
# values that once made the layout loop: past DBL_MAX, a denormal
{ byte 37; f64 $ONE 7fee42d130773b76 $HALF; } >"$F/huge"
{ byte 37; f64 ffee42d130773b76 7fee42d130773b76 $HALF $TWO 7fee42d130773b76 $HALF; } >"$F/overflowing-range"
{ byte 21; f64 $ONE 0000000000000001 $HALF; } >"$F/denormal"
{ byte 37; f64 $ONE 01a56e1fc2f8f359 $HALF $TWO 7e37e43c8800759c $HALF; } >"$F/tiny-to-huge"
{ byte 53; f64 4340000000000000 $ONE 3ff0000000000001 4340000000000001 $ONE $HALF; } >"$F/last-bit"
{ byte 5; f64 $ONE 7ff8000000000000 $HALF $TWO 7ff0000000000000 $HALF; } >"$F/nan-inf"
{ byte 7; f64 000012688b70e62b $THREE; } >"$F/axis-only"

# ---- PNG pictures: tests/png_cases.py's small ones (every colour type and
# depth, plain and interlaced, tRNS, bKGD, APNG, broken files), and nnart's own ----
P=$C/fuzz_png
mkdir -p "$P"
python3 tests/png_cases.py "$tmp/png"
for f in "$tmp"/png/*-7x5.png "$tmp"/png/*-1x1.png "$tmp"/png/trns-*.png "$tmp"/png/filter-*.png \
    "$tmp"/png/apng.png "$tmp"/png/ancillary-chunks.png "$tmp"/png/grey-alpha-bkgd.png \
    "$tmp"/png/ink-dark-c4-d8.png "$tmp"/png/bad-*.png; do
    cp "$f" "$P/$(basename "$f" .png)"
done
printf 'P2 2 2 9\n0 9 9 0\n' | "$N" predict -m "$C/fuzz_model/relu-4-3-3" --image - \
    --render "$tmp/strip.png" --scale 1 >/dev/null 2>&1 || true
[ ! -s "$tmp/strip.png" ] || cp "$tmp/strip.png" "$P/nnart-strip"

# ---- JPEG pictures: the golden files and small ones from cjpeg ----
J=$C/fuzz_jpeg
mkdir -p "$J"
cp tests/golden/jpeg_grey.jpg "$J/grey-restart-every-block"
cp tests/golden/jpeg_colour.jpg "$J/colour-420-restart"
{ printf 'P6\n17 9\n255\n'; pixels 459; } >"$tmp/c.ppm"
{ printf 'P5\n8 8\n255\n'; pixels 64; } >"$tmp/g.pgm"
printf '0;\n1;\n2;\n' >"$tmp/scans"
if command -v cjpeg >/dev/null; then
    cjpeg -quality 90 "$tmp/g.pgm" >"$J/grey-8x8"
    cjpeg -sample 2x1 -restart 2B "$tmp/c.ppm" >"$J/colour-422-restart"
    cjpeg -sample 1x2 "$tmp/c.ppm" >"$J/colour-440"
    cjpeg -sample 1x2,2x1,1x1 -quality 30 "$tmp/c.ppm" >"$J/colour-mixed-factors"
    cjpeg -rgb -sample 1x1 "$tmp/c.ppm" >"$J/rgb-adobe"
    cjpeg -scans "$tmp/scans" -sample 2x2 -restart 1B "$tmp/c.ppm" >"$J/non-interleaved"
    cjpeg -optimize "$tmp/c.ppm" >"$J/optimized-tables"
    cjpeg -progressive "$tmp/g.pgm" >"$J/progressive"
    cjpeg -arithmetic "$tmp/g.pgm" >"$J/arithmetic"
fi
g=tests/golden/jpeg_grey.jpg
len=$(wc -c <"$g")
head -c $((len / 2)) "$g" >"$J/truncated"
head -c $((len - 2)) "$g" >"$J/no-eoi"
# the second restart marker out of sequence (RST1 -> RST2)
LC_ALL=C sed 's/\xff\xd1/\xff\xd2/' "$g" >"$J/bad-restart"
# ---- NumPy .npz archives and .npy arrays (fuzz_npz.c) ----
Z=$C/fuzz_npz
mkdir -p "$Z"
# nnart's own: the model seeds above, exported (stored entries)
for m in relu-4-3-3 one-layer-4-3 sgd-mse-sigmoid; do
    "$N" export -m "$C/fuzz_model/$m" --npz "$Z/export-$m" >/dev/null
done
len=$(wc -c <"$Z/export-relu-4-3-3")
head -c $((len - 7)) "$Z/export-relu-4-3-3" >"$Z/truncated-end-record"
{ head -c 100 "$Z/export-relu-4-3-3"; byte 255; tail -c +102 "$Z/export-relu-4-3-3"; } >"$Z/bad-crc"
# NumPy's (PYTHON=a python3 with numpy): savez (ZIP64 extra fields),
# savez_compressed (deflate), data descriptors, a comment, the .npy versions,
# dtypes and orders, and .npy files one after the other (fuzz_npz.c's third
# reading).  Skipped without NumPy.
if ${PYTHON:-python3} -c 'import numpy' 2>/dev/null; then
    ${PYTHON:-python3} - "$Z" <<'PY'
import io, sys, zipfile
import numpy as np
d = sys.argv[1]
r = np.random.default_rng(5)
w = [r.standard_normal(s).astype(np.float32) for s in [(4, 3), (3,), (3, 2), (2,)]]
np.savez(open(d + "/numpy-savez", "wb"), *w)
np.savez_compressed(open(d + "/numpy-compressed", "wb"), *w)
np.savez(open(d + "/numpy-keywords", "wb"), kernel=w[0], bias=w[1])
np.savez(open(d + "/numpy-no-chain", "wb"), w[0], w[1], w[0], w[1])
class Stream(io.RawIOBase):  # not seekable: zipfile writes data descriptors
    def __init__(self): self.b = bytearray()
    def writable(self): return True
    def write(self, x): self.b += x; return len(x)
s = Stream()
with zipfile.ZipFile(s, "w", zipfile.ZIP_DEFLATED) as z:
    for i, a in enumerate(w):
        with z.open("arr_%d.npy" % i, "w", force_zip64=(i == 0)) as f:
            np.lib.format.write_array(f, a)
    z.comment = b"a comment"
open(d + "/data-descriptors", "wb").write(bytes(s.b))
def npy(a, version=None, fortran=False):
    b = io.BytesIO()
    np.lib.format.write_array(b, np.asfortranarray(a) if fortran else a, version=version)
    return b.getvalue()
open(d + "/npy-v1", "wb").write(npy(w[0]))
open(d + "/npy-v2", "wb").write(npy(w[0], (2, 0)))
open(d + "/npy-v3", "wb").write(npy(w[2], (3, 0)))
open(d + "/npy-scalar", "wb").write(npy(np.float32(1.5)))
open(d + "/npy-int32", "wb").write(npy(np.arange(6, dtype=np.int32)))
open(d + "/pieces-c", "wb").write(b"".join(npy(a) for a in w))
open(d + "/pieces-mixed", "wb").write(
    npy(w[0], fortran=True) + npy(w[1].astype(">f4")) + npy(w[2].astype("<f8"), fortran=True) +
    npy(w[3].astype(">f8")) + b"\x04")
open(d + "/pieces-odd", "wb").write(npy(w[0]) + npy(w[1]) + npy(w[2]))
PY
fi
