/* test_dream.c - gradient descent on the input: the penalty gradients, the
 * objectives' gradients (hidden unit, logit, softmax) and the whole update
 * (blurred or not) against finite differences, the random transformation and
 * its adjoint, hidden-unit dreams raising their unit, the blur against a
 * direct 2-D convolution, the schedule (blur, fading penalties, polish) against
 * a loop written out here, a hand-built linear model whose dream is known
 * exactly, small trained networks reaching p >= 0.99 with a dark border,
 * bounds, determinism, argument checks and the step callback. */
#include "nn_dream.h"
#include "nnart.h"
#include "test.h"

/* Central differences of nn_dream_penalty against its analytic gradient on a
 * 9 x 15 image (not square, so a swapped row/column stride would show; margins
 * of 1 row and 2 columns, so the border term has three levels). */
static void test_penalty_gradient(void)
{
    enum { R = 9, C = 15, N = R * C };
    nn_dream_config c;
    nn_dream_config_default(&c, R, C);
    c.ink = 0.2f;
    c.l2 = 0.3f;
    c.tv = 0.7f;
    c.border = 0.9f;
    float x[N], g[N] = {0};
    nn_rng r;
    nn_rng_seed(&r, 11);
    for (size_t i = 0; i < N; i++)
        x[i] = (float)nn_rng_uniform(&r);
    nn_dream_penalty(&c, x, g);
    const double h = 1e-2; /* the penalty is quadratic: central differences are exact */
    int bad = 0;
    for (size_t i = 0; i < N; i++) {
        float keep = x[i];
        x[i] = keep + (float)h;
        double up = nn_dream_penalty(&c, x, NULL);
        x[i] = keep - (float)h;
        double down = nn_dream_penalty(&c, x, NULL);
        x[i] = keep;
        double num = (up - down) / (2 * h);
        if (fabs(num - g[i]) > 1e-4)
            bad++, fprintf(stderr, "pixel %zu: numeric %.6f analytic %.6f\n", i, num, g[i]);
    }
    CHECK(bad == 0);
}

/* m_i by hand: margins are rows/7 and cols/7. */
static void test_border_distance(void)
{
    /* 28 x 28: margin 4, the box is rows and columns 4..23. */
    CHECK(nn_dream_border_distance(28, 28, 0, 13) == 1.0f);
    CHECK(nn_dream_border_distance(28, 28, 3, 13) == 0.25f);
    CHECK(nn_dream_border_distance(28, 28, 4, 13) == 0.0f);
    CHECK(nn_dream_border_distance(28, 28, 23, 4) == 0.0f);
    CHECK(nn_dream_border_distance(28, 28, 24, 13) == 0.25f);
    CHECK(nn_dream_border_distance(28, 28, 27, 27) == 1.0f);
    CHECK(nn_dream_border_distance(28, 28, 13, 1) == 0.75f);
    CHECK(nn_dream_border_distance(28, 28, 2, 25) == 0.5f); /* max(2/4, 2/4) */
    CHECK(nn_dream_border_distance(28, 28, 2, 26) == 0.75f); /* max(2/4, 3/4) */
    CHECK(nn_dream_border_distance(28, 28, 1, 5) == 0.75f);
    /* 9 x 15: margins 1 and 2. */
    CHECK(nn_dream_border_distance(9, 15, 4, 1) == 0.5f);
    CHECK(nn_dream_border_distance(9, 15, 8, 7) == 1.0f);
    CHECK(nn_dream_border_distance(9, 15, 4, 7) == 0.0f);
    CHECK(nn_dream_border_distance(9, 15, 7, 13) == 0.5f);
    /* 6 x 6: margin 0, no border at all. */
    CHECK(nn_dream_border_distance(6, 6, 0, 0) == 0.0f);
}

