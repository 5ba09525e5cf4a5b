/* test_explain.c - the attribution methods against independent references:
 * gradients against central differences of a double-precision forward pass
 * written here, integrated gradients against their completeness and a fine
 * Riemann sum, SmoothGrad and occlusion against their definitions, gradient
 * x input against positive homogeneity, Spearman against a hand example;
 * the picture against its golden file (NNART_UPDATE_GOLDEN=1 writes
 * tests/golden/explain_sheet.ppm: look at it, then gzip -9nf it). */
#include "nnart.h"
#include "test.h"
#include "golden.h"

/* A random model: n0 inputs, widths h1, h2, C outputs, hidden activation
 * act, output out; Glorot weights from seed, biases drawn too (unless
 * zero_bias). */
static void random_model(nn_model *m, size_t n0, nn_activation act, nn_activation out,
                         uint64_t seed, int zero_bias)
{
    size_t sizes[4] = {n0, 7, 5, 4};
    nn_activation acts[3] = {act, act, out};
    nn_error err;
    CHECK_OK(nn_model_create(m, 3, sizes, acts, &err), &err);
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_model_init_glorot(m, &r);
    for (size_t l = 0; l < 3 && !zero_bias; l++)
        for (size_t o = 0; o < sizes[l + 1]; o++)
            m->params[nn_model_bias_offset(m, l) + o] = (float)(0.4 * nn_rng_normal(&r));
}

static void random_input(float *x, size_t n, uint64_t seed)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)nn_rng_uniform(&r);
}

/* Output k of m at x, all in double: the reference forward pass. */
static double ref_output(const nn_model *m, const double *x, size_t k)
{
    double a[2][64];
    const double *in = x;
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t ni = m->sizes[l], no = m->sizes[l + 1];
        const float *W = m->params + nn_model_weight_offset(m, l);
        const float *b = m->params + nn_model_bias_offset(m, l);
        double *z = a[l % 2], most = -1e300, sum = 0.0;
        for (size_t o = 0; o < no; o++) {
            z[o] = b[o];
            for (size_t i = 0; i < ni; i++)
                z[o] += (double)W[o * ni + i] * in[i];
            most = z[o] > most ? z[o] : most;
        }
        for (size_t o = 0; o < no; o++) {
            switch (m->act[l]) {
            case NN_ACT_RELU: z[o] = z[o] > 0 ? z[o] : 0; break;
            case NN_ACT_SIGMOID: z[o] = 1 / (1 + exp(-z[o])); break;
            case NN_ACT_TANH: z[o] = tanh(z[o]); break;
            case NN_ACT_SOFTMAX: sum += z[o] = exp(z[o] - most); break;
            default: break;
            }
        }
        for (size_t o = 0; o < no && m->act[l] == NN_ACT_SOFTMAX; o++)
            z[o] /= sum;
        in = z;
    }
    return in[k];
}

/* dp_k/dx_i by central differences of ref_output, step h. */
static double ref_grad(const nn_model *m, const double *x, size_t k, size_t i, double h)
{
    double xp[64], xm[64];
    memcpy(xp, x, m->sizes[0] * sizeof *x);
    memcpy(xm, x, m->sizes[0] * sizeof *x);
    xp[i] += h, xm[i] -= h;
    return (ref_output(m, xp, k) - ref_output(m, xm, k)) / (2 * h);
}

/* Every gradient method's gradient against central differences. */
static void test_gradients(void)
{
    nn_activation hidden[3] = {NN_ACT_RELU, NN_ACT_SIGMOID, NN_ACT_TANH};
    for (int h = 0; h < 3; h++) {
        nn_model m;
        random_model(&m, 16, hidden[h], NN_ACT_SOFTMAX, 3 + h, 0);
        float x[16], g[16], sal[16], gxi[16];
        double xd[16];
        random_input(x, 16, 11);
        for (size_t i = 0; i < 16; i++)
            xd[i] = x[i];
        nn_error err;
        nn_explain_options o;
        nn_explain_options_default(&o);
        o.target = 2;
        CHECK_OK(nn_explain_gradient(&m, x, 1, 2, g, &err), &err);
        CHECK_OK(nn_explain(&m, x, &o, sal, NULL, &err), &err);
        o.method = NN_EXPLAIN_GRADXINPUT;
        CHECK_OK(nn_explain(&m, x, &o, gxi, NULL, &err), &err);
        for (size_t i = 0; i < 16; i++) {
            double want = ref_grad(&m, xd, 2, i, 1e-6);
            CHECK_NEAR(g[i], want, 1e-5 + 1e-4 * fabs(want));
            CHECK_NEAR(sal[i], fabs(want), 1e-5 + 1e-4 * fabs(want));
            CHECK_NEAR(gxi[i], x[i] * want, 1e-5 + 1e-4 * fabs(want));
        }
        nn_model_free(&m);
    }
}

