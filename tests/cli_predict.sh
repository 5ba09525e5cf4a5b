# cli_predict.sh - nnart predict, dream, weights and evaluate --render from the
# outside: table and CSV formats, picture headers and sizes, usage and file
# errors, determinism, and the dream reaching p >= 0.99 on the default model.
. tests/lib.sh
N=${NNART:-./nnart}

# header FILE: the first three whitespace-separated header fields of a Netpbm
# file ("P6 320 32"); png_size FILE: "WIDTH HEIGHT" from a PNG's IHDR.
header() { head -c 40 "$1" | tr '\n' ' ' | awk '{ print $1, $2, $3 }'; }
png_size() {
    od -A n -t u1 -j 16 -N 8 "$1" |
        awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4, $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }'
}

"$N" train --limit 5000 --epochs 2 -o "$tmp/m.nnm" -q >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]

# ---- predict: the table ------------------------------------------------------
"$N" predict -m "$tmp/m.nnm" >"$tmp/p.txt" 2>"$tmp/p.err"
check "predict exits 0" [ $? -eq 0 ]
check "predict prints nothing on stderr" [ ! -s "$tmp/p.err" ]
check "text header" grep -q '^index  label  predicted      p0      p1 .*     p9$' "$tmp/p.txt"
check "text: one row for image 0 (a 7)" \
    grep -Eq '^    0      7  +[0-9]( +[01]\.[0-9]{4}){10}$' "$tmp/p.txt"
check "text: header and one row" [ "$(wc -l <"$tmp/p.txt")" -eq 2 ]

"$N" predict -m "$tmp/m.nnm" --index 5 --count 3 --format csv >"$tmp/p.csv"
check "csv exits 0" [ $? -eq 0 ]
check "csv header" [ "$(head -n 1 "$tmp/p.csv")" = "index,label,predicted,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9" ]
check "csv: three rows, 5 to 7" [ "$(tail -n +2 "$tmp/p.csv" | cut -d, -f1 | tr '\n' ' ')" = "5 6 7 " ]
check "csv: true labels of test images 5-7 are 1 4 9" \
    [ "$(tail -n +2 "$tmp/p.csv" | cut -d, -f2 | tr '\n' ' ')" = "1 4 9 " ]
check "csv: 13 fields, six decimals" \
    [ "$(grep -Ec '^[0-9]+,[0-9],[0-9](,[01]\.[0-9]{6}){10}$' "$tmp/p.csv")" -eq 3 ]
check "csv: probabilities sum to 1 and the predicted class is the largest" \
    awk -F, 'NR > 1 { s = 0; m = 4; for (i = 4; i <= 13; i++) { s += $i; if ($i > $m) m = i }
                      if (s < 0.9999 || s > 1.0001 || $3 != m - 4) exit 1 }' "$tmp/p.csv"

# A drawing: test image 0 written as a PGM gives the same probabilities.
{ printf 'P5\n28 28\n255\n'; dd if=data/t10k-images-idx3-ubyte bs=1 skip=16 count=784 2>/dev/null; } >"$tmp/seven.pgm"
"$N" predict -m "$tmp/m.nnm" --image "$tmp/seven.pgm" --format csv >"$tmp/d.csv"
check "--image exits 0" [ $? -eq 0 ]
want=$("$N" predict -m "$tmp/m.nnm" --format csv | tail -n 1 | cut -d, -f3-)
check "--image: no index or label, same probabilities as test image 0" \
    [ "$(tail -n 1 "$tmp/d.csv")" = ",,$want" ]

