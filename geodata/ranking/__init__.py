"""The geocoder's ranking: structure, named scoring stages, placement, weights.

See :mod:`geodata.ranking.ranker` for the pipeline and ``weights.toml`` for
every weight; docs/geodata.md ("Ranking stages") explains each stage.
"""

from geodata.ranking.ranker import Ranker
from geodata.ranking.weights import Weights, WeightsError, default_weights

__all__ = ["Ranker", "Weights", "WeightsError", "default_weights"]