/* Integrated gradients by the midpoint rule with n steps in double, the
 * gradient by central differences: the reference for ig. */
static void ref_ig(const nn_model *m, const float *x, size_t k, size_t n, double *ig)
{
    size_t n0 = m->sizes[0];
    double p[64];
    for (size_t i = 0; i < n0; i++)
        ig[i] = 0.0;
    for (size_t s = 0; s < n; s++) {
        double t = (s + 0.5) / (double)n;
        for (size_t i = 0; i < n0; i++)
            p[i] = t * x[i];
        for (size_t i = 0; i < n0; i++)
            ig[i] += x[i] * ref_grad(m, p, k, i, 1e-6) / (double)n;
    }
}

/* Exact ig: the same as a fine Riemann sum, and complete to 1e-6 relative,
 * on ReLU models (piecewise) and sigmoid models (adaptive). */
static void test_ig_random(void)
{
    nn_activation hidden[2] = {NN_ACT_RELU, NN_ACT_SIGMOID};
    for (int h = 0; h < 2; h++)
        for (uint64_t seed = 1; seed <= 4; seed++) {
            nn_model m;
            random_model(&m, 16, hidden[h], NN_ACT_SOFTMAX, 20 + seed, 0);
            float x[16], a[16];
            double want[16];
            random_input(x, 16, seed);
            for (size_t i = 0; i < 16; i++)
                x[i] *= 4.0f; /* long paths: many pieces */
            nn_explain_options o;
            nn_explain_options_default(&o);
            o.method = NN_EXPLAIN_IG;
            o.target = seed % 4;
            nn_explain_result r;
            nn_error err;
            CHECK_OK(nn_explain(&m, x, &o, a, &r, &err), &err);
            CHECK(r.exact == (h == 0));
            CHECK(h == 1 || r.pieces > 1);
            double dp = r.p - r.p_baseline, sum = 0;
            for (size_t i = 0; i < 16; i++)
                sum += a[i];
            CHECK_NEAR(r.sum, dp, 1e-6 * fabs(dp) + 1e-12);
            CHECK_NEAR(sum, dp, 1e-6 * fabs(dp) + 1e-7);
            ref_ig(&m, x, o.target, 10000, want);
            double size = 0; /* the reference's error is O(1/n) at the kinks */
            for (size_t i = 0; i < 16; i++)
                size += fabs(want[i]);
            for (size_t i = 0; i < 16; i++)
                CHECK_NEAR(a[i], want[i], 2e-4 * size + 1e-7);
            nn_model_free(&m);
        }
}

/* A model trained on MNIST's test set for two epochs: ig complete to 1e-6
 * relative on digits 0-9, from black and from a blurred copy. */
static void test_ig_trained(void)
{
    nn_dataset d;
    nn_error err;
    if (nn_dataset_load("data/t10k-images-idx3-ubyte", "data/t10k-labels-idx1-ubyte", &d,
                        &err) != NN_OK) {
        SKIP("ig on a trained model", "the bundled MNIST is not unpacked (make data)");
        return;
    }
    size_t sizes[4] = {784, 10, 10, 10};
    nn_activation acts[3] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    nn_model m;
    CHECK_OK(nn_model_create(&m, 3, sizes, acts, &err), &err);
    nn_train_config c;
    nn_train_config_default(&c);
    c.epochs = 2;
    c.threads = 1;
    nn_rng r;
    nn_rng_seed(&r, 1);
    nn_model_init_glorot(&m, &r);
    CHECK_OK(nn_train(&m, &d, &c, &r, NULL, NULL, NULL, &err), &err);
    float x[10 * 784], a[784], blur[784];
    nn_dataset_inputs(&d, 0, 10, x);
    for (size_t i = 0; i < 10; i++) {
        nn_explain_options o;
        nn_explain_options_default(&o);
        o.method = NN_EXPLAIN_IG;
        o.target = d.labels[i];
        nn_explain_result res;
        CHECK_OK(nn_explain(&m, x + i * 784, &o, a, &res, &err), &err);
        CHECK_NEAR(res.sum, res.p - res.p_baseline, 1e-6 * fabs(res.p - res.p_baseline));
        CHECK_OK(nn_explain_blur(x + i * 784, 28, 28, 4.0, blur, &err), &err);
        o.baseline = blur;
        CHECK_OK(nn_explain(&m, x + i * 784, &o, a, &res, &err), &err);
        CHECK_NEAR(res.sum, res.p - res.p_baseline, 1e-6 * fabs(res.p - res.p_baseline));
    }
    nn_model_free(&m);
    nn_dataset_free(&d);
}

