# cli_data.sh - nnart train / evaluate --data DIR on MNIST-format data sets of
# other shapes and class counts, made here: 6x5 images whose class c lights
# pixels c and c + K, in gzip-compressed or raw IDX files.
. tests/lib.sh
N=${NNART:-./nnart}
case "$N" in /*) ;; *) N="$(pwd)/$N" ;; esac

# idx_images N K SEED: the printf format of an IDX file of N 6x5 uint8 images.
idx_images() {
    awk -v n="$1" -v k="$2" -v seed="$3" '
    function be(x) { printf "\\%03o\\%03o\\%03o\\%03o", int(x / 16777216) % 256, int(x / 65536) % 256, int(x / 256) % 256, x % 256 }
    BEGIN {
        printf "\\000\\000\\010\\003"; be(n); be(6); be(5)
        for (i = 0; i < n; i++) {
            c = i % k
            for (j = 0; j < 30; j++) {
                v = (j == c || j == c + k) ? 200 + (i * 7 + j) % 56 : (i * 31 + j * 17 + seed) % 40
                printf "\\%03o", v
            }
        }
    }'
}
# idx_labels N K: the printf format of the matching labels (i mod K).
idx_labels() {
    awk -v n="$1" -v k="$2" '
    function be(x) { printf "\\%03o\\%03o\\%03o\\%03o", int(x / 16777216) % 256, int(x / 65536) % 256, int(x / 256) % 256, x % 256 }
    BEGIN { printf "\\000\\000\\010\\001"; be(n); for (i = 0; i < n; i++) printf "\\%03o", i % k }'
}
# make_set DIR K: 1200 training and 240 test samples of K classes, raw files.
make_set() {
    mkdir -p "$1"
    printf "$(idx_images 1200 "$2" 3)" >"$1/train-images-idx3-ubyte"
    printf "$(idx_labels 1200 "$2")" >"$1/train-labels-idx1-ubyte"
    printf "$(idx_images 240 "$2" 11)" >"$1/t10k-images-idx3-ubyte"
    printf "$(idx_labels 240 "$2")" >"$1/t10k-labels-idx1-ubyte"
}

# The generator itself: sizes from the IDX layout (16 + 1200 * 30, 8 + 1200).
make_set "$tmp/twelve" 12
check "images file size" [ "$(wc -c <"$tmp/twelve/train-images-idx3-ubyte")" -eq 36016 ]
check "labels file size" [ "$(wc -c <"$tmp/twelve/train-labels-idx1-ubyte")" -eq 1208 ]
check "last label is 1199 mod 12" [ "$(od -An -tu1 -j1207 "$tmp/twelve/train-labels-idx1-ubyte" | tr -d ' ')" -eq 11 ]

# Twelve classes, every file gzip-compressed: only the .gz files are left.
gzip -n "$tmp/twelve"/*-ubyte
(cd "$tmp" && "$N" train --data twelve --epochs 40) >"$tmp/t12.out" 2>&1
check "train --data (12 classes, .gz) exits 0" [ $? -eq 0 ]
check "architecture from the data: 30-10-10-12" grep -q '^Training 30-10-10-12 (' "$tmp/t12.out"
check "trained on 1200 samples" grep -q ' on 1200 samples, 40 epochs of batch 128' "$tmp/t12.out"
acc=$(sed -n 's/^test: loss [0-9.]* - accuracy \([0-9.]*\) (240 samples)$/\1/p' "$tmp/t12.out")
check "12 classes learnt: test accuracy $acc > 0.5 (chance 0.083)" awk -v a="$acc" 'BEGIN { exit !(a > 0.5) }'
check "default model file in the current folder" [ -f "$tmp/nnart.nnm" ]
"$N" info "$tmp/nnart.nnm" >"$tmp/i12.out" 2>&1
check "info: layers 30-10-10-12" grep -q '^layers: *30-10-10-12$' "$tmp/i12.out"
"$N" evaluate --data "$tmp/twelve" -m "$tmp/nnart.nnm" >"$tmp/e12.out" 2>&1
check "evaluate --data exits 0" [ $? -eq 0 ]
check "evaluate reads the .gz test set" grep -q "on $tmp/twelve/t10k-images-idx3-ubyte.gz (240 samples)" "$tmp/e12.out"
check "evaluate agrees with train" grep -q "^loss: [0-9.]* - accuracy: $acc\$" "$tmp/e12.out"
check "12 rows in the per-class table" [ "$(grep -cE '^ *[0-9]+ +20 +[0-9]+ +[0-9.]+$' "$tmp/e12.out")" -eq 12 ]
"$N" predict --data "$tmp/twelve" -m "$tmp/nnart.nnm" --index 5 --count 2 -f csv >"$tmp/p12.out" 2>&1
check "predict --data exits 0" [ $? -eq 0 ]
check "predict: 12 probabilities per row" grep -q '^index,label,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11$' "$tmp/p12.out"
check "predict: labels from the folder" grep -q '^6,6,' "$tmp/p12.out"
expect 2 "takes the place of --images, --labels, --data" "$N" predict --data "$tmp/twelve" --image x.pgm

# Three classes, raw files; a damaged .gz beside a raw file is not read (raw
# is preferred), and a .gz alone is.
make_set "$tmp/three" 3
printf 'not gzip at all' >"$tmp/three/train-images-idx3-ubyte.gz"
gzip -n "$tmp/three/t10k-labels-idx1-ubyte"
"$N" train --data "$tmp/three" --epochs 15 -o "$tmp/three.nnm" >"$tmp/t3.out" 2>&1
check "train --data (3 classes, raw) exits 0" [ $? -eq 0 ]
check "architecture from the data: 30-10-10-3" grep -q '^Training 30-10-10-3 (' "$tmp/t3.out"
acc3=$(sed -n 's/^test: loss [0-9.]* - accuracy \([0-9.]*\) (240 samples)$/\1/p' "$tmp/t3.out")
check "3 classes learnt: test accuracy $acc3 > 0.8 (chance 0.33)" awk -v a="$acc3" 'BEGIN { exit !(a > 0.8) }'
"$N" info "$tmp/three.nnm" >"$tmp/i3.out" 2>&1
check "info: layers 30-10-10-3" grep -q '^layers: *30-10-10-3$' "$tmp/i3.out"

# Same data, same seed, same bytes; other options still apply.
"$N" train --data "$tmp/three" --epochs 2 -o "$tmp/r1.nnm" -q >/dev/null 2>&1
"$N" train --data "$tmp/three" --epochs 2 -o "$tmp/r2.nnm" -q >/dev/null 2>&1
check "deterministic with --data" cmp -s "$tmp/r1.nnm" "$tmp/r2.nnm"
"$N" train --data "$tmp/three" --epochs 1 --layers 30-8-3 -o "$tmp/l.nnm" -q >/dev/null 2>&1
check "an explicit --layers that fits" [ $? -eq 0 ]
# A file option beats the folder: MNIST's test images do not fit 30 inputs.
expect 1 "t10k-images-idx3-ubyte: samples have 784 values but the model takes 30 inputs" \
    "$N" train --data "$tmp/three" --epochs 1 --test-images data/t10k-images-idx3-ubyte --test-labels data/t10k-labels-idx1-ubyte -o "$tmp/x.nnm"

# An explicit --layers that does not fit the data: a clear error, before training.
expect 1 "twelve/train-images-idx3-ubyte.gz: samples have 30 values but --layers 784-10-10-10 takes 784 inputs" \
    "$N" train --data "$tmp/twelve" --layers 784-10-10-10
expect 1 "twelve/train-labels-idx1-ubyte.gz: label 11 is outside the 10 classes of --layers 30-10-10 (0-9)" \
    "$N" train --data "$tmp/twelve" --layers 30-10-10
expect 1 "label 11 is outside the 3 classes of $tmp/three.nnm" \
    "$N" evaluate --data "$tmp/twelve" -m "$tmp/three.nnm"

# Folders that are not data sets.
expect 1 "nnart train: --data $tmp/none: No such file or directory" "$N" train --data "$tmp/none"
expect 2 "not a folder" "$N" train --data "$tmp/three.nnm"
mkdir "$tmp/half"
cp "$tmp/three/train-images-idx3-ubyte" "$tmp/three/train-labels-idx1-ubyte" "$tmp/half/"
expect 1 "nnart train: $tmp/half: neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz is there" \
    "$N" train --data "$tmp/half" --epochs 1 -o "$tmp/h.nnm"
"$N" train --data "$tmp/half" --epochs 1 --no-test -o "$tmp/h.nnm" -q >/dev/null 2>&1
check "--no-test needs no test files" [ $? -eq 0 ]
expect 1 "nnart evaluate: $tmp/half: neither t10k-images-idx3-ubyte" "$N" evaluate --data "$tmp/half" -m "$tmp/h.nnm"
# One class only: nothing to tell apart.
mkdir "$tmp/one"
printf "$(idx_images 50 1 1)" >"$tmp/one/train-images-idx3-ubyte"
printf "$(idx_labels 50 1)" >"$tmp/one/train-labels-idx1-ubyte"
expect 1 "train-labels-idx1-ubyte: only class 0 in the labels" "$N" train --data "$tmp/one" --no-test
# A damaged .gz is named.
mkdir "$tmp/bad"
gzip -nc "$tmp/three/train-images-idx3-ubyte" | head -c 300 >"$tmp/bad/train-images-idx3-ubyte.gz"
cp "$tmp/three/train-labels-idx1-ubyte" "$tmp/bad/"
expect 1 "bad/train-images-idx3-ubyte.gz: truncated" "$N" train --data "$tmp/bad" --no-test

finish
