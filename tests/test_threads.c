/* test_threads.c - training, evaluation and prediction give the same bits for
 * any number of threads, and the same bits as a plain single-threaded
 * reference built from nn_forward, nn_loss, nn_backward and nn_optim_step on
 * whole batches; and the thread pool runs every item of every job exactly
 * once. */
#if defined(__linux__)
#define _GNU_SOURCE /* sched_getaffinity, sched_setaffinity and CPU_COUNT */
#include <sched.h>
#endif
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "run/feeder.h"
#include "run/pool.h"
#include "run/wait.h"
#include "nnart.h"
#include "test.h"

/* ---- the pool ---------------------------------------------------------- */

typedef struct count_job {
    unsigned *hits;  /* per item */
    size_t members;  /* pool size */
    unsigned bad;    /* calls with a member index out of range */
} count_job;

static void count_item(void *ctx, size_t item, size_t member)
{
    count_job *j = ctx;
    j->hits[item]++;
    if (member >= j->members)
        j->bad++;
}

/* Every item of every job is done once, for pools of 1-4 members (more than
 * this machine's cores too) and jobs of 0, 1, a few and many items, many jobs
 * in a row. */
static void test_pool_runs_every_item_once(void)
{
    static unsigned hits[1000];
    const size_t sizes[] = {0, 1, 2, 5, 1000};
    for (size_t members = 1; members <= 4; members++) {
        nni_pool *t;
        nn_error err;
        CHECK_OK(nni_pool_create(&t, members, &err), &err);
        if (!t)
            continue;
        CHECK(nni_pool_size(t) == members);
        size_t wrong = 0;
        for (int rep = 0; rep < 300; rep++) {
            for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
                size_t n = sizes[s];
                count_job j = {hits, members, 0};
                memset(hits, 0, sizeof hits);
                nni_pool_run(t, count_item, &j, n);
                for (size_t i = 0; i < 1000; i++)
                    wrong += hits[i] != (i < n ? 1u : 0u);
                wrong += j.bad;
            }
        }
        if (wrong)
            fprintf(stderr, "pool of %zu: %zu items done wrongly\n", members, wrong);
        CHECK(wrong == 0);
        nni_pool_free(t);
    }
    nni_pool_free(NULL);
    CHECK(nni_cpu_count() >= 1);
}

/* On Linux the processor count is that of the affinity mask: a process
 * confined to one processor (taskset -c 0) counts one, and so trains with one
 * thread and no feeder by default. */
static void test_cpu_count_follows_affinity(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t old, one;
    CHECK(sched_getaffinity(0, sizeof old, &old) == 0);
    CHECK(nni_cpu_count() == (size_t)CPU_COUNT(&old));
    int first = -1;
    for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
        if (CPU_ISSET(c, &old))
            first = c;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    if (sched_setaffinity(0, sizeof one, &one) == 0) {
        CHECK(nni_cpu_count() == 1);
        CHECK(sched_setaffinity(0, sizeof old, &old) == 0);
    }
#else
    SKIP("nn_cpu_count under a one-processor affinity mask", "no affinity mask on this system");
#endif
}

/* The feeder hands back exactly the rows and labels asked for, in order, for
 * batches of every size up to its limit, whatever the thread is doing. */
