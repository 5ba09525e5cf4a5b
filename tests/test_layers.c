/* test_layers.c - activations and losses against double-precision references and
 * central finite differences. */
#include <fenv.h>
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "nn_layers.h"
#include "test.h"

#define MAXN 16 /* widest row used here */

static const nn_activation all_acts[] = {NN_ACT_IDENTITY, NN_ACT_RELU, NN_ACT_SIGMOID,
                                         NN_ACT_TANH,     NN_ACT_SOFTMAX, NN_ACT_SIN,
                                         NN_ACT_GAUSS};
#define N_ACTS (sizeof all_acts / sizeof all_acts[0])

/* A small self-contained generator (64-bit LCG, top bits). */
static double rand_unit(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0; /* [0, 1) */
}

/* Reference activation of one row of n values, in double, straight from the
 * definitions. */
static void ref_act(nn_activation a, double *y, const double *z, size_t n)
{
    double sum = 0.0, m = z[0];
    switch (a) {
    case NN_ACT_IDENTITY:
        for (size_t j = 0; j < n; j++)
            y[j] = z[j];
        break;
    case NN_ACT_RELU:
        for (size_t j = 0; j < n; j++)
            y[j] = z[j] > 0 ? z[j] : 0.0;
        break;
    case NN_ACT_SIGMOID:
        for (size_t j = 0; j < n; j++)
            y[j] = 1.0 / (1.0 + exp(-z[j]));
        break;
    case NN_ACT_TANH:
        for (size_t j = 0; j < n; j++)
            y[j] = tanh(z[j]);
        break;
    case NN_ACT_SIN:
        for (size_t j = 0; j < n; j++)
            y[j] = sin(z[j]);
        break;
    case NN_ACT_GAUSS:
        for (size_t j = 0; j < n; j++)
            y[j] = exp(-z[j] * z[j]);
        break;
    case NN_ACT_SOFTMAX:
        for (size_t j = 1; j < n; j++)
            m = z[j] > m ? z[j] : m;
        for (size_t j = 0; j < n; j++)
            sum += exp(z[j] - m);
        for (size_t j = 0; j < n; j++)
            y[j] = exp(z[j] - m) / sum;
        break;
    }
}

/* f(z) . dy for one row, in double. */
static double ref_act_dot(nn_activation a, const double *z, const float *dy, size_t n)
{
    double y[MAXN], s = 0.0;
    ref_act(a, y, z, n);
    for (size_t j = 0; j < n; j++)
        s += y[j] * dy[j];
    return s;
}

/* Forward against the reference, and backward against central differences of
 * f(z) . dy, for B rows of n values. */
static void check_activation(nn_activation a, size_t B, size_t n, uint64_t *seed)
{
    float z[4 * MAXN], y[4 * MAXN], dy[4 * MAXN], dz[4 * MAXN];
    const double h = 1e-6;
    for (size_t k = 0; k < B * n; k++) {
        /* |z| in [0.1, 3]: well clear of relu's kink at 0 */
        double mag = 0.1 + 2.9 * rand_unit(seed);
        z[k] = (float)(rand_unit(seed) < 0.5 ? -mag : mag);
        dy[k] = (float)(2.0 * rand_unit(seed) - 1.0);
    }
    nn_activation_forward(a, y, z, B, n);
    nn_activation_backward(a, dz, dy, z, y, B, n);
    size_t bad_y = 0, bad_dz = 0;
    for (size_t i = 0; i < B; i++) {
        double zr[MAXN], yr[MAXN];
        for (size_t j = 0; j < n; j++)
            zr[j] = z[i * n + j];
        ref_act(a, yr, zr, n);
        for (size_t j = 0; j < n; j++) {
            bad_y += !(fabs(y[i * n + j] - yr[j]) <= 1e-6 * fabs(yr[j]) + 1e-7);
            /* dE/dz_j ~ (f(z + h e_j) . dy - f(z - h e_j) . dy) / 2h */
            double zj = zr[j];
            zr[j] = zj + h;
            double up = ref_act_dot(a, zr, dy + i * n, n);
            zr[j] = zj - h;
            double down = ref_act_dot(a, zr, dy + i * n, n);
            zr[j] = zj;
            double fd = (up - down) / (2.0 * h);
            bad_dz += !(fabs(dz[i * n + j] - fd) <= 1e-5 * fabs(fd) + 1e-6);
        }
    }
    if (bad_y || bad_dz)
        fprintf(stderr, "%s B=%zu n=%zu: %zu outputs and %zu gradients wrong\n",
                nn_activation_name(a), B, n, bad_y, bad_dz);
    CHECK(bad_y == 0);
    CHECK(bad_dz == 0);
}