/* The penalty's value on a 2 x 3 image, computed by hand. */
static void test_penalty_by_hand(void)
{
    nn_dream_config c;
    nn_dream_config_plain(&c, 2, 3);
    float x[6] = {0, 1, 0,
                  1, 1, 0};
    /* ||x||^2 / 2 = 3 / 2.  Horizontal differences: (1, -1), (0, -1); vertical:
     * (1, 0, 0).  V = 1/2 (1 + 1 + 0 + 1 + 1 + 0 + 0) = 2. */
    c.l2 = 2.0f, c.tv = 0.0f;
    CHECK_NEAR(nn_dream_penalty(&c, x, NULL), 3.0, 1e-12);
    c.l2 = 0.0f, c.tv = 3.0f;
    CHECK_NEAR(nn_dream_penalty(&c, x, NULL), 6.0, 1e-12);
    float g[6] = {0};
    nn_dream_penalty(&c, x, g);
    /* dV/dx[0] = -(x1 - x0) - (x3 - x0) = -2, times tv = 3. */
    CHECK_NEAR(g[0], -6.0, 1e-6);
    /* Pairs touching x4: (x3, x4) with d = 0, (x4, x5) with d = -1, (x1, x4)
     * with d = 0, so dV/dx[4] = 0 - (-1) + 0 = 1, times tv = 3. */
    CHECK_NEAR(g[4], 3.0, 1e-6);
    /* ink: sum x = 3, times 0.5;  gradient 0.5 everywhere. */
    c.tv = 0.0f, c.ink = 0.5f;
    CHECK_NEAR(nn_dream_penalty(&c, x, NULL), 1.5, 1e-12);
    float gi[6] = {0};
    nn_dream_penalty(&c, x, gi);
    for (size_t i = 0; i < 6; i++)
        CHECK_NEAR(gi[i], 0.5, 1e-7);

    /* Border on 7 x 7 (margin 1: the outer ring has m = 1, the rest 0): ink
     * 0.5 at the corner (0, 0), 1 at (3, 6) on the ring, 1 at (3, 3) inside.
     * B = 1/2 (0.25 + 1) = 0.625, times 2;  gradient m^2 x times 2. */
    nn_dream_config_plain(&c, 7, 7);
    c.border = 2.0f;
    float y[49] = {0}, gy[49] = {0};
    y[0] = 0.5f, y[3 * 7 + 6] = 1.0f, y[3 * 7 + 3] = 1.0f;
    CHECK_NEAR(nn_dream_penalty(&c, y, NULL), 1.25, 1e-12);
    nn_dream_penalty(&c, y, gy);
    CHECK_NEAR(gy[0], 1.0, 1e-7);
    CHECK_NEAR(gy[3 * 7 + 6], 2.0, 1e-7);
    CHECK(gy[3 * 7 + 3] == 0.0f);
}

/* Direct 2-D convolution with the product kernel k(d) k(e), in double, zero
 * outside the image: the reference for nn_dream_blur. */
static void blur_reference(double *out, const float *v, size_t R, size_t C, double sigma)
{
    long r = (long)ceil(3.0 * sigma);
    double sum = 0.0;
    for (long d = -r; d <= r; d++)
        sum += exp(-(double)(d * d) / (2 * sigma * sigma));
    for (long i = 0; i < (long)R; i++)
        for (long j = 0; j < (long)C; j++) {
            double a = 0.0;
            for (long d = -r; d <= r; d++)
                for (long e = -r; e <= r; e++) {
                    long p = i + d, q = j + e;
                    if (p < 0 || q < 0 || p >= (long)R || q >= (long)C)
                        continue;
                    double k = exp(-(double)(d * d + e * e) / (2 * sigma * sigma)) / (sum * sum);
                    a += k * v[p * (long)C + q];
                }
            out[i * (long)C + j] = a;
        }
}

/* The blur against the direct convolution, its value on an impulse by hand,
 * its symmetry <G u, v> = <u, G v>, and sigma = 0 as the identity. */
static void test_blur(void)
{
    enum { R = 9, C = 13, N = R * C };
    float v[N], u[N], tmp[N], kernel[64];
    double want[N];
    nn_rng r;
    nn_rng_seed(&r, 21);
    const float sigmas[] = {0.4f, 1.0f, 1.7f, 3.0f, 5.0f};
    for (size_t s = 0; s < sizeof sigmas / sizeof *sigmas; s++) {
        for (size_t i = 0; i < N; i++)
            v[i] = (float)nn_rng_uniform(&r) - 0.5f;
        blur_reference(want, v, R, C, sigmas[s]);
        nn_dream_blur(v, tmp, kernel, R, C, sigmas[s]);
        int bad = 0;
        for (size_t i = 0; i < N; i++)
            if (fabs(v[i] - want[i]) > 1e-6)
                bad++, fprintf(stderr, "sigma %g pixel %zu: %.8f, want %.8f\n",
                               (double)sigmas[s], i, v[i], want[i]);
        CHECK(bad == 0);
    }
    /* sigma = 1/3: radius 1, weights (a, 1, a) / (1 + 2a) with a = e^-4.5. */
    float imp[25] = {0};
    imp[12] = 1.0f;
    nn_dream_blur(imp, tmp, kernel, 5, 5, 1.0f / 3.0f);
    double a = exp(-4.5), k0 = 1 / (1 + 2 * a), k1 = a / (1 + 2 * a);
    CHECK_NEAR(imp[12], k0 * k0, 1e-7);
    CHECK_NEAR(imp[7], k0 * k1, 1e-7);
    CHECK_NEAR(imp[6], k1 * k1, 1e-7);
    CHECK(imp[0] == 0.0f && imp[10] == 0.0f && imp[2] == 0.0f);
    /* Symmetric with zero padding: <G u, v> = <u, G v>. */
    for (size_t i = 0; i < N; i++)
        u[i] = (float)nn_rng_uniform(&r), v[i] = (float)nn_rng_uniform(&r);
    float gu[N], gv[N];
    memcpy(gu, u, sizeof u);
    memcpy(gv, v, sizeof v);
    nn_dream_blur(gu, tmp, kernel, R, C, 2.0f);
    nn_dream_blur(gv, tmp, kernel, R, C, 2.0f);
    double lhs = 0, rhs = 0;
    for (size_t i = 0; i < N; i++)
        lhs += (double)gu[i] * v[i], rhs += (double)u[i] * gv[i];
    CHECK_NEAR(lhs, rhs, 1e-4);
    memcpy(gu, u, sizeof u);
    nn_dream_blur(gu, tmp, kernel, R, C, 0.0f);
    CHECK(memcmp(gu, u, sizeof u) == 0);
}