/* The Riemann sum converges to the exact value as the steps grow. */
static void test_riemann(void)
{
    nn_model m;
    random_model(&m, 16, NN_ACT_RELU, NN_ACT_SOFTMAX, 7, 0);
    float x[16], exact[16], approx[16];
    random_input(x, 16, 5);
    for (size_t i = 0; i < 16; i++)
        x[i] *= 3.0f;
    nn_explain_options o;
    nn_explain_options_default(&o);
    o.method = NN_EXPLAIN_IG;
    o.target = 1;
    nn_error err;
    nn_explain_result r;
    CHECK_OK(nn_explain(&m, x, &o, exact, &r, &err), &err);
    double last = 1e300, scale = fabs(r.p - r.p_baseline);
    for (size_t steps = 4; steps <= 4096; steps *= 8) {
        o.steps = steps;
        nn_explain_result rr;
        CHECK_OK(nn_explain(&m, x, &o, approx, &rr, &err), &err);
        CHECK(rr.exact == 0 && rr.gradients == steps);
        double e = 0;
        for (size_t i = 0; i < 16; i++)
            e += fabs(approx[i] - exact[i]);
        CHECK(e < last);
        last = e;
    }
    CHECK(last < 1e-3 * scale);
    nn_model_free(&m);
}

/* SmoothGrad: the plain gradient as sigma -> 0; the same bits for a seed,
 * others for another seed. */
static void test_smoothgrad(void)
{
    nn_model m;
    random_model(&m, 16, NN_ACT_TANH, NN_ACT_SOFTMAX, 8, 0);
    float x[16], g[16], a[16], b[16];
    random_input(x, 16, 6);
    nn_error err;
    CHECK_OK(nn_explain_gradient(&m, x, 1, 0, g, &err), &err);
    nn_explain_options o;
    nn_explain_options_default(&o);
    o.method = NN_EXPLAIN_SMOOTHGRAD;
    o.samples = 20;
    double last = 1e300;
    for (float sigma = 0.1f; sigma > 1e-5f; sigma /= 10.0f) {
        o.noise = sigma;
        CHECK_OK(nn_explain(&m, x, &o, a, NULL, &err), &err);
        double e = 0;
        for (size_t i = 0; i < 16; i++)
            e += fabs(a[i] - g[i]);
        CHECK(e < last);
        last = e;
    }
    CHECK(last < 1e-5);
    o.noise = 0.2f;
    CHECK_OK(nn_explain(&m, x, &o, a, NULL, &err), &err);
    CHECK_OK(nn_explain(&m, x, &o, b, NULL, &err), &err);
    CHECK(memcmp(a, b, sizeof a) == 0);
    o.seed = 2;
    CHECK_OK(nn_explain(&m, x, &o, b, NULL, &err), &err);
    CHECK(memcmp(a, b, sizeof a) != 0);
    nn_model_free(&m);
}

/* Occlusion against the outputs computed directly: one patch of the whole
 * 4 x 4 image, then four 2 x 2 patches that do not overlap, and patches of
 * 3 moved by 2 (the last one at the edge, pixels covered twice averaged). */