static void test_activation_gradients(void)
{
    static const size_t widths[] = {1, 2, 3, 10, 16};
    uint64_t seed = 11;
    for (size_t t = 0; t < N_ACTS; t++)
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
            for (size_t B = 1; B <= 4; B += 3)
                check_activation(all_acts[t], B, widths[w], &seed);
}

/* y = z and dz = dy in place give the same values as separate buffers. */
static void test_activation_in_place(void)
{
    uint64_t seed = 12;
    for (size_t t = 0; t < N_ACTS; t++) {
        float z[30], y[30], dy[30], dz[30], buf[30];
        for (size_t k = 0; k < 30; k++) {
            z[k] = (float)(6.0 * rand_unit(&seed) - 3.0);
            dy[k] = (float)(2.0 * rand_unit(&seed) - 1.0);
        }
        nn_activation_forward(all_acts[t], y, z, 3, 10);
        memcpy(buf, z, sizeof buf);
        nn_activation_forward(all_acts[t], buf, buf, 3, 10);
        CHECK(memcmp(buf, y, sizeof y) == 0);
        nn_activation_backward(all_acts[t], dz, dy, z, y, 3, 10);
        memcpy(buf, dy, sizeof buf);
        nn_activation_backward(all_acts[t], buf, buf, z, y, 3, 10);
        CHECK(memcmp(buf, dz, sizeof dz) == 0);
    }
}

static void test_relu_values(void)
{
    const float z[5] = {-2.0f, 0.0f, 0.5f, 3.0f, NAN};
    const float dy[5] = {1.0f, 1.0f, 2.0f, -4.0f, 1.0f};
    float y[5], dz[5];
    nn_activation_forward(NN_ACT_RELU, y, z, 1, 5);
    CHECK(y[0] == 0.0f && y[1] == 0.0f && y[2] == 0.5f && y[3] == 3.0f);
    CHECK(isnan(y[4])); /* a NaN is not hidden */
    nn_activation_backward(NN_ACT_RELU, dz, dy, z, y, 1, 4);
    CHECK(dz[0] == 0.0f && dz[1] == 0.0f && dz[2] == 2.0f && dz[3] == -4.0f);
}

/* Rows of softmax sum to one, and huge or equal logits are handled. */
static void test_softmax_values(void)
{
    uint64_t seed = 13;
    float z[40], y[40];
    for (size_t k = 0; k < 40; k++)
        z[k] = (float)(40.0 * rand_unit(&seed) - 20.0);
    nn_activation_forward(NN_ACT_SOFTMAX, y, z, 4, 10);
    for (size_t i = 0; i < 4; i++) {
        double s = 0.0;
        for (size_t j = 0; j < 10; j++) {
            CHECK(y[i * 10 + j] >= 0.0f && y[i * 10 + j] <= 1.0f);
            s += y[i * 10 + j];
        }
        CHECK_NEAR(s, 1.0, 1e-6);
    }
    const float big[6] = {1000.0f, -1000.0f, 0.0f, 7.0f, 7.0f, 7.0f};
    nn_activation_forward(NN_ACT_SOFTMAX, y, big, 2, 3);
    CHECK(y[0] == 1.0f && y[1] == 0.0f && y[2] == 0.0f);
    CHECK_NEAR(y[3], 1.0 / 3.0, 1e-7);
    CHECK(y[3] == y[4] && y[4] == y[5]);
    const float huge[2] = {FLT_MAX, FLT_MAX};
    nn_activation_forward(NN_ACT_SOFTMAX, y, huge, 1, 2);
    CHECK(y[0] == 0.5f && y[1] == 0.5f);
}

/* Saturated sigmoid and tanh give exact limits and finite gradients, and the
 * sigmoid never overflows on the way. */
