/* test_optim.c - Adam (Keras form) and plain gradient descent against
 * hand-computed steps, plus creation, naming and convergence. */
#include <stdint.h>

#include "nn_optim.h"
#include "test.h"

/* |a - b| <= rel |b|: float arithmetic rounds each operation by up to 6e-8
 * relative, and a step chains a few of them. */
#define CHECK_REL(a, b, rel) CHECK_NEAR((a), (b), (rel) * fabs((double)(b)))
#define REL 3e-7

static void test_create_defaults(void)
{
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, NN_OPT_ADAM, 5, 0.001f, &err), &err);
    CHECK(o.kind == NN_OPT_ADAM);
    CHECK(o.lr == 0.001f);
    CHECK(o.beta1 == 0.9f && o.beta2 == 0.999f && o.eps == 1e-7f);
    CHECK(o.t == 0 && o.n == 5);
    CHECK(o.m != NULL && o.v != NULL);
    if (o.m && o.v)
        for (int i = 0; i < 5; i++)
            CHECK(o.m[i] == 0.0f && o.v[i] == 0.0f);
    nn_optim_free(&o);
    CHECK(o.m == NULL && o.v == NULL && o.n == 0 && o.t == 0);
    nn_optim_free(&o); /* freeing twice is harmless */
    nn_optim_free(NULL);

    CHECK_OK(nn_optim_create(&o, NN_OPT_SGD, 5, 0.5f, &err), &err);
    CHECK(o.kind == NN_OPT_SGD && o.lr == 0.5f && o.n == 5);
    CHECK(o.m == NULL && o.v == NULL);
    nn_optim_free(&o);
}

