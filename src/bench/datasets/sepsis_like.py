"""A seeded simulator of a "sepsis-like" adult ICU cohort: one row per patient, no real patient data.

Generative story (all numbers are the module constants below, which the card and tests also use):

1. **Demographics.** ``age`` ~ Normal(60.9, 16.2) rounded to whole years and clipped to 18-95;
   ``sex`` is "M" with probability 0.54; ``ethnic_group`` is a synthetic label drawn with shares
   70 / 20 / 8 / 2 % ("group_a" .. "group_d"). "group_d" is deliberately rare, and its baseline
   creatinine is 35 % higher (a log-shift of ln 1.35), which raises its renal SOFA points and so
   its mortality: a generator that drops or blurs the rare group changes measurable facts.
2. **Latent sepsis.** ``P(sepsis) = expit(a + ln(1.5) * (age - 60.9) / 16.2)``: the odds rise by
   1.5 per age SD, and the intercept ``a`` is solved on the drawn ages so that the expected
   prevalence is 7.3 % (PhysioNet/CinC 2019). ``sepsis`` is this latent status (a Sepsis-3 style
   label: suspected infection with an acute organ-dysfunction rise of >= 2 SOFA points).
3. **Physiology.** Every patient has a latent acute-severity factor ``z ~ N(0, 1)`` shared by all
   vitals and labs (so they are correlated among themselves); septic patients get additional
   shifts (faster heart and breathing, lower blood pressure, fever or hypothermia, higher lactate,
   leukocytosis or leukopenia, lower platelets, higher creatinine and bilirubin, lower O2 sat).
   Vitals are Gaussian; ``map`` is built from ``sbp`` (slope 0.55, correlation ~0.8) and kept at
   least 10 mmHg below it; ``o2sat`` is 100 minus a log-normal deficit. Labs are log-normal.
   Baseline means and residual spreads are solved in closed form so that the overall means and
   SDs match the PhysioNet/CinC 2019 hourly anchors (``VITAL_ANCHORS``, ``LAB_ANCHORS``).
4. **SOFA.** ``sofa_partial`` sums the standard SOFA points of four components computed from the
   simulated (rounded, pre-masking) values: cardiovascular (MAP < 70: 1 point; vasopressor points
   are not simulated), coagulation (platelets), liver (bilirubin) and renal (creatinine). It can
   therefore reach 13 at most, within the nominal 0..16 of these four components.
5. **Outcome.** ``hospital_death`` (the target) ~ Bernoulli(expit(a_band + log-odds terms)) with
   the odds ratios in ``MORTALITY_ODDS_RATIOS`` (sepsis, each SOFA point, each doubling of the true
   lactate, male sex). The four age-band intercepts ``a_band`` are solved on the drawn sample so
   that the expected mortality of each band equals ``MORTALITY_BY_AGE_BAND``.
6. **Missingness.** Applied last, after SOFA and the outcome: lactate is missing for ~50 % of
   patients (15 % of septic ones; sicker patients are measured more often), bilirubin for ~40 %
   (25 % of septic ones), and WBC / creatinine / platelets for ~3 % each (2 % of patients have no
   routine blood panel at all, plus 1 % per test). Vitals and demographics are never missing.

Everything is vectorised numpy driven by one ``numpy.random.default_rng(seed)``; one million
patients take about two seconds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError

# --- sizes accepted by ``load`` ---------------------------------------------------------------
MIN_PATIENTS = 1_000
MAX_PATIENTS = 1_000_000

# --- demographics -----------------------------------------------------------------------------
AGE_MEAN, AGE_SD = 60.9, 16.2
AGE_MIN, AGE_MAX = 18, 95
MALE_SHARE = 0.54
ETHNIC_GROUP_SHARES: dict[str, float] = {"group_a": 0.70, "group_b": 0.20, "group_c": 0.08, "group_d": 0.02}
RARE_GROUP = "group_d"
RARE_GROUP_CREATININE_FACTOR = 1.35  # multiplicative shift of baseline creatinine in the rare group

# --- sepsis -----------------------------------------------------------------------------------
SEPSIS_PREVALENCE = 0.073
SEPSIS_OR_PER_AGE_SD = 1.5  # odds ratio of sepsis per 16.2 years of age

# --- outcome ----------------------------------------------------------------------------------
AGE_BAND_EDGES: tuple[int, ...] = (18, 40, 60, 80, 120)  # left-closed: [18, 40) is "18-39"
AGE_BAND_LABELS: tuple[str, ...] = ("18-39", "40-59", "60-79", "80+")
MORTALITY_BY_AGE_BAND: dict[str, float] = {"18-39": 0.007, "40-59": 0.031, "60-79": 0.075, "80+": 0.135}
MORTALITY_ODDS_RATIOS: dict[str, float] = {
    "sepsis": 3.0,                  # septic vs not, at equal SOFA and lactate
    "sofa_partial_per_point": 1.25,
    "lactate_per_doubling": 1.3,    # of the true (unmasked) lactate
    "male": 1.1,
}

# --- published anchors: overall mean and SD (PhysioNet/CinC 2019 hourly data) ------------------
VITAL_ANCHORS: dict[str, tuple[float, float]] = {
    "heart_rate": (83.9, 17.7), "o2sat": (97.1, 3.0), "temperature": (36.8, 0.7),
    "sbp": (126.2, 24.3), "map": (86.3, 16.7), "resp_rate": (18.7, 4.7),
}
LAB_ANCHORS: dict[str, tuple[float, float]] = {
    "lactate": (2.03, 1.60), "wbc": (10.6, 7.1), "creatinine": (1.60, 2.06),
    "platelets": (198.7, 96.9), "bilirubin": (1.34, 2.55),
}

# --- how sepsis, the shared severity factor z and age move each variable ----------------------
# Gaussian vitals: additive shifts in the variable's units.
VITAL_SEPSIS_SHIFT: dict[str, float] = {"heart_rate": 14.0, "resp_rate": 4.0, "sbp": -14.0}
VITAL_SEVERITY_LOADING: dict[str, float] = {"heart_rate": 7.0, "resp_rate": 1.8, "sbp": -8.0,
                                            "temperature": 0.1, "map": -2.0}
VITAL_AGE_LOADING: dict[str, float] = {"heart_rate": -2.0, "sbp": 5.0}  # per age SD
# Septic temperature: fever (+0.9 C) in 75 % of septic patients, hypothermia (-0.7 C) in 25 %.
TEMPERATURE_SEPSIS_SHIFTS: tuple[tuple[float, float], ...] = ((0.9, 0.75), (-0.7, 0.25))
# MAP = baseline + 0.55 * (SBP - mean SBP) + its own sepsis shift + severity + noise; MAP <= SBP - 10.
MAP_SBP_SLOPE = 0.55
MAP_EXTRA_SEPSIS_SHIFT = -3.0
MIN_PULSE_GAP = 10.0  # mmHg kept between SBP and MAP
# O2 saturation = 100 - deficit, deficit log-normal with mean 2.9 and SD 3.0.
O2_DEFICIT_SEPSIS_LOG_SHIFT = 0.4
O2_DEFICIT_SEVERITY_LOG_LOADING = 0.3
# Log-normal labs: shifts and loadings on the natural-log scale.
LAB_SEPSIS_LOG_SHIFT: dict[str, float] = {"lactate": 0.55, "creatinine": 0.40, "platelets": -0.35,
                                          "bilirubin": 0.40}
# Septic WBC: leukocytosis (x1.57) in 80 %, leukopenia (x0.55) in 20 %.
WBC_SEPSIS_LOG_SHIFTS: tuple[tuple[float, float], ...] = ((0.45, 0.8), (-0.6, 0.2))
LAB_SEVERITY_LOG_LOADING: dict[str, float] = {"lactate": 0.30, "wbc": 0.10, "creatinine": 0.25,
                                              "platelets": -0.15, "bilirubin": 0.25}
LAB_AGE_LOG_LOADING: dict[str, float] = {"creatinine": 0.10}  # per age SD

# --- missingness ------------------------------------------------------------------------------
# Probability that a lab is missing, by latent sepsis status (0, 1); within each status sicker
# patients (higher z) are measured more often (log-odds of missing fall by the given slope per SD).
LACTATE_MISSING_RATE: dict[int, float] = {0: 0.53, 1: 0.15}
BILIRUBIN_MISSING_RATE: dict[int, float] = {0: 0.415, 1: 0.25}
MISSING_SEVERITY_SLOPE: dict[str, float] = {"lactate": 0.5, "bilirubin": 0.3}
NO_ROUTINE_PANEL_RATE = 0.02       # WBC, creatinine and platelets all missing together
ROUTINE_LAB_MISSING_RATE = 0.01    # each of them, independently, on top
ROUTINE_LABS = ("wbc", "creatinine", "platelets")

# --- output -----------------------------------------------------------------------------------
COLUMNS: tuple[str, ...] = (
    "age", "sex", "ethnic_group", "heart_rate", "resp_rate", "temperature", "sbp", "map", "o2sat",
    "lactate", "wbc", "creatinine", "platelets", "bilirubin", "sofa_partial", "sepsis", "hospital_death",
)
# Rounding: number of decimals kept per column (clinical reporting precision).
DECIMALS: dict[str, int] = {"heart_rate": 0, "resp_rate": 0, "temperature": 1, "sbp": 0, "map": 0,
                            "o2sat": 0, "lactate": 1, "wbc": 1, "creatinine": 2, "platelets": 0,
                            "bilirubin": 1}
# Physiological limits applied before rounding.
LIMITS: dict[str, tuple[float, float]] = {
    "heart_rate": (30, 220), "resp_rate": (4, 60), "temperature": (32.0, 42.5), "sbp": (50, 250),
    "map": (30, 180), "o2sat": (50, 100), "lactate": (0.3, 30.0), "wbc": (0.1, 200.0),
    "creatinine": (0.2, 20.0), "platelets": (5, 1500), "bilirubin": (0.1, 50.0),
}
# Standard SOFA thresholds: a point for each threshold reached (platelets: each one fallen below).
SOFA_PLATELET_THRESHOLDS = (150, 100, 50, 20)     # x10^3/uL, < threshold
SOFA_BILIRUBIN_THRESHOLDS = (1.2, 2.0, 6.0, 12.0)  # mg/dL, >= threshold
SOFA_CREATININE_THRESHOLDS = (1.2, 2.0, 3.5, 5.0)  # mg/dL, >= threshold
SOFA_MAP_THRESHOLD = 70                            # mmHg, < threshold: 1 point


def _expit(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.log(p / (1.0 - p))


def _calibrate_intercepts(offset: np.ndarray, group: np.ndarray, targets: np.ndarray,
                          weights: np.ndarray | None = None) -> np.ndarray:
    """Per-group intercepts ``a`` with weighted mean of ``expit(a[group] + offset)`` = ``targets``.

    Newton's method on each group at once (the mean is increasing in ``a``, steps are bounded).
    """
    targets = np.asarray(targets, dtype=float)
    k = len(targets)
    w = np.ones_like(offset) if weights is None else weights
    total = np.bincount(group, weights=w, minlength=k)
    a = _logit(targets) - np.bincount(group, weights=w * offset, minlength=k) / np.maximum(total, 1e-300)
    for _ in range(100):
        p = _expit(a[group] + offset)
        mean = np.bincount(group, weights=w * p, minlength=k)
        slope = np.bincount(group, weights=w * p * (1.0 - p), minlength=k)
        step = np.where(total > 0, (mean - targets * total) / np.maximum(slope, 1e-300), 0.0)
        step = np.clip(step, -2.0, 2.0)
        a -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return a


def _lognormal_log_params(mean: float, sd: float, discrete_shifts: list[list[tuple[float, float]]]
                          ) -> tuple[float, float]:
    """(mu, v) so that exp(mu + sum of independent discrete shifts + N(0, v)) has ``mean`` and ``sd``.

    Each element of ``discrete_shifts`` is one independent discrete log-shift given as
    ``[(value, probability), ...]`` (e.g. sepsis: ``[(0, 0.927), (0.55, 0.073)]``).
    """
    log_ratio = 0.0   # ln( E[e^{2S}] / E[e^S]^2 ) summed over shifts
    log_first = 0.0   # ln E[e^S] summed over shifts
    for shift in discrete_shifts:
        first = sum(p * np.exp(v) for v, p in shift)
        second = sum(p * np.exp(2 * v) for v, p in shift)
        log_ratio += np.log(second) - 2 * np.log(first)
        log_first += np.log(first)
    v = np.log(1.0 + (sd / mean) ** 2) - log_ratio
    mu = np.log(mean) - v / 2 - log_first
    return float(mu), float(v)


def _round(values: np.ndarray, column: str) -> np.ndarray:
    """Clip to physiological limits and round to the column's clinical precision."""
    lo, hi = LIMITS[column]
    scale = 10.0 ** DECIMALS[column]
    return np.rint(np.clip(values, lo, hi) * scale) / scale


