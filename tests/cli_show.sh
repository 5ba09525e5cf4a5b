# cli_show.sh - nnart show: the network picture for a test image and for a
# drawing, its table line, determinism, and usage errors (one line, exit 2).
. tests/lib.sh
N=${NNART:-./nnart}

"$N" train --limit 3000 --epochs 1 -o "$tmp/m.nnm" -q >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]
"$N" show -m "$tmp/m.nnm" --index 3 --render "$tmp/net.png" >"$tmp/out" 2>"$tmp/err"
check "show exits 0" [ $? -eq 0 ]
check "nothing on stderr" [ ! -s "$tmp/err" ]
check "the table's header" grep -qx 'index  label  predicted       p' "$tmp/out"
check "image 3, a 0" grep -Eqx '    3      0  +[0-9]  [01]\.[0-9]{4}' "$tmp/out"
check "reports the picture" grep -qx "wrote $tmp/net.png (1028 x 772 pixels)" "$tmp/out"
check "a PNG file" [ "$(od -An -tx1 -N8 "$tmp/net.png" | tr -d ' ')" = 89504e470d0a1a0a ]
"$N" show -m "$tmp/m.nnm" --index 3 -r "$tmp/a.ppm" --scale 1 >/dev/null
"$N" show -m "$tmp/m.nnm" --index 3 -r "$tmp/b.ppm" --scale 1 >/dev/null
check "the same input, the same picture" cmp -s "$tmp/a.ppm" "$tmp/b.ppm"
check "--scale 1: 514 x 386" [ "$(head -c 15 "$tmp/a.ppm")" = "$(printf 'P6\n514 386\n255\n')" ]
"$N" show -m "$tmp/m.nnm" --index 4 -r "$tmp/c.ppm" --scale 1 >/dev/null
check "another input, another picture" sh -c "! cmp -s '$tmp/a.ppm' '$tmp/c.ppm'"
"$N" show -m "$tmp/m.nnm" --index 3 -r "$tmp/u.ppm" --scale 1 --units 4 >/dev/null
check "--units 4: four cells a column, a note per layer cut" \
    [ "$(head -c 15 "$tmp/u.ppm")" = "$(printf 'P6\n514 224\n255\n')" ]

# A drawing, dark on light: prepared as predict prepares it.
if have python3; then
    python3 -c "
import sys
w = h = 40
px = bytearray([255]) * (w * h)
for y in range(8, 32):
    for x in range(18, 22):
        px[y * w + x] = 0
sys.stdout.buffer.write(b'P5\n40 40\n255\n' + bytes(px))" >"$tmp/one.pgm"
    "$N" show -m "$tmp/m.nnm" --image "$tmp/one.pgm" -r "$tmp/d.png" >"$tmp/out" 2>&1
    check "show --image: a line without index or label" grep -Eqx '    -      -  +[0-9]  [01]\.[0-9]{4}' "$tmp/out"
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/one.pgm" >"$tmp/pred"
    check "show --image predicts as predict does" \
        [ "$(awk 'NR == 2 {print $3}' "$tmp/out")" = "$(awk 'NR == 2 {print $3}' "$tmp/pred")" ]
else
    skip "show --image (no python3 to draw with)"
fi

# Usage errors: exit 2, one line.
expect 2 "--render FILE is required" "$N" show -m "$tmp/m.nnm"
expect 2 "--index 10000: " "$N" show -m "$tmp/m.nnm" --index 10000 -r "$tmp/x.png"
expect 2 "--units: 65 is out of range" "$N" show -m "$tmp/m.nnm" --units 65 -r "$tmp/x.png"
expect 2 "--scale: 17 is out of range" "$N" show -m "$tmp/m.nnm" --scale 17 -r "$tmp/x.png"
expect 2 "--image takes the place of" "$N" show -m "$tmp/m.nnm" --image "$tmp/one.pgm" --index 2 -r "$tmp/x.png"
expect 2 "apply to --image only" "$N" show -m "$tmp/m.nnm" --invert -r "$tmp/x.png"
expect 2 "has no picture extension" "$N" show -m "$tmp/m.nnm" -r "$tmp/x.gif"
expect 1 "" "$N" show -m "$tmp/missing.nnm" -r "$tmp/x.png"
finish
