"""A Gaussian copula over the empirical marginals: the simplest model that keeps correlations.

Fit: each column is turned into normal scores through its empirical ranks (mid-ranks for ties,
``z = Phi^-1(rank / (n + 1))``); the correlation matrix of the scores is the whole dependence model.
Non-numeric columns enter through their category codes (sorted labels, so an arbitrary order for
nominal columns: a known limit of this baseline); columns with missing values get a
``<column>__missing`` indicator (``bench.generators.missingness``) that is modelled like any other
column, and the column's own marginal is learnt from its observed values only.

Sample: ``z ~ N(0, R)``, ``u = Phi(z)``, and each column takes the empirical quantile of its training
values at ``u`` (``inverted_cdf``: only values seen in training, so the marginals, integer columns and
categories are reproduced exactly). numpy and scipy only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from bench.datasets.cards import DatasetCard
from bench.generators.base import Generator, GeneratorError
from bench.generators.missingness import SUFFIX, MissingnessEncoder


def normal_scores(values: np.ndarray) -> np.ndarray:
    """Normal scores of a column through its mid-ranks; NaN scores 0 (the median).

    Example:
        >>> import numpy as np
        >>> normal_scores(np.array([3.0, 1.0, 2.0, np.nan])).round(2).tolist()
        [0.67, -0.67, 0.0, 0.0]
    """
    values = np.asarray(values, dtype=float)
    observed = ~np.isnan(values)
    scores = np.zeros(len(values))
    ranks = stats.rankdata(values[observed])
    scores[observed] = stats.norm.ppf(ranks / (observed.sum() + 1))
    return scores


def nearest_correlation(matrix: np.ndarray, floor: float = 1e-6) -> np.ndarray:
    """A positive definite correlation matrix close to ``matrix`` (eigenvalues clipped at ``floor``).

    Example:
        >>> import numpy as np
        >>> bool(np.all(np.linalg.eigvalsh(nearest_correlation(np.array([[1, 1.2], [1.2, 1]]))) > 0))
        True
    """
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    fixed = vectors @ np.diag(np.clip(values, floor, None)) @ vectors.T
    scale = np.sqrt(np.diag(fixed))
    return fixed / np.outer(scale, scale)


class GaussianCopulaGenerator(Generator):
    """Gaussian copula over empirical marginals; keeps pairwise (rank) correlations, unlike ``marginals``.

    No hyperparameters; same fit and seed give the same rows.

    Example:
        >>> import numpy as np, pandas as pd
        >>> x = np.random.default_rng(0).normal(size=500)
        >>> train = pd.DataFrame({"x": x, "y": x + 0.1, "c": np.where(x > 0, "hi", "lo")})
        >>> out = GaussianCopulaGenerator().fit(train, None).sample(500, seed=0)
        >>> bool(out[["x", "y"]].corr().iloc[0, 1] > 0.95), sorted(out["c"].unique())
        (True, ['hi', 'lo'])
    """

    name = "gaussian_copula"
    family = "statistical"
    description = "Gaussian copula over the empirical marginals (rank normal scores; numpy/scipy)"
    hyperparameter_names = ()
    deterministic_on_cpu = True

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        self._encoder = MissingnessEncoder().fit(train)
        indicators = {c + SUFFIX: train[c].isna().astype(float).to_numpy() for c in self._encoder.fill_values}
        self._categories: dict[str, np.ndarray] = {}
        columns: dict[str, np.ndarray] = {}
        for column in train.columns:
            values = train[column]
            if pd.api.types.is_numeric_dtype(values):
                columns[column] = values.astype(float).to_numpy()
            else:
                codes, categories = pd.factorize(values, sort=True)  # NaN -> -1
                self._categories[column] = np.asarray(categories, dtype=object)
                columns[column] = np.where(codes < 0, np.nan, codes).astype(float)
        columns.update(indicators)
        self._names = list(columns)
        self._marginals = {c: np.sort(v[~np.isnan(v)]) for c, v in columns.items()}
        empty = [c for c, v in self._marginals.items() if len(v) == 0]
        if empty:
            raise GeneratorError(f"gaussian_copula: column(s) {empty} have no observed value")
        scores = np.column_stack([normal_scores(columns[c]) for c in self._names])
        spread = scores.std(axis=0)
        correlation = np.eye(len(self._names))
        varying = spread > 0
        if varying.sum() > 1:
            correlation[np.ix_(varying, varying)] = np.corrcoef(scores[:, varying], rowvar=False)
        self._cholesky = np.linalg.cholesky(nearest_correlation(correlation))

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, len(self._names))) @ self._cholesky.T
        u = stats.norm.cdf(z)
        out = {}
        for j, column in enumerate(self._names):
            out[column] = np.quantile(self._marginals[column], u[:, j], method="inverted_cdf")
        frame = pd.DataFrame(out)
        for column, categories in self._categories.items():
            frame[column] = categories[frame[column].astype(int).to_numpy()]
        return self._encoder.decode(frame) if self._encoder.fill_values else frame
