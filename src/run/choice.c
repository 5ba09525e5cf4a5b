/* choice.c - timing two ways of running steps and keeping the quicker (see
 * choice.h).  Round r covers steps [r ROUND, (r + 1) ROUND) and is taken by
 * way r mod 2. */
#include "run/choice.h"

void nni_choice_init(nni_choice *c, size_t warm)
{
    *c = (nni_choice){.chosen = -1, .warm = warm};
}

int nni_choice_way(const nni_choice *c, size_t step)
{
    if (c->chosen >= 0)
        return c->chosen;
    if (step < c->warm)
        return 0;
    size_t round = (step - c->warm) / NNI_CHOICE_ROUND;
    return round < 2 * NNI_CHOICE_ROUNDS ? (int)(round % 2) : -1;
}

/* Whether step starts (at = 0) or ends (at = 1) a round. */
static int round_edge(const nni_choice *c, size_t step, int at)
{
    return step >= c->warm && (step - c->warm + (size_t)at) % NNI_CHOICE_ROUND == 0;
}

void nni_choice_start(nni_choice *c, size_t step, double at)
{
    if (c->chosen < 0 && round_edge(c, step, 0))
        c->round_start = at;
}

void nni_choice_end(nni_choice *c, size_t step, double at)
{
    if (c->chosen >= 0 || !round_edge(c, step, 1))
        return;
    size_t round = (step - c->warm) / NNI_CHOICE_ROUND;
    int way = (int)(round % 2);
    double t = at - c->round_start;
    if (c->best[way] == 0.0 || t < c->best[way])
        c->best[way] = t;
    if (way == 0)
        return;
    /* after each pair of rounds: a clear winner, or the last pair */
    double a = c->best[0], b = c->best[1];
    if (a < NNI_CHOICE_CLEAR * b || b < NNI_CHOICE_CLEAR * a || round + 1 >= 2 * NNI_CHOICE_ROUNDS)
        c->chosen = a <= b ? 0 : 1;
}
