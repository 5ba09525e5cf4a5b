/* nn_modelfile.h - saving and loading models (format in README.md, "Model files").
 *
 * All multi-byte fields are little-endian; the file ends with a CRC-32 of all
 * the bytes before it.  Files carry no timestamps: the same training gives the
 * same bytes.  Saving follows the output rule of nn_output.h. */
#ifndef NN_MODELFILE_H
#define NN_MODELFILE_H

#include <stddef.h>
#include <stdint.h>

#include "nn_error.h"
#include "nn_model.h"
#include "nn_output.h"
#include "nn_train.h"

#define NN_MODEL_MAGIC "NNARTMDL"
#define NN_MODEL_VERSION 1u
/* The one header flag: the parameters were imported (nnart import) rather
 * than trained by nnart; nn_train_info.imported. */
#define NN_MODEL_FLAG_IMPORTED 1u

/* The metadata of a model whose training is unknown: zero settings (the
 * codes of Adam and cross-entropy), NaN metrics, not imported; what a model
 * saved with info = NULL holds. */
void nn_train_info_unknown(nn_train_info *info);

/* Serialises m and info (info may be NULL: all metadata unknown) into a new
 * buffer (*out, *len) owned by the caller (free()). */
int nn_model_encode(const nn_model *m, const nn_train_info *info, uint8_t **out, size_t *len,
                    nn_error *err);
/* Parses a model file image.  name is for messages.  On success m (and info,
 * if not NULL) are filled; m must be freed with nn_model_free. */
int nn_model_parse(const uint8_t *buf, size_t len, const char *name, nn_model *m,
                   nn_train_info *info, nn_error *err);

/* Encodes m and info into the output o (appended), messages naming its path. */
int nn_model_write(nn_output *o, const nn_model *m, const nn_train_info *info,
                   nn_error *err);
/* nn_model_write into an output set of one file, landed at once. */
int nn_model_save(const char *path, const nn_model *m, const nn_train_info *info,
                  nn_error *err);
int nn_model_load(const char *path, nn_model *m, nn_train_info *info, nn_error *err);

#endif
