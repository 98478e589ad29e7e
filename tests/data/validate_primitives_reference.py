"""Independent checks of the primitives' reference tables (``generate_primitives_reference.py
--validate`` runs these).

1. the generator's Bessel building block against the certified core tables (log I, log K);
2. iv_ratio against the Gauss continued fraction I_{v+1}/I_v = 1/(2(v+1)/x + 1/(2(v+2)/x + ...))
   (DLMF 10.33.1 iterated), evaluated in mpmath at 60 digits, and the table's iv_ratio_c = 1 - iv_ratio;
3. the Wronskian I_v K_{v+1} + I_{v+1} K_v = 1/x (DLMF 10.28.2), i.e.
   log_iv_dx - log_kv_dx = 1 / (x I_v K_v), on the rows shared by the two tables;
4. iv_ratio_inv round trip (mpmath R(kappa_ref) = r) and closed forms (v = -1/2: atanh r);
5. order derivatives: closed forms at v = 1/2 (DLMF 10.38.6, 10.38.7) and mpmath's numerical
   differentiation at 50 digits;
6. vmf_log_norm closed forms (d = 1: -log(2 cosh k), d = 3: log(k / (4 pi sinh k)));
   matern closed forms (nu = 1/2, 3/2, 5/2); matern_dnu by mpmath differentiation;
7. log_abs_iv / sign_iv against mpmath's besseli for negative orders;
8. a second precision: rows recomputed from a higher start precision and other difference
   steps must agree with the stored hi + lo;
9. the stored pairs: |lo| <= ulp(hi)/2, inputs exactly representable in the table's dtype.
"""

from __future__ import annotations

import math

import numpy as np

import generate_primitives_reference as gen


def _load(path):
    z = np.load(path)
    t = {}
    for f in gen.FUNCS:
        if f"{f}_a" in z.files:
            t[f] = {k: z[f"{f}_{k}"] for k in ("a", "b", "hi", "lo", "category")}
    return t


