# cli_jpeg.sh - nnart predict --image with JPEGs, from the outside: digits
# saved by Pillow as JPEG (grey and colour, several qualities and
# subsamplings, EXIF) predict the class of Pillow's own decode of the same file
# saved as PGM or PPM; MNIST's first test digit as a JPEG is still a 7;
# progressive, CMYK and broken files fail with one line and status 1.
. tests/lib.sh
N=${NNART:-./nnart}

"$N" train --limit 2000 --epochs 1 --layers 784-16-10 -q -o "$tmp/m.nnm" >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]

py=
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import PIL' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
    skip "every JPEG check" "Python's Pillow (python3-pil) is not installed"
    finish
    exit
fi

# MNIST's first ten test digits, as JPEGs of several kinds, each beside
# Pillow's decode of it as PGM (grey) or PPM (colour).
{ printf 'P5\n28 28\n255\n'; dd if=data/t10k-images-idx3-ubyte bs=1 skip=16 count=7840 2>/dev/null; } >"$tmp/digits"
mkdir "$tmp/j"
"$py" - "$tmp/digits" "$tmp/j" <<'EOF'
import io, sys
from PIL import Image
raw = open(sys.argv[1], "rb").read()[-7840:]
exif = Image.Exif()
exif[0x010F] = "nnart"
for i in range(10):
    grey = Image.frombytes("L", (28, 28), raw[784 * i:784 * (i + 1)])
    big = grey.resize((61, 61), Image.BILINEAR)  # an odd size, drawn larger
    tinted = Image.merge("RGB", (big, big.point(lambda v: v * 3 // 4), big.point(lambda v: v // 2)))
    kinds = {
        "grey-q90": (grey, dict(quality=90)),
        "grey-q30": (grey, dict(quality=30)),
        "big-grey-exif": (big, dict(quality=75, exif=exif.tobytes())),
        "rgb-444": (tinted, dict(quality=85, subsampling=0)),
        "rgb-422": (tinted, dict(quality=85, subsampling=1)),
        "rgb-420": (tinted, dict(quality=60, subsampling=2, optimize=True)),
    }
    for kind, (img, kw) in kinds.items():
        buf = io.BytesIO()
        img.save(buf, "JPEG", **kw)
        name = "%s/d%d-%s" % (sys.argv[2], i, kind)
        open(name + ".jpg", "wb").write(buf.getvalue())
        dec = Image.open(io.BytesIO(buf.getvalue()))
        dec.save(name + (".pgm" if dec.mode == "L" else ".ppm"))
big.save(sys.argv[2] + "/../prog.jpg", "JPEG", progressive=True)
tinted.convert("CMYK").save(sys.argv[2] + "/../cmyk.jpg", "JPEG")
EOF

# class J P: the predicted class of FILE J and FILE P (csv column 3).
n=0 same=0 classes=0 differ=
for jpg in "$tmp"/j/*.jpg; do
    ref=${jpg%.jpg}.pgm
    [ -e "$ref" ] || ref=${jpg%.jpg}.ppm
    a=$("$N" predict -m "$tmp/m.nnm" --image "$jpg" --format csv 2>&1 | tail -n 1)
    b=$("$N" predict -m "$tmp/m.nnm" --image "$ref" --format csv 2>&1 | tail -n 1)
    n=$((n + 1))
    [ "$a" = "$b" ] && same=$((same + 1))
    if [ "$(echo "$a" | cut -d, -f3)" = "$(echo "$b" | cut -d, -f3)" ] && [ -n "$a" ]; then
        classes=$((classes + 1))
    else
        differ="$differ $(basename "$jpg")"
    fi
done
check "$n JPEGs predict the class of Pillow's decode of them:${differ:- all do}" [ -z "$differ" ]
check "$n JPEGs were tried" [ "$n" -eq 60 ]
check "their probabilities are the same too ($same of $n)" [ "$same" -eq "$n" ]

want=$("$N" predict -m "$tmp/m.nnm" --format csv | tail -n 1 | cut -d, -f3)
check "test image 0 as a JPEG is predicted as the data set's test image 0 ($want)" \
    [ "$("$N" predict -m "$tmp/m.nnm" --image "$tmp/j/d0-grey-q90.jpg" --format csv | tail -n 1 | cut -d, -f3)" = "$want" ]

# ---- what is not read ------------------------------------------------------------
row 1 "nnart: $tmp/prog.jpg: a progressive JPEG: only baseline JPEG is supported" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/prog.jpg"
row 1 "nnart: $tmp/cmyk.jpg: a CMYK JPEG (4 components): only grey and colour JPEGs are supported" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/cmyk.jpg"
len=$(wc -c <"$tmp/j/d0-rgb-420.jpg")
head -c $((len - 20)) "$tmp/j/d0-rgb-420.jpg" >"$tmp/cut.jpg"
rowre 1 "nnart: $tmp/cut.jpg: truncated: the file ends in the scan data \\([0-9]+ bytes\\)" \
    "$N" predict -m "$tmp/m.nnm" --image "$tmp/cut.jpg"
check "nothing on standard output for a broken JPEG" [ ! -s "$tmp/out" ]
"$N" predict -m "$tmp/m.nnm" --image - --format csv <"$tmp/j/d3-rgb-422.jpg" >"$tmp/stdin.csv" 2>&1
check "a JPEG on standard input" \
    [ "$(tail -n 1 "$tmp/stdin.csv" | cut -d, -f3-)" = "$("$N" predict -m "$tmp/m.nnm" --image "$tmp/j/d3-rgb-422.jpg" --format csv | tail -n 1 | cut -d, -f3-)" ]

finish