# ---- predict --render ----------------------------------------------------------
# rgb FILE X Y: the colour of pixel (X, Y) of a binary PPM whose header is
# "P6\nW H\n255\n" with a three-digit W and a two-digit H (14 bytes).
rgb() { od -A n -t u1 -j $((14 + ($3 * $(header "$1" | cut -d' ' -f2) + $2) * 3)) -N 3 "$1" | awk '{ print $1, $2, $3 }'; }
"$N" predict -m "$tmp/m.nnm" --render "$tmp/one.ppm" --bare >/dev/null
check "--bare: a 10 S x S heat-map (S = 32)" [ "$(header "$tmp/one.ppm")" = "P6 320 32" ]
check "--bare: exact size" [ "$(wc -c <"$tmp/one.ppm")" -eq $((14 + 320 * 32 * 3)) ]
"$N" predict -m "$tmp/m.nnm" --render "$tmp/one.pgm" --scale 4 --bare >/dev/null
check "--bare as PGM, scale 4" [ "$(header "$tmp/one.pgm")" = "P5 40 4" ]
"$N" predict -m "$tmp/m.nnm" --render "$tmp/one.png" --scale 5 --bare >/dev/null
check "--bare as PNG: signature" [ "$(head -c 8 "$tmp/one.png" | od -A n -t x1 | tr -d ' ')" = "89504e470d0a1a0a" ]
check "--bare as PNG: 50 x 5" [ "$(png_size "$tmp/one.png")" = "50 5" ]
"$N" predict -m "$tmp/m.nnm" --count 3 --scale 2 --render "$tmp/three.ppm" --bare >/dev/null
check "--bare --count 3: one row per image" [ "$(header "$tmp/three.ppm")" = "P6 20 6" ]
# The colour scale: the predicted class of image 0 (the largest p, below 1
# for this small model) is white only when scaled as imshow does (--range data).
pred=$("$N" predict -m "$tmp/m.nnm" --format csv | tail -n 1 | cut -d, -f3)
pmax=$("$N" predict -m "$tmp/m.nnm" --format csv | tail -n 1 | cut -d, -f$((4 + pred)))
"$N" predict -m "$tmp/m.nnm" --render "$tmp/data.ppm" --bare --range data >/dev/null
check "--range data: the largest p ($pmax) is white" [ "$(rgb "$tmp/data.ppm" $((pred * 32 + 16)) 16)" = "255 255 255" ]
check "--range probability (the default): p $pmax is not white" \
    [ "$(rgb "$tmp/one.ppm" $((pred * 32 + 16)) 16)" != "255 255 255" ]
"$N" predict -m "$tmp/m.nnm" --render "$tmp/row.ppm" --bare --range row >/dev/null
check "--range row: one row is the same as data" cmp -s "$tmp/row.ppm" "$tmp/data.ppm"
"$N" predict -m "$tmp/m.nnm" --render "$tmp/strip.ppm" >/dev/null
w=$(header "$tmp/strip.ppm" | cut -d' ' -f2) h=$(header "$tmp/strip.ppm" | cut -d' ' -f3)
check "one prediction: a strip with class numbers and a colour bar ($w x $h)" [ "$w" -gt 320 ] && [ "$h" -gt 64 ]
# --render - writes the picture to standard output, PNG unless --render-format.
"$N" predict -m "$tmp/m.nnm" --render - >"$tmp/out.png" 2>"$tmp/out.err"
check "--render -: PNG on standard output" [ "$(head -c 8 "$tmp/out.png" | od -A n -t x1 | tr -d ' ')" = "89504e470d0a1a0a" ]
check "--render -: the table on standard error" grep -q '^index  label' "$tmp/out.err"
"$N" predict -m "$tmp/m.nnm" --render - --render-format ppm 2>/dev/null >"$tmp/out.ppm"
check "--render-format ppm: the same picture as strip.ppm" cmp -s "$tmp/out.ppm" "$tmp/strip.ppm"
"$N" predict -m "$tmp/m.nnm" --render - --render-format PGM 2>/dev/null | head -c 2 >"$tmp/out.pgm"
check "--render-format PGM: P5" [ "$(cat "$tmp/out.pgm")" = "P5" ]
"$N" evaluate -m "$tmp/m.nnm" --limit 100 --render - --render-format ppm 2>/dev/null | head -c 2 >"$tmp/cm.p6"
check "evaluate --render - --render-format ppm: P6" [ "$(cat "$tmp/cm.p6")" = "P6" ]
expect 2 "--render-format: unknown format 'gif' (png, ppm, pgm)" "$N" predict -m "$tmp/m.nnm" --render - --render-format gif
expect 2 "--render-format applies to --render - only" "$N" predict -m "$tmp/m.nnm" --render "$tmp/f.png" --render-format ppm
check "no file written for --render-format with a file" [ ! -e "$tmp/f.png" ]
expect 2 "--poster and --bare contradict" "$N" predict -m "$tmp/m.nnm" --render "$tmp/f.png" --poster --bare
expect 2 "unknown range 'errors' (probability, data, row)" "$N" predict -m "$tmp/m.nnm" --range errors
if have pngcheck; then
    check "strip as PNG: pngcheck" pngcheck -q "$tmp/one.png"
else
    skip "strip as PNG: pngcheck" "pngcheck is not installed"
