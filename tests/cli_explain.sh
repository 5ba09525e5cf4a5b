# cli_explain.sh - nnart explain from the outside: the text summary and its
# completeness check, the CSV format, pictures, drawings, determinism, the
# randomisation test, and one line and exit status 2 for each bad option.
. tests/lib.sh
N=${NNART:-./nnart}

header() { head -c 40 "$1" | tr '\n' ' ' | awk '{ print $1, $2, $3 }'; }

"$N" train --limit 5000 --epochs 2 -o "$tmp/m.nnm" -q >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]
M="$tmp/m.nnm"

# ---- text ---------------------------------------------------------------------
"$N" explain -m "$M" --index 3 >"$tmp/t.txt" 2>"$tmp/t.err"
check "explain exits 0" [ $? -eq 0 ]
check "explain prints nothing on stderr" [ ! -s "$tmp/t.err" ]
check "first line: the image, its label and the class" \
    grep -Eq '^test image 3 \(label 0\): class [0-9] \(predicted\), p = [01]\.[0-9]{6}$' "$tmp/t.txt"
check "ig prints its completeness check" grep -q '^ *completeness: sum .*, p(x) - p(baseline) = ' "$tmp/t.txt"
check "ig is complete to 1e-9" \
    awk '/completeness/ { d = $NF; if (d < 0) d = -d; ok = d < 1e-9 } END { exit !ok }' "$tmp/t.txt"
check "ig is exact on a ReLU model" grep -q 'exact: the path from black in [0-9]* linear pieces' "$tmp/t.txt"
"$N" explain -m "$M" --class 4 --method saliency >"$tmp/c.txt"
check "--class 4 explains class 4" grep -q '^test image 0 (label 7): class 4, p = ' "$tmp/c.txt"
"$N" explain -m "$M" --method all >"$tmp/all.txt"
check "--method all: one summary line per method" \
    [ "$(grep -Ec '^(saliency|gradxinput|ig|smoothgrad|occlusion) +sum ' "$tmp/all.txt")" -eq 5 ]
check "occlusion says how a pixel's value is made" grep -q 'mean over the patches covering it' "$tmp/all.txt"
"$N" explain -m "$M" --steps 20 >"$tmp/r.txt"
check "--steps: a Riemann sum, still checked" grep -q 'a Riemann sum of 20 gradients from black' "$tmp/r.txt"
"$N" explain -m "$M" --baseline blur >"$tmp/b.txt"
check "--baseline blur: complete" \
    awk '/completeness/ { d = $NF; if (d < 0) d = -d; ok = d < 1e-9 } END { exit !ok }' "$tmp/b.txt"

"$N" train --limit 2000 --epochs 1 --activation tanh -o "$tmp/tanh.nnm" -q >/dev/null 2>&1
"$N" explain -m "$tmp/tanh.nnm" >"$tmp/tanh.txt"
check "ig on tanh units: adaptive quadrature, and it says so" \
    grep -q 'adaptive quadrature from black (hidden units not ReLU' "$tmp/tanh.txt"
check "ig on tanh units: complete to 1e-9" \
    awk '/completeness/ { d = $NF; if (d < 0) d = -d; ok = d < 1e-9 } END { exit !ok }' "$tmp/tanh.txt"
"$N" explain -m "$M" --method saliency --percentile 92 --render "$tmp/p92.ppm" >/dev/null
check "--percentile 92: a picture" [ -s "$tmp/p92.ppm" ]

# ---- CSV ----------------------------------------------------------------------
"$N" explain -m "$M" --format csv --render "$tmp/csv.png" >"$tmp/a.csv" 2>"$tmp/a.err"
check "csv exits 0, nothing on stderr" [ $? -eq 0 ] && [ ! -s "$tmp/a.err" ]
check "csv header" [ "$(head -n 1 "$tmp/a.csv")" = "row,col,value,attribution" ]
check "csv: one line per pixel and nothing else" [ "$(wc -l <"$tmp/a.csv")" -eq 785 ]
check "csv: every line row,col,value,attribution" \
    [ "$(grep -Ec '^[0-9]+,[0-9]+,[01]\.[0-9]{6},-?[0-9.e+-]+$' "$tmp/a.csv")" -eq 784 ]