def _gaussian_vital(column: str, sepsis: np.ndarray, sepsis_shift: np.ndarray, z: np.ndarray,
                    age_z: np.ndarray, noise: np.ndarray, shift_moments: tuple[float, float]) -> np.ndarray:
    """mean0 + shift + loadings, with mean0 and the noise SD solved to hit the anchor mean and SD.

    ``shift_moments`` = (E[D], E[D^2]) of the per-septic-patient shift D.
    """
    mean, sd = VITAL_ANCHORS[column]
    pi = SEPSIS_PREVALENCE
    d1, d2 = shift_moments
    lam = VITAL_SEVERITY_LOADING.get(column, 0.0)
    gam = VITAL_AGE_LOADING.get(column, 0.0)
    explained = pi * d2 - (pi * d1) ** 2 + lam ** 2 + gam ** 2
    resid_sd = np.sqrt(sd ** 2 - explained)
    return (mean - pi * d1) + sepsis * sepsis_shift + lam * z + gam * age_z + resid_sd * noise


def _age_band_index(age: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(AGE_BAND_EDGES[1:-1]), age, side="right")


def sofa_partial_score(map_: np.ndarray, platelets: np.ndarray, bilirubin: np.ndarray,
                       creatinine: np.ndarray) -> np.ndarray:
    """Partial SOFA (cardiovascular by MAP only, coagulation, liver, renal) with standard thresholds.

    NaN inputs score 0 for their component. Example:
        >>> import numpy as np
        >>> sofa_partial_score(np.array([65.0]), np.array([90.0]), np.array([2.5]), np.array([1.0])).tolist()
        [5]
    """
    score = (np.asarray(map_) < SOFA_MAP_THRESHOLD).astype(np.int64)
    for t in SOFA_PLATELET_THRESHOLDS:
        score += np.asarray(platelets) < t
    for t in SOFA_BILIRUBIN_THRESHOLDS:
        score += np.asarray(bilirubin) >= t
    for t in SOFA_CREATININE_THRESHOLDS:
        score += np.asarray(creatinine) >= t
    return score


