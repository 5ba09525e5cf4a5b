# cli_anim.sh - nnart dream and train --animate: every frame of the GIF and
# APNG decoded by Python's PIL (count, size, delays, looping, the last frame
# against the run's own --render picture), outputs unchanged by --animate,
# bad paths failing before the work; dream --bare and its round trip through
# predict --image; the --from-index comparison; train --epochs 0.
. tests/lib.sh
N=${NNART:-./nnart}

# A python3 that imports PIL (Debian's python3-pil sits in /usr/bin, behind
# any other python3 on the PATH).
py=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import PIL.Image' >/dev/null 2>&1; then py=$p; break; fi
done

# frames FILE: "FRAMES WIDTH HEIGHT LOOP D1,D2,..." (durations in ms) of an
# animation, read by PIL; crop_equal ANIM K PICTURE: frame K (-1 the last)
# of ANIM, cut to its bottom rows as tall as PICTURE, equals PICTURE.
cat >"$tmp/anim.py" <<'PY'
import sys
from PIL import Image, ImageSequence, ImageChops
def frames(path):
    im = Image.open(path)
    out = [(f.convert('RGB'), f.info.get('duration')) for f in ImageSequence.Iterator(im)]
    return im, out
cmd, path = sys.argv[1], sys.argv[2]
im, fr = frames(path)
if cmd == 'frames':
    print(len(fr), im.size[0], im.size[1], im.info.get('loop'), ','.join(str(round(x[1])) for x in fr))
else:
    k, ref = int(sys.argv[3]), Image.open(sys.argv[4]).convert('RGB')
    f = fr[k][0]
    w, h = f.size
    part = f.crop((0, h - ref.size[1], ref.size[0], h))
    same = ref.size[0] == w and ImageChops.difference(part, ref).getbbox() is None
    sys.exit(0 if same else 1)
PY
frames() { "$py" "$tmp/anim.py" frames "$1"; }
crop_equal() { "$py" "$tmp/anim.py" crop "$@"; }
differs() { ! crop_equal "$@"; }
# delays N LAST: N - 1 delays of $2 ms then $3 ms, comma-separated.
delays() { awk -v n="$1" -v d="$2" -v l="$3" 'BEGIN { for (i = 1; i < n; i++) printf "%d,", d; print l }'; }

"$N" train --epochs 3 -o "$tmp/m.nnm" -q >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]

# ---- dream --animate ---------------------------------------------------------
"$N" dream -m "$tmp/m.nnm" --class 3 -r "$tmp/d3.png" >"$tmp/plain.txt" 2>&1
for ext in gif png apng; do
    "$N" dream -m "$tmp/m.nnm" --class 3 -r "$tmp/a3.png" -a "$tmp/anim3.$ext" >"$tmp/out" 2>"$tmp/err"
    check "dream -a .$ext exits 0, nothing on stderr" [ $? -eq 0 -a ! -s "$tmp/err" ]
    check "dream -a .$ext: the --render picture unchanged" cmp -s "$tmp/d3.png" "$tmp/a3.png"
    check "dream -a .$ext: the table unchanged" [ "$(grep -v '^wrote' "$tmp/out")" = "$(grep -v '^wrote' "$tmp/plain.txt")" ]
    line=$(grep "^wrote $tmp/anim3.$ext (" "$tmp/out")
    check "dream -a .$ext: reports frames and size" [ -n "$line" ]
    n=$(echo "$line" | sed 's/.*(\([0-9]*\) frames, \([0-9]*\) x \([0-9]*\) pixels)$/\1 \2 \3/')
    [ -n "$n" ] || continue
    if [ -z "$py" ]; then
        skip "dream -a .$ext decoded by PIL" "no python3 with PIL (python3-pil)"
        continue
    fi
    set -- $n
    got=$(frames "$tmp/anim3.$ext")
    check "dream -a .$ext: 2 to 50 frames" [ "$1" -ge 2 -a "$1" -le 50 ]
    check "dream -a .$ext: PIL reads $1 frames of $2 x $3, looping, 80 ms each, the last 3 s ($got)" \
        [ "$got" = "$1 $2 $3 0 $(delays "$1" 80 3000)" ]
    check "dream -a .$ext: the last frame is the --render picture under its caption" crop_equal "$tmp/anim3.$ext" -1 "$tmp/d3.png"