static void test_create_rejects(void)
{
    nn_optim o;
    nn_error err = {0};
    CHECK(nn_optim_create(&o, NN_OPT_ADAM, 3, 0.0f, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "learning rate");
    CHECK(nn_optim_create(&o, NN_OPT_SGD, 3, -0.1f, &err) == NN_ERR_ARG);
    CHECK(nn_optim_create(&o, NN_OPT_ADAM, 3, NAN, &err) == NN_ERR_ARG);
    CHECK(nn_optim_create(&o, NN_OPT_ADAM, 3, INFINITY, &err) == NN_ERR_ARG);
    CHECK(nn_optim_create(&o, (nn_optimizer_kind)7, 3, 0.1f, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "optimizer");
    /* n floats would not fit in size_t bytes. */
    err.code = NN_OK;
    CHECK(nn_optim_create(&o, NN_OPT_ADAM, SIZE_MAX / 2, 0.1f, &err) == NN_ERR_NOMEM);
    CHECK(err.code == NN_ERR_NOMEM);
    CHECK(o.m == NULL && o.v == NULL && o.n == 0);
    nn_optim_free(&o);
    /* A NULL error pointer is allowed. */
    CHECK(nn_optim_create(&o, NN_OPT_ADAM, 3, 0.0f, NULL) == NN_ERR_ARG);
}

static void test_names(void)
{
    nn_optimizer_kind k = NN_OPT_SGD;
    CHECK(strcmp(nn_optimizer_name(NN_OPT_ADAM), "adam") == 0);
    CHECK(strcmp(nn_optimizer_name(NN_OPT_SGD), "sgd") == 0);
    CHECK(nn_optimizer_from_name("adam", &k) == 0 && k == NN_OPT_ADAM);
    CHECK(nn_optimizer_from_name("sgd", &k) == 0 && k == NN_OPT_SGD);
    /* Unknown names fail and leave the output alone. */
    static const char *bad[] = {"", "adamw", "rmsprop", "sg", "sgd ", "adam2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        k = NN_OPT_ADAM;
        CHECK(nn_optimizer_from_name(bad[i], &k) == -1);
        CHECK(k == NN_OPT_ADAM);
    }
    CHECK(nn_optimizer_from_name(NULL, &k) == -1);
}

/* Adam with Keras's defaults, two parameters starting at 0 (so w is minus the
 * sum of the updates, with no rounding against a large w), three steps.
 *
 * The hyperparameters are floats, so the arithmetic uses their float values:
 *   lr  = 0.001f = 0.0010000000475
 *   b1  = 0.9f   = 0.89999997616,  1 - b1 = 0.10000002384
 *   b2  = 0.999f = 0.99900001287,  1 - b2 = 0.00099998712540
 *   eps = 1e-7f  = 1.0000000117e-7
 *   1 - b1^2 = 0.19000004292,  1 - b1^3 = 0.27100005794
 *   1 - b2^2 = 0.0019989742765, 1 - b2^3 = 0.0029969624534
 * Step sizes a_t = lr sqrt(1 - b2^t) / (1 - b1^t):
 *   a1 = 0.0010000000475 * sqrt(0.00099998712540) / 0.10000002384
 *      = 0.0010000000475 * 0.031622573036 / 0.10000002384 = 3.1622566998e-4
 *   a2 = 0.0010000000475 * sqrt(0.0019989742765) / 0.19000004292
 *      = 0.0010000000475 * 0.044709890142 / 0.19000004292 = 2.3531516930e-4
 *   a3 = 0.0010000000475 * sqrt(0.0029969624534) / 0.27100005794
 *      = 0.0010000000475 * 0.054744519848 / 0.27100005794 = 2.0200926474e-4
 */
static void test_adam_three_steps_by_hand(void)
{
    static const float grads[3][2] = {{0.5f, -1.0f}, {0.5f, 0.25f}, {0.5f, 2.0f}};
    /* Parameter 0, g = 0.5 every step (g^2 = 0.25):
     *  t=1: m = 0 + 0.10000002384 (0.5 - 0)              = 0.050000011921
     *       v = 0 + 0.00099998712540 (0.25 - 0)           = 2.4999678135e-4
     *       sqrt(v) + eps = 0.015811286518 + 1e-7         = 0.015811386518
     *       w = 0 - 3.1622566998e-4 * 0.050000011921 / 0.015811386518
     *         = 0 - 9.9999372294e-4                       = -9.9999372294e-4
     *  t=2: m = 0.050000011921 + 0.10000002384 (0.5 - 0.050000011921)
     *         = 0.050000011921 + 0.045000009537           = 0.095000021458
     *       v = 2.4999678135e-4 + 0.00099998712540 (0.25 - 2.4999678135e-4)
     *         = 2.4999678135e-4 + 2.4974678779e-4          = 4.9974356914e-4
     *       sqrt(v) + eps = 0.022354945071 + 1e-7         = 0.022355045071
     *       w = -9.9999372294e-4 - 2.3531516930e-4 * 0.095000021458 / 0.022355045071
     *         = -9.9999372294e-4 - 9.9999557423e-4        = -1.9999892972e-3
     *  t=3: m = 0.095000021458 + 0.10000002384 (0.5 - 0.095000021458)
     *         = 0.095000021458 + 0.040500007510           = 0.13550002897
     *       v = 4.9974356914e-4 + 0.00099998712540 (0.25 - 4.9974356914e-4)
     *         = 4.9974356914e-4 + 2.4949704421e-4          = 7.4924061335e-4
     *       sqrt(v) + eps = 0.027372259924 + 1e-7         = 0.027372359924
     *       w = -1.9999892972e-3 - 2.0200926474e-4 * 0.13550002897 / 0.027372359924
     *         = -1.9999892972e-3 - 9.9999639418e-4        = -2.9999856914e-3
     * Parameter 1, g = -1, then 0.25, then 2:
     *  t=1: m = 0.10000002384 * -1                        = -0.10000002384
     *       v = 0.00099998712540 * 1                      = 9.9998712540e-4
     *       sqrt(v) + eps = 0.031622573036 + 1e-7         = 0.031622673036
     *       w = 0 - 3.1622566998e-4 * -0.10000002384 / 0.031622673036
     *         = 0 + 9.9999688521e-4                       = 9.9999688521e-4
     *  t=2: m = -0.10000002384 + 0.10000002384 (0.25 + 0.10000002384)
     *         = -0.10000002384 + 0.035000010729           = -0.065000013113
     *       v = 9.9998712540e-4 + 0.00099998712540 (0.0625 - 9.9998712540e-4)
     *         = 9.9998712540e-4 + 6.1499221086e-5          = 1.0614863465e-3
     *       sqrt(v) + eps = 0.032580459581 + 1e-7         = 0.032580559581
     *       w = 9.9999688521e-4 - 2.3531516930e-4 * -0.065000013113 / 0.032580559581
     *         = 9.9999688521e-4 + 4.6946673990e-4         = 1.4694636251e-3
     *  t=3: m = -0.065000013113 + 0.10000002384 (2 + 0.065000013113)
     *         = -0.065000013113 + 0.20650005054           = 0.14150003743
     *       v = 1.0614863465e-3 + 0.00099998712540 (4 - 1.0614863465e-3)
     *         = 1.0614863465e-3 + 3.9988870289e-3          = 5.0603733754e-3
     *       sqrt(v) + eps = 0.071136301390 + 1e-7         = 0.071136401390
     *       w = 1.4694636251e-3 - 2.0200926474e-4 * 0.14150003743 / 0.071136401390
     *         = 1.4694636251e-3 - 4.0182407268e-4         = 1.0676395524e-3
     */
    static const double m_hand[3][2] = {{0.050000011921, -0.10000002384},
                                        {0.095000021458, -0.065000013113},
                                        {0.13550002897, 0.14150003743}};
    static const double v_hand[3][2] = {{2.4999678135e-4, 9.9998712540e-4},
                                        {4.9974356914e-4, 1.0614863465e-3},
                                        {7.4924061335e-4, 5.0603733754e-3}};
    static const double w_hand[3][2] = {{-9.9999372294e-4, 9.9999688521e-4},
                                        {-1.9999892972e-3, 1.4694636251e-3},
                                        {-2.9999856914e-3, 1.0676395524e-3}};
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, NN_OPT_ADAM, 2, 0.001f, &err), &err);
    if (err.code != NN_OK)
        return;
    float w[2] = {0.0f, 0.0f};
    for (int s = 0; s < 3; s++) {
        nn_optim_step(&o, w, grads[s]);
        CHECK(o.t == (uint64_t)s + 1);
        for (int i = 0; i < 2; i++) {
            CHECK_REL(o.m[i], m_hand[s][i], REL);
            CHECK_REL(o.v[i], v_hand[s][i], REL);
            CHECK_REL(w[i], w_hand[s][i], REL);
        }
    }
    nn_optim_free(&o);
}

