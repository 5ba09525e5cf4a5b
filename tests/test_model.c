/* test_model.c - the layer stack: creation, Glorot initialisation, a
 * finite-difference check of the whole network's gradients (parameters and
 * input) for each activation and both losses, and the passes over row ranges
 * and parameter blocks against the whole-batch calls, bit for bit. */
#include "nnart.h"
#include "test.h"

/* E = (sum of row losses) / B for the current params, evaluated afresh. */
static double total_loss(const nn_model *m, nn_work *w, nn_loss_kind loss, const float *x,
                         const uint8_t *y, size_t B)
{
    nn_forward(m, w, x, B);
    return nn_loss(m, w, loss, y, B, NULL) / (double)B;
}

/* Compares nn_backward's dE/dparams and dE/dx with central differences. */
static void gradient_check(const size_t *sizes, size_t L, const nn_activation *act,
                           nn_loss_kind loss, uint64_t seed)
{
    nn_error err;
    nn_model m;
    CHECK_OK(nn_model_create(&m, L, sizes, act, &err), &err);
    nn_rng r;
    nn_rng_seed(&r, seed);
    nn_model_init_glorot(&m, &r);
    for (size_t l = 0; l < L; l++) { /* non-zero biases exercise db */
        float *b = m.params + nn_model_bias_offset(&m, l);
        for (size_t o = 0; o < sizes[l + 1]; o++)
            b[o] = (float)(0.2 * nn_rng_normal(&r));
    }
    const size_t B = 5, C = sizes[L], in = sizes[0];
    float x[5 * 16];
    uint8_t y[5];
    for (size_t i = 0; i < B * in; i++)
        x[i] = (float)nn_rng_uniform(&r);
    for (size_t i = 0; i < B; i++)
        y[i] = (uint8_t)nn_rng_below(&r, C);
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, B, &err), &err);
    float *g = calloc(m.n_params, sizeof *g), dx[5 * 16];
    nn_forward(&m, &w, x, B);
    nn_backward(&m, &w, loss, x, y, B, B, g, dx);

    const double h = 1e-3;
    int bad = 0;
    for (size_t p = 0; p < m.n_params; p++) {
        float keep = m.params[p];
        m.params[p] = keep + (float)h;
        double up = total_loss(&m, &w, loss, x, y, B);
        m.params[p] = keep - (float)h;
        double down = total_loss(&m, &w, loss, x, y, B);
        m.params[p] = keep;
        double num = (up - down) / (2 * h);
        if (fabs(num - g[p]) > 2e-3 * fmax(1.0, fabs(num)))
            bad++, fprintf(stderr, "param %zu: numeric %.6f analytic %.6f\n", p, num, g[p]);
    }
    for (size_t i = 0; i < B * in; i++) {
        float keep = x[i];
        x[i] = keep + (float)h;
        double up = total_loss(&m, &w, loss, x, y, B);
        x[i] = keep - (float)h;
        double down = total_loss(&m, &w, loss, x, y, B);
        x[i] = keep;
        double num = (up - down) / (2 * h);
        if (fabs(num - dx[i]) > 2e-3 * fmax(1.0, fabs(num)))
            bad++, fprintf(stderr, "input %zu: numeric %.6f analytic %.6f\n", i, num, dx[i]);
    }
    CHECK(bad == 0);
    free(g);
    nn_work_free(&w);
    nn_model_free(&m);
}

static void test_gradients_relu_softmax_xent(void)
{
    size_t s[] = {7, 6, 5, 4};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    gradient_check(s, 3, a, NN_LOSS_XENT, 1);
}

static void test_gradients_tanh_sigmoid_mse(void)
{
    size_t s[] = {6, 5, 4, 3};
    nn_activation a[] = {NN_ACT_TANH, NN_ACT_SIGMOID, NN_ACT_SIGMOID};
    gradient_check(s, 3, a, NN_LOSS_MSE, 2);
}

static void test_gradients_softmax_mse(void)
{
    size_t s[] = {5, 4, 3};
    nn_activation a[] = {NN_ACT_IDENTITY, NN_ACT_SOFTMAX};
    gradient_check(s, 2, a, NN_LOSS_MSE, 3);
}

