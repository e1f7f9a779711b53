"""Evaluation of synthetic data against real data.

Four questions, each answered by plain functions and together by
:func:`evaluate`:

- *fidelity* -- do the columns and pairs of columns look alike?
  (:func:`fidelity_score`, :func:`column_shapes`, :func:`column_pair_trends`);
- *detection* -- can a classifier tell the rows apart, and by what?
  (:func:`detection_auc`, :func:`explain_detection`);
- *utility* -- does a model trained on synthetic rows work on real ones?
  (:func:`tstr_score`, :func:`augmentation_score`);
- *privacy* -- do synthetic rows give away training rows? (:func:`dcr_share`,
  :func:`exact_copy_rate`, :func:`nearest_neighbor_distance_ratio`,
  :func:`membership_inference_auc`, :func:`minority_membership_inference_auc`,
  :func:`reconstruction_rate`).

The scorers (:func:`make_fidelity_scorer`, :func:`make_detection_scorer`,
:func:`make_utility_scorer`) rate a fitted generator by the rows it samples, so
that ``GridSearchCV`` can tune a generator.

Tuning a generator is not tuning a sampler in a classification pipeline.
``GridSearchCV(generator, grid, scoring=make_fidelity_scorer())`` fits the
generator on the training folds and asks how well *its samples match the
held-out fold*: the generator is the estimator being selected and the data
themselves are the target. ``GridSearchCV(make_pipeline(sampler, classifier),
grid, scoring="roc_auc")`` fits a sampler only to produce extra training rows
for the classifier (samplers act in ``fit`` only, never on the test fold) and
selects whatever makes *the classifier* score best on real held-out rows --
which may be a sampler whose rows look nothing like the real ones. The first
answers "which generator imitates my data best?", the second "which
resampling helps this classifier?".
"""

from ._detection import detection_auc, detection_score
from ._evaluate import evaluate
from ._explain import explain_detection
from ._explanation import DetectionExplanation
from ._fidelity import column_pair_trends, column_shapes, fidelity_details, fidelity_score
from ._privacy import (
    dcr_share,
    exact_copy_rate,
    membership_inference_auc,
    minority_membership_inference_auc,
    nearest_neighbor_distance_ratio,
    privacy_details,
    reconstruction_rate,
)
from ._report import EvaluationReport
from ._scorers import make_detection_scorer, make_fidelity_scorer, make_utility_scorer
from ._utility import augmentation_score, tstr_score

__all__ = [
    "DetectionExplanation",
    "EvaluationReport",
    "augmentation_score",
    "column_pair_trends",
    "column_shapes",
    "dcr_share",
    "detection_auc",
    "detection_score",
    "evaluate",
    "exact_copy_rate",
    "explain_detection",
    "fidelity_details",
    "fidelity_score",
    "make_detection_scorer",
    "make_fidelity_scorer",
    "make_utility_scorer",
    "membership_inference_auc",
    "minority_membership_inference_auc",
    "nearest_neighbor_distance_ratio",
    "privacy_details",
    "reconstruction_rate",
    "tstr_score",
]
