# cli_train.sh - nnart train / evaluate / info from the outside: usage errors,
# bad files, a short real training run, determinism and safe saving.
. tests/lib.sh
N=${NNART:-./nnart}

# Usage errors: one line on stderr, exit status 2.
expect 2 "no command given" "$N"
expect 2 "did you mean 'train'" "$N" trian
expect 2 "did you mean --epochs" "$N" train --epoch 3
expect 2 "needs a value" "$N" train --epochs
expect 2 "not a whole number" "$N" train --epochs abc
expect 2 "not a whole number" "$N" train --batch -5
expect 2 "out of range" "$N" train --epochs 1000001
expect 2 "out of range" "$N" train --batch 0
expect 2 "not a number" "$N" train --lr fast
expect 2 "out of range" "$N" train --lr nan
expect 2 "out of range" "$N" train --lr inf
expect 2 "out of range" "$N" train --lr -0.1
expect 2 "out of range" "$N" train --val-split 1.5
expect 2 "given twice" "$N" train --epochs 2 --epochs 3
expect 2 "--layers" "$N" train --layers 784-0-10
expect 2 "--layers" "$N" train --layers 784
expect 2 "--layers" "$N" train --layers 784-x-10
expect 2 "unknown activation" "$N" train --activation swish
expect 2 "unknown optimizer" "$N" train --optimizer rmsprop
expect 2 "unknown loss" "$N" train --loss hinge
expect 2 "softmax" "$N" train --output-activation sigmoid --loss xent
expect 2 "unexpected argument" "$N" train extra
expect 2 "unknown option" "$N" evaluate --bogus

# Bad files: one line naming the file, exit status 1.
expect 1 "/nonexistent/images: cannot open" "$N" train --train-images /nonexistent/images
expect 1 "$tmp: is a directory" "$N" train --train-images "$tmp"
printf 'not an idx file at all' >"$tmp/junk"
expect 1 "$tmp/junk" "$N" train --train-labels "$tmp/junk"
expect 1 "takes 100 inputs" "$N" train --layers 100-10-10 --limit 100
expect 1 "$tmp/none.nnm: cannot open" "$N" evaluate -m "$tmp/none.nnm"
expect 1 "$tmp/junk: not an nnart model" "$N" info "$tmp/junk"

# A short real run: 3000 samples, 3 epochs, clearly better than chance (0.1).
"$N" train --limit 3000 --epochs 3 --seed 5 --lr 0.01 -o "$tmp/a.nnm" --history "$tmp/h.csv" >"$tmp/train.out" 2>&1
check "train exits 0" [ $? -eq 0 ]
acc=$(sed -n 's/^test: loss [0-9.]* - accuracy \([0-9.]*\).*/\1/p' "$tmp/train.out")
check "test accuracy $acc > 0.7" awk -v a="$acc" 'BEGIN { exit !(a > 0.7) }'
check "one finished progress line per epoch" [ "$(grep -c '^24/24 \[=*\] - ' "$tmp/train.out")" -eq 3 ]
check "epoch headers" grep -q '^Epoch 3/3$' "$tmp/train.out"
check "history has a header and 3 rows" [ "$(wc -l <"$tmp/h.csv")" -eq 4 ]
check "history header" grep -q '^epoch,loss,accuracy,val_loss,val_accuracy,seconds$' "$tmp/h.csv"

# evaluate and info agree with what train printed.
"$N" evaluate -m "$tmp/a.nnm" --limit 3000 >"$tmp/eval.out" 2>&1
check "evaluate exits 0" [ $? -eq 0 ]
check "evaluate reports the same accuracy" grep -q "^loss: [0-9.]* - accuracy: $acc\$" "$tmp/eval.out"
check "confusion matrix printed" grep -q '^confusion matrix' "$tmp/eval.out"
"$N" info "$tmp/a.nnm" >"$tmp/info.out" 2>&1
check "info exits 0" [ $? -eq 0 ]
check "info shows the layers" grep -q '^layers: *784-10-10-10$' "$tmp/info.out"
check "info shows the parameter count" grep -q '^parameters: *8070$' "$tmp/info.out"
check "info shows the seed" grep -q 'seed 5' "$tmp/info.out"
check "info shows the test accuracy" grep -q "^test: .*accuracy $acc\$" "$tmp/info.out"

# Same seed, same bytes; another seed, other bytes.
"$N" train --limit 3000 --epochs 3 --seed 5 --lr 0.01 -o "$tmp/b.nnm" -q >/dev/null 2>&1
check "same seed gives an identical model file" cmp -s "$tmp/a.nnm" "$tmp/b.nnm"
"$N" train --limit 3000 --epochs 3 --seed 6 --lr 0.01 -o "$tmp/c.nnm" -q >/dev/null 2>&1
check "another seed gives another model" sh -c "! cmp -s '$tmp/a.nnm' '$tmp/c.nnm'"

# Validation split, as Keras's validation_split.
"$N" train --limit 2000 --epochs 1 --val-split 0.2 -o "$tmp/v.nnm" >"$tmp/val.out" 2>&1
check "val metrics shown" grep -q '^13/13 \[=*\] - .* - val_loss: [0-9.]* - val_accuracy: [0-9.]*$' "$tmp/val.out"

# A failed run never damages an existing model, and leaves no temporary file.
cp "$tmp/a.nnm" "$tmp/keep.nnm"
expect 1 "/nonexistent" "$N" train --limit 100 --epochs 1 -o "$tmp/keep.nnm" --train-images /nonexistent
check "old model intact after a failed run" cmp -s "$tmp/a.nnm" "$tmp/keep.nnm"
expect 1 "$tmp/nodir/m.nnm: cannot create" "$N" train --limit 100 --epochs 1 -o "$tmp/nodir/m.nnm"
check "no temporary files left" [ -z "$(find "$tmp" -name '*.tmp-*')" ]

# Divergence: a huge learning rate stops with a clear message and no model.
expect 1 "diverged at epoch" "$N" train --limit 1000 --epochs 5 --lr 1e6 --optimizer sgd -o "$tmp/nan.nnm"
check "no model written after divergence" [ ! -e "$tmp/nan.nnm" ]

finish