/* Adam with its hyperparameters changed after creation, chosen so that the
 * arithmetic is short: lr 0.1, b1 0.5, b2 0.75, eps 0.25; g = 1, -1, 0.5.
 *  t=1: m = 0.5 (1 - 0) = 0.5;  v = 0.25 (1 - 0) = 0.25;  sqrt(v) = 0.5
 *       a1 = 0.1 sqrt(1 - 0.75) / (1 - 0.5) = 0.1 * 0.5 / 0.5 = 0.1
 *       w = 0 - 0.1 * 0.5 / (0.5 + 0.25) = -0.066666666667
 *  t=2: m = 0.5 + 0.5 (-1 - 0.5) = -0.25;  v = 0.25 + 0.25 (1 - 0.25) = 0.4375
 *       sqrt(v) = 0.66143782777
 *       a2 = 0.1 sqrt(1 - 0.5625) / (1 - 0.25) = 0.1 * 0.66143782777 / 0.75
 *          = 0.088191710369
 *       w = -0.066666666667 - 0.088191710369 * -0.25 / (0.66143782777 + 0.25)
 *         = -0.066666666667 + 0.024190270487 = -0.042476396180
 *  t=3: m = -0.25 + 0.5 (0.5 + 0.25) = 0.125;  v = 0.4375 + 0.25 (0.25 - 0.4375)
 *         = 0.390625;  sqrt(v) = 0.625
 *       a3 = 0.1 sqrt(1 - 0.421875) / (1 - 0.125) = 0.1 * 0.76034531628 / 0.875
 *          = 0.086896607575
 *       w = -0.042476396180 - 0.086896607575 * 0.125 / (0.625 + 0.25)
 *         = -0.042476396180 - 0.012413801082 = -0.054890197262
 * (The hyperparameters are dyadic here, so the float values are exact.) */
