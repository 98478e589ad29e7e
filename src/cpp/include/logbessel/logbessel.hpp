// logbessel: umbrella header.
#pragma once
#include "config.hpp"
#include "log_iv.hpp"
#include "log_kv.hpp"
#include "log_dv.hpp"
#include "signed_iv.hpp"
#include "matern.hpp"