static void test_occlusion(void)
{
    nn_model m;
    random_model(&m, 16, NN_ACT_RELU, NN_ACT_SOFTMAX, 9, 0);
    float x[16], x0[16], a[16], y[16];
    random_input(x, 16, 7);
    random_input(x0, 16, 8);
    nn_work w;
    nn_error err;
    CHECK_OK(nn_work_create(&w, &m, 1, &err), &err);
    double p = nn_forward(&m, &w, x, 1)[3];
    nn_explain_options o;
    nn_explain_options_default(&o);
    o.method = NN_EXPLAIN_OCCLUSION;
    o.target = 3, o.rows = o.cols = 4, o.baseline = x0;
    o.patch = 4, o.stride = 1;
    nn_explain_result r;
    CHECK_OK(nn_explain(&m, x, &o, a, &r, &err), &err);
    double whole = p - nn_forward(&m, &w, x0, 1)[3];
    CHECK(r.gradients == 1);
    for (size_t i = 0; i < 16; i++)
        CHECK_NEAR(a[i], whole, 1e-7);
    o.patch = 2, o.stride = 2;
    CHECK_OK(nn_explain(&m, x, &o, a, &r, &err), &err);
    CHECK(r.gradients == 4);
    for (size_t py = 0; py < 4; py += 2)
        for (size_t px = 0; px < 4; px += 2) {
            memcpy(y, x, sizeof y);
            for (size_t i = py; i < py + 2; i++)
                for (size_t j = px; j < px + 2; j++)
                    y[i * 4 + j] = x0[i * 4 + j];
            double want = p - nn_forward(&m, &w, y, 1)[3];
            for (size_t i = py; i < py + 2; i++)
                for (size_t j = px; j < px + 2; j++)
                    CHECK_NEAR(a[i * 4 + j], want, 1e-7);
        }
    o.patch = 3, o.stride = 2; /* starts 0 and 1 on each side: 4 patches */
    CHECK_OK(nn_explain(&m, x, &o, a, &r, &err), &err);
    CHECK(r.gradients == 4);
    nn_work_free(&w);
    nn_model_free(&m);
}

/* A ReLU network with zero biases and an identity output is positively
 * homogeneous, f(x) = x . df/dx: gradient x input adds up to the output. */
static void test_homogeneous(void)
{
    nn_model m;
    random_model(&m, 16, NN_ACT_RELU, NN_ACT_IDENTITY, 10, 1);
    float x[16], a[16];
    double xd[16];
    random_input(x, 16, 9);
    for (size_t i = 0; i < 16; i++)
        xd[i] = x[i];
    for (size_t k = 0; k < 4; k++) {
        nn_explain_options o;
        nn_explain_options_default(&o);
        o.method = NN_EXPLAIN_GRADXINPUT;
        o.target = k;
        nn_explain_result r;
        nn_error err;
        CHECK_OK(nn_explain(&m, x, &o, a, &r, &err), &err);
        double f = ref_output(&m, xd, k);
        CHECK(fabs(f) > 1e-3);
        CHECK_NEAR(r.sum, f, 1e-5 * fabs(f) + 1e-6);
        CHECK_NEAR(r.p, f, 1e-5 * fabs(f) + 1e-6);
    }
    nn_model_free(&m);
}

/* Spearman's rho of a hand-worked example with a tie: ranks of b are
 * 1 2 3.5 5 3.5, so rho = 8 / sqrt(10 * 9.5); a reversal gives -1. */
static void test_spearman(void)
{
    float a[5] = {1, 2, 3, 4, 5}, b[5] = {5, 6, 7, 8, 7}, c[5] = {9, 7, 5, 3, 1};
    double rho;
    nn_error err;
    CHECK_OK(nn_spearman(a, b, 5, &rho, &err), &err);
    CHECK_NEAR(rho, 8.0 / sqrt(95.0), 1e-12);
    CHECK_OK(nn_spearman(a, c, 5, &rho, &err), &err);
    CHECK_NEAR(rho, -1.0, 1e-12);
    CHECK_OK(nn_spearman(b, b, 5, &rho, &err), &err);
    CHECK_NEAR(rho, 1.0, 1e-12);
    float flat[5] = {2, 2, 2, 2, 2};
    CHECK_OK(nn_spearman(a, flat, 5, &rho, &err), &err);
    CHECK_NEAR(rho, 0.0, 0.0);
    float nan[5] = {1, 2, NAN, 4, 5};
    CHECK(nn_spearman(a, nan, 5, &rho, &err) == NN_ERR_ARG);
}

/* The blur keeps a constant image and spreads a point; the randomised model
 * has the same shape, other weights, the same ones for a seed. */
static void test_blur_randomized(void)
{
    float flat[36], point[36] = {0}, out[36];
    nn_error err;
    for (size_t i = 0; i < 36; i++)
        flat[i] = 0.25f;
    CHECK_OK(nn_explain_blur(flat, 6, 6, 2.0, out, &err), &err);
    for (size_t i = 0; i < 36; i++)
        CHECK_NEAR(out[i], 0.25, 1e-7);
    point[2 * 6 + 2] = 1.0f;
    CHECK_OK(nn_explain_blur(point, 6, 6, 1.0, out, &err), &err);
    CHECK(out[14] < 1.0f && out[14] > out[15] && out[15] > out[16] && out[13] == out[15]);
    CHECK(nn_explain_blur(point, 6, 6, 0.0, out, &err) == NN_ERR_ARG);
    nn_model m, r1, r2;
    random_model(&m, 16, NN_ACT_RELU, NN_ACT_SOFTMAX, 12, 0);
    CHECK_OK(nn_explain_randomized(&m, 5, &r1, &err), &err);
    CHECK_OK(nn_explain_randomized(&m, 5, &r2, &err), &err);
    CHECK(r1.n_params == m.n_params && r1.n_layers == 3 && r1.act[2] == NN_ACT_SOFTMAX);
    CHECK(memcmp(r1.params, r2.params, m.n_params * sizeof(float)) == 0);
    CHECK(memcmp(r1.params, m.params, m.n_params * sizeof(float)) != 0);
    nn_model_free(&m);
    nn_model_free(&r1);
    nn_model_free(&r2);
}