done
# All the classes: a sheet per frame, the first the blank start.
"$N" dream -m "$tmp/m.nnm" -r "$tmp/all.png" -a "$tmp/all.gif" >"$tmp/out" 2>&1
check "dream of every class -a exits 0" [ $? -eq 0 ]
"$N" dream -m "$tmp/m.nnm" -r "$tmp/all2.png" >/dev/null 2>&1
check "dream of every class: --render unchanged by -a" cmp -s "$tmp/all.png" "$tmp/all2.png"
if [ -n "$py" ]; then
    check "dream of every class: the last frame is the sheet" crop_equal "$tmp/all.gif" -1 "$tmp/all.png"
    check "dream of every class: the first frame is not the last" differs "$tmp/all.gif" 0 "$tmp/all.png"
    "$N" dream -m "$tmp/m.nnm" --steps 0 --polish 0 -r "$tmp/blank.png" -a "$tmp/blank.gif" >/dev/null 2>&1
    check "dream --steps 0 --polish 0: one frame" [ "$(frames "$tmp/blank.gif" | cut -d' ' -f1,5)" = "1 3000" ]
    check "dream of every class: the first frame is the start" crop_equal "$tmp/all.gif" 0 "$tmp/blank.png"
    "$N" dream -m "$tmp/m.nnm" --layer 1 --unit 4 --steps 30 -a "$tmp/u.gif" >/dev/null 2>&1
    check "a unit's dream of 30 steps: 31 frames, start and end" [ "$(frames "$tmp/u.gif" | cut -d' ' -f1)" = 31 ]
    # At scale 1 a unit's label ("3  a=0.00" to "3  a=28.93") widens its
    # tile as the activation grows: the narrower frames are padded.
    "$N" dream -m "$tmp/m.nnm" --layer 1 --unit 3 --scale 1 -r "$tmp/pad.png" -a "$tmp/pad.gif" >/dev/null 2>&1
    check "frames of several widths padded to one: the last is the --render picture" crop_equal "$tmp/pad.gif" -1 "$tmp/pad.png"
    check "frames of several widths: 50 frames" [ "$(frames "$tmp/pad.gif" | cut -d' ' -f1)" = 50 ]
else
    skip "dream sheets decoded by PIL" "no python3 with PIL (python3-pil)"
fi
# Bad --animate paths fail before the work: no table printed.
expect 2 "'$tmp/x.txt' has no animation extension (.gif, .png or .apng)" "$N" dream -m "$tmp/m.nnm" --class 1 -a "$tmp/x.txt"
check "a bad extension: nothing dreamt" [ ! -s "$tmp/out" ]
expect 1 "$tmp/none/x.gif" "$N" dream -m "$tmp/m.nnm" --class 1 -a "$tmp/none/x.gif"
check "a missing folder: nothing dreamt" [ ! -s "$tmp/out" ]
expect 2 "the same file" "$N" dream -m "$tmp/m.nnm" --class 1 -r "$tmp/s.png" -a "$tmp/s.png"
check "no file left behind by the failures" [ ! -e "$tmp/x.txt" -a ! -e "$tmp/s.png" ]

# ---- dream --bare ----------------------------------------------------------
"$N" dream -m "$tmp/m.nnm" --class 5 --bare -r "$tmp/b.pgm" >"$tmp/out" 2>&1
check "--bare: a 28 x 28 grey PGM" [ "$(head -c 13 "$tmp/b.pgm" | tr '\n' ' ')" = "P5 28 28 255 " ]
check "--bare: its size reported" grep -qx "wrote $tmp/b.pgm (28 x 28 pixels)" "$tmp/out"
"$N" dream -m "$tmp/m.nnm" --class 5 --bare --scale 3 -r "$tmp/b3.png" >/dev/null 2>&1
if [ -n "$py" ]; then
    check "--bare --scale 3: a grey PNG of 84 x 84, each pixel a 3 x 3 block of the PGM's" "$py" -c "
import sys
from PIL import Image
a, b = Image.open('$tmp/b.pgm'), Image.open('$tmp/b3.png')
sys.exit(not (b.mode == 'L' and b.size == (84, 84) and a.resize((84, 84), Image.NEAREST).tobytes() == b.tobytes()))"
else
    skip "--bare --scale 3 decoded by PIL" "no python3 with PIL (python3-pil)"