fi
"$N" predict -m "$tmp/m.nnm" --count 6 --render "$tmp/poster.ppm" >"$tmp/poster.out"
check "poster written" grep -q "^wrote $tmp/poster.ppm ([0-9]* x [0-9]* pixels)$" "$tmp/poster.out"
w=$(header "$tmp/poster.ppm" | cut -d' ' -f2) h=$(header "$tmp/poster.ppm" | cut -d' ' -f3)
check "poster: wider than the cells, taller than six rows ($w x $h)" [ "$w" -gt 320 ] && [ "$h" -gt 192 ]
"$N" predict -m "$tmp/m.nnm" --count 6 --render "$tmp/poster2.ppm" >/dev/null
check "same inputs, same picture" cmp -s "$tmp/poster.ppm" "$tmp/poster2.ppm"
"$N" predict -m "$tmp/m.nnm" --image "$tmp/seven.pgm" --poster --render "$tmp/dp.png" >/dev/null
check "--image --poster writes a PNG" [ -s "$tmp/dp.png" ]

# ---- predict: errors -----------------------------------------------------------
expect 2 "--render: '$tmp/x.jpg' has no picture extension" "$N" predict -m "$tmp/m.nnm" --render "$tmp/x.jpg"
check "no file written for a bad extension" [ ! -e "$tmp/x.jpg" ]
expect 1 "$tmp/none.nnm: cannot open" "$N" predict -m "$tmp/none.nnm"
expect 2 "--index 10000 --count 1: .* has images 0 to 9999" "$N" predict -m "$tmp/m.nnm" --index 10000
expect 2 "--index 9999 --count 2" "$N" predict -m "$tmp/m.nnm" --index 9999 --count 2
expect 2 "unknown format 'xml'" "$N" predict -m "$tmp/m.nnm" --format xml
expect 2 "unknown colormap 'jet'" "$N" predict -m "$tmp/m.nnm" --cmap jet
expect 2 "--vmin 1 is above --vmax 0" "$N" predict -m "$tmp/m.nnm" --vmin 1 --vmax 0
expect 2 "contradict" "$N" predict -m "$tmp/m.nnm" --image "$tmp/seven.pgm" --invert --no-invert
expect 2 "--image takes the place of" "$N" predict -m "$tmp/m.nnm" --image "$tmp/seven.pgm" --index 3
expect 2 "apply to --image only" "$N" predict -m "$tmp/m.nnm" --invert
printf 'P5\n28 28\n255\nshort' >"$tmp/bad.pgm"
expect 1 "$tmp/bad.pgm" "$N" predict -m "$tmp/m.nnm" --image "$tmp/bad.pgm"
printf 'P5\n28 28\n255\n' >"$tmp/blank.pgm"
head -c 784 /dev/zero >>"$tmp/blank.pgm"
expect 1 "$tmp/blank.pgm" "$N" predict -m "$tmp/m.nnm" --image "$tmp/blank.pgm"
expect 1 "$tmp/nodir/x.ppm" "$N" predict -m "$tmp/m.nnm" --render "$tmp/nodir/x.ppm"

# A model of 50 inputs (trained on ten blank 50-value samples): not an image.
{ printf '\0\0\10\2\0\0\0\12\0\0\0\62'; head -c 500 /dev/zero; } >"$tmp/x50.idx"
{ printf '\0\0\10\1\0\0\0\12'; head -c 10 /dev/zero; } >"$tmp/y50.idx"
"$N" train --layers 50-10 --train-images "$tmp/x50.idx" --train-labels "$tmp/y50.idx" \
    --no-test --epochs 1 -q -o "$tmp/x50.nnm" >/dev/null 2>&1
check "a 50-input model trains" [ -s "$tmp/x50.nnm" ]
expect 1 "t10k-images-idx3-ubyte: samples have 784 values but $tmp/x50.nnm takes 50 inputs" "$N" predict -m "$tmp/x50.nnm"
expect 1 "$tmp/x50.nnm: the model takes 50 inputs, which is not a square image" \
    "$N" predict -m "$tmp/x50.nnm" --image "$tmp/seven.pgm"
expect 1 "not a square image" "$N" dream -m "$tmp/x50.nnm"

# ---- dream ---------------------------------------------------------------------
"$N" dream -m "$tmp/m.nnm" --class all --render "$tmp/dreams.ppm" >"$tmp/dream.out"
check "dream exits 0" [ $? -eq 0 ]
check "dream: a header and ten classes with p" \
    [ "$(grep -Ec '^ +[0-9]  +[01]\.[0-9]{5}  +[0-9]$' "$tmp/dream.out")" -eq 10 ]