static void test_gradients_single_layer(void)
{
    size_t s[] = {9, 4};
    nn_activation a[] = {NN_ACT_SOFTMAX};
    gradient_check(s, 1, a, NN_LOSS_XENT, 4);
}

/* A 2-1 identity network computed by hand: y = w . x + b. */
static void test_forward_by_hand(void)
{
    nn_error err;
    nn_model m;
    size_t s[] = {2, 1};
    nn_activation a[] = {NN_ACT_IDENTITY};
    CHECK_OK(nn_model_create(&m, 1, s, a, &err), &err);
    CHECK(m.n_params == 3);
    m.params[0] = 0.5f, m.params[1] = -2.0f, m.params[2] = 0.25f;
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, 2, &err), &err);
    float x[] = {1, 2, 3, -1};
    const float *y = nn_forward(&m, &w, x, 2);
    CHECK_NEAR(y[0], 0.5 - 4 + 0.25, 1e-6);
    CHECK_NEAR(y[1], 1.5 + 2 + 0.25, 1e-6);
    nn_work_free(&w);
    nn_model_free(&m);
}

static void test_layout_and_glorot(void)
{
    nn_error err;
    nn_model m;
    size_t s[] = {784, 10, 10, 10};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(&m, 3, s, a, &err), &err);
    CHECK(m.n_params == 8070);
    CHECK(nn_model_weight_offset(&m, 0) == 0);
    CHECK(nn_model_bias_offset(&m, 0) == 7840);
    CHECK(nn_model_weight_offset(&m, 1) == 7850);
    CHECK(nn_model_bias_offset(&m, 2) == 8060);
    nn_rng r;
    nn_rng_seed(&r, 7);
    nn_model_init_glorot(&m, &r);
    double lim0 = sqrt(6.0 / 794), lim1 = sqrt(6.0 / 20), max0 = 0, max1 = 0;
    /* (plain comparisons: GCC 12's vectoriser for aarch64 crashes on fmax here) */
    for (size_t i = 0; i < 7840; i++)
        max0 = fabs(m.params[i]) > max0 ? fabs(m.params[i]) : max0;
    for (size_t i = 7850; i < 7950; i++)
        max1 = fabs(m.params[i]) > max1 ? fabs(m.params[i]) : max1;
    CHECK(max0 <= lim0 && max0 > 0.95 * lim0);
    CHECK(max1 <= lim1 && max1 > 0.8 * lim1);
    for (size_t l = 0; l < 3; l++)
        for (size_t o = 0; o < 10; o++)
            CHECK(m.params[nn_model_bias_offset(&m, l) + o] == 0.0f);
    /* The same seed gives the same parameters. */
    float first = m.params[0], last = m.params[7949];
    nn_rng_seed(&r, 7);
    nn_model_init_glorot(&m, &r);
    CHECK(m.params[0] == first && m.params[7949] == last);
    nn_model_free(&m);
}

