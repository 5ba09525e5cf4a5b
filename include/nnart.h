/* nnart.h - the nnart dense-network library in one include.
 *
 *   nn_error.h     error codes and messages (the library never prints or exits)
 *   nn_kernels.h   the three matrix products of a dense layer
 *   nn_layers.h    activations and losses, forward and backward
 *   nn_rng.h       seeded random numbers
 *   nn_model.h     the layer stack: parameters, forward, backward
 *   nn_optim.h     Adam and plain gradient descent
 *   nn_data.h      IDX files and labelled data sets
 *   nn_gzip.h      gzip decompression (for .gz data files)
 *   nn_deflate.h   deflate and zlib compression (for PNG files)
 *   nn_train.h     the training loop, evaluation and prediction
 *   nn_modelfile.h saving and loading models
 *   nn_npy.h       NumPy .npy arrays, and models as .npz archives (Keras's weights)
 *   nn_zip.h       zip archives (for .npz files)
 *   nn_io.h        whole-file reads and atomic writes
 *   nn_crc.h       CRC-32 and Adler-32
 *   nn_render.h    pictures of predictions, weights and confusion matrices
 *   nn_dream.h     gradient descent on the input: what a class looks like
 *   nn_explain.h   attributions of a decision to the input pixels
 *   nn_attribution.h pictures of attributions
 *   nn_plot.h      training histories drawn as loss and accuracy curves
 *   nn_picture.h   reading PNG, JPEG and Netpbm pictures, converted to grey
 *   nn_anim.h      animations: looping GIF and APNG files of pictures
 */
#ifndef NNART_H
#define NNART_H

#define NNART_VERSION "0.1.0"

#include "nn_anim.h"
#include "nn_attribution.h"
#include "nn_crc.h"
#include "nn_data.h"
#include "nn_deflate.h"
#include "nn_dream.h"
#include "nn_error.h"
#include "nn_explain.h"
#include "nn_gzip.h"
#include "nn_io.h"
#include "nn_kernels.h"
#include "nn_layers.h"
#include "nn_model.h"
#include "nn_modelfile.h"
#include "nn_network.h"
#include "nn_npy.h"
#include "nn_optim.h"
#include "nn_page.h"
#include "nn_output.h"
#include "nn_picture.h"
#include "nn_paint.h"
#include "nn_plot.h"
#include "nn_render.h"
#include "nn_rng.h"
#include "nn_train.h"
#include "nn_zip.h"

#endif