/* E(x) = loss(f(x), K) + penalty(x), evaluated afresh. */
static double energy(const nn_model *m, nn_work *w, const nn_dream_config *c, const float *x)
{
    uint8_t label = (uint8_t)c->target;
    nn_forward(m, w, x, 1);
    return nn_loss(m, w, c->loss, &label, 1, NULL) + nn_dream_penalty(c, x, NULL);
}

/* A side x side -> 5 -> 3 relu-softmax network with fixed random weights. */
static void small_network(nn_model *m, uint64_t seed, size_t side)
{
    nn_error err;
    size_t s[] = {side * side, 5, 3};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(m, 2, s, a, &err), &err);
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_model_init_glorot(m, &r);
    float *b = m->params + nn_model_bias_offset(m, 0);
    for (size_t o = 0; o < 5; o++)
        b[o] = 0.1f; /* every hidden unit alive at the blank image */
}

/* One step of nn_dream from an interior point with a small lr equals
 * x - lr * G_sigma(central-difference gradient of E), G_sigma computed by
 * blur_reference: checks the whole update, every penalty term in it, without
 * blur and with.  14 x 14 images, so the border term has a margin of 2. */
static void test_one_step_is_gradient_descent(void)
{
    enum { S = 14, N = S * S };
    nn_error err;
    nn_model m;
    small_network(&m, 3, S);
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, 1, &err), &err);
    const float sigmas[] = {0.0f, 1.2f};
    for (size_t k = 0; k < 2; k++) {
        nn_dream_config c;
        nn_dream_config_default(&c, S, S);
        nn_dream_config_objective(&c, NN_DREAM_SOFTMAX);
        c.target = 2, c.steps = 1, c.lr = 0.01f, c.polish = 0;
        c.ink = 0.05f, c.l2 = 0.5f, c.tv = 0.25f, c.border = 0.8f;
        c.blur0 = c.blur1 = sigmas[k];
        float x0[N], x1[N], num[N];
        nn_rng r;
        nn_rng_seed(&r, 4);
        for (size_t i = 0; i < N; i++)
            x0[i] = x1[i] = 0.3f + 0.4f * (float)nn_rng_uniform(&r);
        nn_dream_result res;
        CHECK_OK(nn_dream(&m, &c, x1, &res, &err), &err);
        CHECK(res.steps == 1);
        const double h = 1e-3;
        for (size_t i = 0; i < N; i++) {
            float keep = x0[i];
            x0[i] = keep + (float)h;
            double up = energy(&m, &w, &c, x0);
            x0[i] = keep - (float)h;
            double down = energy(&m, &w, &c, x0);
            x0[i] = keep;
            num[i] = (float)((up - down) / (2 * h));
        }
        double step[N];
        if (sigmas[k] > 0.0f)
            blur_reference(step, num, S, S, sigmas[k]);
        else
            for (size_t i = 0; i < N; i++)
                step[i] = num[i];
        int bad = 0;
        for (size_t i = 0; i < N; i++) {
            double want = x0[i] - c.lr * step[i];
            if (fabs(want - x1[i]) > 2e-5)
                bad++, fprintf(stderr, "sigma %g pixel %zu: expected %.7f got %.7f\n",
                               (double)sigmas[k], i, want, x1[i]);
        }
        CHECK(bad == 0);
    }
    nn_work_free(&w);
    nn_model_free(&m);
}

/* The schedule written out step by step: sigma from blur0 to blur1 linearly,
 * ink, l2 and tv faded by (1 - s / steps), then polish steps at blur1 with
 * the border alone (p_stop = 1 is not reached here, so all of them run). */
