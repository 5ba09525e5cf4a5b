# cli_plot.sh - nnart plot: a history from nnart train --history drawn as
# curves; usage errors and malformed histories.
. tests/lib.sh
N=${NNART:-./nnart}

"$N" train --limit 1000 --epochs 3 --val-split 0.2 --history "$tmp/h.csv" -o "$tmp/m.nnm" -q >/dev/null 2>&1
check "train --history writes a history" [ -s "$tmp/h.csv" ]
check "the history is plain text (no NUL byte)" [ "$(tr -d '\000' <"$tmp/h.csv" | wc -c)" -eq "$(wc -c <"$tmp/h.csv")" ]
"$N" plot "$tmp/h.csv" --render "$tmp/curves.png" >"$tmp/out" 2>"$tmp/err"
check "plot exits 0" [ $? -eq 0 ]
check "nothing on stderr" [ ! -s "$tmp/err" ]
check "a summary line" grep -q "^$tmp/h.csv: 3 epochs: loss [0-9.]* -> [0-9.]* - accuracy [0-9.]* -> [0-9.]* - val_loss [0-9.]* -> [0-9.]* - val_accuracy [0-9.]* -> [0-9.]*\$" "$tmp/out"
check "reports the picture" grep -qx "wrote $tmp/curves.png (960 x 400 pixels)" "$tmp/out"
check "a PNG file" [ "$(od -An -tx1 -N8 "$tmp/curves.png" | tr -d ' ')" = 89504e470d0a1a0a ]
"$N" plot -q -r "$tmp/curves.ppm" "$tmp/h.csv" >"$tmp/out" 2>&1
check "-q: silent" [ ! -s "$tmp/out" ]
check "a PPM of 960 x 400" [ "$(head -c 15 "$tmp/curves.ppm")" = "$(printf 'P6\n960 400\n255\n')" ]
"$N" plot "$tmp/h.csv" -r "$tmp/again.ppm" -q
check "the same history, the same picture" cmp -s "$tmp/curves.ppm" "$tmp/again.ppm"
# Training without validation: the columns are left empty, and plot takes it.
"$N" train --limit 500 --epochs 2 --history "$tmp/t.csv" -o "$tmp/t.nnm" -q >/dev/null 2>&1
check "history without validation: empty columns" grep -qx '2,[0-9.]*,[0-9.]*,,,[0-9.]*' "$tmp/t.csv"
"$N" plot "$tmp/t.csv" -r "$tmp/t.png" >"$tmp/out" 2>&1
check "plot without validation" grep -q "^$tmp/t.csv: 2 epochs: loss [0-9.]* -> [0-9.]* - accuracy [0-9.]* -> [0-9.]*\$" "$tmp/out"
# Keras's CSVLogger output.
printf 'epoch,accuracy,loss,val_accuracy,val_loss\r\n0,0.87,0.44,0.91,0.31\r\n1,0.93,0.24,0.93,0.25\r\n' >"$tmp/keras.csv"
"$N" plot "$tmp/keras.csv" -r "$tmp/k.png" >"$tmp/out" 2>&1
check "plot reads Keras's CSVLogger" grep -q "^$tmp/keras.csv: 2 epochs: loss 0.4400 -> 0.2400 - accuracy 0.8700 -> 0.9300" "$tmp/out"

# Usage errors: exit 2, one line.
expect 2 "no history file given" "$N" plot -r "$tmp/x.png"
expect 2 "--render FILE is needed" "$N" plot "$tmp/h.csv"
expect 2 "has no picture extension" "$N" plot "$tmp/h.csv" -r "$tmp/x.jpg"
expect 2 "unexpected argument" "$N" plot "$tmp/h.csv" "$tmp/t.csv" -r "$tmp/x.png"
# Bad files: exit 1, one line naming the file (and the line), no picture.
expect 1 "$tmp/none.csv: cannot open" "$N" plot "$tmp/none.csv" -r "$tmp/x.png"
printf 'epoch,loss,accuracy\n1,0.5,0.9\n2,oops,0.95\n' >"$tmp/bad.csv"
expect 1 "$tmp/bad.csv: line 3, column 'loss': 'oops' is not a finite number" "$N" plot "$tmp/bad.csv" -r "$tmp/x.png"
printf 'a,b\n1,2\n' >"$tmp/other.csv"
expect 1 "$tmp/other.csv: line 1: no 'epoch' column" "$N" plot "$tmp/other.csv" -r "$tmp/x.png"
check "no picture written on failure" [ ! -e "$tmp/x.png" ]
expect 1 "$tmp/nodir/x.png: cannot create" "$N" plot "$tmp/h.csv" -r "$tmp/nodir/x.png"

finish
