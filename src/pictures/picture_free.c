/* picture_free.c - releasing a decoded picture (see nn_picture.h). */
#include <stdlib.h>

#include "nn_picture.h"

void nn_picture_free(nn_picture *p)
{
    if (!p)
        return;
    free(p->px);
    p->px = NULL;
    p->width = p->height = p->channels = 0;
    p->maxval = 0;
}
