/* digit.js - the script of the page nnart export --html writes (see
 * include/nn_page.h): the model runs here, on what you draw.
 *
 * Every number the network computes is a float32 rounded as nnart's generic
 * kernels round it: Math.fround after each operation, sums in the same order
 * (src/nn/kernels.c, src/nn/layers.c).  The preparation of a drawing repeats
 * src/pictures/digit.c step by step.  Opened as page.html#selftest, the page
 * runs itself on its test digits and on strokes it draws through its own
 * pointer handlers, and writes the results into #selftest and
 * #selftest-drawing for a test to read.
 */
'use strict';

(function () {
    const f32 = Math.fround;
    const data = JSON.parse(document.getElementById('model').textContent);

    /* ---- bytes ------------------------------------------------------------ */

    function fromBase64(text) {
        const bin = atob(text);
        const out = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++)
            out[i] = bin.charCodeAt(i);
        return out;
    }

    function toBase64(bytes) {
        let bin = '';
        for (let i = 0; i < bytes.length; i += 8192)
            bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
        return btoa(bin);
    }

    /* ---- the model -------------------------------------------------------- */

    /* Layer l: W (sizes[l+1] rows of sizes[l]) then b, little-endian float32. */
    function loadLayers(d) {
        const bytes = fromBase64(d.params);
        const view = new DataView(bytes.buffer);
        const params = new Float32Array(bytes.length / 4);
        for (let i = 0; i < params.length; i++)
            params[i] = view.getFloat32(4 * i, true);
        const layers = [];
        let at = 0;
        for (let l = 0; l + 1 < d.sizes.length; l++) {
            const nIn = d.sizes[l], nOut = d.sizes[l + 1];
            const W = params.subarray(at, at + nIn * nOut);
            at += nIn * nOut;
            const b = params.subarray(at, at + nOut);
            at += nOut;
            layers.push({ nIn, nOut, W, b, act: d.activations[l] });
        }
        return layers;
    }

    const layers = loadLayers(data);
    const ROWS = data.rows, COLS = data.cols;
    const acc = new Float32Array(8);

    /* sum_k x[k] w[wo + k] as the generic kernel's dot: eight interleaved
     * partial sums (lane j takes k = j mod 8) combined pairwise, then the
     * tail beyond the last multiple of 8. */
    function dot(x, w, wo, n) {
        acc.fill(0);
        let k = 0;
        for (; k + 8 <= n; k += 8)
            for (let j = 0; j < 8; j++)
                acc[j] = f32(acc[j] + f32(x[k + j] * w[wo + k + j]));
        let tail = 0;
        for (; k < n; k++)
            tail = f32(tail + f32(x[k] * w[wo + k]));
        const left = f32(f32(acc[0] + acc[1]) + f32(acc[2] + acc[3]));
        const right = f32(f32(acc[4] + acc[5]) + f32(acc[6] + acc[7]));
        return f32(f32(left + right) + tail);
    }

    /* The logistic function as layers.c writes it: exp only of -|z|. */
    function sigmoid(z) {
        if (z >= 0)
            return f32(1 / f32(1 + f32(Math.exp(-z))));
        const e = f32(Math.exp(z));
        return f32(e / f32(1 + e));
    }

    /* y = act(z) in place of a new array; softmax sums in double as layers.c. */
    function activate(act, z) {
        const n = z.length, y = new Float32Array(n);
        if (act === 'relu') {
            for (let k = 0; k < n; k++)
                y[k] = z[k] < 0 ? 0 : z[k];
        } else if (act === 'sigmoid') {
            for (let k = 0; k < n; k++)
                y[k] = sigmoid(z[k]);
        } else if (act === 'tanh') {
            for (let k = 0; k < n; k++)
                y[k] = f32(Math.tanh(z[k]));
        } else if (act === 'softmax') {
            let m = z[0];
            for (let j = 1; j < n; j++)
                m = z[j] > m ? z[j] : m;
            let sum = 0;
            for (let j = 0; j < n; j++) {
                /* e_j = exp(z_j - max z); y_j = e_j / sum_k e_k */
                y[j] = f32(Math.exp(f32(z[j] - m)));
                sum += y[j];
            }
            for (let j = 0; j < n; j++)
                y[j] = f32(y[j] / sum);
        } else {
            y.set(z);
        }
        return y;
    }

    /* z_l = a_{l-1} W_l^T + b_l, a_l = act_l(z_l) for every layer, a_{-1} = x. */
    function forward(x) {
        const z = [], a = [];
        let input = x;
        for (const L of layers) {
            const zl = new Float32Array(L.nOut);
            for (let o = 0; o < L.nOut; o++)
                zl[o] = f32(L.b[o] + dot(input, L.W, o * L.nIn, L.nIn));
            z.push(zl);
            a.push(activate(L.act, zl));
            input = a[a.length - 1];
        }
        return { z, a, p: a[a.length - 1] };
    }

    /* First index of the largest value. */
    function argmax(v) {
        let best = 0;
        for (let i = 1; i < v.length; i++)
            if (v[i] > v[best])
                best = i;
        return best;
    }

    /* ---- preparing a drawing (src/pictures/digit.c) -------------------------- */

    const INK_MIN = f32(0.05);

    /* C's lround: halves away from zero. */
    function lround(v) {
        return v < 0 ? -Math.round(-v) : Math.round(v);
    }

    /* Area-averaging resampling of n samples (src[so], src[so + ss], ...)
     * into m: dst[j] = (1 / f) sum_i |[i, i+1) n [j f, (j+1) f)| src[i], f = n / m. */
    function resample(src, so, n, ss, dst, dO, m, ds) {
        const f = n / m;
        for (let j = 0; j < m; j++) {
            const a = j * f, b = j + 1 === m ? n : (j + 1) * f;
            const i0 = Math.floor(a), i1 = Math.min(Math.ceil(b), n);
            let sum = 0;
            for (let i = i0; i < i1; i++) {
                const lo = a > i ? a : i, hi = b < i + 1 ? b : i + 1;
                if (hi > lo)
                    sum += (hi - lo) * src[so + i * ss];
            }
            dst[dO + j * ds] = f32(sum / (b - a));
        }
    }

    /* The bounding box of every pixel above INK_MIN, or null if none. */
    function inkBox(g, w, h) {
        const box = { x0: w, x1: 0, y0: h, y1: 0 };
        for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++)
                if (g[y * w + x] > INK_MIN) {
                    box.x0 = Math.min(box.x0, x);
                    box.x1 = Math.max(box.x1, x);
                    box.y0 = Math.min(box.y0, y);
                    box.y1 = Math.max(box.y1, y);
                }
        return box.x0 > box.x1 ? null : box;
    }

    /* The size the cw x ch crop is scaled to: fits the 20/28 box, aspect kept. */
    function fitSize(cw, ch) {
        const bh = Math.max(1, lround(20 / 28 * ROWS)), bw = Math.max(1, lround(20 / 28 * COLS));
        const s = Math.min(bw / cw, bh / ch);
        const w = lround(s * cw), h = lround(s * ch);
        return { nw: Math.min(Math.max(w, 1), bw), nh: Math.min(Math.max(h, 1), bh) };
    }

    /* The digit, shifted by whole pixels so that its centre of mass lands at
     * (ROWS / 2, COLS / 2), values clamped to [0, 1]. */
    function placeByMass(digit, nw, nh) {
        let m = 0, my = 0, mx = 0;
        for (let y = 0; y < nh; y++)
            for (let x = 0; x < nw; x++) {
                const v = digit[y * nw + x];
                m += v;
                my += v * y;
                mx += v * x;
            }
        const oy = lround(ROWS / 2 - my / m), ox = lround(COLS / 2 - mx / m);
        const out = new Float32Array(ROWS * COLS);
        for (let y = 0; y < nh; y++) {
            const ty = y + oy;
            if (ty < 0 || ty >= ROWS)
                continue;
            for (let x = 0; x < nw; x++) {
                const tx = x + ox;
                if (tx < 0 || tx >= COLS)
                    continue;
                const v = digit[y * nw + x];
                out[ty * COLS + tx] = v < 0 ? 0 : v > 1 ? 1 : v;
            }
        }
        return out;
    }

    /* A white-on-black grey map g (w x h, values in [0, 1]) in MNIST's form,
     * or null if it is blank: crop, scale rows then columns, place. */
    function prepare(g, w, h) {
        const box = inkBox(g, w, h);
        if (!box)
            return null;
        const cw = box.x1 - box.x0 + 1, ch = box.y1 - box.y0 + 1;
        const { nw, nh } = fitSize(cw, ch);
        const row = new Float32Array(cw), wide = new Float32Array(ch * nw);
        const digit = new Float32Array(nh * nw);
        for (let y = 0; y < ch; y++) {
            for (let x = 0; x < cw; x++)
                row[x] = g[(box.y0 + y) * w + box.x0 + x];
            resample(row, 0, cw, 1, wide, y * nw, nw, 1);
        }
        for (let x = 0; x < nw; x++)
            resample(wide, x, ch, nw, digit, x, nh, nw);
        return placeByMass(digit, nw, nh);
    }

    /* ---- colours ---------------------------------------------------------- */

    /* matplotlib's lookup: entry min(floor(v * 256), 255) of the table; NaN black. */
    function colour(table, v) {
        if (Number.isNaN(v))
            return [0, 0, 0];
        const i = v < 0 ? 0 : Math.min(Math.floor(f32(v * 256)), 255);
        return [table[3 * i], table[3 * i + 1], table[3 * i + 2]];
    }

    /* nn_normalize: (x - lo) / (hi - lo), 0 when lo = hi. */
    function normalize(x, lo, hi) {
        return lo === hi ? 0 : f32(f32(x - lo) / f32(hi - lo));
    }

    function css(rgb, alpha) {
        return alpha === undefined ? `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`
                                   : `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${alpha})`;
    }

    /* Black text on light cells, white on dark (BT.601 luma above 128). */
    function textOn(rgb) {
        return 299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] > 128000 ? '#000' : '#fff';
    }

    /* The value written in a cell, as nnart's network picture writes it. */
    function valueText(v, probability) {
        const a = Math.abs(v);
        return v.toFixed(probability ? 3 : a >= 100 ? 0 : a >= 10 ? 1 : 2);
    }

    /* An image of rows x cols values, each rgb(v[i]), for drawImage. */
    function valuesImage(v, rows, cols, rgbOf) {
        const c = document.createElement('canvas');
        c.width = cols;
        c.height = rows;
        const ctx = c.getContext('2d');
        const img = ctx.createImageData(cols, rows);
        for (let i = 0; i < rows * cols; i++) {
            const rgb = rgbOf(v[i]);
            img.data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
        }
        ctx.putImageData(img, 0, 0);
        return c;
    }

    const greyOf = v => { const g = Math.min(255, Math.max(0, Math.floor(v * 255))); return [g, g, g]; };

    /* A row of cells, one per value, hot from lo to hi, with the values written
     * (up to 16 cells; a wider layer gets narrow cells without them). */
    function drawCells(canvas, values, lo, hi, probability, mark) {
        const n = values.length, written = n <= 16, ch = 30;
        const cw = written ? 48 : Math.max(2, Math.floor(768 / n)), width = Math.max(n * cw, 1);
        canvas.width = width;
        canvas.height = ch + (probability ? 18 : 0);
        const ctx = canvas.getContext('2d');
        ctx.fillStyle = '#1f1f27';
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.font = '13px ui-monospace, monospace';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        for (let i = 0; i < n; i++) {
            const rgb = colour(data.hot, normalize(values[i], lo, hi));
            ctx.fillStyle = css(rgb);
            ctx.fillRect(i * cw, 0, cw, ch);
            ctx.fillStyle = textOn(rgb);
            if (written)
                ctx.fillText(valueText(values[i], probability), i * cw + cw / 2, ch / 2);
            if (probability && written) {
                ctx.fillStyle = i === mark ? '#00c8ff' : '#e6e6e6';
                ctx.fillText(String(i), i * cw + cw / 2, ch + 9);
            }
        }
        if (mark >= 0) {
            ctx.strokeStyle = '#00c8ff';
            ctx.lineWidth = 3;
            ctx.strokeRect(mark * cw + 1.5, 1.5, cw - 3, ch - 3);
        }
    }

    /* ---- the network picture (src/pictures/network.c) ------------------------ */

    const MAX_UNITS = 16;
    const NET = { u: 2, bg: '#16161c', text: '#e6e6e6', dim: '#9696a0', mark: '#00c8ff',
                  pos: [240, 70, 60], neg: [70, 130, 255] };

    /* The k units of largest |v| (all if there are no more), in index order. */
    function strongest(v, k) {
        const idx = Array.from(v, (_, i) => i);
        if (v.length > k)
            idx.sort((p, q) => Math.abs(v[q]) - Math.abs(v[p]) || p - q);
        return idx.slice(0, k).sort((p, q) => p - q);
    }

    /* The geometry of network.c's layout for the units shown. */
    function geometry(shown) {
        const u = NET.u, side = Math.max(ROWS, COLS);
        const g = { u };
        g.tp = u * (side < 28 ? Math.ceil(28 / side) : 1);
        g.tile = side * g.tp;
        g.digit = 4 * g.tile;
        g.pitch = Math.max(g.tile + 4 * u, 24 * u);
        g.cw = 40 * u;
        g.ch = 18 * u;
        g.gap = 90 * u;
        const most = Math.max(1, ...shown.slice(1).map(s => s.length));
        g.body = Math.max(most * g.pitch, g.digit);
        g.top = 34 * u;
        g.xDigit = 10 * u;
        g.xTiles = g.xDigit + g.digit + 30 * u;
        g.xCol = [0, g.xTiles + g.tile + 4 * u];
        for (let c = 2; c <= layers.length; c++)
            g.xCol[c] = g.xCol[c - 1] + g.cw + g.gap;
        g.width = g.xCol[layers.length] + g.cw + 30 * u;
        g.height = g.top + g.body + 40 * u;
        return g;
    }

    function cellY(g, i, n) {
        return g.top + Math.floor((g.body - n * g.pitch) / 2) + i * g.pitch +
               Math.floor((g.pitch - g.ch) / 2);
    }

    /* Weight tiles of the first layer's units, bwr symmetric about 0 per tile. */
    const tiles = layers[0].nOut <= 4096 ? Array.from({ length: layers[0].nOut }, (_, o) => {
        const W = layers[0].W.subarray(o * layers[0].nIn, (o + 1) * layers[0].nIn);
        let most = 0;
        for (const w of W)
            most = Math.max(most, Math.abs(w));
        return valuesImage(W, ROWS, COLS, w => colour(data.bwr, normalize(w, -most, most)));
    }) : [];

    /* The lines into column c, weakest first, each relative to the strongest:
     * from the input, one per unit for sum_i w_oi x_i; else |w_ok a_k|. */
    function connections(ctx, g, run, shown, c) {
        const lines = [], no = shown[c].length, nk = c > 1 ? shown[c - 1].length : 0;
        shown[c].forEach((o, j) => {
            const y1 = cellY(g, j, no) + g.ch / 2;
            if (c === 1) {
                const sum = f32(run.z[0][o] - layers[0].b[o]);
                const y0 = g.top + (g.body - g.digit) / 2 + g.digit * (j + 0.5) / no;
                lines.push([g.xDigit + g.digit + g.u, y0, g.xTiles - g.u, y1, Math.abs(sum), sum > 0]);
                return;
            }
            const L = layers[c - 1], W = L.W, a = run.a[c - 2];
            shown[c - 1].forEach((k, i) => {
                const w = W[o * L.nIn + k];
                lines.push([g.xCol[c - 1] + g.cw, cellY(g, i, nk) + g.ch / 2, g.xCol[c], y1,
                            Math.abs(f32(w * a[k])), w > 0]);
            });
        });
        const most = Math.max(0, ...lines.map(l => l[4]));
        for (const l of lines)
            l[4] = most > 0 ? l[4] / most : 0;
        lines.sort((p, q) => p[4] - q[4]);
        ctx.lineCap = 'round';
        for (const [x0, y0, x1, y1, s, positive] of lines) {
            if (s < 0.01)
                continue;
            ctx.strokeStyle = css(positive ? NET.pos : NET.neg, s);
            ctx.lineWidth = g.u * (0.5 + 2.5 * s);
            ctx.beginPath();
            ctx.moveTo(x0, y0);
            ctx.lineTo(x1, y1);
            ctx.stroke();
        }
    }

    /* Column c's cells: hot from min(0, smallest) to the largest activation,
     * 0 to 1 for a softmax output; the output's classes beside it. */
    function column(ctx, g, run, shown, c, predicted) {
        const a = run.a[c - 1], last = c === layers.length;
        const prob = last && layers[c - 1].act === 'softmax';
        let lo = 0, hi = 1;
        if (!prob) {
            lo = Math.min(0, ...a);
            hi = Math.max(...a);
        }
        ctx.font = `${7 * g.u}px ui-monospace, monospace`;
        ctx.textBaseline = 'middle';
        shown[c].forEach((o, j) => {
            const y = cellY(g, j, shown[c].length), rgb = colour(data.hot, normalize(a[o], lo, hi));
            ctx.fillStyle = css(rgb);
            ctx.fillRect(g.xCol[c], y, g.cw, g.ch);
            ctx.fillStyle = textOn(rgb);
            ctx.textAlign = 'center';
            ctx.fillText(valueText(a[o], prob), g.xCol[c] + g.cw / 2, y + g.ch / 2);
            if (!last)
                return;
            ctx.textAlign = 'left';
            ctx.fillStyle = o === predicted ? NET.mark : NET.text;
            ctx.fillText(String(o), g.xCol[c] + g.cw + 6 * g.u, y + g.ch / 2);
            if (o === predicted) {
                ctx.strokeStyle = NET.mark;
                ctx.lineWidth = g.u;
                ctx.strokeRect(g.xCol[c] - g.u / 2, y - g.u / 2, g.cw + g.u, g.ch + g.u);
            }
        });
    }

    /* The words: title, headings, activations, how to read the lines. */
    function words(ctx, g, run, shown, predicted) {
        const u = g.u;
        ctx.font = `${8 * u}px ui-monospace, monospace`;
        ctx.textBaseline = 'top';
        ctx.textAlign = 'left';
        ctx.fillStyle = NET.text;
        ctx.fillText(`${data.sizes.join('-')}   predicted ${predicted}   p=${run.p[predicted].toFixed(4)}`,
                     10 * u, 8 * u);
        ctx.fillStyle = NET.dim;
        ctx.textAlign = 'center';
        ctx.fillText('input', g.xDigit + g.digit / 2, 22 * u);
        for (let c = 1; c <= layers.length; c++) {
            const left = c === 1 ? g.xTiles : g.xCol[c];
            ctx.fillText(c === layers.length ? 'output' : `layer ${c}`, (left + g.xCol[c] + g.cw) / 2, 22 * u);
            ctx.fillText(layers[c - 1].act, g.xCol[c] + g.cw / 2, g.top + g.body + 4 * u);
        }
        const notes = ['lines: red w > 0, blue w < 0; width and opacity |w * a|'];
        for (let c = 1; c <= layers.length; c++)
            if (shown[c].length < layers[c - 1].nOut)
                notes.push(`layer ${c}: the ${shown[c].length} of ${layers[c - 1].nOut} units with the largest |a|`);
        ctx.textAlign = 'left';
        notes.forEach((t, i) => ctx.fillText(t, 10 * u, g.top + g.body + 16 * u + i * 10 * u));
        return notes.length;
    }

    /* The whole picture for the input x and its forward pass. */
    function drawNetwork(canvas, x, run) {
        const shown = [null];
        for (let c = 1; c <= layers.length; c++)
            shown.push(strongest(run.a[c - 1], MAX_UNITS));
        const g = geometry(shown), predicted = argmax(run.p);
        const notes = 1 + shown.slice(1).filter((s, c) => s.length < layers[c].nOut).length;
        canvas.width = Math.max(g.width, 560 * g.u / 2);
        canvas.height = g.top + g.body + 16 * g.u + notes * 10 * g.u + 6 * g.u;
        const ctx = canvas.getContext('2d');
        ctx.imageSmoothingEnabled = false;
        ctx.fillStyle = NET.bg;
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        for (let c = 1; c <= layers.length; c++)
            connections(ctx, g, run, shown, c);
        ctx.drawImage(valuesImage(x, ROWS, COLS, greyOf), g.xDigit, g.top + (g.body - g.digit) / 2,
                      COLS * 4 * g.tp, ROWS * 4 * g.tp);
        shown[1].forEach((o, j) => {
            if (tiles[o])
                ctx.drawImage(tiles[o], g.xTiles, cellY(g, j, shown[1].length) + g.ch / 2 - ROWS * g.tp / 2,
                              COLS * g.tp, ROWS * g.tp);
        });
        for (let c = 1; c <= layers.length; c++)
            column(ctx, g, run, shown, c, predicted);
        words(ctx, g, run, shown, predicted);
    }

    /* ---- the page --------------------------------------------------------- */

    const pad = document.getElementById('pad');
    const padCtx = pad.getContext('2d', { willReadFrequently: true });
    const STROKE = 22; /* pen width in pad pixels: MNIST's stroke at 280 / 28 */
    let pen = null;     /* the pointer drawing now and its last point */
    let pending = false;

    /* The pad's grey values: red channel / 255, as nnart reads a PGM. */
    function padGrey() {
        const px = padCtx.getImageData(0, 0, pad.width, pad.height).data;
        const bytes = new Uint8Array(pad.width * pad.height);
        const g = new Float32Array(bytes.length);
        for (let i = 0; i < bytes.length; i++) {
            bytes[i] = px[4 * i];
            g[i] = f32(bytes[i] / 255);
        }
        return { bytes, g };
    }

    function clearPad() {
        padCtx.fillStyle = '#000';
        padCtx.fillRect(0, 0, pad.width, pad.height);
    }

    /* A pointer event's position in pad pixels. */
    function padPoint(e) {
        const r = pad.getBoundingClientRect();
        return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
    }

    function stroke(from, to) {
        padCtx.strokeStyle = '#fff';
        padCtx.lineWidth = STROKE;
        padCtx.lineCap = padCtx.lineJoin = 'round';
        padCtx.beginPath();
        padCtx.moveTo(from[0], from[1]);
        padCtx.lineTo(to[0], to[1]);
        padCtx.stroke();
    }

    /* Redraws everything from the pad at the next frame (once per frame). */
    function schedule() {
        if (!pending) {
            pending = true;
            requestAnimationFrame(() => { pending = false; fromPad(); });
        }
    }

    pad.addEventListener('pointerdown', e => {
        if (pen || e.button > 0)
            return;
        try {
            pad.setPointerCapture(e.pointerId);
        } catch (err) {
            /* a pointer the browser does not know (a synthetic one) is drawn all the same */
        }
        pen = { id: e.pointerId, last: padPoint(e) };
        stroke(pen.last, pen.last);
        chosen(null);
        schedule();
        e.preventDefault();
    });
    pad.addEventListener('pointermove', e => {
        if (!pen || e.pointerId !== pen.id)
            return;
        const p = padPoint(e);
        stroke(pen.last, p);
        pen.last = p;
        schedule();
    });
    for (const type of ['pointerup', 'pointercancel'])
        pad.addEventListener(type, e => {
            if (pen && e.pointerId === pen.id) {
                pen = null;
                schedule();
            }
        });

    /* ---- showing a forward pass ----------------------------------------------- */

    const inputCanvas = document.getElementById('input');
    inputCanvas.width = COLS;
    inputCanvas.height = ROWS;
    const layerCanvases = layers.slice(0, -1).map((L, l) => {
        const div = document.createElement('div');
        div.className = 'layer';
        div.innerHTML = `<span class="note">layer ${l + 1}: ${L.nOut} ${L.act}</span>`;
        const c = document.createElement('canvas');
        div.appendChild(c);
        document.getElementById('layers').appendChild(div);
        return c;
    });

    /* Shows x (or a blank input, x null) and its forward pass everywhere. */
    function show(x, source) {
        const input = x || new Float32Array(ROWS * COLS);
        const run = forward(input);
        const ctx = inputCanvas.getContext('2d');
        ctx.drawImage(valuesImage(input, ROWS, COLS, greyOf), 0, 0);
        const predicted = x ? argmax(run.p) : -1;
        const verdict = document.getElementById('verdict');
        verdict.innerHTML = x ? `${predicted} <small>p = ${run.p[predicted].toFixed(4)} &middot; ${source}</small>`
                              : '&ndash; <small>draw a digit</small>';
        const last = layers[layers.length - 1];
        const probs = last.act === 'softmax';
        drawCells(document.getElementById('strip'), run.p, probs ? 0 : Math.min(0, ...run.p),
                  probs ? 1 : Math.max(...run.p), probs, predicted);
        layerCanvases.forEach((c, l) => drawCells(c, run.a[l], Math.min(0, ...run.a[l]), Math.max(...run.a[l]), false, -1));
        drawNetwork(document.getElementById('network'), input, run);
        return run;
    }

    /* The pad prepared and run; returns what the self-test reports. */
    function fromPad() {
        const grey = padGrey();
        const x = prepare(grey.g, pad.width, pad.height);
        const run = show(x, 'your drawing');
        return { grey, x, run };
    }

    /* ---- test digits ---------------------------------------------------------- */

    const digitBytes = fromBase64(data.digits.pixels);

    function digitInput(i) {
        const n = ROWS * COLS, x = new Float32Array(n);
        for (let k = 0; k < n; k++)
            x[k] = f32(digitBytes[i * n + k] / 255);
        return x;
    }

    let chosenButton = null;
    function chosen(button) {
        if (chosenButton)
            chosenButton.classList.remove('chosen');
        chosenButton = button;
        if (button)
            button.classList.add('chosen');
    }

    data.digits.images.forEach((uri, i) => {
        const b = document.createElement('button');
        b.type = 'button';
        const label = data.digits.labels[i];
        b.title = `test image ${data.digits.index[i]}` + (label >= 0 ? `, a ${label}` : '');
        const img = document.createElement('img');
        img.src = uri;
        img.alt = b.title;
        b.appendChild(img);
        b.appendChild(document.createTextNode(`#${data.digits.index[i]}`));
        b.addEventListener('click', () => {
            clearPad();
            chosen(b);
            show(digitInput(i), b.title);
        });
        document.getElementById('digits').appendChild(b);
    });

    /* ---- what the model file says ------------------------------------------------ */

    function describe() {
        document.getElementById('summary').textContent =
            `${data.sizes.join('-')} (${data.activations.join(', ')}), ` +
            `${layers.reduce((s, L) => s + L.W.length + L.b.length, 0)} parameters, nnart ${data.version}`;
        document.getElementById('dreams').src = data.dreams;
        document.getElementById('weights').src = data.weights;
        const t = data.training, rows = [];
        const metric = (loss, acc) => loss === null && acc === null ? 'not measured'
            : `loss ${loss === null ? '?' : loss.toFixed(4)}, accuracy ${acc === null ? '?' : acc.toFixed(4)}`;
        if (t) {
            rows.push(['optimizer', `${t.optimizer}, learning rate ${t.lr === null ? '?' : Number(t.lr.toPrecision(6))}`],
                      ['loss', t.loss], ['epochs', `${t.epochs} of batch ${t.batch}`],
                      ['seed', t.seed], ['samples', `${t.n_train}` + (t.val_split > 0 ? `, validation split ${Number(t.val_split.toPrecision(6))}` : '')],
                      ['train', metric(t.train_loss, t.train_accuracy)],
                      ['validation', metric(t.val_loss, t.val_accuracy)],
                      ['test', metric(t.test_loss, t.test_accuracy)]);
        } else {
            rows.push(['training', 'not recorded in the model file']);
        }
        const table = document.getElementById('training');
        for (const [k, v] of rows) {
            const tr = table.insertRow();
            tr.insertCell().textContent = k;
            tr.insertCell().textContent = v;
        }
    }

    /* ---- self-test -------------------------------------------------------------- */

    /* Strokes of a 4 in pad pixels, drawn as a user would. */
    const TEST_STROKES = [
        [[90, 50], [80, 90], [70, 130], [64, 160], [110, 162], [160, 160], [205, 158]],
        [[170, 60], [168, 110], [166, 160], [165, 200], [164, 240]],
    ];

    function pointer(type, p, buttons) {
        const r = pad.getBoundingClientRect();
        pad.dispatchEvent(new PointerEvent(type, {
            bubbles: true, cancelable: true, pointerId: 7, pointerType: 'pen', isPrimary: true,
            button: 0, buttons, clientX: r.left + p[0] * r.width / pad.width,
            clientY: r.top + p[1] * r.height / pad.height,
        }));
    }

    function selftest() {
        const results = data.digits.index.map((index, i) => ({
            index, probabilities: Array.from(forward(digitInput(i)).p),
        }));
        const out = document.getElementById('selftest');
        out.textContent = JSON.stringify(results);
        clearPad();
        for (const s of TEST_STROKES) {
            pointer('pointerdown', s[0], 1);
            for (const p of s.slice(1))
                pointer('pointermove', p, 1);
            pointer('pointerup', s[s.length - 1], 0);
        }
        const got = fromPad();
        const drawing = document.getElementById('selftest-drawing');
        drawing.textContent = JSON.stringify({
            width: pad.width, height: pad.height, pixels: toBase64(got.grey.bytes),
            input: got.x ? Array.from(got.x) : null,
            probabilities: got.x ? Array.from(got.run.p) : null,
        });
    }

    document.getElementById('clear').addEventListener('click', () => {
        clearPad();
        chosen(null);
        show(null);
    });
    describe();
    clearPad();
    show(null);
    if (location.hash === '#selftest')
        selftest();
})();