def run_validation(paths) -> int:
    import mpmath as mp

    worst, count = {}, {}

    def note(key, err):
        worst[key] = max(worst.get(key, 0.0), float(err))
        count[key] = count.get(key, 0) + 1

    def rel(got, ref):
        return abs(got - ref) / max(mp.mpf(1), abs(ref))

    def val(t, f, j):
        return mp.mpf(t[f]["hi"][j]) + mp.mpf(t[f]["lo"][j])

    rng = np.random.default_rng(11)
    mp.mp.dps = 60

    # 1. building block vs the core tables
    core_path = gen.HERE / "ref_float64.npz"
    if core_path.exists():
        from flint import arb, ctx

        z = np.load(core_path)
        for j in rng.choice(len(z["v"]), 80, replace=False):
            v, x = float(z["v"][j]), float(z["x"][j])
            for kind in ("i", "k"):
                hi = z[f"log_{kind}v_hi"][j]
                if not np.isfinite(hi):
                    continue
                lb = None
                for prec in (512, 2048, 8192):
                    try:
                        s, lb = gen.log_bessel(kind, v, x, prec)
                        break
                    except gen._NotYet:
                        pass
                if lb is None:
                    note("log_bessel vs core tables: no ball", 1)
                    continue
                ctx.prec = prec
                if x > 1:
                    lb = lb + arb(x) if kind == "i" else lb - arb(x)
                ref = mp.mpf(hi) + mp.mpf(z[f"log_{kind}v_lo"][j])
                note("log_bessel vs core tables (80 rows)", rel(mp.mpf(float(lb.mid())) +
                                                                mp.mpf(float((lb - float(lb.mid())).mid())), ref))

    for path in paths:
        if not path.exists():
            print(f"  (no table {path.name}; skipped)")
            continue
        t = _load(path)
        dtype = "float64" if "float64" in path.name else "float32"
        tag = path.name

        def sample(f, mask, n):
            idx = np.flatnonzero(mask & np.isfinite(t[f]["hi"]))
            return rng.choice(idx, min(n, len(idx)), replace=False) if len(idx) else []

        # 2. continued fraction for the ratio; iv_ratio_c consistency
        if "iv_ratio" in t:
            a, b = t["iv_ratio"]["a"], t["iv_ratio"]["b"]
            for j in sample("iv_ratio", (a >= 0) & (a <= 200) & (b > 1e-5) & (b <= 300), 40):
                v, x = mp.mpf(a[j]), mp.mpf(b[j])

                def cf(n):
                    acc = mp.mpf(0)
                    for k in range(n, 0, -1):
                        acc = 1 / (2 * (v + k) / x + acc)
                    return acc
                n = int(4 * float(b[j]) + 200)
                r1, r2 = cf(n), cf(2 * n)
                assert abs(r1 - r2) < mp.mpf(10) ** -45 * r1
                note(f"{tag}: iv_ratio vs continued fraction (rel)", abs(val(t, "iv_ratio", j) - r2) / r2)
            if "iv_ratio_c" in t:
                same = (t["iv_ratio_c"]["a"] == a) & (t["iv_ratio_c"]["b"] == b)
                for j in sample("iv_ratio", same & (b < 1e3) & np.isfinite(t["iv_ratio_c"]["hi"]), 40):
                    c = val(t, "iv_ratio_c", j)
                    note(f"{tag}: iv_ratio + iv_ratio_c = 1", abs(val(t, "iv_ratio", j) + c - 1))
        # 3. Wronskian on shared rows
        if "log_iv_dx" in t and "log_kv_dx" in t:
            ki = {(p, q): j for j, (p, q) in enumerate(zip(t["log_iv_dx"]["a"], t["log_iv_dx"]["b"]))}
            pairs = [(ki[(p, q)], j) for j, (p, q) in enumerate(zip(t["log_kv_dx"]["a"], t["log_kv_dx"]["b"]))
                     if (p, q) in ki and p >= 0 and 1e-3 < q < 500 and p < 100]
            for ji, jk in [pairs[i] for i in rng.choice(len(pairs), min(40, len(pairs)), replace=False)]:
                v, x = mp.mpf(t["log_iv_dx"]["a"][ji]), mp.mpf(t["log_iv_dx"]["b"][ji])
                lhs = val(t, "log_iv_dx", ji) - val(t, "log_kv_dx", jk)
                rhs = 1 / (x * mp.besseli(v, x) * mp.besselk(v, x))
                note(f"{tag}: Wronskian log_iv_dx - log_kv_dx = 1/(x I K) (rel)", abs(lhs - rhs) / rhs)
        # 4. inverse
        if "iv_ratio_inv" in t:
            T = t["iv_ratio_inv"]
            for j in sample("iv_ratio_inv", (T["a"] <= 100) & (T["hi"] > 1e-6) & (T["hi"] < 1e4), 40):
                v, k = mp.mpf(T["a"][j]), val(t, "iv_ratio_inv", j)
                r = mp.mpf(T["b"][j])
                rr = mp.besseli(v + 1, k) / mp.besseli(v, k)
                note(f"{tag}: iv_ratio_inv round trip |R(kappa) - r| / min(r, 1-r)", abs(rr - r) / min(r, 1 - r))
            for j in np.flatnonzero((T["a"] == -0.5) & np.isfinite(T["hi"]) & (T["b"] > 0)):
                note(f"{tag}: iv_ratio_inv(-1/2, r) = atanh(r) (rel)",
                     abs(val(t, "iv_ratio_inv", j) - mp.atanh(mp.mpf(T["b"][j]))) / mp.atanh(mp.mpf(T["b"][j])))
        # 5. order derivatives
        for f in ("log_iv_dv", "log_kv_dv"):
            if f not in t:
                continue
            T = t[f]
            for j in np.flatnonzero((T["a"] == 0.5) & (T["b"] < 300) & (T["b"] > 1e-30)):
                x = mp.mpf(T["b"][j])
                if f == "log_kv_dv":
                    ref = mp.e1(2 * x) * mp.exp(2 * x)
                else:
                    ref = -(mp.e1(2 * x) * mp.exp(x) + mp.ei(2 * x) * mp.exp(-x)) / (2 * mp.sinh(x))
                note(f"{tag}: {f} at v = 1/2 vs DLMF 10.38.6/7", rel(val(t, f, j), ref))
            bes = mp.besseli if f == "log_iv_dv" else mp.besselk
            with mp.workdps(50):
                for j in sample(f, (T["a"] > 0.01) & (T["a"] < 40) & (T["b"] > 0.01) & (T["b"] < 60), 15):
                    x = mp.mpf(T["b"][j])
                    ref = mp.diff(lambda s: mp.log(bes(s, x)), mp.mpf(T["a"][j]))
                    note(f"{tag}: {f} vs mpmath diff (50 digits)", rel(val(t, f, j), ref))
        # 6. vMF and Matern closed forms
        if "vmf_log_norm" in t:
            T = t["vmf_log_norm"]
            for j in np.flatnonzero(((T["a"] == 1) | (T["a"] == 3)) & (T["b"] > 0) & (T["b"] < 1e5)):
                k = mp.mpf(T["b"][j])
                ref = -mp.log(2 * mp.cosh(k)) if T["a"][j] == 1 else mp.log(k / (4 * mp.pi * mp.sinh(k)))
                note(f"{tag}: vmf_log_norm closed forms d = 1, 3", rel(val(t, "vmf_log_norm", j), ref))
            for j in np.flatnonzero(T["b"] == 0):
                d = mp.mpf(T["a"][j])
                ref = mp.loggamma(d / 2) - mp.log(2) - d / 2 * mp.log(mp.pi)
                note(f"{tag}: vmf_log_norm at kappa = 0", rel(val(t, "vmf_log_norm", j), ref))
        if "matern" in t:
            T = t["matern"]
            closed = {0.5: lambda r: mp.exp(-r),
                      1.5: lambda r: (1 + mp.sqrt(3) * r) * mp.exp(-mp.sqrt(3) * r),
                      2.5: lambda r: (1 + mp.sqrt(5) * r + 5 * r * r / 3) * mp.exp(-mp.sqrt(5) * r)}
            for j in np.flatnonzero(np.isin(T["b"], list(closed)) & (T["a"] > 0) & (T["a"] < 1e6)):
                ref = closed[float(T["b"][j])](mp.mpf(T["a"][j]))
                note(f"{tag}: matern closed forms nu = 1/2, 3/2, 5/2", rel(val(t, "matern", j), ref))
        if "matern_dnu" in t:
            T = t["matern_dnu"]

            def mat(r, nu):
                z = mp.sqrt(2 * nu) * r
                return 2 ** (1 - nu) / mp.gamma(nu) * z**nu * mp.besselk(nu, z)
            with mp.workdps(50):
                for j in sample("matern_dnu", (T["b"] > 0.05) & (T["b"] < 40) & (T["a"] > 1e-3) & (T["a"] < 20), 15):
                    r = mp.mpf(T["a"][j])
                    ref = mp.diff(lambda s: mat(r, s), mp.mpf(T["b"][j]))
                    note(f"{tag}: matern_dnu vs mpmath diff (50 digits)", rel(val(t, "matern_dnu", j), ref))
        # 7. negative orders
        if "log_abs_iv" in t:
            T = t["log_abs_iv"]
            S = t.get("sign_iv")
            for j in sample("log_abs_iv", (T["a"] > -40) & (T["a"] < 0) & (T["b"] > 1e-3) & (T["b"] < 100), 40):
                iv = mp.besseli(mp.mpf(T["a"][j]), mp.mpf(T["b"][j]))
                note(f"{tag}: log_abs_iv vs mpmath besseli", rel(val(t, "log_abs_iv", j), mp.log(abs(iv))))
                if S is not None and S["a"][j] == T["a"][j] and S["b"][j] == T["b"][j]:
                    note(f"{tag}: sign_iv vs mpmath (0 = all agree)", float(S["hi"][j] != mp.sign(iv)))
        # 8. second precision / other steps
        saved = (gen.START_PREC, gen.STEP_BITS, gen.STEP2_BITS)
        gen.START_PREC, gen.STEP_BITS, gen.STEP2_BITS = 640, 110, 85
        try:
            for f in t:
                T = t[f]
                for j in sample(f, ~np.isin(T["category"], ["edge", "domain"]), 12):
                    hi, lo, _, _ = gen.certify(f, float(T["a"][j]), float(T["b"][j]))
                    d = abs((mp.mpf(hi) + mp.mpf(lo)) - val(t, f, j))
                    # in units of the accepted radius: 2^-133 |ref| or the absolute floor
                    unit = max(abs(val(t, f, j)) * mp.mpf(2) ** -gen.REL_BITS,
                               mp.mpf(2) ** -gen.ABS_FLOOR.get(f, gen.ABS_BITS))
                    note(f"{tag}: second precision / step (in accepted radii, must be <= 2)", d / unit)
        finally:
            gen.START_PREC, gen.STEP_BITS, gen.STEP2_BITS = saved
        # 9. stored pairs
        for f, T in t.items():
            fin = np.isfinite(T["hi"])
            with np.errstate(all="ignore"):
                bad = np.abs(T["lo"][fin]) > np.spacing(np.abs(T["hi"][fin])) / 2
            note(f"{tag}: rows with |lo| > ulp(hi)/2", int(bad.sum()))
            for k in ("a", "b"):
                x = T[k]
                note(f"{tag}: inputs not representable in {dtype}",
                     int((~np.isnan(x) & (x.astype(dtype).astype(np.float64) != x)).sum()))

    print("validation: max discrepancy (relative to max(1, |ref|) unless marked rel; counts must be 0):")
    for k, e in worst.items():
        print(f"  {k:75s} {e:10.3e}  ({count[k]} checks)")
    bad = [k for k, e in worst.items()
           if (("rows with" in k or "not representable" in k or "0 = all" in k) and e > 0)
           or ("no ball" in k) or ("accepted radii" in k and e > 2)
           or ("accepted radii" not in k and e > 1e-30)]
    if bad:
        print("VALIDATION FAILED:", bad)
        return 1
    print("validation passed")
    return 0