check "dream: picture written" grep -q "^wrote $tmp/dreams.ppm" "$tmp/dream.out"
check "dream: PPM" [ "$(header "$tmp/dreams.ppm" | cut -d' ' -f1)" = "P6" ]
"$N" dream -m "$tmp/m.nnm" --class 3 --render "$tmp/d3.pgm" --scale 2 >"$tmp/d3.out"
check "dream of one class: one line" [ "$(grep -Ec '^ +3  ' "$tmp/d3.out")" -eq 1 ]
check "dream of one class: PGM" [ "$(header "$tmp/d3.pgm" | cut -d' ' -f1)" = "P5" ]
"$N" dream -m "$tmp/m.nnm" --class 5 --start noise --seed 7 --tv 0.01 --l2 0.001 -r "$tmp/n1.png" >"$tmp/n1.out"
"$N" dream -m "$tmp/m.nnm" --class 5 --start noise --seed 7 --tv 0.01 --l2 0.001 -r "$tmp/n2.png" >"$tmp/n2.out"
check "dream: same seed, same picture" cmp -s "$tmp/n1.png" "$tmp/n2.png"
check "dream: same seed, same numbers" [ "$(grep -v wrote "$tmp/n1.out")" = "$(grep -v wrote "$tmp/n2.out")" ]
"$N" dream -m "$tmp/m.nnm" --class 5 --start noise --seed 8 --tv 0.01 --l2 0.001 -r "$tmp/n3.png" >/dev/null
check "dream: another seed, another picture" sh -c "! cmp -s '$tmp/n1.png' '$tmp/n3.png'"
"$N" dream -m "$tmp/m.nnm" --class 2 --from-index 0 --steps 50 >"$tmp/f.out"
check "dream from a test digit" grep -Eq '^ +2  ' "$tmp/f.out"
"$N" dream -m "$tmp/m.nnm" --class 3 --plain -r "$tmp/pl1.pgm" >"$tmp/pl1.out"
"$N" dream -m "$tmp/m.nnm" --class 3 --objective softmax --steps 200 --lr 1 --ink 0 --border 0 --blur 0 \
    --blur-end 0 --no-anneal --polish 0 -r "$tmp/pl2.pgm" >"$tmp/pl2.out"
check "dream --plain: the defaults' extras all off" cmp -s "$tmp/pl1.pgm" "$tmp/pl2.pgm"
check "dream --plain: same numbers" [ "$(grep -v wrote "$tmp/pl1.out")" = "$(grep -v wrote "$tmp/pl2.out")" ]
"$N" dream -m "$tmp/m.nnm" --class 3 -r "$tmp/df.pgm" >/dev/null
check "dream: the defaults are not plain" sh -c "! cmp -s '$tmp/pl1.pgm' '$tmp/df.pgm'"
expect 2 "--p-stop: 2 is out of range" "$N" dream -m "$tmp/m.nnm" --p-stop 2
expect 2 "--blur: 200 is out of range" "$N" dream -m "$tmp/m.nnm" --blur 200
expect 2 "--class: '10' is not a class" "$N" dream -m "$tmp/m.nnm" --class 10
"$N" dream -m "$tmp/m.nnm" --layer 1 --unit all -r "$tmp/u1.ppm" >"$tmp/u1.out"
check "dream of a layer: a header and a row per unit" \
    [ "$(grep -Ec '^ +1  +[0-9]  +-?[0-9]+\.[0-9]{4}$' "$tmp/u1.out")" -eq 10 ]
check "dream of a layer: 'layer  unit  activation'" grep -q '^layer  unit  activation$' "$tmp/u1.out"
"$N" dream -m "$tmp/m.nnm" --layer 3 --unit 4 >"$tmp/l3.out"
"$N" dream -m "$tmp/m.nnm" --class 4 >"$tmp/c4.out"
check "dream: --layer LAST --unit K is --class K" cmp -s "$tmp/l3.out" "$tmp/c4.out"
"$N" dream -m "$tmp/m.nnm" --class 4 --jitter 1 -r "$tmp/j1.pgm" >/dev/null
"$N" dream -m "$tmp/m.nnm" --class 4 --jitter 1 -r "$tmp/j2.pgm" >/dev/null
"$N" dream -m "$tmp/m.nnm" --class 4 --jitter 1 --seed 2 -r "$tmp/j3.pgm" >/dev/null
check "dream --jitter: same seed, same picture" cmp -s "$tmp/j1.pgm" "$tmp/j2.pgm"
check "dream --jitter: another seed, another picture" sh -c "! cmp -s '$tmp/j1.pgm' '$tmp/j3.pgm'"
expect 2 "--layer: 0 is out of range (this model has layers 1 to 3; 3 is the output)" \
    "$N" dream -m "$tmp/m.nnm" --layer 0