static void test_schedule(void)
{
    enum { S = 14, N = S * S };
    const size_t steps = 5, polish = 3;
    nn_error err;
    nn_model m;
    small_network(&m, 8, S);
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, 1, &err), &err);
    nn_dream_config c;
    nn_dream_config_default(&c, S, S);
    nn_dream_config_objective(&c, NN_DREAM_SOFTMAX);
    c.target = 1, c.steps = steps, c.polish = polish, c.p_stop = 1.0f, c.lr = 0.5f;
    c.ink = 0.02f, c.l2 = 0.1f, c.tv = 0.05f, c.border = 0.7f;
    c.blur0 = 2.5f, c.blur1 = 0.5f;
    float x[N], ref[N], g[N];
    for (size_t i = 0; i < N; i++)
        x[i] = ref[i] = (float)(i % 7) / 10.0f;
    nn_dream_result res;
    CHECK_OK(nn_dream(&m, &c, x, &res, &err), &err);
    CHECK(res.steps == steps + polish);
    CHECK(res.p_target < 1.0f);

    uint8_t label = 1;
    for (size_t s = 0; s < steps + polish; s++) {
        nn_dream_config now = c;
        double sigma;
        if (s < steps) {
            double fade = 1.0 - (double)s / steps;
            sigma = 2.5 + (0.5 - 2.5) * (double)s / (steps - 1);
            now.ink = (float)(c.ink * fade), now.l2 = (float)(c.l2 * fade);
            now.tv = (float)(c.tv * fade);
        } else {
            sigma = 0.5;
            now.ink = now.l2 = now.tv = 0.0f;
        }
        nn_forward(&m, &w, ref, 1);
        nn_backward(&m, &w, c.loss, ref, &label, 1, 1, NULL, g);
        nn_dream_penalty(&now, ref, g);
        double blurred[N];
        blur_reference(blurred, g, S, S, sigma);
        for (size_t i = 0; i < N; i++) {
            double v = ref[i] - c.lr * blurred[i];
            ref[i] = (float)(v < 0 ? 0 : v > 1 ? 1 : v);
        }
    }
    int bad = 0;
    for (size_t i = 0; i < N; i++)
        if (fabs(x[i] - ref[i]) > 1e-5)
            bad++, fprintf(stderr, "pixel %zu: %.7f, reference %.7f\n", i, x[i], ref[i]);
    CHECK(bad == 0);
    /* The energy reported is E at the full weights. */
    CHECK_NEAR(res.energy, energy(&m, &w, &c, x), 1e-6);
    nn_work_free(&w);
    nn_model_free(&m);
}

/* A linear softmax model on 4x4 images: class k's weights are +1 on row k of
 * the image and 0 elsewhere (row 3 belongs to no class).  From a blank start,
 * dE/dx = W^T (p - onehot(K)) is negative exactly on row K and positive on the
 * other classes' rows, zero on row 3: the dream lights row K fully, leaves
 * everything else black. */
static void test_linear_model_dream_is_known(void)
{
    nn_error err;
    nn_model m;
    size_t s[] = {16, 3};
    nn_activation a[] = {NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(&m, 1, s, a, &err), &err);
    for (size_t k = 0; k < 3; k++)
        for (size_t j = 0; j < 4; j++)
            m.params[k * 16 + k * 4 + j] = 1.0f;
    for (size_t K = 0; K < 3; K++) {
        nn_dream_config c;
        nn_dream_config_plain(&c, 4, 4);
        c.target = K;
        float x[16] = {0};
        nn_dream_result res;
        CHECK_OK(nn_dream(&m, &c, x, &res, &err), &err);
        for (size_t i = 0; i < 16; i++)
            CHECK(x[i] == (i / 4 == K ? 1.0f : 0.0f));
        /* p_K = e^4 / (e^4 + 2). */
        CHECK_NEAR(res.p_target, exp(4.0) / (exp(4.0) + 2.0), 1e-6);
        CHECK(res.predicted == K);
        CHECK_NEAR(res.loss, -log(exp(4.0) / (exp(4.0) + 2.0)), 1e-5);
    }

    /* Polish alone (no steps) stops at the first step where p_K >= p_stop:
     * one step fewer leaves p_K below it. */
    nn_dream_config c;
    nn_dream_config_plain(&c, 4, 4);
    c.target = 1, c.steps = 0, c.polish = 1000, c.p_stop = 0.9f, c.lr = 0.05f;
    float x[16] = {0};
    nn_dream_result res;
    CHECK_OK(nn_dream(&m, &c, x, &res, &err), &err);
    CHECK(res.p_target >= 0.9f);
    CHECK(res.steps > 1 && res.steps < 1000);
    c.polish = res.steps - 1;
    memset(x, 0, sizeof x);
    nn_dream_result before;
    CHECK_OK(nn_dream(&m, &c, x, &before, &err), &err);
    CHECK(before.p_target < 0.9f);
    CHECK(before.steps == res.steps - 1);
    nn_model_free(&m);
}

/* Whether pixel p of a side x side image lies on class k's bar: rows
 * lo and hi for classes 0 and 1, columns lo and hi for classes 2 and 3. */
static int on_bar(size_t k, size_t p, size_t side, size_t lo, size_t hi)
{
    size_t row = p / side, col = p % side;
    return k == 0 ? row == lo : k == 1 ? row == hi : k == 2 ? col == lo : col == hi;
}

/* Trains a side^2 -> 12 -> 4 network to tell four bars apart (on_bar).  Images
 * are noisy inside the central box that leaves `margin` pixels on each side,
 * and 0 in the margin, as MNIST's border: the weights there stay as drawn. */
