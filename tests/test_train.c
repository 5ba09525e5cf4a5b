/* test_train.c - what the trainer and the evaluator do around the numbers:
 * divergence (a loss, a validation loss or a parameter that is not finite)
 * stops training with NN_ERR_DIVERGED naming the epoch and step; settings
 * that leave nothing to train on are refused with the numbers; evaluation of
 * a model with many classes takes memory for one confusion matrix, not one
 * per thread, and counts it as an independent count does. */
#include <stdint.h>
#include <sys/resource.h>

#include "nnart.h"
#include "test.h"

/* n samples of dim values: the first n_zero all 0, the rest all 255;
 * label i % classes. */
static void make_data(nn_dataset *d, size_t n, size_t dim, size_t n_zero, size_t classes)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    d->dim = dim;
    d->rows = 1;
    d->cols = dim;
    d->n_classes = n < classes ? n : classes;
    d->pixels = malloc(n * dim);
    d->labels = malloc(n);
    if (!d->pixels || !d->labels) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    memset(d->pixels, 0, n_zero * dim);
    memset(d->pixels + n_zero * dim, 255, (n - n_zero) * dim);
    for (size_t i = 0; i < n; i++)
        d->labels[i] = (uint8_t)(i % classes);
}

/* A dim-hidden-classes relu/softmax model, Glorot-initialised from r. */
static void make_model(nn_model *m, size_t dim, size_t hidden, size_t classes, nn_rng *r)
{
    const size_t sizes[3] = {dim, hidden, classes};
    const nn_activation act[2] = {NN_ACT_RELU, NN_ACT_SOFTMAX};
    nn_error err;
    CHECK_OK(nn_model_create(m, 2, sizes, act, &err), &err);
    nn_rng_seed(r, 3);
    nn_model_init_glorot(m, r);
}

static void sgd(nn_train_config *c, size_t epochs, size_t batch, float lr, float val_split)
{
    nn_train_config_default(c);
    c->epochs = epochs;
    c->batch = batch;
    c->lr = lr;
    c->optimizer = NN_OPT_SGD;
    c->val_split = val_split;
    c->threads = 1;
}

/* Counts the reports with a validation loss, and whether any was not finite. */
typedef struct seen {
    size_t reports, bad_val;
} seen;

static int count_report(const nn_progress *p, void *ctx)
{
    seen *s = ctx;
    s->reports++;
    s->bad_val += p->has_val && !isfinite(p->val_loss);
    return 0;
}

/* Trains and expects NN_ERR_DIVERGED with exactly the message want. */
static void expect_diverged(nn_model *m, const nn_dataset *d, const nn_train_config *c,
                            nn_rng *r, const char *want)
{
    nn_error err = {0};
    seen s = {0};
    CHECK(nn_train(m, d, c, r, count_report, &s, NULL, &err) == NN_ERR_DIVERGED);
    if (strcmp(err.msg, want) != 0) {
        t_check_failures++;
        fprintf(stderr, "message \"%s\", wanted \"%s\"\n", err.msg, want);
    }
    CHECK(s.bad_val == 0); /* a NaN validation loss is never reported as a result */
}

/* A learning rate that blows the loss up: the step whose loss is not finite
 * is named. */
static void test_diverged_loss(void)
{
    nn_dataset d;
    make_data(&d, 64, 4, 0, 3);
    for (size_t i = 0; i < d.n * d.dim; i++)
        d.pixels[i] = (uint8_t)(i * 37 % 256);
    nn_model m;
    nn_rng r;
    make_model(&m, 4, 8, 3, &r);
    nn_train_config c;
    sgd(&c, 5, 8, 1e30f, 0.0f);
    nn_error err = {0};
    CHECK(nn_train(&m, &d, &c, &r, NULL, NULL, NULL, &err) == NN_ERR_DIVERGED);
    CHECK(strncmp(err.msg, "training diverged at epoch 1, step ", 35) == 0);
    CHECK_MSG(err.msg, ": the loss is ");
    CHECK_MSG(err.msg, " (try a smaller learning rate)");
    nn_model_free(&m);
    nn_dataset_free(&d);
}

/* Parameters that become infinite on the last step of training: the loss
 * of that step was finite, the parameters are checked at the epoch's end.
 * Inputs of 0 leave every weight and the first layer's biases alone; the
 * output biases start at 3e38, and one step of 1e38 times a gradient of
 * -2/3 (class 0's, softmax - one-hot over labels 0) takes b_0 past FLT_MAX. */
static void test_diverged_params(void)
{
    nn_dataset d;
    make_data(&d, 8, 4, 8, 1);
    nn_model m;
    nn_rng r;
    make_model(&m, 4, 3, 3, &r);
    float *b = m.params + nn_model_bias_offset(&m, 1);
    for (size_t k = 0; k < 3; k++)
        b[k] = 3e38f;
    nn_train_config c;
    sgd(&c, 1, 8, 1e38f, 0.0f);
    expect_diverged(&m, &d, &c, &r,
                    "training diverged at epoch 1, step 1: a bias of layer 2 is infinite (try "
                    "a smaller learning rate)");
    CHECK(isinf(b[0]));

    /* The same in the first of three epochs: found at its end, before the
     * epoch is reported. */
    for (size_t k = 0; k < 3; k++)
        b[k] = 3e38f;
    sgd(&c, 3, 8, 1e38f, 0.0f);
    nn_error err = {0};
    seen s = {0};
    CHECK(nn_train(&m, &d, &c, &r, count_report, &s, NULL, &err) == NN_ERR_DIVERGED);
    CHECK_MSG(err.msg, "at epoch 1, step 1: a bias of layer 2 is infinite");
    CHECK(s.reports == 0);
    nn_model_free(&m);
    nn_dataset_free(&d);
}