static void test_adam_custom_hyperparameters(void)
{
    static const float g[3] = {1.0f, -1.0f, 0.5f};
    static const double w_hand[3] = {-0.066666666667, -0.042476396180, -0.054890197262};
    static const double m_hand[3] = {0.5, -0.25, 0.125};
    static const double v_hand[3] = {0.25, 0.4375, 0.390625};
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, NN_OPT_ADAM, 1, 0.1f, &err), &err);
    if (err.code != NN_OK)
        return;
    o.lr = 0.1f;
    o.beta1 = 0.5f;
    o.beta2 = 0.75f;
    o.eps = 0.25f;
    float w = 0.0f;
    for (int s = 0; s < 3; s++) {
        nn_optim_step(&o, &w, &g[s]);
        CHECK(o.m[0] == (float)m_hand[s]);
        CHECK(o.v[0] == (float)v_hand[s]);
        CHECK_REL(w, w_hand[s], REL);
    }
    nn_optim_free(&o);
}

/* With tiny gradients eps dominates, and where it is added matters.  g = 1e-6f
 * = 9.9999997474e-7, defaults, one step from w = 0 (1 - b1 = 0.10000002384,
 * 1 - b2 = 9.9998712540e-4, a1 = 3.1622566998e-4 as above):
 *   m = 0.10000002384 * 9.9999997474e-7 = 1.0000002359e-7
 *   v = 9.9998712540e-4 * 9.9999994948e-13 = 9.9998712035e-16
 *   sqrt(v) = 3.1622572956e-8
 *   Keras:   w = -a1 m / (sqrt(v) + eps)
 *              = -3.1622566998e-4 * 1.0000002359e-7 / (3.1622572956e-8 + 1.0000000117e-7)
 *              = -3.1622574458e-11 / 1.3162257412e-7 = -2.4025190715e-4
 *   PyTorch (the Adam paper): m_hat = m / (1 - b1) = g, sqrt(v_hat) = g,
 *            w = -lr m_hat / (sqrt(v_hat) + eps) = -0.001 * 1e-6 / 1.1e-6
 *              = -9.0909095e-4
 * The two differ by a factor of almost four; nnart must give the Keras value. */
static void test_adam_keras_eps_placement(void)
{
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, NN_OPT_ADAM, 1, 0.001f, &err), &err);
    if (err.code != NN_OK)
        return;
    float w = 0.0f, g = 1e-6f;
    nn_optim_step(&o, &w, &g);
    CHECK_REL(w, -2.4025190715e-4, REL);
    CHECK(fabs(w - -9.0909095e-4) > 6e-4);
    nn_optim_free(&o);
}