static void bar_network(nn_model *m, size_t side, size_t margin, size_t lo, size_t hi)
{
    nn_error err;
    const size_t N = 400, D = side * side;
    nn_dataset d = {N, D, side, side, 4, malloc(N * D), malloc(N), {NULL, NULL}};
    CHECK(d.pixels && d.labels);
    nn_rng r;
    nn_rng_seed(&r, 9);
    for (size_t i = 0; i < N; i++) {
        size_t k = i % 4;
        d.labels[i] = (uint8_t)k;
        for (size_t p = 0; p < D; p++) {
            size_t row = p / side, col = p % side;
            int inside = row >= margin && row < side - margin && col >= margin &&
                         col < side - margin;
            double v = (on_bar(k, p, side, lo, hi) ? 200.0 : 20.0) + 40.0 * nn_rng_uniform(&r);
            d.pixels[i * D + p] = inside ? (uint8_t)v : 0;
        }
    }
    size_t s[] = {D, 12, 4};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(m, 2, s, a, &err), &err);
    nn_train_config tc;
    nn_train_config_default(&tc);
    tc.epochs = 20, tc.batch = 20, tc.lr = 0.01f, tc.threads = 1;
    nn_rng_seed(&r, tc.seed);
    nn_model_init_glorot(m, &r);
    CHECK_OK(nn_train(m, &d, &tc, &r, NULL, NULL, NULL, &err), &err);
    nn_dataset_free(&d);
}

/* Dreams each class of a 6 x 6 bar network from blank and from noise, with the
 * defaults and with the plain algorithm: p >= 0.99, pixels in [0, 1], the
 * class's bar inked more than the rest, and the same inputs give the same
 * bytes. */
static void test_trained_network_dreams(void)
{
    nn_error err;
    nn_model m;
    bar_network(&m, 6, 0, 1, 4);
    for (size_t K = 0; K < 4; K++)
        for (int noisy = 0; noisy < 2; noisy++)
            for (int plain = 0; plain < 2; plain++) {
                nn_dream_config c;
                if (plain)
                    nn_dream_config_plain(&c, 6, 6);
                else
                    nn_dream_config_default(&c, 6, 6);
                c.target = K;
                float x[36] = {0}, y[36];
                if (noisy) {
                    nn_rng r;
                    nn_rng_seed(&r, 100 + K);
                    nn_dream_noise(x, 36, 1.0f, &r);
                }
                memcpy(y, x, sizeof x);
                nn_dream_result res, res2;
                CHECK_OK(nn_dream(&m, &c, x, &res, &err), &err);
                CHECK_OK(nn_dream(&m, &c, y, &res2, &err), &err);
                CHECK(res.p_target >= 0.99f);
                CHECK(res.predicted == K);
                CHECK(memcmp(x, y, sizeof x) == 0);
                CHECK(memcmp(&res.p_target, &res2.p_target, sizeof res.p_target) == 0);
                for (size_t i = 0; i < 36; i++)
                    CHECK(x[i] >= 0.0f && x[i] <= 1.0f);
                double on = 0, off = 0;
                for (size_t p = 0; p < 36; p++)
                    if (on_bar(K, p, 6, 1, 4))
                        on += x[p] / 6.0;
                    else
                        off += x[p] / 30.0;
                CHECK(on > off);
            }
    nn_model_free(&m);
}

/* What the penalties and the blur are for: on a 14 x 14 bar network whose
 * training images never ink the 2-pixel margin, the plain algorithm lights
 * margin pixels through their untrained weights; the defaults of the softmax
 * objective keep the margin dark, still reach p >= 0.99, and ink the bar more
 * than the rest of the box.  (The logit objective's gradient does not fade,
 * and it leaves 0.01 to 0.09 of ink in this margin.) */
static void test_defaults_keep_the_border_dark(void)
{
    enum { S = 14, N = S * S, MARGIN = 2 };
    nn_error err;
    nn_model m;
    bar_network(&m, S, MARGIN, 5, 8);
    double plain_margin = 0.0;
    for (size_t K = 0; K < 4; K++)
        for (int plain = 0; plain < 2; plain++) {
            nn_dream_config c;
            if (plain)
                nn_dream_config_plain(&c, S, S);
            else
                nn_dream_config_default(&c, S, S), nn_dream_config_objective(&c, NN_DREAM_SOFTMAX);
            c.target = K;
            float x[N] = {0};
            nn_dream_result res;
            CHECK_OK(nn_dream(&m, &c, x, &res, &err), &err);
            double margin = 0, on = 0, off = 0;
            size_t n_margin = 0, n_on = 0, n_off = 0;
            for (size_t p = 0; p < N; p++) {
                size_t row = p / S, col = p % S;
                if (row < MARGIN || row >= S - MARGIN || col < MARGIN || col >= S - MARGIN)
                    margin += x[p], n_margin++;
                else if (on_bar(K, p, S, 5, 8))
                    on += x[p], n_on++;
                else
                    off += x[p], n_off++;
            }
            margin /= (double)n_margin, on /= (double)n_on, off /= (double)n_off;
            if (plain) {
                plain_margin += margin / 4;
                continue;
            }
            int ok = res.p_target >= 0.99f && res.predicted == K && margin < 0.005 && on > 2 * off;
            if (!ok)
                fprintf(stderr, "class %zu: p %.5f, mean ink: margin %.4f, bar %.4f, rest %.4f\n",
                        K, (double)res.p_target, margin, on, off);
            CHECK(ok);
        }
    /* Measured: 0.07 (margin ink 0.05 to 0.08 per class). */
    if (!(plain_margin > 0.03))
        fprintf(stderr, "plain: mean margin ink %.4f\n", plain_margin);
    CHECK(plain_margin > 0.03);
    nn_model_free(&m);
}

