"""Numpydoc entries shared by the cleaning steps' docstrings (see ``fill_doc``)."""

_COLUMNS_SEEN = (
    "n_features_in_ : int\n"
    "    Number of columns seen during fit.\n"
    "feature_names_in_ : ndarray of shape (`n_features_in_`,)\n"
    "    Column names seen during fit (only when they are all strings)."
)

SHARED_ENTRIES = {
    "columns_seen": _COLUMNS_SEEN,
    "rows_kept": (
        "sample_indices_ : ndarray of int\n"
        "    Positions of the rows that were kept.\n"
        "sampling_strategy_ : str\n"
        '    Always ``"auto"`` (kept for imbalanced-learn\'s API).\n' + _COLUMNS_SEEN
    ),
}
