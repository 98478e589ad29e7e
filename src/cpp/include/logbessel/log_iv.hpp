#pragma once
#include "config.hpp"
namespace logbessel {
template <typename T> LOGBESSEL_INLINE T log_iv(T v, T x) { return detail::m_log(x) + v; }
}
