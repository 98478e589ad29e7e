// Example consumer of logbessel's header-only C++ library (found with find_package(logbessel)).
//
// Evaluates log I_v(x) and log K_v(x) in double and float and checks them against reference
// values computed with Arb (python-flint 0.9, certified to 2^-133 relative, the method of
// tests/data/generate_reference.py; the value below is the reference rounded to nearest double).
// The tolerance is the library's documented accuracy target: |f - ref| <= 4 eps max(1, |ref|).
// Exits with status 0 when every check passes, 1 otherwise.
#include <cmath>
#include <cstdio>
#include <limits>

#include "logbessel/logbessel.hpp"

namespace {

struct Case {
    const char* name;
    double v, x;
    double reference;  // Arb, rounded to nearest double (at the inputs rounded to the type)
};

template <typename T>
bool check(const Case& c, T value) {
    const double eps = std::numeric_limits<T>::epsilon();
    const double err = std::fabs(static_cast<double>(value) - c.reference) /
                       (eps * std::fmax(1.0, std::fabs(c.reference)));
    const bool ok = std::isfinite(static_cast<double>(value)) && err <= 4.0;
    std::printf("%-7s %-6s v = %-8g x = %-8g -> %.17g  (reference %.17g, error %.2f eps) %s\n",
                c.name, sizeof(T) == 4 ? "float" : "double", c.v, c.x, static_cast<double>(value),
                c.reference, err, ok ? "ok" : "FAIL");
    return ok;
}

}  // namespace

int main() {
    // I_1000(1) ~ 1e-2869 and K_1000(1) ~ 1e2865 are far outside the double range; their logs
    // are not. The others: half-integer order (closed form exists), log I_0(x) ~ x^2/4 at tiny x,
    // a huge order, and a negative non-integer order (reflection formula).
    const Case doubles[] = {
        {"log_iv", 1000.0, 1.0, -6605.27510929789},
        {"log_kv", 1000.0, 1.0, 6597.674206338348},
        {"log_iv", 0.5, 3.0, 1.5292734930923129},
        {"log_kv", 0.5, 3.0, -3.3235147916893273},
        {"log_iv", 0.0, 1e-5, 2.4999999999843754e-11},
        {"log_iv", 1e6, 3.0, -12410053.276547756},
        {"log_kv", 1e6, 3.0, 12410038.767890017},
        {"log_iv", -2.5, 10.0, 7.6150581792138565},
        {"log_kv", -2.5, 10.0, -10.640322251618633},
    };
    // float: v = 10, x = 3 are exact in float; the reference is the double one (the check is in
    // units of float's epsilon).
    const Case floats[] = {
        {"log_iv", 10.0, 3.0, -10.846923737386671},
        {"log_kv", 10.0, 3.0, 7.807762317044092},
    };

    bool ok = true;
    for (const Case& c : doubles) {
        const double f = c.name[4] == 'i' ? logbessel::log_iv<double>(c.v, c.x)
                                          : logbessel::log_kv<double>(c.v, c.x);
        ok = check(c, f) && ok;
    }
    for (const Case& c : floats) {
        const float v = static_cast<float>(c.v), x = static_cast<float>(c.x);
        const float f = c.name[4] == 'i' ? logbessel::log_iv<float>(v, x) : logbessel::log_kv<float>(v, x);
        ok = check(c, f) && ok;
    }
    std::printf(ok ? "all checks passed\n" : "SOME CHECKS FAILED\n");
    return ok ? 0 : 1;
}
