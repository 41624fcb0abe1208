#include "CVectorKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static void dot_rows_avx2(const float *matrix, size_t rows, size_t dims, const float *query, float *out) {
    size_t wide = dims / 16 * 16;
    for (size_t row = 0; row < rows; row++) {
        const float *vector = matrix + row * dims;
        __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
        size_t index = 0;
        for (; index < wide; index += 16) {
            a = _mm256_fmadd_ps(_mm256_loadu_ps(vector + index), _mm256_loadu_ps(query + index), a);
            b = _mm256_fmadd_ps(_mm256_loadu_ps(vector + index + 8), _mm256_loadu_ps(query + index + 8), b);
        }
        __m256 sum = _mm256_add_ps(a, b);
        __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
        half = _mm_add_ps(half, _mm_movehl_ps(half, half));
        half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
        float total = _mm_cvtss_f32(half);
        for (; index < dims; index++) total += vector[index] * query[index];
        out[row] += total;
    }
}

__attribute__((target("avx2,fma")))
static void axpy_avx2(float weight, const float *x, float *y, size_t count) {
    __m256 w = _mm256_set1_ps(weight);
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        _mm256_storeu_ps(y + index, _mm256_fmadd_ps(w, _mm256_loadu_ps(x + index), _mm256_loadu_ps(y + index)));
        _mm256_storeu_ps(y + index + 8, _mm256_fmadd_ps(w, _mm256_loadu_ps(x + index + 8), _mm256_loadu_ps(y + index + 8)));
    }
    for (; index < count; index++) y[index] += weight * x[index];
}

__attribute__((target("avx2,fma")))
static void axpy_columns_avx2(const float *const *columns, const float *weights, size_t ncolumns, size_t offset, float *y, size_t count) {
    size_t column = 0;
    for (; column + 4 <= ncolumns; column += 4) {
        const float *x0 = columns[column] + offset, *x1 = columns[column + 1] + offset;
        const float *x2 = columns[column + 2] + offset, *x3 = columns[column + 3] + offset;
        __m256 w0 = _mm256_set1_ps(weights[column]), w1 = _mm256_set1_ps(weights[column + 1]);
        __m256 w2 = _mm256_set1_ps(weights[column + 2]), w3 = _mm256_set1_ps(weights[column + 3]);
        size_t index = 0;
        for (; index + 8 <= count; index += 8) {
            __m256 acc = _mm256_loadu_ps(y + index);
            acc = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x0 + index), acc);
            acc = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x1 + index), acc);
            acc = _mm256_fmadd_ps(w2, _mm256_loadu_ps(x2 + index), acc);
            acc = _mm256_fmadd_ps(w3, _mm256_loadu_ps(x3 + index), acc);
            _mm256_storeu_ps(y + index, acc);
        }
        for (; index < count; index++) {
            y[index] += weights[column] * x0[index] + weights[column + 1] * x1[index] + weights[column + 2] * x2[index]
                + weights[column + 3] * x3[index];
        }
    }
    for (; column < ncolumns; column++) axpy_avx2(weights[column], columns[column] + offset, y, count);
}

static int has_avx2(void) {
    static int checked = -1; /* a benign race: every thread computes the same value */
    if (checked < 0) {
        __builtin_cpu_init();
        checked = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return checked;
}
#endif

static void dot_rows_portable(const float *matrix, size_t rows, size_t dims, const float *query, float *out) {
    for (size_t row = 0; row < rows; row++) {
        const float *vector = matrix + row * dims;
        float a = 0, b = 0, c = 0, d = 0;
        size_t index = 0;
        for (; index + 4 <= dims; index += 4) {
            a += vector[index] * query[index];
            b += vector[index + 1] * query[index + 1];
            c += vector[index + 2] * query[index + 2];
            d += vector[index + 3] * query[index + 3];
        }
        float total = (a + b) + (c + d);
        for (; index < dims; index++) total += vector[index] * query[index];
        out[row] += total;
    }
}

static void axpy_portable(float weight, const float *x, float *y, size_t count) {
    for (size_t index = 0; index < count; index++) y[index] += weight * x[index];
}

void cvk_dot_rows(const float *matrix, size_t rows, size_t dims, const float *query, float *out) {
#if defined(__x86_64__)
    if (has_avx2()) { dot_rows_avx2(matrix, rows, dims, query, out); return; }
#endif
    dot_rows_portable(matrix, rows, dims, query, out);
}

void cvk_axpy(float weight, const float *x, float *y, size_t count) {
#if defined(__x86_64__)
    if (has_avx2()) { axpy_avx2(weight, x, y, count); return; }
#endif
    axpy_portable(weight, x, y, count);
}

void cvk_axpy_columns(const float *const *columns, const float *weights, size_t ncolumns, size_t offset, float *y, size_t count) {
#if defined(__x86_64__)
    if (has_avx2()) { axpy_columns_avx2(columns, weights, ncolumns, offset, y, count); return; }
#endif
    for (size_t column = 0; column < ncolumns; column++) axpy_portable(weights[column], columns[column] + offset, y, count);
}

int cvk_uses_avx2(void) {
#if defined(__x86_64__)
    return has_avx2();
#else
    return 0;
#endif
}