def simulate(n_patients: int = 5000, seed: int = 0) -> pd.DataFrame:
    """Simulate ``n_patients`` ICU patients (one row each) from ``numpy.random.default_rng(seed)``.

    The same ``(n_patients, seed)`` always gives an identical frame; columns are ``COLUMNS``.
    No size checks here (see ``load``). Example:
        >>> frame = simulate(1000, seed=0)
        >>> frame.shape
        (1000, 17)
        >>> bool((frame["map"] <= frame["sbp"]).all())
        True
    """
    n = int(n_patients)
    rng = np.random.default_rng(seed)
    pi = SEPSIS_PREVALENCE

    # 1. demographics
    age = np.clip(np.rint(rng.normal(AGE_MEAN, AGE_SD, n)), AGE_MIN, AGE_MAX).astype(np.int64)
    age_z = (age - AGE_MEAN) / AGE_SD
    male = rng.random(n) < MALE_SHARE
    group_names = np.array(list(ETHNIC_GROUP_SHARES), dtype=object)
    group_cdf = np.cumsum(list(ETHNIC_GROUP_SHARES.values()))
    group = np.minimum(np.searchsorted(group_cdf / group_cdf[-1], rng.random(n), side="right"),
                       len(group_names) - 1)
    rare = group == list(ETHNIC_GROUP_SHARES).index(RARE_GROUP)

    # 2. latent sepsis, prevalence calibrated on the drawn ages (only ~78 distinct values)
    ages, counts = np.unique(age, return_counts=True)
    beta_age = np.log(SEPSIS_OR_PER_AGE_SD)
    offset = beta_age * (ages - AGE_MEAN) / AGE_SD
    a = _calibrate_intercepts(offset, np.zeros(len(ages), dtype=np.int64), np.array([pi]),
                              weights=counts.astype(float))[0]
    sepsis = (rng.random(n) < _expit(a + beta_age * age_z)).astype(np.int64)

    # 3. physiology
    z = rng.standard_normal(n)  # shared acute-severity factor
    noise = rng.standard_normal((11, n))
    septic_pick = rng.random(n)  # which septic sub-phenotype (temperature, WBC)

    values: dict[str, np.ndarray] = {}
    for i, column in enumerate(("heart_rate", "resp_rate", "sbp")):
        d = VITAL_SEPSIS_SHIFT[column]
        values[column] = _gaussian_vital(column, sepsis, np.full(n, d), z, age_z, noise[i], (d, d * d))

    temp_shift_vals = np.array([v for v, _ in TEMPERATURE_SEPSIS_SHIFTS])
    temp_shift_cdf = np.cumsum([p for _, p in TEMPERATURE_SEPSIS_SHIFTS])
    temp_shift = temp_shift_vals[np.minimum(np.searchsorted(temp_shift_cdf, septic_pick, side="right"),
                                            len(temp_shift_vals) - 1)]
    t1 = sum(v * p for v, p in TEMPERATURE_SEPSIS_SHIFTS)
    t2 = sum(v * v * p for v, p in TEMPERATURE_SEPSIS_SHIFTS)
    values["temperature"] = _gaussian_vital("temperature", sepsis, temp_shift, z, age_z, noise[3], (t1, t2))

    # MAP from SBP: var(MAP) = b^2 var(SBP) + d^2 pi(1-pi) + 2 b d cov(SBP, sepsis) + 2 b lam cov(SBP, z)
    #                          + lam^2 + resid^2
    map_mean, map_sd = VITAL_ANCHORS["map"]
    sbp_mean, sbp_sd = VITAL_ANCHORS["sbp"]
    b, d, lam = MAP_SBP_SLOPE, MAP_EXTRA_SEPSIS_SHIFT, VITAL_SEVERITY_LOADING["map"]
    pq = pi * (1 - pi)
    explained = (b * b * sbp_sd ** 2 + d * d * pq + 2 * b * d * VITAL_SEPSIS_SHIFT["sbp"] * pq
                 + 2 * b * lam * VITAL_SEVERITY_LOADING["sbp"] + lam * lam)
    map_raw = (map_mean - pi * d + b * (values["sbp"] - sbp_mean) + d * sepsis + lam * z
               + np.sqrt(map_sd ** 2 - explained) * noise[4])

    deficit_mean, deficit_sd = 100.0 - VITAL_ANCHORS["o2sat"][0], VITAL_ANCHORS["o2sat"][1]
    mu, v = _lognormal_log_params(deficit_mean, deficit_sd,
                                  [[(0.0, 1 - pi), (O2_DEFICIT_SEPSIS_LOG_SHIFT, pi)]])
    lam = O2_DEFICIT_SEVERITY_LOG_LOADING
    deficit = np.exp(mu + O2_DEFICIT_SEPSIS_LOG_SHIFT * sepsis + lam * z
                     + np.sqrt(v - lam * lam) * noise[5])

    wbc_vals = np.array([v for v, _ in WBC_SEPSIS_LOG_SHIFTS])
    wbc_cdf = np.cumsum([p for _, p in WBC_SEPSIS_LOG_SHIFTS])
    wbc_shift = wbc_vals[np.minimum(np.searchsorted(wbc_cdf, septic_pick, side="right"), len(wbc_vals) - 1)]
    rare_log_shift = np.log(RARE_GROUP_CREATININE_FACTOR)
    rare_share = ETHNIC_GROUP_SHARES[RARE_GROUP] / sum(ETHNIC_GROUP_SHARES.values())
    true_labs: dict[str, np.ndarray] = {}
    for i, column in enumerate(("lactate", "wbc", "creatinine", "platelets", "bilirubin"), start=6):
        mean, sd = LAB_ANCHORS[column]
        if column == "wbc":
            septic_dist = [(0.0, 1 - pi)] + [(v_, p * pi) for v_, p in WBC_SEPSIS_LOG_SHIFTS]
            shift = sepsis * wbc_shift
        else:
            septic_dist = [(0.0, 1 - pi), (LAB_SEPSIS_LOG_SHIFT[column], pi)]
            shift = LAB_SEPSIS_LOG_SHIFT[column] * sepsis
        discrete = [septic_dist]
        if column == "creatinine":
            discrete.append([(0.0, 1 - rare_share), (rare_log_shift, rare_share)])
            shift = shift + rare_log_shift * rare
        mu, v = _lognormal_log_params(mean, sd, discrete)
        lam = LAB_SEVERITY_LOG_LOADING[column]
        gam = LAB_AGE_LOG_LOADING.get(column, 0.0)
        true_labs[column] = np.exp(mu + shift + lam * z + gam * age_z
                                   + np.sqrt(v - lam * lam - gam * gam) * noise[i])

    # 4. round (true values), keep MAP under SBP, score SOFA before any masking
    out: dict[str, Any] = {"age": age,
                           "sex": np.where(male, "M", "F").astype(object),
                           "ethnic_group": group_names[group]}
    sbp = _round(values["sbp"], "sbp")
    map_ = np.minimum(_round(map_raw, "map"), sbp - MIN_PULSE_GAP)
    out["heart_rate"] = _round(values["heart_rate"], "heart_rate").astype(np.int64)
    out["resp_rate"] = _round(values["resp_rate"], "resp_rate").astype(np.int64)
    out["temperature"] = _round(values["temperature"], "temperature")
    out["sbp"] = sbp.astype(np.int64)
    out["map"] = map_.astype(np.int64)
    out["o2sat"] = _round(100.0 - deficit, "o2sat").astype(np.int64)
    for column, value in true_labs.items():
        out[column] = _round(value, column)
    sofa = sofa_partial_score(out["map"], out["platelets"], out["bilirubin"], out["creatinine"])
    out["sofa_partial"] = sofa
    out["sepsis"] = sepsis

    # 5. outcome: band intercepts solved on this sample
    ors = MORTALITY_ODDS_RATIOS
    lin = (np.log(ors["sepsis"]) * sepsis + np.log(ors["sofa_partial_per_point"]) * sofa
           + np.log(ors["lactate_per_doubling"]) * np.log2(true_labs["lactate"] / 2.0)
           + np.log(ors["male"]) * male)
    band = _age_band_index(age)
    targets = np.array([MORTALITY_BY_AGE_BAND[label] for label in AGE_BAND_LABELS])
    a_band = _calibrate_intercepts(lin, band, targets)
    out["hospital_death"] = (rng.random(n) < _expit(a_band[band] + lin)).astype(np.int64)

    # 6. missingness (after SOFA and outcome, which use the true values)
    for column, rates, u in (("lactate", LACTATE_MISSING_RATE, rng.random(n)),
                             ("bilirubin", BILIRUBIN_MISSING_RATE, rng.random(n))):
        slope = -MISSING_SEVERITY_SLOPE[column] * z
        c = _calibrate_intercepts(slope, sepsis, np.array([rates[0], rates[1]]))
        out[column] = np.where(u < _expit(c[sepsis] + slope), np.nan, out[column])
    no_panel = rng.random(n) < NO_ROUTINE_PANEL_RATE
    for column in ROUTINE_LABS:
        gone = no_panel | (rng.random(n) < ROUTINE_LAB_MISSING_RATE)
        out[column] = np.where(gone, np.nan, out[column])

    return pd.DataFrame({column: out[column] for column in COLUMNS})


