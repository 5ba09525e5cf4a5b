# cli_page.sh - nnart export --html: a self-contained page that loads nothing
# from the network; opened in headless Chromium as page.html#selftest it runs
# its own forward pass on the embedded test digits and on a drawing it makes
# through its pointer-event handlers, and both agree with nnart predict (the
# same class, |dp| <= 1e-5; the drawing's 28 x 28 input within one grey level
# of the input nnart show draws); usage and path errors fail before the work.
. tests/lib.sh
N=${NNART:-./nnart}

"$N" train --limit 3000 --epochs 1 -o "$tmp/m.nnm" -q >/dev/null 2>&1
check "a small model trains" [ -s "$tmp/m.nnm" ]
"$N" export -m "$tmp/m.nnm" --html "$tmp/digit.html" >"$tmp/out" 2>"$tmp/err"
check "export exits 0" [ $? -eq 0 ]
check "nothing on stderr" [ ! -s "$tmp/err" ]
check "reports the page" grep -Eqx "wrote $tmp/digit.html \([0-9]+ bytes, 20 test digits\)" "$tmp/out"
check "an HTML page" grep -q '^<!DOCTYPE html>' "$tmp/digit.html"
check "a pad for pointers, with touch-action none" grep -q 'touch-action: none' "$tmp/digit.html"
"$N" export -m "$tmp/m.nnm" --html "$tmp/again.html" >/dev/null
check "the same model, the same page" cmp -s "$tmp/digit.html" "$tmp/again.html"

# Nothing from elsewhere: with every data: URI taken out, no URL scheme, no
# reference by src, href, url() or @import, no <link> and no script file.
sed -E 's#data:[a-z]+/[a-z+.-]+;base64,[A-Za-z0-9+/=]*##g' "$tmp/digit.html" >"$tmp/bare.html"
check "data: URIs were there" [ "$(wc -c <"$tmp/bare.html")" -lt "$(wc -c <"$tmp/digit.html")" ]
# absent ERE FILE: no line of FILE matches ERE (case ignored).
absent() { ! grep -Eqi -e "$1" "$2"; }
quote="[\"']"
check "no http: or https:" absent 'https?:' "$tmp/bare.html"
check "no src= or href= naming a file (quoted or not)" \
    absent "(src|href)[[:space:]]*=[[:space:]]*$quote[^\"']|(src|href)=[^[:space:]\"'>]" "$tmp/bare.html"
check "no url(), @import, <link> or script file" \
    absent 'url\(|@import|<link|<script[^>]*src' "$tmp/bare.html"
check "no protocol-relative //host" absent "($quote|=|\\()//[a-z0-9]" "$tmp/bare.html"
check "images are PNG data: URIs" grep -q '"data:image/png;base64,iVBORw0KGgo' "$tmp/digit.html"

# The page in a browser.
chrome=
for c in chromium chromium-browser google-chrome; do
    if have "$c"; then
        chrome=$c
        break
    fi
done
if [ -z "$chrome" ]; then
    skip "the page in a browser (7 checks)" "no chromium installed"
elif ! have python3; then
    skip "the page in a browser (7 checks)" "no python3 to read its results"
else
    mkdir -p "$tmp/home"
    HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home" XDG_CACHE_HOME="$tmp/home" \
        timeout 180 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-extensions --disable-background-networking --user-data-dir="$tmp/chrome" \
        --proxy-server=127.0.0.1:9 --virtual-time-budget=10000 \
        --dump-dom "file://$tmp/digit.html#selftest" >"$tmp/dom.html" 2>"$tmp/chrome.err"
    check "the browser dumps the page" grep -q '<pre id="selftest"' "$tmp/dom.html"
    NNART_KERNELS=generic "$N" predict -m "$tmp/m.nnm" --count 20 --format csv >"$tmp/tests.csv"
    python3 - "$tmp" <<'EOF' >"$tmp/pad.txt"
import base64, html, json, re, sys
tmp = sys.argv[1]
dom = open(tmp + "/dom.html").read()
m = re.search(r'<pre id="selftest-drawing"[^>]*>(.*?)</pre>', dom, re.S)
d = json.loads(html.unescape(m.group(1)))
px = base64.b64decode(d["pixels"])
open(tmp + "/pad.pgm", "wb").write(b"P5\n%d %d\n255\n" % (d["width"], d["height"]) + px)
print(sum(1 for b in px if b > 12))
EOF
    check "the page drew strokes on its pad" [ "$(cat "$tmp/pad.txt" 2>/dev/null || echo 0)" -gt 1000 ]
    NNART_KERNELS=generic "$N" predict -m "$tmp/m.nnm" --image "$tmp/pad.pgm" --no-invert \
        --format csv >"$tmp/pad.csv"
    "$N" show -m "$tmp/m.nnm" --image "$tmp/pad.pgm" --no-invert -r "$tmp/pad.ppm" --scale 1 \
        >/dev/null
    python3 - "$tmp" <<'EOF' >"$tmp/verdict" 2>&1
