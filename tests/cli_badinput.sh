# cli_badinput.sh - a table of bad inputs for the nnart command, each with the
# exact message and exit status expected: malformed IDX and model files, paths
# that are not readable regular files, data that does not fit the model, and
# bad options.  Every row: exit status 1 (bad file or data) or 2 (bad command
# line), exactly one line on stderr, and nothing else (so no sanitizer report).
. tests/lib.sh
N=${NNART:-./nnart}



# byte V...: the bytes with these decimal values.  be32/le32 V: a uint32.
byte() { for v in "$@"; do printf "\\$(printf %03o "$v")"; done; }
be32() { byte $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
le32() { byte $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
# idx TYPE D...: an IDX header of that type and those dimensions.
idx() { t=$1; shift; byte 0 0 "$t" $#; for d in "$@"; do be32 "$d"; done; }
# zeros N: N zero bytes.
zeros() { head -c "$1" /dev/zero; }

# ---- options ---------------------------------------------------------------
row 2 "nnart train: option --epochs given twice" "$N" train --epochs 2 -e 3
row 2 "nnart train: option --output given twice" "$N" train -o a.nnm --output=b.nnm
row 2 "nnart train: --epochs: 1000001 is out of range (0 to 1000000)" "$N" train --epochs 1000001
row 2 "nnart train: --epochs: '-1' is not a whole number" "$N" train --epochs -1
row 2 "nnart train: --epochs: 99999999999999999999 is out of range (0 to 1000000)" "$N" train --epochs 99999999999999999999
row 2 "nnart train: --batch: 0 is out of range (1 to 1000000)" "$N" train --batch 0
row 2 "nnart train: --batch: '-128' is not a whole number" "$N" train -b -128
row 2 "nnart train: --lr: nan is out of range (1e-12 to 1e+06)" "$N" train --lr nan
row 2 "nnart train: --lr: inf is out of range (1e-12 to 1e+06)" "$N" train --lr inf
row 2 "nnart train: --lr: -inf is out of range (1e-12 to 1e+06)" "$N" train --lr -inf
row 2 "nnart train: --lr: 0 is out of range (1e-12 to 1e+06)" "$N" train --lr 0
row 2 "nnart train: --lr: 1e999 is out of range (1e-12 to 1e+06)" "$N" train --lr 1e999
row 2 "nnart train: --lr: '0.1x' is not a number" "$N" train --lr 0.1x
row 2 "nnart train: --val-split: 1 is out of range (0 to 0.99)" "$N" train --val-split 1
row 2 "nnart train: --seed: 18446744073709551616 is out of range (0 to 18446744073709551616)" "$N" train --seed 18446744073709551616
row 2 "nnart train: --threads: 257 is out of range (0 to 256)" "$N" train --threads 257
row 2 "nnart train: --limit: 0 is out of range (1 to 1000000000)" "$N" train --limit 0
row 2 "nnart train: --output needs a non-empty value" "$N" train -o ''
row 2 "nnart train: --epochs needs a value (N)" "$N" train --epochs
row 2 "nnart train: --quiet takes no value" "$N" train --quiet=yes
layers_msg() { echo "nnart train: --layers: '$1' is not a list of 2 to 17 widths from 1 to 65536, such as 784-10-10-10"; }
row 2 "$(layers_msg 784-0-10)" "$N" train --layers 784-0-10
row 2 "$(layers_msg 784-10-0)" "$N" train --layers 784-10-0
row 2 "$(layers_msg 784--10)" "$N" train --layers 784--10
row 2 "$(layers_msg 784-65537-10)" "$N" train --layers 784-65537-10
row 2 "$(layers_msg 784-99999999999999999999-10)" "$N" train --layers 784-99999999999999999999-10
row 2 "$(layers_msg 1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1)" "$N" train --layers 1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1
row 2 "$(layers_msg 784-10-)" "$N" train --layers 784-10-
row 2 "nnart info: unexpected argument 'b.nnm'" "$N" info a.nnm b.nnm
row 2 "nnart: unknown command 'fly' (see nnart --help)" "$N" fly
# An argument holding a newline is quoted with '?': the message stays one line.
nl=$(printf 'a\nb')
row 2 "nnart train: unknown option '--a?b' (see nnart train --help)" "$N" train "--$nl"
row 2 "nnart train: --epochs: 'a?b' is not a whole number" "$N" train --epochs "$nl"
row 2 "$(layers_msg 'a?b')" "$N" train --layers "$nl"
row 2 "nnart train: --activation: unknown activation 'a?b' (relu, sigmoid, tanh, sin, gauss, identity)" "$N" train --activation "$nl"
row 2 "nnart predict: --format: unknown format 'a?b' (text, csv, npy)" "$N" predict --format "$nl"
row 1 "nnart: $tmp/a?b: cannot open: No such file or directory" "$N" info "$tmp/$nl"

# ---- paths that are not readable regular files -----------------------------
row 1 "nnart: $tmp/none: cannot open: No such file or directory" "$N" info "$tmp/none"
row 1 "nnart: $tmp: is a directory, not a file" "$N" info "$tmp"
row 1 "nnart: $tmp: is a directory, not a file" "$N" train --train-images "$tmp" --no-test
row 1 "nnart: /dev/null: not a regular file" "$N" info /dev/null
mkfifo "$tmp/fifo"
# A FIFO with no writer would block a plain open(); nnart must not wait.
row 1 "nnart: $tmp/fifo: not a regular file" timeout 10 "$N" info "$tmp/fifo"
row 1 "nnart: $tmp/fifo: not a regular file" timeout 10 "$N" train --train-labels "$tmp/fifo" --no-test
# /proc files claim a size of 0 and then have content: a size change.
row 1 "nnart: /proc/self/status: file changed size while being read (0 bytes, then more)" "$N" info /proc/self/status

# A file nnart may not read.  root reads anything, so as root the command
# runs as nobody (see as_nobody in lib.sh).
: >"$tmp/secret"
chmod 000 "$tmp/secret"
as_nobody "$N"
if [ -n "$unprivileged" ]; then
    row 1 "nnart: $tmp/secret: cannot open: Permission denied" $unprivileged "$NU" info "$tmp/secret"
    row 1 "nnart: $tmp/secret: cannot open: Permission denied" \
        $unprivileged "$NU" train --data "$DU" --train-images "$tmp/secret" -o /dev/null
else
    skip "an unreadable file" "$why"
fi
chmod 700 "$tmp"

# ---- IDX files -------------------------------------------------------------
: >"$tmp/empty"
byte 0 0 8 >"$tmp/short"
{ byte 1 2 8 1; be32 1; byte 0; } >"$tmp/magic"
{ byte 0 0 7 1; be32 1; byte 0; } >"$tmp/type"
byte 0 0 8 0 >"$tmp/ndim0"
byte 0 0 8 9 >"$tmp/ndim9"
{ byte 0 0 8 3; be32 2; be32 2; } >"$tmp/header"
idx 8 3 0 2 >"$tmp/zerodim"
{ idx 8 3 2 2; byte 1 2 3; } >"$tmp/truncated"
{ idx 8 1 2 2; byte 1 2 3 4 5; } >"$tmp/trailing"
idx 8 4294967295 4294967295 4294967295 >"$tmp/count64"
idx 14 4294967295 4294967295 >"$tmp/bytes64"
idx 8 65536 65536 >"$tmp/count32"      # 2^32 elements: 0 in 32-bit arithmetic
{ idx 8 60000 28 28; zeros 4; } >"$tmp/huge"
{ idx 13 1 1; be32 0; } >"$tmp/float"
{ idx 8 4; byte 1 2 3 4; } >"$tmp/onedim"
T="$N train --no-test --train-images"
row 1 "nnart: $tmp/empty: empty file, not an IDX file" $T "$tmp/empty"
row 1 "nnart: $tmp/short: truncated header: 3 bytes, an IDX header needs at least 4" $T "$tmp/short"
row 1 "nnart: $tmp/magic: not an IDX file (starts with bytes 01 02, expected 00 00)" $T "$tmp/magic"
row 1 "nnart: $tmp/type: unknown element type 0x07 (IDX types are 0x08, 0x09, 0x0B, 0x0C, 0x0D and 0x0E)" $T "$tmp/type"
row 1 "nnart: $tmp/ndim0: declares 0 dimensions (at least 1 is needed)" $T "$tmp/ndim0"
row 1 "nnart: $tmp/ndim9: declares 9 dimensions, at most 8 are supported" $T "$tmp/ndim9"
row 1 "nnart: $tmp/header: truncated header: 3 dimensions need 16 header bytes, file has 12" $T "$tmp/header"
row 1 "nnart: $tmp/zerodim: declares an empty dimension (dimension 2 of 3 is 0)" $T "$tmp/zerodim"
row 1 "nnart: $tmp/truncated: truncated: header declares 12 bytes of data, file has 3" $T "$tmp/truncated"
row 1 "nnart: $tmp/trailing: trailing garbage: 1 bytes after the data" $T "$tmp/trailing"
row 1 "nnart: $tmp/count64: dimensions 4294967295 x 4294967295 x 4294967295 overflow: more than 2^64 elements" $T "$tmp/count64"
row 1 "nnart: $tmp/bytes64: dimensions 4294967295 x 4294967295 of float64 overflow: more than 2^64 bytes of data" $T "$tmp/bytes64"
row 1 "nnart: $tmp/count32: truncated: header declares 4294967296 bytes of data, file has 0" $T "$tmp/count32"
row 1 "nnart: $tmp/huge: truncated: header declares 47040000 bytes of data, file has 4" $T "$tmp/huge"
row 1 "nnart: $tmp/float: images must be uint8 (IDX type 0x08), this file holds float32 (type 0x0D)" $T "$tmp/float"
row 1 "nnart: $tmp/onedim: images must have 2 dimensions (count x values) or 3 (count x rows x cols), this file has 1" $T "$tmp/onedim"

# Labels, against 2 tiny images of 2 values.
{ idx 8 2 2; byte 0 255 255 0; } >"$tmp/img"
{ idx 8 3; byte 0 1 2; } >"$tmp/lab3"
{ idx 8 2 1; byte 0 1; } >"$tmp/lab2d"
{ idx 11 2; byte 0 1 0 0; } >"$tmp/lab16"
{ idx 8 2; byte 0 11; } >"$tmp/lab11"
L="$N train --no-test --layers 2-3 --train-images $tmp/img --train-labels"
row 1 "nnart: $tmp/lab3: 3 labels for 2 images in $tmp/img" $L "$tmp/lab3"
row 1 "nnart: $tmp/lab2d: labels must have 1 dimension, this file has 2" $L "$tmp/lab2d"
row 1 "nnart: $tmp/lab16: labels must be uint8 (IDX type 0x08), this file holds int16 (type 0x0B)" $L "$tmp/lab16"

# ---- model files -----------------------------------------------------------
{ idx 8 8 4; byte 0 10 20 30 40 50 60 70 80 90 100 110 120 130 140 150 \
    160 170 180 190 200 210 220 230 240 250 5 15 25 35 45 55; } >"$tmp/x"
{ idx 8 8; byte 0 1 2 0 1 2 0 1; } >"$tmp/y"
"$N" train --train-images "$tmp/x" --train-labels "$tmp/y" --no-test -q --epochs 1 --batch 4 \
    --layers 4-3-3 -o "$tmp/m.nnm" >/dev/null 2>&1
check "a tiny model trains" [ -s "$tmp/m.nnm" ]
# The 4-3-3 model: magic 0, version 8, flags 12, layers 16, sizes 20 24 28,
# activations 32 36, optimizer 40, loss 44, lr 48, val_split 68, parameter
# count 100, 27 parameters 108..215, CRC-32 216..219.
# variant NAME OFFSET BYTE...: a copy of the model with those bytes replaced
# and the checksum made right again, so that only the field under test is wrong.
variant() {
    f=$tmp/$1 off=$2
    shift 2
    { head -c "$off" "$tmp/m.nnm"; byte "$@"; tail -c +$((off + $# + 1)) "$tmp/m.nnm"; } >"$f.body"
    len=$(wc -c <"$f.body")
    head -c $((len - 4)) "$f.body" >"$f.data"
    # gzip's trailer holds the CRC-32 (the same one) of its input, little-endian.
    { cat "$f.data"; gzip -c "$f.data" | tail -c 8 | head -c 4; } >"$f"
    rm -f "$f.body" "$f.data"
}
variant version 8 2 0 0 0
variant flags 12 2 0 0 0
variant layers0 16 0 0 0 0
variant layers17 16 17 0 0 0
variant width0 24 0 0 0 0
variant width65537 24 1 0 1 0
variant act7 32 7 0 0 0
variant softmax1 32 4 0 0 0
variant opt 40 2 0 0 0
variant loss 44 2 0 0 0
variant lrnan 48 0 0 192 127
variant lrneg 48 0 0 128 191
variant split 68 0 0 128 63
variant nparams 100 28 0 0 0
variant inf 108 0 0 128 127
{ head -c 200 "$tmp/m.nnm"; byte 1; tail -c +202 "$tmp/m.nnm"; } >"$tmp/crc"
head -c 219 "$tmp/m.nnm" >"$tmp/cut"
head -c 18 "$tmp/m.nnm" >"$tmp/cut18"
{ cat "$tmp/m.nnm"; byte 0; } >"$tmp/long"
{ printf 'NNARTMDM'; tail -c +9 "$tmp/m.nnm"; } >"$tmp/badmagic"
printf 'NNART' >"$tmp/tiny"
M="$N info"
row 1 "nnart: $tmp/empty: too short (0 bytes) to be an nnart model file" $M "$tmp/empty"
row 1 "nnart: $tmp/tiny: too short (5 bytes) to be an nnart model file" $M "$tmp/tiny"
row 1 "nnart: $tmp/badmagic: not an nnart model file (no \"NNARTMDL\" magic)" $M "$tmp/badmagic"
row 1 "nnart: $tmp/version: format version 2; this nnart reads version 1" $M "$tmp/version"
row 1 "nnart: $tmp/flags: unknown header flags 0x00000002; this nnart knows only 0x00000001 (imported)" $M "$tmp/flags"
row 1 "nnart: $tmp/layers0: 0 layers; between 1 and 16 are supported" $M "$tmp/layers0"
row 1 "nnart: $tmp/layers17: 17 layers; between 1 and 16 are supported" $M "$tmp/layers17"
row 1 "nnart: $tmp/width0: layer 1 has width 0; between 1 and 65536 are supported" $M "$tmp/width0"
row 1 "nnart: $tmp/width65537: layer 1 has width 65537; between 1 and 65536 are supported" $M "$tmp/width65537"
row 1 "nnart: $tmp/act7: layer 1 has unknown activation code 7" $M "$tmp/act7"
row 1 "nnart: $tmp/softmax1: softmax on layer 1 of 2; only the last layer may use it" $M "$tmp/softmax1"
row 1 "nnart: $tmp/opt: unknown optimizer code 2" $M "$tmp/opt"
row 1 "nnart: $tmp/loss: unknown loss code 2" $M "$tmp/loss"
row 1 "nnart: $tmp/lrnan: learning rate nan is not a finite number >= 0" $M "$tmp/lrnan"
row 1 "nnart: $tmp/lrneg: learning rate -1 is not a finite number >= 0" $M "$tmp/lrneg"
row 1 "nnart: $tmp/split: validation split 1 is outside [0, 1)" $M "$tmp/split"
row 1 "nnart: $tmp/nparams: 28 parameters stored, but a 4-3-3 model has 27" $M "$tmp/nparams"
row 1 "nnart: $tmp/inf: parameter 0 is not finite (inf)" $M "$tmp/inf"
rowre 1 "nnart: $tmp/crc: checksum mismatch: file is corrupted \\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\)" $M "$tmp/crc"
row 1 "nnart: $tmp/cut: truncated: 219 bytes, but a 4-3-3 model file has 220" $M "$tmp/cut"
row 1 "nnart: $tmp/cut18: truncated: the file (18 bytes) ends inside the layer count" $M "$tmp/cut18"
row 1 "nnart: $tmp/long: trailing data: 1 byte after the checksum (a 4-3-3 model file has 220)" $M "$tmp/long"
row 1 "nnart: $tmp/crc: checksum mismatch: file is corrupted (stored 0x$(tail -c 4 "$tmp/crc" | od -An -tx4 | tr -d ' '), computed 0x$(head -c 216 "$tmp/crc" | gzip -c | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' '))" $M "$tmp/crc"

# ---- sizes declared far beyond the file --------------------------------------
# A 224-byte model file declaring 16 layers of 65536 (2^36 parameters).
{
    printf 'NNARTMDL'
    le32 1; le32 0; le32 16
    i=0; while [ $i -lt 17 ]; do le32 65536; i=$((i + 1)); done
    i=0; while [ $i -lt 16 ]; do le32 1; i=$((i + 1)); done
    zeros 60
    le32 1048576; le32 16  # 68720525312 parameters, as 16 x 65536 x 65537 makes
    zeros 4
} >"$tmp/bigmodel"
w=65536-65536-65536-65536-65536-65536-65536-65536-65536-65536-65536-65536-65536-65536-65536-65536-65536
bigmodel_msg="nnart: $tmp/bigmodel: truncated: 224 bytes, but a $w model file has 274882101472"
huge_msg="nnart: $tmp/huge: truncated: header declares 47040000 bytes of data, file has 4"
row 1 "$bigmodel_msg" $M "$tmp/bigmodel"
# Under a 16 MB address-space limit, such files must still get their message
# rather than "out of memory": nothing is allocated from the declared size.
# (Not for a sanitized build, whose shadow memory needs more address space.)
small() { sh -c 'ulimit -v 16384 && exec "$@"' small "$@"; }
if sanitized "$N"; then
    echo "not applicable: ulimit -v 16384 to $N, built with AddressSanitizer"
elif ! small "$N" --version >/dev/null 2>&1; then
    skip "a 16 MB address-space limit" "nnart cannot start under ulimit -v 16384 here"
else
    row 1 "$huge_msg" small $T "$tmp/huge"
    row 1 "$bigmodel_msg" small $M "$tmp/bigmodel"
    # The limit is real: MNIST's 47 MB of training images do not fit under it.
    row 1 "nnart: data/train-images-idx3-ubyte: out of memory reading 47040016 bytes" small "$N" train --no-test
fi

# ---- gzip-compressed IDX files --------------------------------------------
{ idx 8 2 2; byte 1 2 3 4; } | gzip -n -c >"$tmp/ok.gz"
len=$(wc -c <"$tmp/ok.gz")
head -c $((len - 3)) "$tmp/ok.gz" >"$tmp/cut.gz"
{ cat "$tmp/ok.gz"; byte 7; } >"$tmp/trail.gz"
{ head -c $((len - 8)) "$tmp/ok.gz"; byte 1 2 3 4; tail -c 4 "$tmp/ok.gz"; } >"$tmp/crc.gz"
{ head -c 10 "$tmp/ok.gz"; byte 255; tail -c +12 "$tmp/ok.gz"; } >"$tmp/btype.gz"
{ idx 8 60000 28 28; zeros 4; } | gzip -n -c >"$tmp/huge.gz"
row 1 "nnart: $tmp/cut.gz: truncated: the 8-byte trailer has only 5 (gzip member 1, byte $((len - 3)))" $T "$tmp/cut.gz"
row 1 "nnart: $tmp/trail.gz: trailing garbage: 1 bytes after the last member (gzip member 2, byte $len)" $T "$tmp/trail.gz"
rowre 1 "nnart: $tmp/crc.gz: CRC-32 mismatch: data has [0-9a-f]{8}, trailer says 04030201 \\(gzip member 1, byte $((len - 8))\\)" $T "$tmp/crc.gz"
row 1 "nnart: $tmp/btype.gz: corrupt: block type 3 does not exist (gzip member 1, byte 11)" $T "$tmp/btype.gz"
row 1 "nnart: $tmp/huge.gz: truncated: header declares 47040000 bytes of data, file has 4" $T "$tmp/huge.gz"

# ---- drawings (Netpbm) for nnart predict ------------------------------------
"$N" train --layers 784-3-10 --limit 50 --epochs 1 --no-test -q -o "$tmp/m784.nnm" >/dev/null 2>&1
printf 'P5 32768 32768 255\n' >"$tmp/huge.pgm"
printf 'P6 4294967296 1 255\n' >"$tmp/wide.ppm"
printf 'P2 2 2 9\n0 10 0 0\n' >"$tmp/above.pgm"
printf 'P2 2 2 9\n0 0 0 0\n' >"$tmp/blank.pgm"
printf 'P5 2 2 255\n' >"$tmp/nodata.pgm"
printf 'P1 2 2 0 1 1 0\n' >"$tmp/bitmap.pbm"
P="$N predict -m $tmp/m784.nnm --image"
row 1 "nnart: $tmp/huge.pgm: truncated: 1073741824 samples declared, 0 present" $P "$tmp/huge.pgm"
row 1 "nnart: $tmp/wide.ppm: size 4294967296 x 1 is out of range (1-32768 on each side)" $P "$tmp/wide.ppm"
row 1 "nnart: $tmp/above.pgm: sample 2 is 10, above maxval 9" $P "$tmp/above.pgm"
row 1 "nnart: $tmp/blank.pgm: drawing is blank: no pixel is lighter than the background by more than 0.05" $P "$tmp/blank.pgm"
row 1 "nnart: $tmp/nodata.pgm: truncated: 4 samples declared, 0 present" $P "$tmp/nodata.pgm"
row 1 "nnart: $tmp/bitmap.pbm: P1 is a black-and-white bitmap (PBM); save the drawing as a grey or colour image (PGM P2/P5 or PPM P3/P6)" $P "$tmp/bitmap.pbm"
row 1 "nnart: $tmp: is a directory, not a file" $P "$tmp"

# ---- training histories for nnart plot ---------------------------------------
printf 'epoch,loss,accuracy\n1,nan,0.5\n' >"$tmp/nan.csv"
printf 'epoch,loss\n1,0.5\n' >"$tmp/noacc.csv"
printf 'epoch,loss,accuracy\n2,0.5,0.5\n1,0.4,0.6\n' >"$tmp/back.csv"
row 1 "nnart: $tmp/nan.csv: line 2, column 'loss': 'nan' is not a finite number" "$N" plot "$tmp/nan.csv" -r "$tmp/p.png"
row 1 "nnart: $tmp/noacc.csv: line 1: no 'accuracy' column (the header reads 'epoch,loss'; nnart train's history CSV has epoch,loss,accuracy,val_loss,val_accuracy,seconds)" "$N" plot "$tmp/noacc.csv" -r "$tmp/p.png"
row 1 "nnart: $tmp/back.csv: line 3: epoch 1 does not follow epoch 2 (epochs must increase)" "$N" plot "$tmp/back.csv" -r "$tmp/p.png"
row 1 "nnart: $tmp/empty: empty, not a training history (CSV with a header line such as epoch,loss,accuracy,val_loss,val_accuracy)" "$N" plot "$tmp/empty" -r "$tmp/p.png"
check "no chart written for a bad history" [ ! -e "$tmp/p.png" ]

# ---- data that does not fit a saved model -----------------------------------
{ idx 8 2 4; zeros 8; } >"$tmp/x2"
{ idx 8 2; byte 2 11; } >"$tmp/y11"
row 1 "nnart: $tmp/y11: label 11 is outside the 3 classes of $tmp/m.nnm (0-2)" "$N" evaluate -m "$tmp/m.nnm" --images "$tmp/x2" --labels "$tmp/y11"
row 1 "nnart: $tmp/img: samples have 2 values but $tmp/m.nnm takes 4 inputs" "$N" evaluate -m "$tmp/m.nnm" --images "$tmp/img" --labels "$tmp/lab11"
row 1 "nnart: data/t10k-images-idx3-ubyte: samples have 784 values but $tmp/m.nnm takes 4 inputs" "$N" evaluate -m "$tmp/m.nnm"
row 1 "nnart: $tmp/lab11: label 11 is outside the 3 classes of --layers 2-3 (0-2)" "$N" train --no-test --layers 2-3 --train-images "$tmp/img" --train-labels "$tmp/lab11"
row 1 "nnart: $tmp/img: samples have 2 values but --layers 784-10-10-10 takes 784 inputs" "$N" train --no-test --layers 784-10-10-10 --train-images "$tmp/img" --train-labels "$tmp/lab11"
# The test set is checked before training starts, not after.
row 1 "nnart: $tmp/y11: label 11 is outside the 3 classes of --layers 4-3-3 (0-2)" "$N" train --layers 4-3-3 --train-images "$tmp/x" --train-labels "$tmp/y" --test-images "$tmp/x2" --test-labels "$tmp/y11"
check "nothing trained before the test set was checked" [ ! -s "$tmp/out" ]

finish