/* A validation loss that is not finite while the training loss is: the
 * training samples are 0 and leave the first layer alone; the validation
 * samples are 255, and first-layer weights of 1e38 make them overflow. */
static void test_diverged_validation(void)
{
    nn_dataset d;
    make_data(&d, 8, 4, 6, 3);
    nn_model m;
    nn_rng r;
    make_model(&m, 4, 3, 3, &r);
    for (size_t i = 0; i < 4 * 3; i++)
        m.params[nn_model_weight_offset(&m, 0) + i] = 1e38f;
    nn_train_config c;
    sgd(&c, 2, 8, 0.01f, 0.25f);
    nn_error err = {0};
    seen s = {0};
    CHECK(nn_train(&m, &d, &c, &r, count_report, &s, NULL, &err) == NN_ERR_DIVERGED);
    CHECK(strncmp(err.msg,
                  "training diverged at epoch 1, step 1: the validation loss is ", 61) == 0);
    CHECK(strstr(err.msg, "is NaN (try a smaller learning rate)") ||
          strstr(err.msg, "is infinite (try a smaller learning rate)"));
    CHECK(s.reports == 0 && s.bad_val == 0);
    /* the same without validation trains */
    sgd(&c, 2, 8, 0.01f, 0.0f);
    d.n = 6;
    d.n_classes = 3;
    CHECK_OK(nn_train(&m, &d, &c, &r, NULL, NULL, NULL, &err), &err);
    d.n = 8;
    nn_model_free(&m);
    nn_dataset_free(&d);
}

/* Settings that leave nothing to train on say the numbers. */
static void test_split_message(void)
{
    nn_dataset d;
    make_data(&d, 50, 4, 0, 3);
    nn_model m;
    nn_rng r;
    make_model(&m, 4, 3, 3, &r);
    nn_train_config c;
    sgd(&c, 1, 8, 0.01f, 0.99f);
    nn_error err = {0};
    CHECK(nn_train(&m, &d, &c, &r, NULL, NULL, NULL, &err) == NN_ERR_ARG);
    CHECK(strcmp(err.msg,
                 "a validation split of 0.99 leaves none of the 50 samples for training") == 0);
    nn_model_free(&m);
    nn_dataset_free(&d);
}

static size_t peak_rss_mb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (size_t)u.ru_maxrss / 1024;
}

/* Evaluation of a model with 8000 classes on 3 threads: a confusion matrix
 * is 8000 x 8000 counts, 512 MB, untouched but for the rows of the labels;
 * one such table per thread, cleared and added up, would touch gigabytes.
 * The counts equal those of nn_predict's outputs, counted here. */
static void test_evaluate_many_classes(void)
{
    enum { C = 8000, N = 700, DIM = 4 };
    nn_dataset d;
    make_data(&d, N, DIM, 0, 7);
    for (size_t i = 0; i < N * DIM; i++)
        d.pixels[i] = (uint8_t)(i * 101 % 256);
    nn_model m;
    nn_rng r;
    make_model(&m, DIM, 8, C, &r);
    size_t before = peak_rss_mb();
    nn_eval e;
    nn_error err = {0};
    CHECK_OK(nn_evaluate(&m, &d, NN_LOSS_XENT, 3, &e, &err), &err);
    size_t grown = peak_rss_mb() - before;
    if (grown >= 200) {
        t_check_failures++;
        fprintf(stderr, "evaluation grew the peak memory by %zu MB\n", grown);
    }
    float *probs = malloc((size_t)N * C * sizeof *probs);
    size_t *want = calloc(7 * (size_t)C, sizeof *want);
    if (e.confusion && probs && want) {
        CHECK_OK(nn_predict(&m, &d, 0, N, probs, &err), &err);
        for (size_t i = 0; i < N; i++) {
            size_t best = 0;
            for (size_t k = 1; k < C; k++)
                if (probs[i * C + k] > probs[i * C + best])
                    best = k;
            want[d.labels[i] * (size_t)C + best]++;
        }
        size_t total = 0, differ = 0;
        for (size_t t = 0; t < C; t++)
            for (size_t p = 0; p < C; p++) {
                size_t got = e.confusion[t * C + p];
                total += got;
                differ += got != (t < 7 ? want[t * C + p] : 0);
            }
        CHECK(total == N && differ == 0);
        CHECK(e.n == N && e.n_classes == C);
    }
    /* without the matrix: the same loss and accuracy to the bit, no table */
    nn_eval plain;
    CHECK_OK(nn_evaluate_metrics(&m, &d, NN_LOSS_XENT, 2, &plain, &err), &err);
    CHECK(plain.confusion == NULL);
    CHECK(plain.loss == e.loss && plain.accuracy == e.accuracy && plain.n == N);
    nn_eval_free(&plain);
    free(probs);
    free(want);
    nn_eval_free(&e);
    nn_model_free(&m);
    nn_dataset_free(&d);
}

int main(void)
{
    RUN(test_evaluate_many_classes); /* first: it measures the peak memory */
    RUN(test_diverged_loss);
    RUN(test_diverged_params);
    RUN(test_diverged_validation);
    RUN(test_split_message);
    return t_summary();
}