static void test_feeder_gathers_rows(void)
{
    enum { N = 300, DIM = 37, BATCH = 64 };
    nn_dataset d;
    memset(&d, 0, sizeof d);
    d.n = N;
    d.dim = DIM;
    d.rows = 1;
    d.cols = DIM;
    d.pixels = malloc(N * DIM);
    d.labels = malloc(N);
    uint32_t idx[2][BATCH];
    if (!d.pixels || !d.labels) {
        CHECK(0);
        free(d.pixels);
        free(d.labels);
        return;
    }
    for (size_t i = 0; i < N * DIM; i++)
        d.pixels[i] = (uint8_t)(i * 31 + 7);
    for (size_t i = 0; i < N; i++)
        d.labels[i] = (uint8_t)(i % 10);
    nni_feeder *f;
    nn_error err;
    CHECK_OK(nni_feeder_create(&f, &d, BATCH, &err), &err);
    if (!f) {
        nn_dataset_free(&d);
        return;
    }
    nn_rng r;
    nn_rng_seed(&r, 3);
    size_t bad = 0, sizes[2] = {0, 0};
    for (size_t k = 0; k <= 500; k++) {
        /* request k + 1 while checking request k, as the trainer does */
        if (k < 500) {
            size_t B = 1 + (size_t)nn_rng_below(&r, BATCH);
            for (size_t i = 0; i < B; i++)
                idx[k % 2][i] = (uint32_t)nn_rng_below(&r, N);
            sizes[k % 2] = B;
            if (k == 0)
                nni_feeder_request(f, idx[0], B);
        }
        if (k == 0)
            continue;
        const uint8_t *labels;
        const uint8_t *px = nni_feeder_wait(f, &labels);
        size_t prev = (k - 1) % 2;
        if (k < 500)
            nni_feeder_request(f, idx[k % 2], sizes[k % 2]);
        for (size_t i = 0; i < sizes[prev]; i++) {
            bad += memcmp(px + i * DIM, d.pixels + (size_t)idx[prev][i] * DIM, DIM) != 0;
            bad += labels[i] != d.labels[idx[prev][i]];
        }
    }
    CHECK(bad == 0);
    nni_feeder_free(f);
    nni_feeder_free(NULL);
    nn_dataset_free(&d);
}

/* ---- the wait ------------------------------------------------------------ */

typedef struct ping {
    nni_counter ball;  /* odd: the thread's turn, even: the caller's */
    nni_counter added; /* counts the thread's additions */
    unsigned long rounds;
} ping;

static void *ping_thread(void *arg)
{
    ping *p = arg;
    for (unsigned long k = 1; k <= p->rounds; k++) {
        nni_counter_add(&p->added, p->rounds);
        unsigned long v = 2 * k - 1;
        while (nni_counter_wait_change(&p->ball, v - 1) != v)
            ;
        nni_counter_set(&p->ball, v + 1);
    }
    return NULL;
}

static void *set_later(void *arg)
{
    struct timespec pause = {0, 60 * 1000 * 1000};
    nanosleep(&pause, NULL);
    nni_counter_set(arg, 1);
    return NULL;
}

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A wait spins for its time and then sleeps: waiting 60 ms on a counter that
 * spins for 2 ms costs the waiter far less than 60 ms of processor time. */
static void test_counter_spin_is_bounded(void)
{
    nni_counter c;
    nni_counter_init(&c, 2000000u);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, set_later, &c) == 0);
    double t0 = thread_cpu_seconds();
    CHECK(nni_counter_wait_change(&c, 0) == 1);
    double spent = thread_cpu_seconds() - t0;
    pthread_join(th, NULL);
    nni_counter_destroy(&c);
    if (spent >= 0.03)
        fprintf(stderr, "waiter spent %.3f s of processor time\n", spent);
    CHECK(spent < 0.03);
}

/* Two threads hand a counter back and forth, each waiting for the other's
 * value, with spinning (wakes by the spin) and without (every wait sleeps and
 * needs its wake-up); the additions of one thread are seen whole by the
 * other's wait for their total.  A lost wake-up hangs this test. */
static void test_counter_ping_pong(void)
{
    for (unsigned spin = 0; spin <= NNI_SPIN_NS; spin += NNI_SPIN_NS) {
        ping p = {.rounds = 2000};
        nni_counter_init(&p.ball, spin);
        nni_counter_init(&p.added, spin);
        pthread_t th;
        CHECK(pthread_create(&th, NULL, ping_thread, &p) == 0);
        size_t wrong = 0;
        for (unsigned long k = 1; k <= p.rounds; k++) {
            nni_counter_set(&p.ball, 2 * k - 1);
            nni_counter_wait_equal(&p.ball, 2 * k);
            wrong += nni_counter_get(&p.ball) != 2 * k;
        }
        nni_counter_wait_equal(&p.added, p.rounds);
        CHECK(nni_counter_get(&p.added) == p.rounds);
        CHECK(wrong == 0);
        pthread_join(th, NULL);
        nni_counter_destroy(&p.ball);
        nni_counter_destroy(&p.added);
    }
}

