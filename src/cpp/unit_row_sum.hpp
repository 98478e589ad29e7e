// logbessel/_core: the one-pass sufficient statistics of a von Mises-Fisher fit (host only).
//
//     r2[i] = sum_j X[i, j]^2                         (float64, every row)
//     S[j]  = sum_i w_i X[i, j] / sqrt(r2[i])         (float64; w_i = 1 without weights)
//
// for a float32 or float64 matrix X whose rows are contiguous. This is the whole O(n d) cost of
// logbessel.vmf.fit on NumPy data. Done with NumPy it takes three passes per block of rows
// (a float64 copy, the row norms, a matrix-vector product), about 2.2x (float64) and 5.4x
// (float32) the time of X.sum(0) at d = 32768, n = 50,000. Here each row is read once from
// memory: the norm loop brings it into cache (128 KiB for float32 at d = 32768), the
// accumulation loop reads it again from there, converting float32 to float64 in registers.
//
// Accuracy: float64 accumulation everywhere, as before. The squared norm is summed by 8
// interleaved partial sums (vectorisable; relative error <= ~d/8 eps, in practice ~sqrt(d) eps,
// versus the data's own rounding); S by one sum per row block (error ~ n eps relative to
// sum_i |x_ij|, as for NumPy's matrix-vector product). Rows that are not finite or are zero are
// left out of S and reported through r2 (the caller raises).
//
// Threads: the rows are split into `parts` contiguous ranges, a number that depends only on
// (n, d), each summed into its own float64 vector; the vectors are then added in a fixed order.
// The result is therefore the same for any number of threads (bit-identical), only faster.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LOGBESSEL_ROW_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define LOGBESSEL_ROW_CLONES
#endif

namespace logbessel_row_sum {

// Ranges of rows whose partial sums are kept apart: enough to feed a few cores, few enough that
// the extra float64 vectors stay small (parts * d * 8 bytes <= 64 MiB).
inline std::ptrdiff_t partition_count(std::ptrdiff_t n, std::ptrdiff_t d) {
    constexpr std::ptrdiff_t max_parts = 8;
    constexpr std::ptrdiff_t max_partial_elements = std::ptrdiff_t(1) << 23;
    std::ptrdiff_t parts = max_parts;
    if (parts * d > max_partial_elements) parts = max_partial_elements / (d > 0 ? d : 1);
    if (parts > n) parts = n;
    return parts < 1 ? 1 : parts;
}

// sum_j x_j^2 in float64 with 8 interleaved partial sums (independent chains: vectorised, and no
// loop-carried latency), combined pairwise.
template <typename T>
LOGBESSEL_ROW_CLONES double squared_norm(const T *x, std::ptrdiff_t d) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::ptrdiff_t j = 0;
    for (; j + 8 <= d; j += 8)
        for (int k = 0; k < 8; ++k) {
            const double value = static_cast<double>(x[j + k]);
            acc[k] += value * value;
        }
    for (int k = 0; j + k < d; ++k) {  // at most 7 left
        const double value = static_cast<double>(x[j + k]);
        acc[k] += value * value;
    }
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

// S += scale * x (float64), one row.
template <typename T>
LOGBESSEL_ROW_CLONES void add_scaled(double *S, const T *x, double scale, std::ptrdiff_t d) {
    for (std::ptrdiff_t j = 0; j < d; ++j) S[j] += scale * static_cast<double>(x[j]);
}

// S += s0 x0 + s1 x1 + s2 x2 + s3 x3: four rows per sweep over S, so S (256 KiB at d = 32768)
// is loaded and stored once per four rows instead of once per row; that sweep, not the data,
// bounded the one-row loop for float32 data.
template <typename T>
LOGBESSEL_ROW_CLONES void add_scaled4(double *S, const T *x0, const T *x1, const T *x2, const T *x3,
                                      const double *scale, std::ptrdiff_t d) {
    const double s0 = scale[0], s1 = scale[1], s2 = scale[2], s3 = scale[3];
    for (std::ptrdiff_t j = 0; j < d; ++j)
        S[j] += (s0 * static_cast<double>(x0[j]) + s1 * static_cast<double>(x1[j])) +
                (s2 * static_cast<double>(x2[j]) + s3 * static_cast<double>(x3[j]));
}

// Rows per sweep: four while the four rows stay in a core's L2 cache next to S (<= 512 KiB of
// rows: d <= 32768 for float32, 16384 for float64), else one. Depends only on d and the dtype,
// so the summation order (hence every bit of S) does too.
template <typename T> inline int rows_per_sweep(std::ptrdiff_t d) {
    return 4 * d * std::ptrdiff_t(sizeof(T)) <= (std::ptrdiff_t(1) << 19) ? 4 : 1;
}

template <typename T>
void sum_rows(const char *X, std::ptrdiff_t row_stride, std::ptrdiff_t first, std::ptrdiff_t last,
              std::ptrdiff_t d, const double *weights, double *r2, double *S) {
    const int group = rows_per_sweep<T>(d);
    for (std::ptrdiff_t i = first; i < last; i += group) {
        const int rows = last - i < group ? int(last - i) : group;
        const T *row[4];
        double scale[4];
        for (int k = 0; k < rows; ++k) {
            row[k] = reinterpret_cast<const T *>(X + (i + k) * row_stride);
            const double sq = squared_norm(row[k], d);  // brings the row into cache
            r2[i + k] = sq;
            // Not finite (nan/inf data, or a norm beyond the float64 range) or zero: left out
            // of S (scale 0, and the row not read: 0 * inf would poison S with nan), reported
            // by the caller from r2.
            const bool usable = sq > 0.0 && sq <= 1.7976931348623157e308;
            scale[k] = usable ? (weights != nullptr ? weights[i + k] : 1.0) / std::sqrt(sq) : 0.0;
            if (!usable) row[k] = nullptr;
        }
        bool all_usable = rows == 4;
        for (int k = 0; k < rows; ++k) all_usable = all_usable && row[k] != nullptr;
        if (all_usable) {
            add_scaled4(S, row[0], row[1], row[2], row[3], scale, d);
        } else {
            for (int k = 0; k < rows; ++k)
                if (row[k] != nullptr) add_scaled(S, row[k], scale[k], d);
        }
    }
}

// Calls part_fn(p) for p = 0 .. parts-1, spread over up to `threads` threads (worker w takes
// parts w, w + workers, ...). The parts write disjoint outputs, so the threads never share data.
template <typename PartFn>
void run_parts(std::ptrdiff_t parts, int threads, const PartFn &part_fn) {
    std::ptrdiff_t workers = threads < 1 ? 1 : threads;
    if (workers > parts) workers = parts;
    auto worker_fn = [&](std::ptrdiff_t worker) {
        for (std::ptrdiff_t p = worker; p < parts; p += workers) part_fn(p);
    };
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(workers - 1));
    for (std::ptrdiff_t w = 1; w < workers; ++w) pool.emplace_back(worker_fn, w);
    worker_fn(0);
    for (auto &t : pool) t.join();
}