check "csv: rows and columns in order" \
    awk -F, 'NR > 1 && ($1 != int((NR - 2) / 28) || $2 != (NR - 2) % 28) { exit 1 }' "$tmp/a.csv"
check "csv: the picture is written too" [ -s "$tmp/csv.png" ]
sum=$(awk '/completeness/ { print $3 }' "$tmp/t.txt" | tr -d ,)
"$N" explain -m "$M" --index 3 --format csv >"$tmp/i3.csv"
check "csv: ig's values add up to p(x) - p(baseline)" \
    awk -F, -v want="$sum" 'NR > 1 { s += $4 } END { d = s - want; if (d < 0) d = -d; exit !(d < 1e-6) }' "$tmp/i3.csv"

# ---- a drawing, pictures, determinism ------------------------------------------
{ printf 'P5\n28 28\n255\n'; dd if=data/t10k-images-idx3-ubyte bs=1 skip=16 count=784 2>/dev/null; } >"$tmp/seven.pgm"
"$N" explain -m "$M" --image "$tmp/seven.pgm" --no-invert --format csv >"$tmp/d.csv"
check "--image: the drawing of test image 0 gets its map" cmp -s "$tmp/d.csv" "$tmp/a.csv"
"$N" explain -m "$M" --method all --render "$tmp/all.ppm" >"$tmp/p.txt"
check "--method all --render: a picture" [ "$(header "$tmp/all.ppm")" = "P6 466 915" ]
check "it says what it wrote" grep -q "^wrote $tmp/all.ppm (466 x 915 pixels)$" "$tmp/p.txt"
"$N" explain -m "$M" --method all --render "$tmp/all2.ppm" >/dev/null
check "pictures are the same bytes for the same options" cmp -s "$tmp/all.ppm" "$tmp/all2.ppm"
"$N" explain -m "$M" --method smoothgrad --format csv >"$tmp/s1.csv"
"$N" explain -m "$M" --method smoothgrad --format csv >"$tmp/s2.csv"
"$N" explain -m "$M" --method smoothgrad --format csv --seed 2 >"$tmp/s3.csv"
check "smoothgrad: the same for a seed" cmp -s "$tmp/s1.csv" "$tmp/s2.csv"
check "smoothgrad: another seed, another map" sh -c '! cmp -s "$1" "$2"' - "$tmp/s1.csv" "$tmp/s3.csv"
"$N" explain -m "$M" --method all --randomize >"$tmp/rand.txt"
check "--randomize: one correlation per method" \
    [ "$(grep -Ec '^(saliency|gradxinput|ig|smoothgrad|occlusion) +[+-][01]\.[0-9]{3}  \(of \|a\| where' "$tmp/rand.txt")" -eq 5 ]

# ---- bad options: one line, exit 2 ----------------------------------------------
expect 2 "unknown method 'lime'" "$N" explain -m "$M" --method lime
expect 2 "unknown format 'xml'" "$N" explain -m "$M" --format xml
expect 2 "give one --method and no --randomize" "$N" explain -m "$M" --format csv --method all
expect 2 "give one --method and no --randomize" "$N" explain -m "$M" --format csv --randomize
expect 2 "class 10: the model has classes 0 to 9" "$N" explain -m "$M" --class 10
expect 2 "patch 29 is larger than the 28 x 28 input" "$N" explain -m "$M" --patch 29
expect 2 "steps" "$N" explain -m "$M" --steps 0
expect 2 "takes the place of" "$N" explain -m "$M" --image "$tmp/seven.pgm" --index 2
expect 2 "apply to --image only" "$N" explain -m "$M" --invert
expect 2 "no picture extension" "$N" explain -m "$M" --render "$tmp/x.txt"
expect 2 "index 10000" "$N" explain -m "$M" --index 10000
expect 2 "noise" "$N" explain -m "$M" --noise -1
expect 2 "percentile" "$N" explain -m "$M" --percentile 0
expect 1 "baseline" "$N" explain -m "$M" --baseline "$tmp/missing.pgm"
expect 1 "is 3 x 1; the model takes 28 x 28" sh -c "printf 'P5 3 1 255\n...' >'$tmp/small.pgm'; '$N' explain -m '$M' --baseline '$tmp/small.pgm'"
finish