static void test_sgd_step_exact(void)
{
    /* w = w - lr g with dyadic numbers, so every value is exact:
     *   1 - 0.25 * 0.5 = 0.875;  -2 - 0.25 * -4 = -1;  0.5 - 0.25 * 0 = 0.5
     * and a second step: 0.875 - 0.25 * 0.5 = 0.75; -1 + 1 = 0; 0.5. */
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, NN_OPT_SGD, 3, 0.25f, &err), &err);
    float w[3] = {1.0f, -2.0f, 0.5f};
    const float g[3] = {0.5f, -4.0f, 0.0f};
    nn_optim_step(&o, w, g);
    CHECK(w[0] == 0.875f && w[1] == -1.0f && w[2] == 0.5f);
    CHECK(o.t == 1);
    nn_optim_step(&o, w, g);
    CHECK(w[0] == 0.75f && w[1] == 0.0f && w[2] == 0.5f);
    CHECK(o.t == 2);
    /* A non-dyadic case equals the float expression w - lr g. */
    o.lr = 0.01f;
    const float x0[3] = {0.3f, -0.3f, 7.0f}, gx[3] = {0.7f, 0.1f, -3.0f};
    float x[3] = {x0[0], x0[1], x0[2]};
    nn_optim_step(&o, x, gx);
    for (int i = 0; i < 3; i++)
        CHECK(x[i] == x0[i] - 0.01f * gx[i]);
    CHECK(o.t == 3);
    nn_optim_free(&o);
}

static void test_t_increments(void)
{
    nn_optim o;
    nn_error err = {0};
    float w[2] = {0, 0}, g[2] = {1, -1};
    for (int kind = 0; kind < 2; kind++) {
        CHECK_OK(nn_optim_create(&o, (nn_optimizer_kind)kind, 2, 0.01f, &err), &err);
        for (uint64_t s = 1; s <= 10; s++) {
            nn_optim_step(&o, w, g);
            CHECK(o.t == s);
        }
        nn_optim_free(&o);
    }
}

/* Minimises f(w) = sum_i k_i (w_i - c_i)^2 / 2, whose gradient is
 * k_i (w_i - c_i), from w = 0. */
static void run_quadratic(nn_optimizer_kind kind, float lr, int steps, double tol)
{
    static const float c[3] = {1.0f, -2.0f, 0.5f};
    static const float k[3] = {1.0f, 10.0f, 0.1f};
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, kind, 3, lr, &err), &err);
    if (err.code != NN_OK)
        return;
    float w[3] = {0, 0, 0}, g[3];
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < 3; i++)
            g[i] = k[i] * (w[i] - c[i]);
        nn_optim_step(&o, w, g);
    }
    for (int i = 0; i < 3; i++)
        CHECK_NEAR(w[i], c[i], tol);
    nn_optim_free(&o);
}

static void test_quadratic_converges(void)
{
    /* Gradient descent contracts each error by 1 - lr k_i: 0.95, 0.5, 0.995;
     * 0.995^2000 = 4.4e-5. */
    run_quadratic(NN_OPT_SGD, 0.05f, 2000, 1e-3);
    /* Adam moves about lr per step; 3000 steps of 0.01 cover the distance 2
     * many times over and then settle. */
    run_quadratic(NN_OPT_ADAM, 0.01f, 3000, 1e-2);
}

/* A step in parts: nn_optim_begin_step counts the step and computes a_t once
 * (the values of test_adam_three_steps_by_hand: a1 = 3.1622566998e-4,
 * a2 = 2.3531516930e-4, a3 = 2.0200926474e-4), and nn_optim_update of the
 * ranges [3, 5), [0, 3) - out of order, as threads may take them - gives the
 * bits of nn_optim_step on the whole buffer. */