import html, json, re, sys
tmp = sys.argv[1]
dom = open(tmp + "/dom.html").read()

def element(name):
    m = re.search(r'<pre id="%s"[^>]*>(.*?)</pre>' % name, dom, re.S)
    return json.loads(html.unescape(m.group(1)))

def table(path):
    rows = [line.split(",") for line in open(path).read().split("\n")[1:] if line]
    return [(int(r[2]), [float(v) for v in r[3:]]) for r in rows]

def argmax(p):
    return max(range(len(p)), key=lambda i: (p[i], -i))

def agree(what, page, nnart):
    cls, probs = nnart
    dp = max(abs(a - b) for a, b in zip(page, probs))
    if len(page) != len(probs) or argmax(page) != cls or dp > 1e-5:
        print("%s: page class %d, nnart %d, largest |dp| %g" % (what, argmax(page), cls, dp))
        return False
    return True

tests, want = element("selftest"), table(tmp + "/tests.csv")
ok = len(tests) == 20 == len(want) and [t["index"] for t in tests] == list(range(20))
print("digits" if ok else "digits: %d results, indices %s" % (len(tests), [t["index"] for t in tests]))
ok = all([agree("test %d" % t["index"], t["probabilities"], w) for t, w in zip(tests, want)])
print("test probabilities" if ok else "")
d = element("selftest-drawing")
print("drawing probabilities" if agree("drawing", d["probabilities"], table(tmp + "/pad.csv")[0]) else "")

# nnart show --scale 1 draws the input as 4 x 4 blocks of gray(x) at (10, 138).
raw = open(tmp + "/pad.ppm", "rb").read()
head = raw.split(b"\n", 3)
w = int(head[1].split()[0])
px = head[3]
x, worst = d["input"], 0
for i, v in enumerate(x):
    r, c = divmod(i, 28)
    shown = px[3 * ((138 + 4 * r + 2) * w + 10 + 4 * c + 2)]
    worst = max(worst, abs(min(int(v * 256), 255) - shown))
print("input" if len(x) == 784 and worst <= 1 else "input: off by %d grey levels" % worst)
EOF
    check "the page's digits are the test set's first 20" grep -qx digits "$tmp/verdict"
    check "their probabilities agree with nnart predict" grep -qx "test probabilities" "$tmp/verdict"
    check "the drawing's probabilities agree with nnart predict --image" \
        grep -qx "drawing probabilities" "$tmp/verdict"
    check "the drawing's 28 x 28 input is the one nnart prepares" grep -qx input "$tmp/verdict"
    check "no error in the page's script" sh -c "! grep -q 'Uncaught' '$tmp/chrome.err'"
    [ "$failed" -eq 0 ] || cat "$tmp/verdict"
fi

# --selftest N embeds N digits (from --index I); 0 embeds none and needs no data set.
"$N" export -m "$tmp/m.nnm" --html "$tmp/five.html" --selftest 5 >"$tmp/out"
check "--selftest 5" grep -q '(.* bytes, 5 test digits)' "$tmp/out"
"$N" export -m "$tmp/m.nnm" --html "$tmp/later.html" --index 9998 --selftest 2 >"$tmp/out"
check "--index 9998 --selftest 2: digits 9998 and 9999" grep -q '"digits":{"index":\[9998,9999\]' "$tmp/later.html"
expect 2 "--index 9999 --selftest 2: .* has images 0 to 9999" "$N" export -m "$tmp/m.nnm" --html "$tmp/x.html" --index 9999 --selftest 2
"$N" export -m "$tmp/m.nnm" --html "$tmp/none.html" --selftest 0 --data "$tmp/nowhere" >"$tmp/out"
check "--selftest 0 reads no data" grep -q '(.* bytes, 0 test digits)' "$tmp/out"

# Errors: one line, before any work; no page left behind.
expect 2 "nothing to write: give --html FILE or --npz FILE" "$N" export -m "$tmp/m.nnm"
expect 2 "--selftest: 1001 is out of range" "$N" export -m "$tmp/m.nnm" --html "$tmp/x.html" --selftest 1001
expect 1 "$tmp/no/x.html" "$N" export -m "$tmp/m.nnm" --html "$tmp/no/x.html"
expect 1 "missing.nnm" "$N" export -m "$tmp/missing.nnm" --html "$tmp/x.html"
check "a failed export writes nothing" [ ! -e "$tmp/x.html" ]
expect 1 "--data $tmp/nowhere: No such file" "$N" export -m "$tmp/m.nnm" --html "$tmp/x.html" --data "$tmp/nowhere"
expect 2 "unknown option" "$N" export -m "$tmp/m.nnm" --htm "$tmp/x.html"
finish