fi
# The round trip: a bare dream of every class, read back by predict --image
# --raw (the picture as the model's input, no preparation), is that class;
# and the dreams of test images 0, 1 and 2 (a 7, a 2 and a 1) towards their
# own class too.
for k in 0 1 2 3 4 5 6 7 8 9; do
    "$N" dream -m "$tmp/m.nnm" --class "$k" --bare -r "$tmp/r.pgm" >/dev/null 2>&1
    check "--bare: predict --image --raw of the dream of $k says $k" \
        [ "$("$N" predict -m "$tmp/m.nnm" --image "$tmp/r.pgm" --raw | awk 'NR == 2 { print $3 }')" = "$k" ]
done
for ik in "0 7" "1 2" "2 1"; do
    set -- $ik
    "$N" dream -m "$tmp/m.nnm" --from-index "$1" --class "$2" --bare -r "$tmp/r.png" >/dev/null 2>&1
    check "--bare: predict --image --raw of the PNG dream of $2 from image $1 says $2" \
        [ "$("$N" predict -m "$tmp/m.nnm" --image "$tmp/r.png" --raw | awk 'NR == 2 { print $3 }')" = "$2" ]
done
expect 1 "--raw: the picture is 84 x 84; the model takes 28 x 28" "$N" predict -m "$tmp/m.nnm" --image "$tmp/b3.png" --raw
expect 2 "--bare draws one dream" "$N" dream -m "$tmp/m.nnm" --bare -r "$tmp/x.pgm"
expect 2 "--bare needs --render" "$N" dream -m "$tmp/m.nnm" --class 1 --bare
expect 2 "--cmap does not apply" "$N" dream -m "$tmp/m.nnm" --class 1 --bare --cmap hot -r "$tmp/x.pgm"

# ---- dream --from-index: start, end, difference ------------------------------
"$N" dream -m "$tmp/m.nnm" --from-index 0 --class 3 -r "$tmp/f.png" -a "$tmp/f.apng" >"$tmp/out" 2>&1
check "--from-index -r -a exits 0" [ $? -eq 0 ]
if [ -n "$py" ]; then
    check "--from-index: start and end grey, the difference in red and blue on the right" "$py" -c "
import sys
from PIL import Image
im = Image.open('$tmp/f.png').convert('RGB')
w, h = im.size
px = im.load()
right = left = 0
for y in range(h):
    for x in range(w):
        r, g, b = px[x, y]
        if max(r, g, b) - min(r, g, b) > 80:
            if x < 2 * w // 3: left += 1
            else: right += 1
sys.exit(not (left == 0 and right > 0 and w > 2 * h))"
    check "--from-index: the last frame is the comparison" crop_equal "$tmp/f.apng" -1 "$tmp/f.png"
else
    skip "--from-index picture decoded by PIL" "no python3 with PIL (python3-pil)"
fi

# ---- train --animate -------------------------------------------------------
"$N" train --limit 2000 --epochs 3 -o "$tmp/t.nnm" --history "$tmp/t.csv" >"$tmp/t.txt" 2>&1
for of in weights poster confusion; do
    "$N" train --limit 2000 --epochs 3 -o "$tmp/ta.nnm" --history "$tmp/ta.csv" -a "$tmp/t-$of.gif" --animate-of $of >"$tmp/out" 2>"$tmp/err"
    check "train -a --animate-of $of exits 0, nothing on stderr" [ $? -eq 0 -a ! -s "$tmp/err" ]
    check "train -a --animate-of $of: the model unchanged" cmp -s "$tmp/t.nnm" "$tmp/ta.nnm"
    check "train -a --animate-of $of: the history unchanged (but the seconds)" \
        [ "$(cut -d, -f1-5 "$tmp/t.csv")" = "$(cut -d, -f1-5 "$tmp/ta.csv")" ]
    check "train -a --animate-of $of: reports 4 frames" grep -q "^wrote $tmp/t-$of.gif (4 frames, [0-9]* x [0-9]* pixels)\$" "$tmp/out"
    if [ -n "$py" ]; then
        check "train -a --animate-of $of: PIL reads 4 frames, looping, 250 ms each, the last 3 s" \
            [ "$(frames "$tmp/t-$of.gif" | cut -d' ' -f1,4,5)" = "4 0 250,250,250,3000" ]
    else
        skip "train -a decoded by PIL" "no python3 with PIL (python3-pil)"
    fi