static void test_create_rejects(void)
{
    nn_error err;
    nn_model m;
    size_t s[] = {4, 0, 3};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK(nn_model_create(&m, 2, s, a, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "width");
    size_t s2[] = {4, 5, 3};
    nn_activation a2[] = {NN_ACT_SOFTMAX, NN_ACT_RELU};
    CHECK(nn_model_create(&m, 2, s2, a2, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "softmax");
    CHECK(nn_model_create(&m, 0, s2, a2, &err) == NN_ERR_ARG);
    CHECK(nn_model_create(&m, NN_MAX_LAYERS + 1, s2, a2, &err) == NN_ERR_ARG);
    nn_activation a3[] = {NN_ACT_RELU, NN_ACT_SIGMOID};
    CHECK_OK(nn_model_create(&m, 2, s2, a3, &err), &err);
    CHECK(nn_model_check_loss(&m, NN_LOSS_XENT, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "softmax");
    CHECK(nn_model_check_loss(&m, NN_LOSS_MSE, &err) == NN_OK);
    nn_model_free(&m);
}

/* ---- row ranges and parameter blocks ------------------------------------- */

static int same_floats(const float *a, const float *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* The batch of B rows in ranges of 1, 2, 3, ... rows (the last one cut). */
#define FOR_RANGES(r0, r1, B)                                                              \
    for (size_t r0 = 0, len_ = 1, r1 = 1; r0 < (B); r0 = r1, len_++)                       \
        if ((r1 = r0 + len_ < (B) ? r0 + len_ : (B)), 1)

/* Runs the batch through nn_forward, nn_loss and nn_backward on the whole of
 * it and through the row-range passes in pieces (parameter gradients in
 * blocks of rows and columns), and checks that every buffer, the gradients,
 * dE/dx and the counts are the same bits, and that the row losses add up to
 * nn_loss's sum (exactly for cross-entropy, whose sum is row by row). */
static void check_row_ranges(const size_t *sizes, size_t L, const nn_activation *act,
                             nn_loss_kind loss, uint64_t seed)
{
    nn_error err;
    nn_model m;
    nn_rng r;
    CHECK_OK(nn_model_create(&m, L, sizes, act, &err), &err);
    nn_rng_seed(&r, seed);
    nn_model_init_glorot(&m, &r);
    enum { B = 23 };
    size_t in = sizes[0], C = sizes[L], P = m.n_params;
    float *x = malloc(B * in * sizeof *x), *dx = malloc(B * in * sizeof *dx);
    float *dx1 = malloc(B * in * sizeof *dx1);
    float *g = calloc(P, sizeof *g), *g1 = calloc(P, sizeof *g1);
    double row_loss[B];
    uint8_t y[B];
    for (size_t i = 0; i < B * in; i++)
        x[i] = (float)nn_rng_uniform(&r);
    for (size_t i = 0; i < B; i++)
        y[i] = (uint8_t)nn_rng_below(&r, C);
    nn_work w, w1;
    CHECK_OK(nn_work_create(&w, &m, B, &err), &err);
    CHECK_OK(nn_work_create(&w1, &m, B, &err), &err);
    size_t correct, correct1 = 0;
    nn_forward(&m, &w, x, B);
    double sum = nn_loss(&m, &w, loss, y, B, &correct);
    nn_backward(&m, &w, loss, x, y, B, B, g, dx);
    double sum1 = 0.0;
    FOR_RANGES(r0, r1, B) {
        nn_forward_rows(&m, &w1, x, r0, r1, 0);
        correct1 += nn_correct_rows(&m, &w1, y, r0, r1, 0);
        sum1 += nn_loss_rows(&m, &w1, loss, y, r0, r1, B, row_loss);
        nn_backward_rows(&m, &w1, r0, r1);
        nn_input_grad_rows(&m, &w1, dx1, r0, r1);
    }
    for (size_t l = 0; l < L; l++) { /* blocks of 3 rows by 4 columns */
        for (size_t o0 = 0; o0 < sizes[l + 1]; o0 += 3)
            for (size_t k0 = 0; k0 < sizes[l]; k0 += 4) {
                nn_param_block b = {l, o0, o0 + 3 < sizes[l + 1] ? o0 + 3 : sizes[l + 1], k0,
                                    k0 + 4 < sizes[l] ? k0 + 4 : sizes[l]};
                nn_param_grad(&m, &w1, x, B, &b, g1);
            }
    }
    for (size_t l = 0; l < L; l++) {
        size_t n = B * sizes[l + 1];
        CHECK(same_floats(w.z[l], w1.z[l], n));
        CHECK(same_floats(w.a[l], w1.a[l], n));
        CHECK(same_floats(w.dz[l], w1.dz[l], n));
    }
    CHECK(same_floats(g, g1, P));
    CHECK(same_floats(dx, dx1, B * in));
    CHECK(correct == correct1);
    double rows = 0.0;
    for (size_t i = 0; i < B; i++) {
        rows += row_loss[i];
        /* a row's loss is the loss of that row alone */
        CHECK(row_loss[i] == nn_loss_rows(&m, &w1, loss, y, i, i + 1, 0, NULL));
    }
    CHECK_NEAR(sum1, rows, 1e-12 * fabs(rows)); /* range sums, grouped otherwise */
    if (loss == NN_LOSS_XENT)
        CHECK(rows == sum);
    CHECK_NEAR(rows, sum, 1e-12 * fabs(sum));
    nn_work_free(&w);
    nn_work_free(&w1);
    nn_model_free(&m);
    free(x);
    free(dx);
    free(dx1);
    free(g);
    free(g1);
}

static void test_row_ranges(void)
{
    const size_t s1[] = {40, 33, 10, 7};
    const nn_activation a1[] = {NN_ACT_RELU, NN_ACT_TANH, NN_ACT_SOFTMAX};
    check_row_ranges(s1, 3, a1, NN_LOSS_XENT, 11);
    const nn_activation a2[] = {NN_ACT_SIGMOID, NN_ACT_RELU, NN_ACT_SIGMOID};
    check_row_ranges(s1, 3, a2, NN_LOSS_MSE, 12);
    check_row_ranges(s1, 3, a1, NN_LOSS_MSE, 13);
    const size_t s2[] = {70, 9};
    const nn_activation a3[] = {NN_ACT_SOFTMAX};
    check_row_ranges(s2, 1, a3, NN_LOSS_XENT, 14);
}

/* A forward pass to the logits leaves the output a_L as it was and gives the
 * same z; cross-entropy's loss and dz_L come from the logits alone, and the
 * counts from the logits are the argmax of z_L. */
static void test_forward_to_logits(void)
{
    nn_error err;
    nn_model m;
    nn_rng r;
    const size_t s[] = {12, 8, 5};
    const nn_activation a[] = {NN_ACT_RELU, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(&m, 2, s, a, &err), &err);
    nn_rng_seed(&r, 21);
    nn_model_init_glorot(&m, &r);
    enum { B = 9 };
    float x[B * 12];
    uint8_t y[B];
    double row_loss[B], row_loss1[B];
    for (size_t i = 0; i < B * 12; i++)
        x[i] = (float)nn_rng_uniform(&r);
    for (size_t i = 0; i < B; i++)
        y[i] = (uint8_t)nn_rng_below(&r, 5);
    nn_work w, w1;
    CHECK_OK(nn_work_create(&w, &m, B, &err), &err);
    CHECK_OK(nn_work_create(&w1, &m, B, &err), &err);
    for (size_t k = 0; k < B * 5; k++)
        w1.a[1][k] = -1.0f;
    nn_forward_rows(&m, &w, x, 0, B, 0);
    nn_forward_rows(&m, &w1, x, 0, B, 1);
    CHECK(same_floats(w.z[1], w1.z[1], B * 5));
    size_t untouched = 0, by_hand = 0;
    for (size_t k = 0; k < B * 5; k++)
        untouched += w1.a[1][k] == -1.0f;
    CHECK(untouched == B * 5);
    CHECK(nn_loss_rows(&m, &w, NN_LOSS_XENT, y, 0, B, B, row_loss) ==
          nn_loss_rows(&m, &w1, NN_LOSS_XENT, y, 0, B, B, row_loss1));
    CHECK(memcmp(row_loss, row_loss1, sizeof row_loss) == 0);
    CHECK(same_floats(w.dz[1], w1.dz[1], B * 5));
    for (size_t i = 0; i < B; i++) {
        size_t best = 0;
        for (size_t j = 1; j < 5; j++)
            best = w1.z[1][i * 5 + j] > w1.z[1][i * 5 + best] ? j : best;
        by_hand += best == y[i];
    }
    CHECK(nn_correct_rows(&m, &w1, y, 0, B, 1) == by_hand);
    nn_work_free(&w);
    nn_work_free(&w1);
    nn_model_free(&m);
}

int main(void)
{
    RUN(test_forward_by_hand);
    RUN(test_layout_and_glorot);
    RUN(test_create_rejects);
    RUN(test_gradients_relu_softmax_xent);
    RUN(test_gradients_tanh_sigmoid_mse);
    RUN(test_gradients_softmax_mse);
    RUN(test_gradients_single_layer);
    RUN(test_row_ranges);
    RUN(test_forward_to_logits);
    return t_summary();
}