/* A pool of 0 is a pool of 1: the caller alone. */
static void test_pool_of_zero(void)
{
    nni_pool *t;
    nn_error err;
    CHECK_OK(nni_pool_create(&t, 0, &err), &err);
    if (!t)
        return;
    CHECK(nni_pool_size(t) == 1);
    unsigned hits[3] = {0, 0, 0};
    count_job j = {hits, 1, 0};
    nni_pool_run(t, count_item, &j, 3);
    CHECK(hits[0] == 1 && hits[1] == 1 && hits[2] == 1 && j.bad == 0);
    nni_pool_free(t);
}

/* ---- synthetic data ---------------------------------------------------- */

#define DIM 20 /* inputs of the evaluation and prediction tests */
#define CLASSES 5

/* n samples of dim random bytes; the label is the index of the largest of
 * the first CLASSES bytes, so there is something to learn.  With sparse,
 * about three quarters of the bytes are then set to 0, in runs of up to 40
 * (so that the trainer takes the kernels for mostly-zero inputs). */
static void make_data(nn_dataset *d, size_t n, size_t dim, uint64_t seed, int sparse)
{
    nn_rng r;
    nn_rng_seed(&r, seed);
    memset(d, 0, sizeof *d);
    d->n = n;
    d->dim = dim;
    d->rows = 1;
    d->cols = dim;
    d->n_classes = CLASSES;
    d->pixels = malloc(n * dim);
    d->labels = malloc(n);
    if (!d->pixels || !d->labels) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = d->pixels + i * dim;
        size_t best = 0;
        for (size_t k = 0; k < dim; k++)
            p[k] = (uint8_t)nn_rng_below(&r, 256);

        for (size_t k = 1; k < CLASSES; k++)
            if (p[k] > p[best])
                best = k;
        d->labels[i] = (uint8_t)best;
        for (size_t k = 0; sparse && k < dim;) {
            size_t run = 1 + nn_rng_below(&r, 40);
            int zero = nn_rng_below(&r, 4) != 0;
            for (; run > 0 && k < dim; run--, k++)
                p[k] = zero ? 0 : p[k];
        }
    }
}

typedef struct setup {
    size_t sizes[4]; /* inputs, hidden, hidden, CLASSES */
    nn_activation hidden, output;
    nn_loss_kind loss;
    nn_optimizer_kind opt;
    float lr;
    size_t batch; /* 0: 100 */
    int sparse;   /* data mostly zero */
} setup;

static void make_model(nn_model *m, const setup *s, uint64_t seed, nn_rng *r)
{
    const nn_activation act[3] = {s->hidden, s->hidden, s->output};
    nn_error err;
    CHECK_OK(nn_model_create(m, 3, s->sizes, act, &err), &err);
    nn_rng_seed(r, seed);
    nn_model_init_glorot(m, r);
}

static void config(nn_train_config *c, const setup *s, size_t threads)
{
    nn_train_config_default(c);
    c->epochs = 3;
    c->batch = s->batch ? s->batch : 100;
    c->lr = s->lr;
    c->loss = s->loss;
    c->optimizer = s->opt;
    c->val_split = 0.1f;
    c->threads = threads;
}

/* The trainer as the header describes it, written plainly: for each whole
 * batch nn_forward, nn_loss, nn_backward (E = sum / B) and one nn_optim_step.
 * Returns the last epoch's mean loss. */