expect 2 "--layer: 4 is out of range (this model has layers 1 to 3" "$N" dream -m "$tmp/m.nnm" --layer 4
expect 2 "--unit: '10' is out of range (layer 2 has units 0 to 9, or all)" \
    "$N" dream -m "$tmp/m.nnm" --layer 2 --unit 10
expect 2 "--unit needs --layer" "$N" dream -m "$tmp/m.nnm" --unit 3
expect 2 "--class K is --layer LAST --unit K" "$N" dream -m "$tmp/m.nnm" --class 3 --layer 3
expect 2 "--objective: unknown objective 'prob' (logit, softmax)" "$N" dream -m "$tmp/m.nnm" --objective prob
expect 2 "--class: 'seven' is not a class" "$N" dream -m "$tmp/m.nnm" --class seven
expect 2 "--class: '-1' is not a class" "$N" dream -m "$tmp/m.nnm" --class -1
expect 2 "unknown start 'grey'" "$N" dream -m "$tmp/m.nnm" --start grey
expect 2 "--from-index 10000: .* has images 0 to 9999" "$N" dream -m "$tmp/m.nnm" --from-index 10000
expect 2 "no picture extension" "$N" dream -m "$tmp/m.nnm" --render "$tmp/d.gif"
expect 1 "$tmp/none.nnm: cannot open" "$N" dream -m "$tmp/none.nnm"

# ---- weights -------------------------------------------------------------------
"$N" weights -m "$tmp/m.nnm" --render "$tmp/w.ppm" >"$tmp/w.out"
check "weights exits 0" [ $? -eq 0 ]
check "weights: PPM" [ "$(header "$tmp/w.ppm" | cut -d' ' -f1)" = "P6" ]
"$N" weights -m "$tmp/m.nnm" --render "$tmp/w.png" --cmap hot --range global --columns 5 >/dev/null
check "weights: PNG" [ -s "$tmp/w.png" ]
expect 2 "--render FILE is required" "$N" weights -m "$tmp/m.nnm"
expect 2 "unknown range 'row'" "$N" weights -m "$tmp/m.nnm" --render "$tmp/w.ppm" --range row
expect 2 "no picture extension" "$N" weights -m "$tmp/m.nnm" --render "$tmp/w.bmp"
expect 1 "not a square image" "$N" weights -m "$tmp/x50.nnm" --render "$tmp/w.ppm"

# ---- evaluate --render ---------------------------------------------------------
"$N" evaluate -m "$tmp/m.nnm" --limit 500 --render "$tmp/cm.png" >"$tmp/cm.out"
check "evaluate --render exits 0" [ $? -eq 0 ]
check "evaluate --render: PNG" [ "$(head -c 4 "$tmp/cm.png" | od -A n -t x1 | tr -d ' ')" = "89504e47" ]
check "evaluate --render: still prints the matrix" grep -q '^confusion matrix' "$tmp/cm.out"
expect 2 "no picture extension" "$N" evaluate -m "$tmp/m.nnm" --render "$tmp/cm.txt"
expect 2 "unknown range 'col'" "$N" evaluate -m "$tmp/m.nnm" --render "$tmp/cm.ppm" --range col
for r in errors log data row global; do
    "$N" evaluate -m "$tmp/m.nnm" --limit 500 --range $r --render "$tmp/cm-$r.ppm" >/dev/null
    check "evaluate --range $r draws" [ -s "$tmp/cm-$r.ppm" ]
done
if cmp -s "$tmp/cm-errors.ppm" "$tmp/cm-data.ppm"; then fail "evaluate: --range errors differs from data"; else pass; fi
check "evaluate: global is data's other name" cmp -s "$tmp/cm-global.ppm" "$tmp/cm-data.ppm"

# ---- the dream on the default model: p >= 0.99 for every class -----------------
"$N" train -o "$tmp/default.nnm" -q >/dev/null 2>&1
"$N" dream -m "$tmp/default.nnm" >"$tmp/dd.out"
check "default model: every class dreamt with p >= 0.99 and predicted as itself" \
    awk 'NR > 1 { n++; if ($2 < 0.99 || $1 != $3) exit 1 } END { exit n != 10 }' "$tmp/dd.out"

finish
