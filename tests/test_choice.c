/* test_choice.c - the choice between two ways of running steps (run/choice.h):
 * which way each step runs while it is being decided, and what is decided
 * from given round times. */
#include "run/choice.h"
#include "test.h"

/* Runs steps from `first` with each way's steps taking step_time[way]
 * seconds (round r of way w takes extra[r] more), until the choice is made;
 * returns the step after the deciding one. */
static size_t run(nni_choice *c, const double step_time[2], const double *extra, double *clock)
{
    size_t step = 0;
    while (c->chosen < 0 && step < 1000) {
        int way = nni_choice_way(c, step);
        size_t round = (step - c->warm) / NNI_CHOICE_ROUND;
        CHECK(way == (step < c->warm ? 0 : (int)(round % 2)));
        nni_choice_start(c, step, *clock);
        /* the warm-up steps are slow, and do not count */
        *clock += step < c->warm ? 1.0 : step_time[way];
        if (step >= c->warm && (step + 1 - c->warm) % NNI_CHOICE_ROUND == 0)
            *clock += extra[round];
        nni_choice_end(c, step, *clock);
        step++;
    }
    return step;
}

/* A way that is clearly quicker wins after the first pair of rounds. */
static void test_clear_winner_early(void)
{
    for (int w = 0; w < 2; w++) {
        nni_choice c;
        nni_choice_init(&c, NNI_CHOICE_WARM);
        double t[2] = {w == 0 ? 1e-4 : 2e-4, w == 0 ? 2e-4 : 1e-4}, clock = 5.0;
        double extra[2 * NNI_CHOICE_ROUNDS] = {0};
        CHECK(nni_choice_way(&c, 0) == 0 && nni_choice_way(&c, NNI_CHOICE_WARM) == 0);
        CHECK(nni_choice_way(&c, NNI_CHOICE_WARM + NNI_CHOICE_ROUND) == 1);
        CHECK(nni_choice_way(&c, NNI_CHOICE_WARM + 2 * NNI_CHOICE_ROUND * NNI_CHOICE_ROUNDS) == -1);
        CHECK(run(&c, t, extra, &clock) == NNI_CHOICE_WARM + 2 * NNI_CHOICE_ROUND);
        CHECK(c.chosen == w);
        CHECK(nni_choice_way(&c, 0) == w && nni_choice_way(&c, 12345) == w);
    }
}

/* Without warm-up steps (every epoch after the first) the rounds start at
 * once. */
static void test_no_warm_up(void)
{
    nni_choice c;
    nni_choice_init(&c, 0);
    double t[2] = {3e-4, 1e-4}, extra[2 * NNI_CHOICE_ROUNDS] = {0}, clock = 0.0;
    CHECK(nni_choice_way(&c, 0) == 0 && nni_choice_way(&c, NNI_CHOICE_ROUND) == 1);
    CHECK(run(&c, t, extra, &clock) == 2 * NNI_CHOICE_ROUND);
    CHECK(c.chosen == 1);
}

/* Close ways take every round; the quickest round counts, not the mean:
 * way 1 is slower per step but way 0's rounds but one are interrupted. */
static void test_quickest_round_counts(void)
{
    nni_choice c;
    nni_choice_init(&c, NNI_CHOICE_WARM);
    double t[2] = {1.00e-4, 1.05e-4}, clock = 0.0;
    double extra[2 * NNI_CHOICE_ROUNDS] = {0};
    for (size_t r = 0; r < 2 * NNI_CHOICE_ROUNDS; r += 2)
        extra[r] = r == 2 ? 0.0 : 2e-4; /* all of way 0's rounds but round 2 interrupted */
    CHECK(run(&c, t, extra, &clock) == NNI_CHOICE_WARM + 2 * NNI_CHOICE_ROUND * NNI_CHOICE_ROUNDS);
    CHECK(c.chosen == 0);
    /* the same, with way 0's every round interrupted: way 1 wins */
    nni_choice_init(&c, NNI_CHOICE_WARM);
    for (size_t r = 0; r < 2 * NNI_CHOICE_ROUNDS; r += 2)
        extra[r] = 2e-4;
    run(&c, t, extra, &clock);
    CHECK(c.chosen == 1);
}

int main(void)
{
    RUN(test_clear_winner_early);
    RUN(test_no_warm_up);
    RUN(test_quickest_round_counts);
    return t_summary();
}