static double reference_train(nn_model *m, const nn_dataset *d, const nn_train_config *c,
                              nn_rng *r)
{
    size_t n_train = (size_t)((double)d->n * (1.0 - (double)c->val_split));
    size_t P = m->n_params;
    uint32_t *perm = malloc(n_train * sizeof *perm);
    size_t dim = d->dim;
    float *x = malloc(c->batch * dim * sizeof *x), *g = malloc(P * sizeof *g);
    uint8_t *y = malloc(c->batch);
    nn_work w;
    nn_optim o;
    nn_error err;
    if (!perm || !x || !g || !y) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    CHECK_OK(nn_work_create(&w, m, c->batch, &err), &err);
    CHECK_OK(nn_optim_create(&o, c->optimizer, P, c->lr, &err), &err);
    for (size_t i = 0; i < n_train; i++)
        perm[i] = (uint32_t)i;
    double loss = 0.0;
    for (size_t e = 0; e < c->epochs; e++) {
        double sum = 0.0;
        nn_rng_shuffle(r, perm, n_train);
        for (size_t first = 0; first < n_train; first += c->batch) {
            size_t B = n_train - first < c->batch ? n_train - first : c->batch;
            for (size_t i = 0; i < B; i++) {
                size_t s = perm[first + i];
                for (size_t k = 0; k < dim; k++)
                    x[i * dim + k] = (float)((double)d->pixels[s * dim + k] / 255.0);
                y[i] = d->labels[s];
            }
            nn_forward(m, &w, x, B);
            sum += nn_loss(m, &w, c->loss, y, B, NULL);
            memset(g, 0, P * sizeof *g);
            nn_backward(m, &w, c->loss, x, y, B, B, g, NULL);
            nn_optim_step(&o, m->params, g);
        }
        loss = sum / (double)n_train;
    }
    nn_optim_free(&o);
    nn_work_free(&w);
    free(perm);
    free(x);
    free(g);
    free(y);
    return loss;
}

static int same_params(const nn_model *a, const nn_model *b)
{
    return a->n_params == b->n_params &&
           memcmp(a->params, b->params, a->n_params * sizeof *a->params) == 0;
}

/* Trains the same model from the same seed with 1, 2 and 3 threads, with the
 * default (0: for these models one thread computing, and on a machine with
 * more than one core a feeder thread gathering the batches) and with the
 * reference: all five parameter sets must be identical to the bit, and the
 * four nn_train summaries identical too (the last epoch's loss equal to the
 * reference's as well). */
static void check_training(const setup *s, int learns)
{
    nn_dataset d;
    make_data(&d, 1050, s->sizes[0], 11, s->sparse); /* 945 training samples: the last batch has 45 */
    nn_model ref;
    nn_rng r;
    nn_train_config c;
    config(&c, s, 1);
    make_model(&ref, s, 5, &r);
    double ref_loss = reference_train(&ref, &d, &c, &r);

    nn_model m[4];
    nn_train_info info[4];
    for (size_t k = 0; k < 4; k++) {
        nn_error err;
        config(&c, s, k < 3 ? k + 1 : 0);
        make_model(&m[k], s, 5, &r);
        CHECK_OK(nn_train(&m[k], &d, &c, &r, NULL, NULL, &info[k], &err), &err);
    }
    CHECK(same_params(&m[0], &ref));
    CHECK(same_params(&m[1], &m[0]));
    CHECK(same_params(&m[2], &m[0]));
    CHECK(same_params(&m[3], &m[0]));
    CHECK((float)ref_loss == info[0].train_loss);
    for (size_t k = 1; k < 4; k++) {
        CHECK(memcmp(&info[k].train_loss, &info[0].train_loss, sizeof(float)) == 0);
        CHECK(memcmp(&info[k].train_accuracy, &info[0].train_accuracy, sizeof(float)) == 0);
        CHECK(memcmp(&info[k].val_loss, &info[0].val_loss, sizeof(float)) == 0);
        CHECK(memcmp(&info[k].val_accuracy, &info[0].val_accuracy, sizeof(float)) == 0);
    }
    /* the models did learn something (5 classes: chance is 0.2); the 784-input
     * data is mostly noise and too small for 3 epochs to show it */
    if (learns)
        CHECK(info[0].val_accuracy > 0.3f);
    for (size_t k = 0; k < 4; k++)
        nn_model_free(&m[k]);
    nn_model_free(&ref);
    nn_dataset_free(&d);
}

/* The trainer shares out the weight gradient in blocks: these shapes give a
 * first layer cut into several blocks of whole rows (784-30-...) and one cut
 * into several blocks of columns (784-10-...), besides one-block layers. */