static void test_saturation(void)
{
    const float z[6] = {-1000.0f, -100.0f, 0.0f, 100.0f, 1000.0f, -FLT_MAX};
    const float dy[6] = {1, 1, 1, 1, 1, 1};
    float y[6], dz[6];
    feclearexcept(FE_ALL_EXCEPT);
    nn_activation_forward(NN_ACT_SIGMOID, y, z, 1, 6);
    CHECK(!fetestexcept(FE_OVERFLOW)); /* exp is never taken of a large positive number */
    CHECK(y[0] == 0.0f && y[1] >= 0.0f && y[1] < 1e-40f && y[2] == 0.5f);
    CHECK(y[3] == 1.0f && y[4] == 1.0f && y[5] == 0.0f);
    nn_activation_backward(NN_ACT_SIGMOID, dz, dy, z, y, 1, 6);
    CHECK(dz[2] == 0.25f);
    for (size_t k = 0; k < 6; k++)
        CHECK(isfinite(dz[k]));
    nn_activation_forward(NN_ACT_TANH, y, z, 1, 6);
    CHECK(y[0] == -1.0f && y[2] == 0.0f && y[4] == 1.0f && y[5] == -1.0f);
    nn_activation_backward(NN_ACT_TANH, dz, dy, z, y, 1, 6);
    CHECK(dz[0] == 0.0f && dz[2] == 1.0f && dz[4] == 0.0f);
}

/* sum_i logsumexp(z_i) - z_i[label_i], naively in double (moderate logits only). */
static double ref_xent(const double *z, const uint8_t *labels, size_t B, size_t C)
{
    double total = 0.0;
    for (size_t i = 0; i < B; i++) {
        double s = 0.0;
        for (size_t j = 0; j < C; j++)
            s += exp(z[i * C + j]);
        total += log(s) - z[i * C + labels[i]];
    }
    return total;
}

/* sum_i 1/2 sum_c (y_ic - onehot_ic)^2, in double. */
static double ref_mse(const double *y, const uint8_t *labels, size_t B, size_t C)
{
    double total = 0.0;
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < C; j++) {
            double d = y[i * C + j] - (j == labels[i]);
            total += 0.5 * d * d;
        }
    return total;
}

typedef double (*ref_loss)(const double *, const uint8_t *, size_t, size_t);
typedef double (*lib_loss)(const float *, const uint8_t *, float *, size_t, size_t, size_t);

/* The library's sum against the reference (to tol relative to 1 + |sum|), and
 * its gradient of (sum / norm) against central differences of the reference. */
static void check_loss(lib_loss lib, ref_loss ref, double tol, double spread, size_t B, size_t C,
                       size_t norm, uint64_t *seed)
{
    float v[4 * MAXN], g[4 * MAXN];
    double vd[4 * MAXN];
    uint8_t labels[4];
    const double h = 1e-6;
    for (size_t k = 0; k < B * C; k++) {
        v[k] = (float)(spread * (2.0 * rand_unit(seed) - 1.0));
        vd[k] = v[k];
    }
    for (size_t i = 0; i < B; i++)
        labels[i] = (uint8_t)(rand_unit(seed) * (double)C);
    double want = ref(vd, labels, B, C);
    double got = lib(v, labels, g, B, C, norm);
    CHECK_NEAR(got, want, tol * (1.0 + fabs(want)));
    CHECK(lib(v, labels, NULL, B, C, norm) == got);
    size_t bad = 0;
    for (size_t k = 0; k < B * C; k++) {
        /* d(sum / norm)/dv_k ~ (E(v + h e_k) - E(v - h e_k)) / (2h norm) */
        vd[k] = (double)v[k] + h;
        double up = ref(vd, labels, B, C);
        vd[k] = (double)v[k] - h;
        double down = ref(vd, labels, B, C);
        vd[k] = v[k];
        double fd = (up - down) / (2.0 * h * (double)norm);
        bad += !(fabs(g[k] - fd) <= 1e-6 * fabs(fd) + 1e-7);
    }
    if (bad)
        fprintf(stderr, "loss B=%zu C=%zu norm=%zu: %zu gradients wrong\n", B, C, norm, bad);
    CHECK(bad == 0);
}

