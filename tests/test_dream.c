/* test_dream.c - gradient descent on the input: the penalty gradients and the
 * whole update against finite differences, a hand-built linear model whose
 * dream is known exactly, a small trained network reaching p >= 0.99, bounds,
 * determinism and argument checks. */
#include "nn_dream.h"
#include "nnart.h"
#include "test.h"

/* Central differences of nn_dream_penalty against its analytic gradient on a
 * 5 x 7 image (not square, so a swapped row/column stride would show). */
static void test_penalty_gradient(void)
{
    nn_dream_config c;
    nn_dream_config_default(&c, 5, 7);
    c.l2 = 0.3f;
    c.tv = 0.7f;
    float x[35], g[35] = {0};
    nn_rng r;
    nn_rng_seed(&r, 11);
    for (size_t i = 0; i < 35; i++)
        x[i] = (float)nn_rng_uniform(&r);
    nn_dream_penalty(&c, x, g);
    const double h = 1e-2; /* the penalty is quadratic: central differences are exact */
    int bad = 0;
    for (size_t i = 0; i < 35; i++) {
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

/* The penalty's value on a 2 x 3 image, computed by hand. */
static void test_penalty_by_hand(void)
{
    nn_dream_config c;
    nn_dream_config_default(&c, 2, 3);
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
}

/* E(x) = loss(f(x), K) + penalty(x), evaluated afresh. */
static double energy(const nn_model *m, nn_work *w, const nn_dream_config *c, const float *x)
{
    uint8_t label = (uint8_t)c->target;
    nn_forward(m, w, x, 1);
    return nn_loss(m, w, c->loss, &label, 1, NULL) + nn_dream_penalty(c, x, NULL);
}

/* A 6x6 -> 5 -> 3 relu-softmax network with fixed random weights. */
static void small_network(nn_model *m, uint64_t seed)
{
    nn_error err;
    size_t s[] = {36, 5, 3};
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
 * x - lr * (central-difference gradient of E): checks the whole update. */
static void test_one_step_is_gradient_descent(void)
{
    nn_error err;
    nn_model m;
    small_network(&m, 3);
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, 1, &err), &err);
    nn_dream_config c;
    nn_dream_config_default(&c, 6, 6);
    c.target = 2, c.steps = 1, c.lr = 0.01f, c.l2 = 0.5f, c.tv = 0.25f;
    float x0[36], x1[36];
    nn_rng r;
    nn_rng_seed(&r, 4);
    for (size_t i = 0; i < 36; i++)
        x0[i] = x1[i] = 0.3f + 0.4f * (float)nn_rng_uniform(&r);
    CHECK_OK(nn_dream(&m, &c, x1, NULL, &err), &err);
    const double h = 1e-3;
    int bad = 0;
    for (size_t i = 0; i < 36; i++) {
        float keep = x0[i];
        x0[i] = keep + (float)h;
        double up = energy(&m, &w, &c, x0);
        x0[i] = keep - (float)h;
        double down = energy(&m, &w, &c, x0);
        x0[i] = keep;
        double want = keep - c.lr * (up - down) / (2 * h);
        if (fabs(want - x1[i]) > 2e-5)
            bad++, fprintf(stderr, "pixel %zu: expected %.7f got %.7f\n", i, want, x1[i]);
    }
    CHECK(bad == 0);
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
        nn_dream_config_default(&c, 4, 4);
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
    nn_model_free(&m);
}

/* Trains a 6x6 -> 12 -> 4 network to tell four bar patterns apart, then dreams
 * each class from blank and from noise: p >= 0.99, pixels in [0, 1], and the
 * same inputs give the same bytes. */
static void test_trained_network_dreams(void)
{
    nn_error err;
    const size_t N = 400, D = 36;
    nn_dataset d = {N, D, 6, 6, 4, malloc(N * D), malloc(N)};
    CHECK(d.pixels && d.labels);
    nn_rng r;
    nn_rng_seed(&r, 9);
    for (size_t i = 0; i < N; i++) {
        size_t k = i % 4;
        d.labels[i] = (uint8_t)k;
        for (size_t p = 0; p < D; p++) {
            size_t row = p / 6, col = p % 6;
            int on = k == 0 ? row == 1 : k == 1 ? row == 4 : k == 2 ? col == 1 : col == 4;
            double v = (on ? 200.0 : 20.0) + 40.0 * nn_rng_uniform(&r);
            d.pixels[i * D + p] = (uint8_t)v;
        }
    }
    nn_model m;
    size_t s[] = {36, 12, 4};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(&m, 2, s, a, &err), &err);
    nn_train_config tc;
    nn_train_config_default(&tc);
    tc.epochs = 20, tc.batch = 20, tc.lr = 0.01f, tc.threads = 1;
    nn_rng_seed(&r, tc.seed);
    nn_model_init_glorot(&m, &r);
    CHECK_OK(nn_train(&m, &d, &tc, &r, NULL, NULL, NULL, &err), &err);

    for (size_t K = 0; K < 4; K++)
        for (int noisy = 0; noisy < 2; noisy++) {
            nn_dream_config c;
            nn_dream_config_default(&c, 6, 6);
            c.target = K;
            float x[36] = {0}, y[36];
            if (noisy) {
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
            /* The dream lights the class's bar more than the rest. */
            double on = 0, off = 0;
            for (size_t p = 0; p < 36; p++) {
                size_t row = p / 6, col = p % 6;
                int bar = K == 0 ? row == 1 : K == 1 ? row == 4 : K == 2 ? col == 1 : col == 4;
                if (bar)
                    on += x[p] / 6.0;
                else
                    off += x[p] / 30.0;
            }
            CHECK(on > off);
        }
    nn_model_free(&m);
    nn_dataset_free(&d);
}

/* Start values outside [0, 1] are clipped; zero steps only clip. */
static void test_start_is_clipped(void)
{
    nn_error err;
    nn_model m;
    small_network(&m, 5);
    nn_dream_config c;
    nn_dream_config_default(&c, 6, 6);
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
    small_network(&m, 6);
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
    nn_model_free(&m);

    size_t s[] = {36, 3};
    nn_activation a[] = {NN_ACT_SIGMOID};
    CHECK_OK(nn_model_create(&m, 1, s, a, &err), &err);
    nn_dream_config_default(&c, 6, 6);
    CHECK(nn_dream(&m, &c, x, NULL, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "softmax");
    c.loss = NN_LOSS_MSE;
    CHECK_OK(nn_dream(&m, &c, x, NULL, &err), &err);
    nn_model_free(&m);
}

int main(void)
{
    RUN(test_penalty_gradient);
    RUN(test_penalty_by_hand);
    RUN(test_one_step_is_gradient_descent);
    RUN(test_linear_model_dream_is_known);
    RUN(test_trained_network_dreams);
    RUN(test_start_is_clipped);
    RUN(test_bad_arguments);
    return t_summary();
}