def load(card: DatasetCard, n_patients: int = 5000, seed: int = 0) -> pd.DataFrame:
    """The simulated cohort with the card's columns in card order (the registry's loader).

    Raises ``BenchError`` if ``n_patients`` is not an integer in [1000, 1000000], if ``seed`` is
    not a non-negative integer, or if the card's columns differ from the simulator's. Example:
        >>> from bench.datasets.cards import cards_dir, load_card
        >>> frame = load(load_card(cards_dir() / "sepsis_like.yaml"), n_patients=1000, seed=1)
        >>> len(frame), list(frame.columns)[-1]
        (1000, 'hospital_death')
    """
    if isinstance(n_patients, bool) or not isinstance(n_patients, (int, np.integer)) \
            or not MIN_PATIENTS <= n_patients <= MAX_PATIENTS:
        raise BenchError(f"sepsis_like: n_patients must be an integer in [{MIN_PATIENTS}, {MAX_PATIENTS}], "
                         f"got {n_patients!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise BenchError(f"sepsis_like: seed must be a non-negative integer, got {seed!r}")
    wanted = list(card.columns)
    only_card = [c for c in wanted if c not in COLUMNS]
    only_sim = [c for c in COLUMNS if c not in card.columns]
    if only_card or only_sim:
        raise BenchError(f"dataset card '{card.name}' and the sepsis_like simulator disagree on columns: "
                         f"only in the card: {only_card}; only in the simulator: {only_sim}")
    return simulate(int(n_patients), seed=int(seed))[wanted]
