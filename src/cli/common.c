/* common.c - pieces every command uses: data sets and models. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

const char *cli_data_file(char *buf, size_t len, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) == 0 || errno != ENOENT)
        return path;
    int n = snprintf(buf, len, "%s.gz", path);
    if (n < 0 || (size_t)n >= len || stat(buf, &st) != 0)
        return path;
    return buf;
}

/* The file name in folder dir, resolved by cli_data_file, into buf.  Returns
 * 0, or an exit status after an error message naming cmd (if neither the file
 * nor its .gz is there, say). */
static int data_path(char *buf, size_t len, const char *cmd, const char *dir, const char *name,
                     int is_default)
{
    char joined[CLI_PATH_MAX];
    int n = snprintf(joined, sizeof joined, "%s%s%s", dir,
                     dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    if (n < 0 || (size_t)n >= sizeof joined) {
        cli_print_error("nnart %s: --data: folder name too long: %s", cmd, dir);
        return EXIT_USAGE;
    }
    struct stat st;
    const char *found = cli_data_file(buf, len, joined);
    if (found == joined && stat(joined, &st) != 0 && errno == ENOENT) {
        cli_print_error("nnart %s: %s: neither %s nor %s.gz is there%s", cmd, dir, name, name,
                        is_default ? " (give the folder of a data set with --data DIR)" : "");
        return EXIT_RUNTIME;
    }
    if (found == joined)
        snprintf(buf, len, "%s", joined);
    return EXIT_OK;
}

int cli_data_option(const char **path, char *buf, size_t len, const char *cmd, const char *dir,
                    const char *name)
{
    if (*path) {
        *path = cli_data_file(buf, len, *path);
        return EXIT_OK;
    }
    int st = data_path(buf, len, cmd, dir ? dir : NNART_DATADIR, name, dir == NULL);
    if (!st)
        *path = buf;
    return st;
}

int cli_data_dir(const char *cmd, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        cli_print_error("nnart %s: --data %s: %s", cmd, dir, strerror(errno));
        return EXIT_RUNTIME;
    }
    if (!S_ISDIR(st.st_mode)) {
        cli_print_error("nnart %s: --data %s: not a folder (give the folder that holds "
                        "train-images-idx3-ubyte and the rest)",
                        cmd, dir);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cli_test_set(const char *cmd, const char *dir, const char **images, const char **labels,
                 int need_labels, char bufs[2][CLI_PATH_MAX])
{
    int st, own_images = *images != NULL;
    if ((dir && (st = cli_data_dir(cmd, dir))) ||
        (st = cli_data_option(images, bufs[0], CLI_PATH_MAX, cmd, dir, TEST_IMAGES_NAME)))
        return st;
    if ((*labels || need_labels || !own_images) &&
        (st = cli_data_option(labels, bufs[1], CLI_PATH_MAX, cmd, dir, TEST_LABELS_NAME)))
        return st;
    return -1;
}

int cli_load_data(const char *images, const char *labels, size_t limit, nn_dataset *d)
{
    nn_error err;
    char gz_images[CLI_PATH_MAX], gz_labels[CLI_PATH_MAX];
    images = cli_data_file(gz_images, sizeof gz_images, images);
    labels = cli_data_file(gz_labels, sizeof gz_labels, labels);
    int rc = nn_dataset_load(images, labels, d, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    if (limit > 0 && limit < d->n)
        d->n = limit;
    return EXIT_OK;
}

int cli_check_data(const nn_model *m, const nn_dataset *d, const char *images,
                   const char *labels, const char *model)
{
    size_t classes = m->sizes[m->n_layers];
    if (d->dim != m->sizes[0]) {
        cli_error("%s: samples have %zu values but %s takes %zu inputs", images, d->dim, model,
                  m->sizes[0]);
        return EXIT_RUNTIME;
    }
    if (d->labels && d->n_classes > classes) {
        cli_error("%s: label %zu is outside the %zu classes of %s (0-%zu)", labels,
                  d->n_classes - 1, classes, model, classes - 1);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int cli_load_model(const char *path, nn_model *m, nn_train_info *info)
{
    nn_error err;
    int rc = nn_model_load(path, m, info, &err);
    if (rc) {
        cli_error("%s", err.msg);
        return cli_status(rc);
    }
    return EXIT_OK;
}

int cli_input_side(const char *model_path, const nn_model *m, size_t *side)
{
    nn_error err;
    if (nn_square_side(m->sizes[0], side, &err) != NN_OK) {
        cli_error("%s: %s", model_path, err.msg);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}