/* The exponentials of the cross-entropy are float (as the logits are): a row's
 * loss is good to a few float roundings, not to double precision. */
#define XENT_TOL 1e-6

static void test_xent_gradient(void)
{
    uint64_t seed = 14;
    check_loss(nn_xent_forward_backward, ref_xent, XENT_TOL, 5.0, 4, 10, 4, &seed);
    check_loss(nn_xent_forward_backward, ref_xent, XENT_TOL, 5.0, 3, 16, 7, &seed);
    check_loss(nn_xent_forward_backward, ref_xent, XENT_TOL, 1.0, 1, 2, 1, &seed);
    check_loss(nn_xent_forward_backward, ref_xent, XENT_TOL, 20.0, 4, 3, 4, &seed);
}

static void test_mse_gradient(void)
{
    uint64_t seed = 15;
    check_loss(nn_mse_forward_backward, ref_mse, 1e-12, 1.0, 4, 10, 4, &seed);
    check_loss(nn_mse_forward_backward, ref_mse, 1e-12, 2.0, 3, 16, 7, &seed);
    check_loss(nn_mse_forward_backward, ref_mse, 1e-12, 1.0, 1, 1, 1, &seed);
}

/* Hand-computed cross-entropy values and gradients. */
static void test_xent_values(void)
{
    const float z[2] = {0.0f, 0.0f};
    const uint8_t l0 = 0;
    float g[3];
    /* -log(1/2) = log 2, gradient (1/2 - 1, 1/2) */
    CHECK_NEAR(nn_xent_forward_backward(z, &l0, g, 1, 2, 1), log(2.0), 1e-15);
    CHECK(g[0] == -0.5f && g[1] == 0.5f);
    nn_xent_forward_backward(z, &l0, g, 1, 2, 2);
    CHECK(g[0] == -0.25f && g[1] == 0.25f);
    /* softmax(0, log 3) = (1/4, 3/4): label 1 costs log(4/3) */
    const float z3[2] = {0.0f, (float)log(3.0)};
    const uint8_t l1 = 1;
    CHECK_NEAR(nn_xent_forward_backward(z3, &l1, g, 1, 2, 1), log(4.0 / 3.0), 1e-7);
    CHECK_NEAR(g[0], 0.25, 1e-7);
    CHECK_NEAR(g[1], -0.25, 1e-7);
    /* two rows add: log 3 + log 3 */
    const float zz[6] = {1, 1, 1, -2, -2, -2};
    const uint8_t ll[2] = {2, 0};
    CHECK_NEAR(nn_xent_forward_backward(zz, ll, NULL, 2, 3, 2), 2.0 * log(3.0), 1e-15);
    CHECK(nn_xent_forward_backward(zz, ll, NULL, 0, 3, 1) == 0.0);
}

/* Extreme logits give finite, exact losses and gradients. */
static void test_xent_stability(void)
{
    const float z[8] = {1000.0f, -1000.0f, -1000.0f, 1000.0f,
                        1000.0f, 1000.0f, FLT_MAX, -FLT_MAX};
    const uint8_t labels[4] = {0, 0, 1, 1};
    float g[8];
    double total = nn_xent_forward_backward(z, labels, g, 4, 2, 1);
    CHECK(isfinite(total));
    /* rows: 0, 2000, log 2, 2 FLT_MAX */
    CHECK_NEAR(total, 2000.0 + log(2.0) + 2.0 * (double)FLT_MAX, 1e25);
    CHECK(nn_xent_forward_backward(z, labels, NULL, 1, 2, 1) == 0.0);
    CHECK(nn_xent_forward_backward(z + 2, labels + 1, NULL, 1, 2, 1) == 2000.0);
    /* log 2 after cancelling 1000: within a few ulps of 1000 */
    CHECK_NEAR(nn_xent_forward_backward(z + 4, labels + 2, NULL, 1, 2, 1), log(2.0), 1e-12);
    for (size_t k = 0; k < 8; k++)
        CHECK(isfinite(g[k]));
    CHECK(g[0] == 0.0f && g[1] == 0.0f);
    CHECK(g[2] == -1.0f && g[3] == 1.0f);
    CHECK(g[4] == 0.5f && g[5] == -0.5f);
    CHECK(g[6] == 1.0f && g[7] == -1.0f);
}