// r2 (length n) and S (length d, zeroed by the caller) for the rows of X; `threads` >= 1.
template <typename T>
void unit_row_sum(const char *X, std::ptrdiff_t n, std::ptrdiff_t d, std::ptrdiff_t row_stride,
                  const double *weights, double *r2, double *S, int threads) {
    const std::ptrdiff_t parts = partition_count(n, d);
    // Part p covers rows [p n / parts, (p + 1) n / parts); part 0 sums straight into S.
    std::vector<double> partial(static_cast<std::size_t>((parts - 1) * d), 0.0);
    auto part_target = [&](std::ptrdiff_t p) { return p == 0 ? S : partial.data() + (p - 1) * d; };
    run_parts(parts, threads, [&](std::ptrdiff_t p) {
        sum_rows<T>(X, row_stride, p * n / parts, (p + 1) * n / parts, d, weights, r2, part_target(p));
    });
    for (std::ptrdiff_t p = 1; p < parts; ++p) {  // fixed order: independent of `threads`
        const double *part = part_target(p);
        for (std::ptrdiff_t j = 0; j < d; ++j) S[j] += part[j];
    }
}

// sum_j (x_j / r - m_j)^2 for one row (8 interleaved float64 partial sums, as squared_norm).
template <typename T>
LOGBESSEL_ROW_CLONES double squared_distance(const T *x, double inv_r, const double *m, std::ptrdiff_t d) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::ptrdiff_t j = 0;
    for (; j + 8 <= d; j += 8)
        for (int k = 0; k < 8; ++k) {
            const double diff = static_cast<double>(x[j + k]) * inv_r - m[j + k];
            acc[k] += diff * diff;
        }
    for (int k = 0; j + k < d; ++k) {
        const double diff = static_cast<double>(x[j + k]) * inv_r - m[j + k];
        acc[k] += diff * diff;
    }
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

// The second pass of a fit to very concentrated data (1 - R-bar < 2^-16, see vmf/_fit.py):
//     sum_i w_i |x_i / r_i - m|^2 = W (1 - R-bar^2)   (unit rows x_i / r_i, m = S / W),
// which gives 1 - R-bar without the cancellation of (W - |S|) / W. r2 from unit_row_sum (all
// rows usable: the caller has validated them). Partial sums per part, added in a fixed order.
template <typename T>
double unit_row_spread(const char *X, std::ptrdiff_t n, std::ptrdiff_t d, std::ptrdiff_t row_stride,
                       const double *weights, const double *r2, const double *m, int threads) {
    const std::ptrdiff_t parts = partition_count(n, d);
    std::vector<double> part_sum(static_cast<std::size_t>(parts), 0.0);
    run_parts(parts, threads, [&](std::ptrdiff_t p) {
        double total = 0.0;
        for (std::ptrdiff_t i = p * n / parts; i < (p + 1) * n / parts; ++i) {
            const T *row = reinterpret_cast<const T *>(X + i * row_stride);
            const double dist2 = squared_distance(row, 1.0 / std::sqrt(r2[i]), m, d);
            total += weights != nullptr ? weights[i] * dist2 : dist2;
        }
        part_sum[static_cast<std::size_t>(p)] = total;
    });
    double total = 0.0;
    for (std::ptrdiff_t p = 0; p < parts; ++p) total += part_sum[static_cast<std::size_t>(p)];
    return total;
}

}  // namespace logbessel_row_sum