done
"$N" train --limit 2000 --epochs 3 -o "$tmp/tp.nnm" -a "$tmp/t.apng" -q >/dev/null 2>&1
check "train -a .apng: the model unchanged" cmp -s "$tmp/t.nnm" "$tmp/tp.nnm"
"$N" train --limit 2000 --epochs 0 -o "$tmp/init.nnm" -q >/dev/null 2>&1
check "train --epochs 0 saves the initial network" [ -s "$tmp/init.nnm" ]
check "info: trained for 0 epochs, not measured" sh -c "'$N' info -m '$tmp/init.nnm' | grep -q '0 epochs of batch 128' && '$N' info -m '$tmp/init.nnm' | grep -q '^train: *not measured'"
"$N" weights -m "$tmp/t.nnm" -r "$tmp/w-end.png" >/dev/null 2>&1
"$N" weights -m "$tmp/init.nnm" -r "$tmp/w-init.png" >/dev/null 2>&1
if [ -n "$py" ]; then
    # (A GIF holds 256 colours: the weights' many shades are exact in the APNG.)
    check "train -a .apng: the first frame is the initial network's weights picture" crop_equal "$tmp/t.apng" 0 "$tmp/w-init.png"
    check "train -a .apng: the last frame is the trained network's weights picture" crop_equal "$tmp/t.apng" -1 "$tmp/w-end.png"
    "$N" train --limit 200 --epochs 100 -o "$tmp/long.nnm" -a "$tmp/long.gif" -q >/dev/null 2>&1
    check "100 epochs: 60 frames (epochs on a log scale)" [ "$(frames "$tmp/long.gif" | cut -d' ' -f1)" = 60 ]
    "$N" train --limit 200 --epochs 0 -o "$tmp/zero.nnm" -a "$tmp/zero.gif" -q >/dev/null 2>&1
    check "--epochs 0 -a: one frame" [ "$(frames "$tmp/zero.gif" | cut -d' ' -f1)" = 1 ]
else
    skip "train -a frames against nnart weights" "no python3 with PIL (python3-pil)"
fi
expect 2 "unknown picture 'loss'" "$N" train --limit 100 --epochs 1 -o "$tmp/x.nnm" -a "$tmp/x.gif" --animate-of loss
expect 2 "--animate-of needs --animate" "$N" train --limit 100 --epochs 1 -o "$tmp/x.nnm" --animate-of poster
expect 2 "cannot go with --no-test" "$N" train --limit 100 --epochs 1 -o "$tmp/x.nnm" -a "$tmp/x.gif" --animate-of confusion --no-test
expect 2 "has no animation extension" "$N" train --limit 100 --epochs 1 -o "$tmp/x.nnm" -a "$tmp/x.jpg"
check "a bad --animate: no training" [ ! -s "$tmp/out" -a ! -e "$tmp/x.nnm" ]
expect 1 "$tmp/none/x.gif" "$N" train --limit 100 --epochs 1 -o "$tmp/x.nnm" -a "$tmp/none/x.gif"
check "an unwritable --animate: no training, no model" [ ! -s "$tmp/out" -a ! -e "$tmp/x.nnm" ]

# ---- completion --------------------------------------------------------------
if have bash; then
    check "completion: --animate-of's pictures" [ "$(bash -c '. src/cli/nnart.bash; COMP_WORDS=("$1" train --animate-of p); COMP_CWORD=3; _nnart; echo "${COMPREPLY[*]}"' sh "$N")" = poster ]
else
    skip "completion" "bash is not installed"
fi
# dream --render - with --render-format: the PGM the file would hold.
"$N" dream -m "$tmp/m.nnm" --class 4 --render - --render-format pgm >"$tmp/std.pgm" 2>/dev/null
"$N" dream -m "$tmp/m.nnm" --class 4 --render "$tmp/file.pgm" >/dev/null 2>&1
check "dream --render - --render-format pgm: the PGM the file would hold" \
    cmp -s "$tmp/std.pgm" "$tmp/file.pgm"
finish
