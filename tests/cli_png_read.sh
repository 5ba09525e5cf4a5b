# cli_png_read.sh - nnart predict --image with PNGs and other formats, from the
# outside: the PNGs of tests/png_cases.py (every colour type and bit depth,
# plain and interlaced) predict exactly as the same pixels in PGM or PPM, ink on
# a transparent canvas as its composite, MNIST's first test digit as a PNG as
# the digit itself; standard input; broken files and formats not read, each
# one line and status 1 with nothing on standard output.
. tests/lib.sh
N=${NNART:-./nnart}

"$N" train --limit 2000 --epochs 1 --layers 784-16-10 -q -o "$tmp/m.nnm" >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]

# pred FILE: what predict --image FILE prints (csv, stderr too) and its status,
# with the file's name replaced by X.
pred() {
    "$N" predict -m "$tmp/m.nnm" --image "$1" --format csv 2>&1 | sed "s|$1|X|g"
    echo "status $?"
}

if ! { have python3 && python3 -c 'import zlib' 2>/dev/null; }; then
    skip "every PNG check" "python3 (with zlib) is not installed"
    finish
    exit
fi

python3 tests/png_cases.py "$tmp/c"
check "png_cases.py writes its cases" [ -s "$tmp/c/c0-d1-p-1x1.png" ]
# The test encoder itself, judged by another reader (bytes after IEND are
# wrong on purpose: a reader ignores them).
if have pngcheck; then
    wrong=
    for png in "$tmp"/c/*.png; do
        case $png in */bad-*.png | */bytes-after-iend.png) continue ;; esac
        pngcheck -q "$png" >/dev/null 2>&1 || wrong="$wrong $(basename "$png")"
    done
    check "pngcheck accepts every valid case:${wrong:- it does}" [ -z "$wrong" ]
else
    skip "the test PNGs checked by pngcheck" "pngcheck is not installed"
fi

# ---- the same pixels, the same probabilities ------------------------------------
n=0 ok=0 differ=
for ref in "$tmp"/c/*.pnm "$tmp"/c/*.grey.pgm; do
    png=${ref%.pnm}
    png=${png%.grey.pgm}.png
    a=$(pred "$png") b=$(pred "$ref")
    n=$((n + 1))
    [ "$a" = "$b" ] || differ="$differ $(basename "$png")"
    case $a in *"status 0") ok=$((ok + 1)) ;; esac
done
check "$n PNGs predict exactly as the same pixels in PGM/PPM:${differ:- all do}" [ -z "$differ" ]
check "most of them are drawings, not blank ($ok of $n)" [ "$ok" -ge 100 ]

# MNIST's first test digit, as a PNG (interlaced, every filter) and as a PGM.
{ printf 'P5\n28 28\n255\n'; dd if=data/t10k-images-idx3-ubyte bs=1 skip=16 count=784 2>/dev/null; } >"$tmp/seven.pgm"
python3 - "$tmp/seven.pgm" "$tmp/seven.png" <<'EOF'
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()[-784:]
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
raw = b''
for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
    for y in range(y0, 28, dy):
        raw += b'\0' + bytes(data[y * 28 + x] for x in range(x0, 28, dx))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 28, 28, 8, 0, 0, 0, 1))
png += chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
open(sys.argv[2], 'wb').write(png)
EOF
want=$("$N" predict -m "$tmp/m.nnm" --format csv | tail -n 1 | cut -d, -f3-)
"$N" predict -m "$tmp/m.nnm" --image "$tmp/seven.png" --format csv >"$tmp/d.csv"
check "test image 0 as an interlaced PNG: the probabilities of the data set's" \
    [ "$(tail -n 1 "$tmp/d.csv")" = ",,$want" ]
cp "$tmp/seven.png" "$tmp/seven.pgm.txt"
"$N" predict -m "$tmp/m.nnm" --image "$tmp/seven.pgm.txt" --format csv >"$tmp/d.csv"
check "the format comes from the bytes, not the name" [ "$(tail -n 1 "$tmp/d.csv")" = ",,$want" ]

# ---- standard input ------------------------------------------------------------
"$N" predict -m "$tmp/m.nnm" --image - --format csv <"$tmp/seven.png" >"$tmp/d.csv"
check "--image - < seven.png" [ "$(tail -n 1 "$tmp/d.csv")" = ",,$want" ]
cat "$tmp/seven.pgm" | "$N" predict -m "$tmp/m.nnm" --image - --format csv >"$tmp/d.csv"
check "a PGM piped into --image -" [ "$(tail -n 1 "$tmp/d.csv")" = ",,$want" ]
row 1 "nnart: standard input: empty, not a picture" "$N" predict -m "$tmp/m.nnm" --image -
head -c 100 /dev/zero | tr '\0' '\377' >"$tmp/white.raw"
{ printf 'P5 10 10 255\n'; cat "$tmp/white.raw"; } >"$tmp/white.pgm"
rowre 1 "nnart: standard input: drawing is blank.*" \
    sh -c "\"$N\" predict -m \"$tmp/m.nnm\" --image - <\"$tmp/white.pgm\""

# ---- broken files: one line naming the file, status 1, nothing printed ----------
nbad=0
for png in "$tmp"/c/bad-*.png; do
    msg=$(cat "${png%.png}.msg")
    expect 1 "^nnart: $png: .*$msg" "$N" predict -m "$tmp/m.nnm" --image "$png"
    check "$(basename "$png"): nothing on standard output" [ ! -s "$tmp/out" ]
    nbad=$((nbad + 1))
done
check "$nbad broken PNGs tried" [ "$nbad" -ge 20 ]

# ---- formats not read ------------------------------------------------------------
printf 'GIF89a\1\0\1\0' >"$tmp/x.gif"
row 1 "nnart: $tmp/x.gif: a GIF image, which nnart does not read; convert it to PNG" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/x.gif"
printf '\0\0\0\030ftypheic\0\0\0\0mif1heic' >"$tmp/x.heic"
row 1 "nnart: $tmp/x.heic: a HEIC (HEIF) image, which nnart does not read; convert it to PNG" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/x.heic"
printf '\377\330\377\340\0\020JFIF\0' >"$tmp/x.jpg"
row 1 "nnart: $tmp/x.jpg: truncated: the file ends in the APPn segment" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/x.jpg"
printf 'hello' >"$tmp/x.txt"
row 1 "nnart: $tmp/x.txt: not a picture nnart reads (it starts with 68 65 6c 6c 6f)" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/x.txt"
: >"$tmp/empty"
row 1 "nnart: $tmp/empty: empty, not a picture" "$N" predict -m "$tmp/m.nnm" --image "$tmp/empty"
row 1 "nnart: $tmp/none.png: cannot open: No such file or directory" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/none.png"

"$N" predict --help | tr -s ' \n' '  ' >"$tmp/help"
check "--help names the formats and standard input" \
    grep -q -- '--image FILE your own drawing instead (PNG, JPEG, PGM or PPM, any size; - reads standard input)' "$tmp/help"

finish
