"""jpeg_cases.py DIR - writes JPEG test cases for tests/test_jpeg.c into DIR.

Pictures (a photo-like gradient with noise, MNIST-like digits) are encoded by
Pillow at several qualities and subsamplings, with EXIF and ICC data, and by
cjpeg (when it is installed) with restart intervals, 4:4:0 and 2x1 sampling,
RGB without a colour transform and non-interleaved scans.  Each case NAME gets
NAME.jpg and, when it decodes, NAME.raw: Pillow's own decode (libjpeg's).
DIR/cases.txt lists one case a line: "NAME ok WIDTH HEIGHT CHANNELS", or
"NAME error WORD" for a file that must fail with a message containing WORD.
"""
import io
import os
import random
import shutil
import subprocess
import sys

from PIL import Image, ImageDraw

out = sys.argv[1]
cases = []


def photo(w, h, seed):
    """A smooth colour gradient with a bright disc, plus noise."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            r = 255 * x // max(w - 1, 1)
            g = 255 * y // max(h - 1, 1)
            b = 128 + int(100 * ((x - w / 2) ** 2 + (y - h / 2) ** 2 < (min(w, h) / 3) ** 2))
            px[x, y] = tuple(max(0, min(255, v + rnd.randint(-20, 20))) for v in (r, g, b))
    return img


def digit(w, h, which):
    """A white digit-like stroke on black, like MNIST's."""
    img = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(img)
    s = min(w, h)
    if which == 0:
        d.ellipse([s * 0.25, s * 0.15, s * 0.75, s * 0.85], outline=255, width=max(1, s // 9))
    else:
        d.line([(s * 0.3, s * 0.2), (s * 0.6, s * 0.15), (s * 0.45, s * 0.85)], fill=230,
               width=max(1, s // 8))
    return img


def add(name, img_bytes):
    """Records a case that decodes, with Pillow's decode beside it."""
    with open(os.path.join(out, name + ".jpg"), "wb") as f:
        f.write(img_bytes)
    dec = Image.open(io.BytesIO(img_bytes))
    dec.load()
    with open(os.path.join(out, name + ".raw"), "wb") as f:
        f.write(dec.tobytes())
    cases.append("%s ok %d %d %d" % (name, dec.width, dec.height, len(dec.getbands())))


def add_error(name, img_bytes, word):
    with open(os.path.join(out, name + ".jpg"), "wb") as f:
        f.write(img_bytes)
    cases.append("%s error %s" % (name, word))


def pil_jpeg(img, **kw):
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


sizes = [(1, 1), (2, 2), (3, 5), (17, 9), (9, 17), (28, 28), (64, 48), (101, 67)]
for w, h in sizes:
    rgb = photo(w, h, w * 1000 + h)
    for sub in (0, 1, 2):
        for q in (50, 90):
            add("photo-%dx%d-s%d-q%d" % (w, h, sub, q), pil_jpeg(rgb, quality=q, subsampling=sub))
    add("grey-%dx%d" % (w, h), pil_jpeg(rgb.convert("L"), quality=85))
for q in (25, 75, 95, 100):
    for k in (0, 1):
        add("digit%d-q%d" % (k, q), pil_jpeg(digit(28, 28, k), quality=q))
        add("digit%d-rgb-q%d" % (k, q), pil_jpeg(digit(28, 28, k).convert("RGB"), quality=q))
big = photo(160, 120, 7)
add("photo-optimized", pil_jpeg(big, quality=80, optimize=True))
exif = Image.Exif()
exif[0x010F] = "nnart test camera"
exif[0x0131] = "jpeg_cases.py"
icc = bytes(range(256)) * 300  # 76,800 bytes: several APP2 segments
add("photo-exif-icc", pil_jpeg(big, quality=85, exif=exif.tobytes(), icc_profile=icc,
                               subsampling=2))
add("digit-exif", pil_jpeg(digit(28, 28, 1), quality=90, exif=exif.tobytes()))

# SOF1 (extended sequential, 8-bit) is the same code as SOF0.
base = pil_jpeg(big, quality=85, subsampling=1)
sof = base.index(b"\xff\xc0")
add("photo-sof1", base[:sof] + b"\xff\xc1" + base[sof + 2:])
# Bytes after EOI are ignored; fill bytes FF FF before a marker are allowed.
add("photo-trailing", base + b"garbage after the end\xff\xd8")
add("photo-fill", base[:sof] + b"\xff\xff\xff" + base[sof:])


def segments(data):
    """The marker segments of a JPEG before its first scan, and the rest."""
    at, segs = 2, []
    while data[at + 1] != 0xDA:
        n = int.from_bytes(data[at + 2:at + 4], "big")
        segs.append(data[at:at + 2 + n])
        at += 2 + n
    return segs, data[at:]


# Every DQT in one segment and every DHT in one (libjpeg writes one table a
# segment), with a COM and an unknown APP15 segment between them.
segs, rest = segments(base)
dqt = b"".join(s[4:] for s in segs if s[1] == 0xDB)
dht = b"".join(s[4:] for s in segs if s[1] == 0xC4)
others = [s for s in segs if s[1] not in (0xDB, 0xC4)]
seg = lambda code, body: bytes([0xFF, code]) + (len(body) + 2).to_bytes(2, "big") + body
merged = b"\xff\xd8" + b"".join(s for s in others if s[1] != 0xC0) + seg(0xDB, dqt) \
    + seg(0xFE, b"a comment") + seg(0xEF, b"APP15 data") \
    + [s for s in others if s[1] == 0xC0][0] + seg(0xC4, dht) + rest
add("photo-merged-tables", merged)
# 12-bit samples (the precision byte changed), progressive, CMYK.
twelve = bytearray(base)
twelve[sof + 4] = 12
add_error("twelve-bit", bytes(twelve), "12-bit")
add_error("progressive", pil_jpeg(big, quality=85, progressive=True), "progressive")
add_error("cmyk", pil_jpeg(big.convert("CMYK"), quality=85), "CMYK")

cjpeg = shutil.which("cjpeg")
if cjpeg:
    ppm = os.path.join(out, "src.ppm")
    pgm = os.path.join(out, "src.pgm")
    for w, h in ((64, 48), (17, 9), (1, 1), (35, 23)):
        photo(w, h, 3).save(ppm)
        photo(w, h, 3).convert("L").save(pgm)
        script = os.path.join(out, "scans.txt")
        with open(script, "w") as f:
            f.write("0;\n1;\n2;\n")
        runs = {
            "restart-rows-%dx%d": ["-restart", "1", "-sample", "2x2"],
            "restart-blocks-%dx%d": ["-restart", "3B", "-sample", "2x1"],
            "restart-grey-%dx%d": ["-restart", "2B", "-grayscale"],
            "s440-%dx%d": ["-sample", "1x2"],
            "s440-restart-%dx%d": ["-sample", "1x2", "-restart", "1B"],
            "rgb-%dx%d": ["-rgb", "-quality", "90"],
            "noninterleaved-%dx%d": ["-scans", script, "-sample", "2x2"],
            "noninterleaved-restart-%dx%d": ["-scans", script, "-restart", "1B"],
            "s12-%dx%d": ["-sample", "1x2,2x1,1x1"],
            "float-%dx%d": ["-dct", "float", "-quality", "97"],
            "q5-16bit-tables-%dx%d": ["-quality", "5"],
        }
        for name, args in runs.items():
            src = pgm if "-grayscale" in args else ppm
            data = subprocess.run([cjpeg] + args + [src], check=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
            add(name % (w, h), data)
    os.remove(ppm)
    os.remove(pgm)
    os.remove(script)
else:
    cases.append("cjpeg skip cjpeg")

with open(os.path.join(out, "cases.txt"), "w") as f:
    f.write("\n".join(cases) + "\n")
