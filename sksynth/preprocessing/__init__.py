"""Cleaning steps: type coercion, missing values, outliers, duplicates, encoding.

Row-preserving steps are scikit-learn transformers (:class:`TypeCoercer`,
:class:`MissingValueImputer`, :class:`HighMissingColumnDropper`,
:class:`OutlierClipper`, and the :func:`make_cleaner` pipeline); steps that drop
rows are imbalanced-learn samplers (:class:`MissingRowDropper`,
:class:`OutlierRemover`, :class:`DuplicateRemover`), to be used as top-level
steps of an :class:`imblearn.pipeline.Pipeline` (see
:func:`make_cleaning_steps`). :func:`make_encoder` builds the model-input step.
"""

from ._cleaner import TableCleaner, make_cleaner, make_cleaning_steps
from ._coercion import TypeCoercer
from ._duplicates import DuplicateRemover
from ._encoder import make_encoder
from ._missing import HighMissingColumnDropper, MissingRowDropper, MissingValueImputer
from ._outliers import OutlierClipper, OutlierRemover, outlier_bounds

__all__ = [
    "DuplicateRemover",
    "HighMissingColumnDropper",
    "MissingRowDropper",
    "MissingValueImputer",
    "OutlierClipper",
    "OutlierRemover",
    "TableCleaner",
    "TypeCoercer",
    "make_cleaner",
    "make_cleaning_steps",
    "make_encoder",
    "outlier_bounds",
]