static void test_training_xent_adam(void)
{
    setup s = {{784, 30, 8, CLASSES}, NN_ACT_RELU, NN_ACT_SOFTMAX, NN_LOSS_XENT, NN_OPT_ADAM,
               0.01f, 0, 0};
    check_training(&s, 0);
}

static void test_training_mse_sgd(void)
{
    setup s = {{784, 10, 10, CLASSES}, NN_ACT_TANH, NN_ACT_SIGMOID, NN_LOSS_MSE, NN_OPT_SGD,
               2.0f, 0, 0};
    check_training(&s, 0);
}

/* Small layers only, on data the model can learn. */
static void test_training_small(void)
{
    setup s = {{DIM, 100, 50, CLASSES}, NN_ACT_RELU, NN_ACT_SOFTMAX, NN_LOSS_XENT, NN_OPT_ADAM,
               0.01f, 0, 0};
    check_training(&s, 1);
}

/* Batches of 10: left to nnart (the fourth model), the first steps try
 * both ways of running a step, switching every few steps, and then keep one
 * for the rest; the model is still the reference's to the bit. */
static void test_training_chooses_way(void)
{
    setup s = {{DIM, 100, 50, CLASSES}, NN_ACT_RELU, NN_ACT_SOFTMAX, NN_LOSS_XENT, NN_OPT_ADAM,
               0.01f, 10, 0};
    check_training(&s, 1);
}

/* Mostly-zero data: the first layer's products skip the zero vectors, and
 * the model is still the reference's to the bit; for a first layer cut into
 * blocks of rows, one cut into blocks of columns (784-10-...), one whose
 * width is no multiple of a vector (785) and a small one. */
static void test_training_sparse(void)
{
    static const size_t first[][2] = {{784, 30}, {784, 10}, {785, 17}, {DIM, 30}};
    for (size_t k = 0; k < sizeof first / sizeof first[0]; k++) {
        setup s = {{first[k][0], first[k][1], 8, CLASSES}, NN_ACT_RELU, NN_ACT_SOFTMAX,
                   NN_LOSS_XENT, NN_OPT_ADAM, 0.01f, k == 1 ? 10 : 0, 1};
        check_training(&s, 0);
    }
}

/* Evaluation with 1, 2 and 3 threads: identical loss, accuracy and confusion,
 * equal to sums over 256-sample chunks of nn_forward and nn_loss. */
static void test_evaluate(void)
{
    setup s = {{DIM, 16, 8, CLASSES}, NN_ACT_RELU, NN_ACT_SOFTMAX, NN_LOSS_XENT, NN_OPT_ADAM,
               0.01f, 0, 0};
    nn_dataset d;
    make_data(&d, 2345, DIM, 12, 0);
    nn_model m;
    nn_rng r;
    make_model(&m, &s, 6, &r);

    double ref_loss = 0.0;
    size_t ref_correct = 0;
    float *x = malloc(256 * DIM * sizeof *x);
    nn_work w;
    nn_error err;
    CHECK_OK(nn_work_create(&w, &m, 256, &err), &err);
    for (size_t first = 0; first < d.n; first += 256) {
        size_t B = d.n - first < 256 ? d.n - first : 256, ok;
        for (size_t i = 0; i < B * DIM; i++)
            x[i] = (float)((double)d.pixels[first * DIM + i] / 255.0);
        nn_forward(&m, &w, x, B);
        ref_loss += nn_loss(&m, &w, NN_LOSS_XENT, d.labels + first, B, &ok);
        ref_correct += ok;
    }
    nn_work_free(&w);
    free(x);

    nn_eval e[3];
    for (size_t k = 0; k < 3; k++)
        CHECK_OK(nn_evaluate(&m, &d, NN_LOSS_XENT, k + 1, &e[k], &err), &err);
    CHECK(e[0].loss == ref_loss / (double)d.n);
    CHECK(e[0].accuracy == (double)ref_correct / (double)d.n);
    size_t total = 0;
    for (size_t i = 0; i < CLASSES * CLASSES; i++)
        total += e[0].confusion[i];
    CHECK(total == d.n);
    for (size_t k = 1; k < 3; k++) {
        CHECK(e[k].loss == e[0].loss && e[k].accuracy == e[0].accuracy);
        CHECK(memcmp(e[k].confusion, e[0].confusion,
                     CLASSES * CLASSES * sizeof *e[0].confusion) == 0);
    }
    for (size_t k = 0; k < 3; k++)
        nn_eval_free(&e[k]);
    nn_model_free(&m);
    nn_dataset_free(&d);
}

