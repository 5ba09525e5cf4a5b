/* test_page.c - the web page of nn_page_html: its data read back by a base64
 * decoder and a number reader of the test's own (the parameters bit for bit,
 * the colour tables against nn_colormap_rgb, the test digits), the title
 * escaped for HTML and for JSON, every marker of the template filled, nothing
 * that names another resource, and its errors.  The page's script is run
 * against nnart in a browser by tests/cli_page.sh. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>

#include "nnart.h"
#include "test.h"

/* A 16 -> 5 -> 4 -> 3 network on 4 x 4 images with weights that are not
 * round in binary (a tenth and a third of each index). */
static void small_network(nn_model *m)
{
    nn_error err;
    size_t s[] = {16, 5, 4, 3};
    nn_activation a[] = {NN_ACT_RELU, NN_ACT_TANH, NN_ACT_SOFTMAX};
    CHECK_OK(nn_model_create(m, 3, s, a, &err), &err);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = (float)((int)(i % 7) - 3) / 10.0f + (float)i / 3000.0f;
}

static const uint8_t digit_pixels[3 * 16] = {
    0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0, 0,
    255, 255, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 255, 255, 0,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

/* The page for m with three digits; the caller frees out. */
static int build(const nn_model *m, const char *title, const nn_train_info *info, nn_buf *out,
                 nn_error *err)
{
    static const int labels[3] = {1, -1, 2};
    static const size_t index[3] = {5, 6, 70};
    nn_page p = {.title = title, .model = m, .rows = 4, .cols = 4, .info = info,
                 .n_digits = 3, .pixels = digit_pixels, .labels = labels, .index = index};
    memset(out, 0, sizeof *out);
    int rc = nn_page_html(&p, out, err);
    nn_buf_put_u8(out, 0); /* a C string from here on */
    return rc;
}

/* The text after the first occurrence of key in page, or NULL. */
static const char *after(const char *page, const char *key)
{
    const char *at = strstr(page, key);
    return at ? at + strlen(key) : NULL;
}

/* Decodes base64 from s up to the first character outside its alphabet;
 * returns the byte count (out holds up to cap). */
static size_t unbase64(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0, bits = 0;
    uint32_t acc = 0;
    for (; *s && *s != '"'; s++) {
        const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        if (*s == '=')
            continue;
        const char *d = strchr(alphabet, *s);
        if (!d)
            break;
        acc = (acc << 6) | (uint32_t)(d - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < cap)
                out[n] = (uint8_t)(acc >> bits);
            n++;
        }
    }
    return n;
}

/* Reads n comma-separated integers from s (after "["). */
static size_t ints(const char *s, long *out, size_t n)
{
    size_t got = 0;
    char *end;
    while (s && got < n) {
        out[got++] = strtol(s, &end, 10);
        if (*end != ',')
            break;
        s = end + 1;
    }
    return got;
}

static void test_page_parameters(void)
{
    nn_model m;
    small_network(&m);
    nn_buf out;
    nn_error err;
    CHECK_OK(build(&m, "m.nnm", NULL, &out, &err), &err);
    const char *page = (const char *)out.data;
    uint8_t bytes[4 * 200];
    size_t n = unbase64(after(page, "\"params\":\""), bytes, sizeof bytes);
    CHECK(n == 4 * m.n_params);
    for (size_t i = 0; i < m.n_params && n == 4 * m.n_params; i++) {
        uint32_t u = (uint32_t)bytes[4 * i] | (uint32_t)bytes[4 * i + 1] << 8 |
                     (uint32_t)bytes[4 * i + 2] << 16 | (uint32_t)bytes[4 * i + 3] << 24;
        float v;
        memcpy(&v, &u, sizeof v);
        CHECK(memcmp(&v, &m.params[i], sizeof v) == 0);
    }
    CHECK(strstr(page, "\"sizes\":[16,5,4,3]"));
    CHECK(strstr(page, "\"activations\":[\"relu\",\"tanh\",\"softmax\"]"));
    CHECK(strstr(page, "\"rows\":4,\"cols\":4"));
    CHECK(strstr(page, "\"training\":null"));
    nn_buf_free(&out);
    nn_model_free(&m);
}

static void test_page_colour_tables(void)
{
    nn_model m;
    small_network(&m);
    nn_buf out;
    nn_error err;
    CHECK_OK(build(&m, "m", NULL, &out, &err), &err);
    const char *page = (const char *)out.data;
    const char *keys[2] = {"\"hot\":[", "\"bwr\":["};
    nn_colormap maps[2] = {NN_CMAP_HOT, NN_CMAP_BWR};
    for (int k = 0; k < 2; k++) {
        long t[768];
        CHECK(ints(after(page, keys[k]), t, 768) == 768);
        /* Entry i colours the values v with floor(256 v) = i. */
        for (int i = 0; i < 256; i++) {
            uint8_t rgb[3];
            nn_colormap_rgb(maps[k], (float)i / 256.0f, rgb);
            CHECK(t[3 * i] == rgb[0] && t[3 * i + 1] == rgb[1] && t[3 * i + 2] == rgb[2]);
        }
    }
    nn_buf_free(&out);
    nn_model_free(&m);
}

