/* example.c - the Keras MNIST example, written against the installed nnart
 * library.  The Python it follows:
 *
 *   model = Sequential([Dense(10, activation='relu', input_shape=(784,)),
 *                       Dense(10, activation='relu'),
 *                       Dense(10, activation='softmax')])
 *   model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
 *                 metrics=['accuracy'])
 *   model.fit(x_train, y_train, epochs=10, batch_size=128)
 *   model.evaluate(x_test, y_test)
 *   model.predict(x_test[:5])
 *
 * Build and run (DIR holds the four MNIST files, raw or .gz; N, if given,
 * limits the samples used):
 *
 *   cc -O2 example.c $(pkg-config --cflags --libs nnart) -o example
 *   ./example /usr/local/share/nnart [N]
 */
#include <stdio.h>
#include <stdlib.h>

#include <nnart.h>

/* Prints the error and returns 1 if rc is not NN_OK. */
static int failed(int rc, const nn_error *err)
{
    if (rc != NN_OK)
        fprintf(stderr, "example: %s\n", err->msg);
    return rc != NN_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: example DIR [N]\n");
        return 2;
    }
    size_t limit = argc == 3 ? (size_t)strtoul(argv[2], NULL, 10) : 0;
    char paths[4][4096];
    const char *names[4] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};
    for (int i = 0; i < 4; i++)
        snprintf(paths[i], sizeof paths[i], "%s/%s", argv[1], names[i]);

    /* (x_train, y_train), (x_test, y_test) = mnist.load_data() */
    nn_error err;
    nn_dataset train, test;
    if (failed(nn_dataset_load(paths[0], paths[1], &train, &err), &err))
        return 1;
    if (failed(nn_dataset_load(paths[2], paths[3], &test, &err), &err)) {
        nn_dataset_free(&train);
        return 1;
    }
    if (limit > 0 && limit < train.n)
        train.n = limit;
    if (limit > 0 && limit < test.n)
        test.n = limit;

    /* model = Sequential([Dense(10, relu), Dense(10, relu), Dense(10, softmax)]) */
    const size_t sizes[4] = {784, 10, 10, 10};
    const nn_activation act[3] = {NN_ACT_RELU, NN_ACT_RELU, NN_ACT_SOFTMAX};
    nn_model model;
    int rc = nn_model_create(&model, 3, sizes, act, &err);
    if (!failed(rc, &err)) {
        /* model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
         * model.fit(x_train, y_train, epochs=10, batch_size=128) */
        nn_train_config cfg;
        nn_train_config_default(&cfg); /* Adam, lr 0.001, cross-entropy, 10 epochs of 128 */
        nn_train_info info;
        /* Keras's glorot_uniform initialisation and every shuffle from cfg.seed */
        rc = nn_train_seeded(&model, &train, &cfg, NULL, NULL, &info, &err);
        if (!failed(rc, &err))
            printf("trained %zu parameters on %u samples: loss %.4f - accuracy %.4f\n",
                   model.n_params, info.n_train, (double)info.train_loss,
                   (double)info.train_accuracy);
    }

    /* model.evaluate(x_test, y_test) */
    nn_eval ev;
    if (!rc && !failed(rc = nn_evaluate(&model, &test, NN_LOSS_XENT, 0, &ev, &err), &err)) {
        printf("test: loss %.4f - accuracy %.4f (%zu samples)\n", ev.loss, ev.accuracy, ev.n);
        nn_eval_free(&ev);
    }

    /* model.predict(x_test[:5]) */
    float probs[5 * 10];
    size_t n = test.n < 5 ? test.n : 5;
    if (!rc && !failed(rc = nn_predict(&model, &test, 0, n, probs, &err), &err)) {
        for (size_t i = 0; i < n; i++) {
            size_t best = 0;
            for (size_t c = 1; c < 10; c++)
                if (probs[i * 10 + c] > probs[i * 10 + best])
                    best = c;
            printf("image %zu: label %u, predicted %zu (p = %.3f)\n", i, test.labels[i], best,
                   (double)probs[i * 10 + best]);
        }
    }
    nn_model_free(&model);
    nn_dataset_free(&test);
    nn_dataset_free(&train);
    return rc ? 1 : 0;
}