/* Prediction over a range large enough to be threaded equals nn_forward on
 * each sample alone, to the bit. */
static void test_predict(void)
{
    setup s = {{DIM, 16, 8, CLASSES}, NN_ACT_RELU, NN_ACT_SOFTMAX, NN_LOSS_XENT, NN_OPT_ADAM,
               0.01f, 0, 0};
    nn_dataset d;
    make_data(&d, 9000, DIM, 13, 0);
    nn_model m;
    nn_rng r;
    make_model(&m, &s, 7, &r);
    size_t first = 17, n = 8900;
    float *out = malloc(n * CLASSES * sizeof *out);
    nn_error err;
    CHECK_OK(nn_predict(&m, &d, first, n, out, &err), &err);
    nn_work w;
    CHECK_OK(nn_work_create(&w, &m, 1, &err), &err);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        float x[DIM];
        for (size_t k = 0; k < DIM; k++)
            x[k] = (float)((double)d.pixels[(first + i) * DIM + k] / 255.0);
        const float *y = nn_forward(&m, &w, x, 1);
        bad += memcmp(y, out + i * CLASSES, CLASSES * sizeof *y) != 0;
    }
    CHECK(bad == 0);
    nn_work_free(&w);
    free(out);
    nn_model_free(&m);
    nn_dataset_free(&d);
}

/* nn_train_seeded is nn_rng_seed(c->seed), nn_model_init_glorot and nn_train
 * with that generator, to the bit; another seed gives another model. */
static void test_train_seeded(void)
{
    setup s = {{DIM, 16, 8, CLASSES}, NN_ACT_RELU, NN_ACT_SOFTMAX, NN_LOSS_XENT, NN_OPT_ADAM,
               0.01f, 0, 0};
    nn_dataset d;
    make_data(&d, 500, DIM, 14, 0);
    nn_model m[3];
    nn_train_info info[3];
    nn_train_config c;
    nn_rng r;
    nn_error err;
    config(&c, &s, 1);
    c.seed = 9;
    make_model(&m[0], &s, c.seed, &r);
    CHECK_OK(nn_train(&m[0], &d, &c, &r, NULL, NULL, &info[0], &err), &err);
    make_model(&m[1], &s, 1, &r); /* initialised from another seed: must not matter */
    CHECK_OK(nn_train_seeded(&m[1], &d, &c, NULL, NULL, &info[1], &err), &err);
    c.seed = 10;
    make_model(&m[2], &s, 9, &r);
    CHECK_OK(nn_train_seeded(&m[2], &d, &c, NULL, NULL, &info[2], &err), &err);
    CHECK(same_params(&m[0], &m[1]));
    CHECK(memcmp(&info[0].train_loss, &info[1].train_loss, sizeof(float)) == 0);
    CHECK(memcmp(&info[0].val_loss, &info[1].val_loss, sizeof(float)) == 0);
    CHECK(info[0].seed == 9 && info[1].seed == 9);
    CHECK(!same_params(&m[0], &m[2]) && info[2].seed == 10);
    for (size_t k = 0; k < 3; k++)
        nn_model_free(&m[k]);
    nn_dataset_free(&d);
}

int main(void)
{
    RUN(test_pool_runs_every_item_once);
    RUN(test_pool_of_zero);
    RUN(test_counter_ping_pong);
    RUN(test_counter_spin_is_bounded);
    RUN(test_feeder_gathers_rows);
    RUN(test_cpu_count_follows_affinity);
    RUN(test_training_xent_adam);
    RUN(test_training_mse_sgd);
    RUN(test_training_small);
    RUN(test_training_chooses_way);
    RUN(test_training_sparse);
    RUN(test_evaluate);
    RUN(test_predict);
    RUN(test_train_seeded);
    return t_summary();
}