/* Start values outside [0, 1] are clipped; zero steps only clip. */
static void test_start_is_clipped(void)
{
    nn_error err;
    nn_model m;
    small_network(&m, 5, 6);
    nn_dream_config c;
    nn_dream_config_plain(&c, 6, 6);
    c.steps = 0;
    float x[36];
    for (size_t i = 0; i < 36; i++)
        x[i] = (float)i / 10.0f - 1.0f;
    CHECK_OK(nn_dream(&m, &c, x, NULL, &err), &err);
    for (size_t i = 0; i < 36; i++)
        CHECK(x[i] == (i <= 10 ? 0.0f : i >= 20 ? 1.0f : (float)i / 10.0f - 1.0f));
    nn_model_free(&m);
}

static void test_bad_arguments(void)
{
    nn_error err;
    nn_model m;
    small_network(&m, 6, 6);
    nn_dream_config c;
    float x[36] = {0};
    nn_dream_config_default(&c, 6, 6);
    c.target = 3;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "class 3");
    nn_dream_config_default(&c, 4, 9);
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_OK);
    nn_dream_config_default(&c, 5, 7);
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "5 x 7");
    nn_dream_config_default(&c, 6, 6);
    c.lr = -1.0f;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    c.lr = NAN;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    nn_dream_config_default(&c, 6, 6);
    c.ink = -0.1f;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "ink");
    nn_dream_config_default(&c, 6, 6);
    c.border = INFINITY;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "border");
    nn_dream_config_default(&c, 6, 6);
    c.blur1 = 101.0f;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "blur");
    c.blur1 = 100.0f; /* the largest accepted */
    c.steps = 2, c.polish = 0;
    CHECK_OK(nn_dream(&m, &c, x, NULL, &err), &err);
    nn_dream_config_default(&c, 6, 6);
    c.blur0 = -1.0f;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    nn_dream_config_default(&c, 6, 6);
    c.p_stop = 1.5f;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "p_stop");
    c.p_stop = NAN;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    nn_model_free(&m);

    size_t s[] = {36, 3};
    nn_activation a[] = {NN_ACT_SIGMOID};
    CHECK_OK(nn_model_create(&m, 1, s, a, &err), &err);
    nn_dream_config_default(&c, 6, 6);
    CHECK_OK(nn_dream(&m, &c, x, NULL, &err), &err); /* the logit needs no softmax */
    c.objective = NN_DREAM_SOFTMAX;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "softmax");
    c.loss = NN_LOSS_MSE;
    CHECK_OK(nn_dream(&m, &c, x, NULL, &err), &err);
    nn_model_free(&m);

    small_network(&m, 6, 6); /* 36 -> 5 -> 3 */
    nn_dream_config_default(&c, 6, 6);
    c.layer = 3;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "layer 3");
    c.layer = 1, c.target = 5;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "unit 5");
    c.target = 4, c.steps = 2;
    CHECK_OK(nn_dream(&m, &c, x, NULL, &err), &err);
    c.jitter = -1.0f;
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "jitter");
    nn_model_free(&m);
}

/* A 36 -> 6 -> 5 -> 3 relu network with fixed random weights and biases
 * 0.1 (every unit alive near the blank image). */
static void deep_network(nn_model *m, uint64_t seed)
{
    nn_error err;
    size_t s[] = {36, 6, 5, 3};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(m, 3, s, a, &err), &err);
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_model_init_glorot(m, &r);
    for (size_t l = 0; l < 2; l++)
        for (size_t o = 0; o < s[l + 1]; o++)
            m->params[nn_model_bias_offset(m, l) + o] = 0.1f;
}

/* nn_dream_objective_value's gradient against central differences of its
 * value, at an interior point, for a unit of each hidden layer, a class's
 * logit and the softmax objective. */
static void test_objective_gradient(void)
{
    nn_error err;
    nn_model m;
    deep_network(&m, 21);
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, 1, &err), &err);
    const size_t layer[] = {1, 2, 2, 3, 3};
    const size_t unit[] = {4, 0, 3, 2, 1};
    const nn_dream_objective obj[] = {NN_DREAM_LOGIT, NN_DREAM_LOGIT, NN_DREAM_LOGIT,
                                      NN_DREAM_LOGIT, NN_DREAM_SOFTMAX};
    for (size_t k = 0; k < 5; k++) {
        nn_dream_config c;
        nn_dream_config_default(&c, 6, 6);
        c.layer = layer[k], c.target = unit[k], c.objective = obj[k];
        float x[36], g[36];
        nn_rng r;
        nn_rng_seed(&r, 30 + k);
        for (size_t i = 0; i < 36; i++)
            x[i] = 0.2f + 0.6f * (float)nn_rng_uniform(&r);
        nn_dream_objective_value(&m, &w, &c, x, g);
        const double h = 1e-3;
        int bad = 0;
        for (size_t i = 0; i < 36; i++) {
            float keep = x[i];
            x[i] = keep + (float)h;
            double up = nn_dream_objective_value(&m, &w, &c, x, NULL);
            x[i] = keep - (float)h;
            double down = nn_dream_objective_value(&m, &w, &c, x, NULL);
            x[i] = keep;
            double num = (up - down) / (2 * h);
            if (fabs(num - g[i]) > 1e-3 * (1 + fabs(num)))
                bad++, fprintf(stderr, "layer %zu unit %zu pixel %zu: numeric %.6f analytic %.6f\n",
                               layer[k], unit[k], i, num, (double)g[i]);
        }
        CHECK(bad == 0);
        /* The logit's value is -z itself. */
        if (obj[k] == NN_DREAM_LOGIT)
            CHECK(nn_dream_objective_value(&m, &w, &c, x, NULL) ==
                  -(double)w.z[layer[k] - 1][unit[k]]);
    }
    nn_work_free(&w);
    nn_model_free(&m);
}

