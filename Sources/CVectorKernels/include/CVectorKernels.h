#ifndef C_VECTOR_KERNELS_H
#define C_VECTOR_KERNELS_H

#include <stddef.h>

/// The inner loops of exact vector search, with an AVX2+FMA version chosen at run time when the CPU has
/// it (Swift cannot enable a target feature for one function; a C function can, with `target`), and a
/// portable version otherwise. Results are the same up to floating-point rounding order.

/// out[i] += dot(matrix[i * dims ..< (i + 1) * dims], query) for i in 0 ..< rows.
void cvk_dot_rows(const float *matrix, size_t rows, size_t dims, const float *query, float *out);

/// y[i] += weight * x[i] for i in 0 ..< count.
void cvk_axpy(float weight, const float *x, float *y, size_t count);

/// y[i] += sum over c of weights[c] * columns[c][offset + i] for i in 0 ..< count: several columns in one
/// pass over y (four at a time), so y is loaded and stored once per four columns.
void cvk_axpy_columns(const float *const *columns, const float *weights, size_t ncolumns, size_t offset, float *y, size_t count);

/// 1 when the AVX2+FMA versions are in use.
int cvk_uses_avx2(void);

#endif