static void test_adam_step_in_ranges(void)
{
    static const double a_hand[3] = {3.1622566998e-4, 2.3531516930e-4, 2.0200926474e-4};
    static const float g[3][5] = {{0.5f, -1.0f, 0.25f, 3.0f, -0.125f},
                                  {0.5f, 0.25f, -2.0f, 1.0f, 0.0f},
                                  {0.5f, 2.0f, 0.75f, -0.5f, 1e-3f}};
    nn_optim whole, parts;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&whole, NN_OPT_ADAM, 5, 0.001f, &err), &err);
    CHECK_OK(nn_optim_create(&parts, NN_OPT_ADAM, 5, 0.001f, &err), &err);
    if (err.code != NN_OK)
        return;
    float w[5] = {0.1f, -0.2f, 0.3f, 0.0f, 1.0f}, u[5];
    memcpy(u, w, sizeof w);
    for (int s = 0; s < 3; s++) {
        nn_optim_step(&whole, w, g[s]);
        nn_optim_begin_step(&parts);
        CHECK(parts.t == (uint64_t)s + 1);
        CHECK_REL(parts.step_size, a_hand[s], REL);
        CHECK(parts.step_size == whole.step_size);
        nn_optim_update(&parts, u, g[s], 3, 5);
        nn_optim_update(&parts, u, g[s], 0, 3);
        CHECK(parts.t == (uint64_t)s + 1); /* updates do not count steps */
    }
    CHECK(memcmp(w, u, sizeof w) == 0);
    CHECK(memcmp(whole.m, parts.m, 5 * sizeof(float)) == 0);
    CHECK(memcmp(whole.v, parts.v, 5 * sizeof(float)) == 0);
    nn_optim_free(&whole);
    nn_optim_free(&parts);
}

/* The step size is fixed by nn_optim_begin_step: with lr 0.1, b1 0.5, b2 0.75
 * (dyadic, exact in float) a1 = 0.1 sqrt(1 - 0.75) / (1 - 0.5) = 0.1f exactly,
 * and a later change of lr does not reach the updates of that step.  One
 * update from m = v = 0 with g = 1: m = 0.5, v = 0.25, w = -0.1 * 0.5 /
 * (0.5 + eps); with eps 0.25 that is -0.066666666667 (as in
 * test_adam_custom_hyperparameters); a range that is not updated stays. */
static void test_adam_step_size_once(void)
{
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, NN_OPT_ADAM, 2, 0.1f, &err), &err);
    if (err.code != NN_OK)
        return;
    o.beta1 = 0.5f;
    o.beta2 = 0.75f;
    o.eps = 0.25f;
    nn_optim_begin_step(&o);
    CHECK(o.step_size == 0.1f);
    o.lr = 1000.0f;
    float w[2] = {0.0f, 7.0f};
    const float g[2] = {1.0f, 1.0f};
    nn_optim_update(&o, w, g, 0, 1);
    CHECK_REL(w[0], -0.066666666667, REL);
    CHECK(w[1] == 7.0f && o.m[1] == 0.0f && o.v[1] == 0.0f);
    CHECK(o.m[0] == 0.5f && o.v[0] == 0.25f);
    nn_optim_free(&o);
}

/* SGD in parts: the step size is lr, and w - lr g on every range. */
static void test_sgd_step_in_ranges(void)
{
    nn_optim o;
    nn_error err = {0};
    CHECK_OK(nn_optim_create(&o, NN_OPT_SGD, 3, 0.25f, &err), &err);
    float w[3] = {1.0f, -2.0f, 0.5f};
    const float g[3] = {0.5f, -4.0f, 2.0f};
    nn_optim_begin_step(&o);
    CHECK(o.t == 1 && o.step_size == 0.25f);
    nn_optim_update(&o, w, g, 1, 3);
    CHECK(w[0] == 1.0f && w[1] == -1.0f && w[2] == 0.0f);
    nn_optim_update(&o, w, g, 0, 1);
    CHECK(w[0] == 0.875f);
    nn_optim_free(&o);
}

int main(void)
{
    RUN(test_create_defaults);
    RUN(test_create_rejects);
    RUN(test_names);
    RUN(test_adam_three_steps_by_hand);
    RUN(test_adam_custom_hyperparameters);
    RUN(test_adam_keras_eps_placement);
    RUN(test_sgd_step_exact);
    RUN(test_t_increments);
    RUN(test_adam_step_in_ranges);
    RUN(test_adam_step_size_once);
    RUN(test_sgd_step_in_ranges);
    RUN(test_quadratic_converges);
    return t_summary();
}