/* Bad arguments fail with NN_ERR_ARG and a message; names round-trip. */
static void test_bad_options(void)
{
    nn_model m;
    random_model(&m, 16, NN_ACT_RELU, NN_ACT_SOFTMAX, 13, 0);
    float x[16] = {0}, a[16];
    nn_error err;
    nn_explain_options o;
    nn_explain_options_default(&o);
    o.target = 4;
    CHECK(nn_explain(&m, x, &o, a, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "class 4");
    o.target = 0, o.method = NN_EXPLAIN_OCCLUSION; /* 28 x 28 on 16 inputs */
    CHECK(nn_explain(&m, x, &o, a, NULL, &err) == NN_ERR_ARG);
    o.rows = o.cols = 4, o.patch = 5;
    CHECK(nn_explain(&m, x, &o, a, NULL, &err) == NN_ERR_ARG);
    o.method = NN_EXPLAIN_SMOOTHGRAD, o.samples = 0;
    CHECK(nn_explain(&m, x, &o, a, NULL, &err) == NN_ERR_ARG);
    for (int i = 0; i < NN_EXPLAIN_METHODS; i++) {
        nn_explain_method got;
        CHECK(nn_explain_method_from_name(nn_explain_method_name((nn_explain_method)i), &got) ==
                  0 && got == (nn_explain_method)i);
    }
    nn_explain_method got;
    CHECK(nn_explain_method_from_name("lime", &got) == -1);
    nn_model_free(&m);
}

/* The percentile interpolates between order statistics as numpy does; the
 * picture of two maps on an 8 x 8 input matches its golden file. */
static void test_picture(void)
{
    float v[5] = {-4, 1, -2, 3, 0}, q;
    nn_error err;
    CHECK_OK(nn_percentile_abs(v, 5, 0.5, &q, &err), &err);
    CHECK_NEAR(q, 2.0, 0.0);
    CHECK_OK(nn_percentile_abs(v, 5, 0.9, &q, &err), &err);
    CHECK_NEAR(q, 3.6, 1e-6); /* pos 3.6: 3 + 0.6 (4 - 3) */
    CHECK_OK(nn_percentile_abs(v, 5, 1.0, &q, &err), &err);
    CHECK_NEAR(q, 4.0, 0.0);
    CHECK(nn_percentile_abs(v, 0, 0.5, &q, &err) == NN_ERR_ARG);
    float x[64], a[64], b[64];
    for (size_t i = 0; i < 64; i++) {
        size_t r = i / 8, c = i % 8;
        x[i] = (r == 2 || c == 5) ? 1.0f : 0.0f;
        a[i] = x[i] * ((float)c - 3.5f);
        b[i] = (float)r - 3.5f + (i == 9 ? 100.0f : 0.0f); /* one outlier, clipped */
    }
    const float *maps[2] = {a, b};
    const char *labels[2] = {"gradxinput: class 1, p 0.5", "saliency"};
    nn_attribution_sheet s = {.rows = 8, .cols = 8, .input = x, .n = 2, .attr = maps,
                              .labels = labels, .percentile = 0.99};
    nn_image img;
    CHECK_OK(nn_render_attribution(&img, &s, 3, &err), &err);
    check_golden(&img, "explain_sheet.ppm");
    nn_image_free(&img);
    s.percentile = 0.0;
    CHECK(nn_render_attribution(&img, &s, 3, &err) == NN_ERR_ARG);
}

int main(void)
{
    RUN(test_gradients);
    RUN(test_ig_random);
    RUN(test_ig_trained);
    RUN(test_riemann);
    RUN(test_smoothgrad);
    RUN(test_occlusion);
    RUN(test_homogeneous);
    RUN(test_spearman);
    RUN(test_blur_randomized);
    RUN(test_bad_options);
    RUN(test_picture);
    return t_summary();
}