static void test_page_digits(void)
{
    nn_model m;
    small_network(&m);
    nn_buf out;
    nn_error err;
    CHECK_OK(build(&m, "m", NULL, &out, &err), &err);
    const char *page = (const char *)out.data;
    CHECK(strstr(page, "\"index\":[5,6,70],\"labels\":[1,-1,2]"));
    uint8_t bytes[64];
    CHECK(unbase64(after(page, "\"pixels\":\""), bytes, sizeof bytes) == sizeof digit_pixels);
    CHECK(memcmp(bytes, digit_pixels, sizeof digit_pixels) == 0);
    /* Each digit, the weights and the dreams as PNG data: URIs. */
    size_t pngs = 0;
    for (const char *s = page; (s = strstr(s, "\"data:image/png;base64,iVBORw0KGgo")); s++)
        pngs++;
    CHECK(pngs == 3 + 2);
    nn_buf_free(&out);
    nn_model_free(&m);
}

/* Occurrences of "</script", any case. */
static size_t script_ends(const char *page)
{
    size_t n = 0;
    for (const char *s = page; *s; s++)
        if (s[0] == '<' && s[1] == '/' && strncmp(s + 2, "script", 6) == 0)
            n++;
    return n;
}

static void test_page_title_and_markup(void)
{
    nn_model m;
    small_network(&m);
    nn_buf out;
    nn_error err;
    CHECK_OK(build(&m, "a</script><b>&\"x\n", NULL, &out, &err), &err);
    const char *page = (const char *)out.data;
    CHECK(strncmp(page, "<!DOCTYPE html>\n", 16) == 0);
    CHECK(strstr(page, "<title>a&lt;/script&gt;&lt;b&gt;&amp;&quot;x\n - nnart</title>"));
    CHECK(strstr(page, "\"title\":\"a\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\\"x\\u000a\""));
    CHECK(script_ends(page) == 2); /* the data's element and the script's */
    CHECK(!strstr(page, "@TITLE@") && !strstr(page, "@DATA@") && !strstr(page, "@STYLE@") &&
          !strstr(page, "@SCRIPT@"));
    CHECK(strstr(page, "touch-action: none"));     /* the style sheet */
    CHECK(strstr(page, "function forward(x)"));    /* the script */
    CHECK(!strstr(page, "http:") && !strstr(page, "https:"));
    size_t len = strlen(page);
    CHECK(len > 8 && strcmp(page + len - 8, "</html>\n") == 0);
    nn_buf_free(&out);
    nn_model_free(&m);
}

static void test_page_training(void)
{
    nn_model m;
    small_network(&m);
    nn_train_info info = {.optimizer = NN_OPT_ADAM, .loss = NN_LOSS_XENT, .lr = 0.001f,
                          .epochs = 5, .batch = 128, .seed = 42, .n_train = 60000,
                          .train_loss = NAN, .train_accuracy = NAN, .val_loss = NAN,
                          .val_accuracy = NAN, .test_loss = 0.25f, .test_accuracy = 0.96875f};
    nn_buf out;
    nn_error err;
    CHECK_OK(build(&m, "m", &info, &out, &err), &err);
    const char *page = (const char *)out.data;
    CHECK(strstr(page, "\"training\":{\"optimizer\":\"adam\",\"loss\":\"xent\",\"epochs\":5,"
                       "\"batch\":128,\"seed\":\"42\",\"n_train\":60000,"));
    CHECK(strstr(page, "\"val_accuracy\":null,\"test_loss\":0.25,\"test_accuracy\":0.96875}"));
    nn_buf_free(&out);
    nn_model_free(&m);
}

static void test_page_errors(void)
{
    nn_model m;
    small_network(&m);
    nn_error err;
    nn_buf out = {0};
    nn_page p = {.title = "m", .model = &m, .rows = 4, .cols = 5};
    CHECK(nn_page_html(&p, &out, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "a 4 x 5 image does not fit 16 model inputs");
    p.cols = 4, p.n_digits = NN_PAGE_MAX_DIGITS + 1, p.pixels = digit_pixels;
    CHECK(nn_page_html(&p, &out, &err) == NN_ERR_ARG);
    CHECK_MSG(err.msg, "test digits");
    p.n_digits = 2, p.index = NULL;
    CHECK(nn_page_html(&p, &out, &err) == NN_ERR_ARG);
    CHECK(out.len == 0 && out.data == NULL); /* out untouched */
    p.n_digits = 0;
    CHECK_OK(nn_page_html(&p, &out, &err), &err);
    CHECK(out.len > 0);
    nn_buf_free(&out);
    nn_model_free(&m);
}

int main(void)
{
    setenv("NNART_KERNELS", "generic", 1);
    RUN(test_page_parameters);
    RUN(test_page_colour_tables);
    RUN(test_page_digits);
    RUN(test_page_title_and_markup);
    RUN(test_page_training);
    RUN(test_page_errors);
    return t_summary();
}