/* Every hidden unit's dream, from blank, with the defaults but no blur and
 * no ink penalty (a blur of 3 pixels and the ink weight are made for 28 x 28
 * digits, and would swamp a 6 x 6 image's gradient): the unit's
 * activation ends above its value at the start and above its largest value
 * over 50 random images. */
static void test_unit_dreams_raise_their_unit(void)
{
    nn_error err;
    nn_model m;
    deep_network(&m, 22);
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, 1, &err), &err);
    for (size_t l = 1; l <= 2; l++)
        for (size_t u = 0; u < m.sizes[l]; u++) {
            nn_dream_config c;
            nn_dream_config_default(&c, 6, 6);
            c.layer = l, c.target = u;
            c.blur0 = c.blur1 = c.ink = 0.0f;
            float x[36] = {0}, best = 0.0f;
            nn_rng r;
            nn_rng_seed(&r, 40 + u);
            for (int k = 0; k < 50; k++) {
                nn_dream_noise(x, 36, 1.0f, &r);
                nn_forward(&m, &w, x, 1);
                best = w.a[l - 1][u] > best ? w.a[l - 1][u] : best;
            }
            memset(x, 0, sizeof x);
            nn_forward(&m, &w, x, 1);
            float start = w.a[l - 1][u];
            nn_dream_result res;
            CHECK_OK(nn_dream(&m, &c, x, &res, &err), &err);
            nn_forward(&m, &w, x, 1);
            CHECK(res.activation == w.a[l - 1][u]);
            CHECK(res.steps == c.steps); /* no polish for a hidden unit */
            int ok = res.activation > start + 0.05f && res.activation > best;
            if (!ok)
                fprintf(stderr, "layer %zu unit %zu: %.4f -> %.4f (random images: %.4f)\n", l,
                        u, (double)start, (double)res.activation, (double)best);
            CHECK(ok);
        }
    nn_work_free(&w);
    nn_model_free(&m);
}

/* T: the identity leaves the image, a shift of one pixel moves it by one
 * column, T^T is T's adjoint (<T x, y> = <x, T^T y>), and the draws stay in
 * their limits. */
static void test_jitter_transform(void)
{
    enum { R = 7, C = 9, N = R * C };
    float x[N], y[N], tx[N], tty[N];
    nn_rng r;
    nn_rng_seed(&r, 5);
    for (size_t i = 0; i < N; i++)
        x[i] = (float)nn_rng_uniform(&r), y[i] = (float)nn_rng_uniform(&r);
    nn_dream_jitter id = {0, 0, 1, 0}, right = {1, 0, 1, 0};
    nn_dream_jitter_apply(&id, R, C, x, tx, 0);
    CHECK(memcmp(x, tx, sizeof x) == 0);
    nn_dream_jitter_apply(&right, R, C, x, tx, 0);
    int bad = 0;
    for (size_t i = 0; i < R; i++)
        for (size_t j = 0; j < C; j++)
            bad += fabsf(tx[i * C + j] - (j == 0 ? 0.0f : x[i * C + j - 1])) > 1e-6f;
    CHECK(bad == 0);
    nn_dream_config c;
    nn_dream_config_default(&c, R, C);
    c.jitter = 2.0f;
    for (int k = 0; k < 20; k++) {
        nn_dream_jitter t;
        nn_dream_jitter_draw(&c, &r, &t);
        CHECK(fabsf(t.dx) <= 2.0f && fabsf(t.dy) <= 2.0f);
        CHECK(fabsf(t.scale - 1.0f) <= 0.05f && fabsf(t.theta) <= 5.0f * 3.1416f / 180.0f);
        nn_dream_jitter_apply(&t, R, C, x, tx, 0);
        nn_dream_jitter_apply(&t, R, C, y, tty, 1);
        double a = 0, b = 0;
        for (size_t i = 0; i < N; i++)
            a += (double)tx[i] * y[i], b += (double)x[i] * tty[i];
        CHECK_NEAR(a, b, 1e-4);
    }
}

/* A dream with jitter: the same seed gives the same bytes, another seed
 * another dream; without jitter the seed does not matter. */