/* A label with no matching output makes the loss NaN instead of reading out of bounds. */
static void test_xent_bad_label(void)
{
    const float z[3] = {0.0f, 1.0f, 2.0f};
    const uint8_t label = 3;
    CHECK(isnan(nn_xent_forward_backward(z, &label, NULL, 1, 3, 1)));
}

static void test_mse_values(void)
{
    const float y[4] = {0.5f, 0.5f, 0.0f, 1.0f};
    const uint8_t labels[2] = {0, 1};
    float g[4];
    /* 1/2 (0.25 + 0.25) + 0 */
    CHECK(nn_mse_forward_backward(y, labels, g, 2, 2, 1) == 0.25);
    CHECK(g[0] == -0.5f && g[1] == 0.5f && g[2] == 0.0f && g[3] == 0.0f);
    nn_mse_forward_backward(y, labels, g, 2, 2, 4);
    CHECK(g[0] == -0.125f && g[1] == 0.125f);
}

static void test_names(void)
{
    static const char *const act_names[] = {"identity", "relu", "sigmoid", "tanh",
                                            "softmax",  "sin",  "gauss"};
    for (size_t t = 0; t < N_ACTS; t++) {
        nn_activation a = NN_ACT_IDENTITY;
        const char *name = nn_activation_name(all_acts[t]);
        CHECK(name && !strcmp(name, act_names[t]));
        CHECK(nn_activation_from_name(act_names[t], &a) == 0 && a == all_acts[t]);
    }
    nn_loss_kind l = NN_LOSS_MSE;
    CHECK(!strcmp(nn_loss_name(NN_LOSS_XENT), "xent"));
    CHECK(!strcmp(nn_loss_name(NN_LOSS_MSE), "mse"));
    CHECK(nn_loss_from_name("xent", &l) == 0 && l == NN_LOSS_XENT);
    CHECK(nn_loss_from_name("mse", &l) == 0 && l == NN_LOSS_MSE);

    static const char *const wrong[] = {"", "ReLU", "relu ", "softplus", "xent", "soft", "Sin",
                                        "gaussian"};
    for (size_t t = 0; t < sizeof wrong / sizeof wrong[0]; t++) {
        nn_activation a = NN_ACT_TANH;
        CHECK(nn_activation_from_name(wrong[t], &a) == -1 && a == NN_ACT_TANH);
    }
    static const char *const wrong_loss[] = {"", "MSE", "relu", "crossentropy", "xen"};
    for (size_t t = 0; t < sizeof wrong_loss / sizeof wrong_loss[0]; t++) {
        l = NN_LOSS_MSE;
        CHECK(nn_loss_from_name(wrong_loss[t], &l) == -1 && l == NN_LOSS_MSE);
    }
    CHECK(nn_activation_name((nn_activation)99) != NULL);
    CHECK(nn_loss_name((nn_loss_kind)99) != NULL);
}

static void test_argmax(void)
{
    const float y[12] = {1, 3, 3, 2,  /* tie: the first 3 */
                         5, 5, 5, 5,  /* all equal: 0 */
                         -4, -1, -2, -1};
    size_t out[3] = {9, 9, 9};
    nn_argmax_rows(out, y, 3, 4);
    CHECK(out[0] == 1 && out[1] == 0 && out[2] == 1);
    nn_argmax_rows(out, y, 3, 1);
    CHECK(out[0] == 0 && out[1] == 0 && out[2] == 0);
    const float last[3] = {-1, 0, 7};
    nn_argmax_rows(out, last, 1, 3);
    CHECK(out[0] == 2);
}

int main(void)
{
    RUN(test_activation_gradients);
    RUN(test_activation_in_place);
    RUN(test_relu_values);
    RUN(test_softmax_values);
    RUN(test_saturation);
    RUN(test_xent_gradient);
    RUN(test_mse_gradient);
    RUN(test_xent_values);
    RUN(test_xent_stability);
    RUN(test_xent_bad_label);
    RUN(test_mse_values);
    RUN(test_names);
    RUN(test_argmax);
    return t_summary();
}
