/* plot.h - the layout arithmetic of the training charts (plot.c): axes
 * around a range of values, their ticks and tick labels, and the pixel a
 * value lands on.  Every function here takes any finite numbers, however
 * large, small or close together, and does a bounded amount of work: the
 * charts are drawn from files that anyone may have written. */
#ifndef NNI_PLOT_H
#define NNI_PLOT_H

#include <stddef.h>

#include "internal.h"

/* Values beyond +-NNI_PLOT_LIMIT are drawn at the edge of an axis that ends
 * there: the axis and its margins then stay finite numbers. */
#define NNI_PLOT_LIMIT 1e307

/* Most ticks on an axis (nni_plot_axis gives about `want` of them). */
#define NNI_PLOT_MAX_TICKS 32

/* An axis: values lo..hi drawn from pixel p0 to p1, ticks every step.
 * lo < hi, hi - lo and step are finite and positive. */
typedef struct nni_axis {
    double lo, hi, step;
    long p0, p1;
} nni_axis;

/* An axis around the values [lo, hi] (finite, lo <= hi) with 5% of margin
 * on each side, as matplotlib sets its limits; about want ticks, every step
 * (at least min_step: 1 for epochs), at the whole multiples of it inside. */
NNI_HIDDEN nni_axis nni_plot_axis(double lo, double hi, double want, double min_step, long p0,
                                  long p1);

/* The pixel of value v (any double) on axis a: between p0 and p1, values
 * outside the axis on its nearer end. */
NNI_HIDDEN long nni_axis_pixel(const nni_axis *a, double v);

/* The tick values of axis a into ticks (room for NNI_PLOT_MAX_TICKS), in
 * increasing order; returns how many. */
NNI_HIDDEN size_t nni_axis_ticks(const nni_axis *a, double *ticks);

/* Tick value v of an axis with ticks every step, as text: as many decimals
 * as the step needs, or in exponent notation when that would be longer
 * than 12 characters. */
NNI_HIDDEN void nni_tick_label(char *s, size_t cap, double v, double step);

#endif