static void test_jitter_is_seeded(void)
{
    nn_error err;
    nn_model m;
    deep_network(&m, 23);
    float x[3][36] = {{0}};
    const uint64_t seeds[3] = {7, 7, 8};
    for (int k = 0; k < 3; k++) {
        nn_dream_config c;
        nn_dream_config_default(&c, 6, 6);
        c.target = 1, c.jitter = 1.0f, c.seed = seeds[k], c.steps = 50;
        CHECK_OK(nn_dream(&m, &c, x[k], NULL, &err), &err);
    }
    CHECK(memcmp(x[0], x[1], sizeof x[0]) == 0);
    CHECK(memcmp(x[0], x[2], sizeof x[0]) != 0);
    float y[2][36] = {{0}};
    for (int k = 0; k < 2; k++) {
        nn_dream_config c;
        nn_dream_config_default(&c, 6, 6);
        c.target = 1, c.seed = seeds[k + 1], c.steps = 50;
        CHECK_OK(nn_dream(&m, &c, y[k], NULL, &err), &err);
    }
    CHECK(memcmp(y[0], y[1], sizeof y[0]) == 0);
    CHECK(memcmp(x[0], y[0], sizeof y[0]) != 0);
    nn_model_free(&m);
}

/* What the step callback of the tests saw. */
typedef struct step_log {
    size_t calls, last_step, stop_at; /* stop_at: return 1 at that step (0: never) */
    int in_order;                     /* every step was the one after the last */
    float x[36], p;                   /* x and p at the last call */
} step_log;

static int log_step(size_t step, const float *x, const nn_dream_result *now, void *ctx)
{
    step_log *l = ctx;
    l->in_order &= step == l->last_step + 1 && now->steps == step;
    l->calls++, l->last_step = step;
    memcpy(l->x, x, sizeof l->x);
    l->p = now->p_target;
    return l->stop_at && step == l->stop_at;
}

/* The step callback: called once per step, polish steps included, with the
 * step numbers in order; at the last call x and p are the final ones; the
 * dream is the same to the bit without it; returning non-zero stops the
 * dream after that step, which is then the dream of that many steps. */
static void test_step_callback(void)
{
    nn_error err;
    nn_model m;
    deep_network(&m, 23);
    nn_dream_config c;
    nn_dream_config_default(&c, 6, 6);
    c.target = 2, c.steps = 40, c.polish = 30, c.p_stop = 0.999f, c.blur0 = c.blur1 = 0.0f;
    float plain[36] = {0}, seen[36] = {0};
    nn_dream_result r0, r1;
    CHECK_OK(nn_dream(&m, &c, plain, &r0, &err), &err);
    step_log log = {.in_order = 1};
    c.on_step = log_step, c.on_step_ctx = &log;
    CHECK_OK(nn_dream(&m, &c, seen, &r1, &err), &err);
    CHECK(memcmp(plain, seen, sizeof seen) == 0);
    CHECK(r1.steps == r0.steps && r1.p_target == r0.p_target);
    CHECK(r1.steps > c.steps); /* the polish steps ran, and were reported */
    CHECK(log.in_order && log.calls == r1.steps && log.last_step == r1.steps);
    CHECK(memcmp(log.x, seen, sizeof seen) == 0);
    CHECK(log.p == r1.p_target);
    /* Stopping at step 7 of a schedule that does not depend on the number of
     * steps (no blur, no anneal) is the dream of 7 steps. */
    c.anneal = 0;
    log = (step_log){.in_order = 1, .stop_at = 7};
    float stopped[36] = {0}, seven[36] = {0};
    CHECK_OK(nn_dream(&m, &c, stopped, &r1, &err), &err);
    CHECK(log.calls == 7 && r1.steps == 7 && log.in_order);
    CHECK(memcmp(log.x, stopped, sizeof stopped) == 0);
    nn_dream_config d = c;
    d.steps = 7, d.polish = 0, d.on_step = NULL;
    CHECK_OK(nn_dream(&m, &d, seven, &r0, &err), &err);
    CHECK(memcmp(stopped, seven, sizeof seven) == 0);
    CHECK(r1.p_target == r0.p_target);
    /* A hidden unit's dream: no polish, one call per step. */
    log = (step_log){.in_order = 1};
    c.layer = 2, c.target = 1;
    float unit[36] = {0};
    CHECK_OK(nn_dream(&m, &c, unit, &r1, &err), &err);
    CHECK(log.calls == c.steps && r1.steps == c.steps && log.in_order);
    CHECK(memcmp(log.x, unit, sizeof unit) == 0);
    nn_model_free(&m);
}

int main(void)
{
    RUN(test_penalty_gradient);
    RUN(test_border_distance);
    RUN(test_penalty_by_hand);
    RUN(test_blur);
    RUN(test_one_step_is_gradient_descent);
    RUN(test_schedule);
    RUN(test_linear_model_dream_is_known);
    RUN(test_trained_network_dreams);
    RUN(test_defaults_keep_the_border_dark);
    RUN(test_start_is_clipped);
    RUN(test_bad_arguments);
    RUN(test_objective_gradient);
    RUN(test_unit_dreams_raise_their_unit);
    RUN(test_jitter_transform);
    RUN(test_jitter_is_seeded);
    RUN(test_step_callback);
    return t_summary();
}
