"""Numpydoc entries shared by the generators' docstrings (see ``fill_doc``).

Each entry says what a parameter does and when to change it; the reasons
behind a default and the measurements live in the user guide
(``docs/user_guide``) and on the benchmark page.
"""

SHARED_ENTRIES = {
    'sampling_strategy': (
        'sampling_strategy : float, str, dict or callable, default="auto"\n'
        '    Which classes to over-sample and how far, as in imbalanced-learn.'
    ),
    'random_state': (
        'random_state : int, RandomState instance or None, default=None\n'
        '    Seed of everything random; the same seed gives bit-identical output on CPU.'
    ),
    'epochs': (
        'epochs : int, default=300\n'
        '    Training epochs.'
    ),
    'continuous': (
        'continuous : {"mode", "quantile"}, default="mode"\n'
        '    Normalisation of numeric columns by the encoder.'
    ),
    'encoder_params': (
        'encoder_params : dict, default=None\n'
        '    Other :class:`~sksynth.encoding.TabularEncoder` parameters.'
    ),
    'device': (
        'device : str, default="cpu"\n'
        '    Torch device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"`` (a CUDA GPU), or ``"mps"``\n'
        '    (Apple silicon). A model trained on a GPU pickles, saves and samples on a\n'
        '    machine without one.'
    ),
    'callbacks': (
        'callbacks : dict or list, default=None\n'
        '    Extra skorch callbacks (``{name: callback}`` or a list). Nets train\n'
        '    without a validation split: monitor ``"train_loss"``.'
    ),
    'rules': (
        'rules : "auto", None or list of Rule, default="auto"\n'
        '    Rules between columns that every generated row obeys (:mod:`sksynth.rules`).\n'
        '    ``"auto"``: those :func:`~sksynth.rules.find_rules` finds on the training table\n'
        '    that hold on every row (point masses only where they hold a tenth of the rows;\n'
        '    round values, :class:`~sksynth.rules.RoundValues`, with the VAEs only; neither\n'
        '    on a column the encoder one-hot encodes, whose exact values come back anyway,\n'
        '    unless an order learns it as a gap);\n'
        '    a list or :class:`~sksynth.rules.RuleSet` of declared\n'
        '    rules; ``None``: none. Conditional samplers keep found rules that would compute\n'
        '    a column they can be conditioned on out of ``"auto"``. Computed columns are\n'
        '    left out of training and computed after sampling, orders are learned as gaps,\n'
        '    values go back onto their grids. Point masses, round values and fixed\n'
        '    combinations each add a category column to learn, so fitting takes a little\n'
        '    longer and sampling a large table noticeably longer (:doc:`/benchmarks`).\n'
        '    Change it to ``None`` to train on the raw columns, e.g. when raw speed\n'
        '    matters more than rows that keep the table\'s rules.\n'
        '    With ``dp=True``, ``"auto"`` keeps no rule (finding them would read the\n'
        '    private rows) and declared rules are kept as public knowledge.'
    ),
    'rules_': (
        'rules_ : RuleKeeper or None\n'
        '    The fitted :class:`~sksynth.rules.RuleKeeper` (``rules_.rules_``: the kept\n'
        '    rules), or None when no rule is kept.'
    ),
    'verbose': (
        'verbose : int, default=0\n'
        '    ``1`` shows a progress bar with the losses.'
    ),
    'target_epsilon': (
        'target_epsilon : float, default=3.0\n'
        '    Privacy budget epsilon of the whole fit (``dp=True``); the spent value\n'
        '    is ``epsilon_``.'
    ),
    'target_delta': (
        'target_delta : float, default=None\n'
        '    Privacy budget delta (``dp=True``); ``None``: ``1 / n_samples``.'
    ),
    'max_grad_norm': (
        'max_grad_norm : float, default=1.0\n'
        "    Clipping bound of each row's gradient under DP-SGD."
    ),
    'dp_metadata': (
        'dp_metadata : dict or "public-bounds", default=None\n'
        '    Public metadata used instead of spending budget (``dp=True``):\n'
        '    ``{"bounds": {column: (low, high)}, "categories": {column: [levels]},\n'
        '    "budget_share": 0.1}``. Undeclared ranges and category lists are\n'
        '    estimated privately with ``budget_share`` of the budget (a warning at\n'
        '    fit says how much). Bounds are in the table\'s own units, also for columns\n'
        '    that kept rules learn in others (:doc:`/user_guide/rules`).\n'
        '    ``"public-bounds"`` declares the observed minimum\n'
        '    and maximum of every number public: use it only when they are public\n'
        '    (fixed by the data\'s definition).'
    ),
    'gan_batch_size': (
        'batch_size : int, default=500\n'
        '    Rows per batch (rounded down to a multiple of ``pac``, at least one\n'
        '    pack). Smaller batches give more updates per epoch on small tables.'
    ),
    'gan_lr': (
        'lr : float, default=2e-4\n'
        '    Adam learning rate of the generator and the critic. Lower it if the\n'
        '    losses diverge or oscillate (:doc:`/user_guide/gan`).'
    ),
    'gan_latent_dim': (
        'latent_dim : int, default=128\n'
        '    Size of the noise vector.'
    ),
    'gan_hidden_dims': (
        'hidden_dims : tuple of int, default=(256, 256)\n'
        '    Widths of the generator\'s residual blocks (and of the critic\'s layers\n'
        '    when ``critic_dims`` is None). Wider layers fit larger tables.'
    ),
    'critic_dims': (
        'critic_dims : tuple of int, default=None\n'
        '    Widths of the critic\'s layers; None: the same as ``hidden_dims``.'
    ),
    'critic_row_dim': (
        'critic_row_dim : int or None, default=None\n'
        '    Width of a layer the critic applies to every row, with the same\n'
        '    weights, before packing ``pac`` rows together; ``None``: rows are\n'
        '    packed as they are (PacGAN, as in CTGAN). Used only when the critic\n'
        '    packs rows (``pac > 1`` and ``dp=False``). It helps the critic judge\n'
        '    how each row relates to its own condition (:doc:`/user_guide/conditional`).'
    ),
    'critic_dropout': (
        'critic_dropout : float, default=0.5\n'
        '    Dropout rate of the critic\'s hidden layers during training. Lower it\n'
        '    when packs make the critic\'s batches small (:doc:`/user_guide/conditional`).'
    ),
    'pac': (
        'pac : int, default=10\n'
        '    Rows the critic judges together (PacGAN), against mode collapse.\n'
        '    Ignored (taken as 1) with ``dp=True``: a pack would put several real\n'
        '    rows into one clipped gradient.'
    ),
    'gp_weight': (
        'gp_weight : float, default=10.0\n'
        '    Weight of the gradient penalty (``loss="wgan-gp"``).'
    ),
    'gan_dp': (
        'dp : bool, default=False\n'
        '    Train with differential privacy (needs the ``privacy`` extra: Opacus):\n'
        '    DP-SGD with Poisson sampling on the critic (the only part that sees\n'
        '    real rows; the generator learns from the critic alone), an encoder\n'
        '    fitted on public or DP statistics only, noisy counts\n'
        '    (:doc:`/user_guide/privacy`).'
    ),
    'vae_epochs': (
        'epochs : int or "auto", default="auto"\n'
        '    Training epochs. ``"auto"`` trains for about 8,000 optimiser steps:\n'
        '    2,000 epochs on tables of up to a few thousand rows, fewer on larger\n'
        '    ones (at least 300), and at most five epochs per training row on tiny\n'
        '    tables, where longer training starts to copy rows; 300 with\n'
        '    ``dp=True``, whose noise grows with every step. A model trained too\n'
        '    briefly makes rows that a classifier tells apart from real ones; set a\n'
        '    number for a quick look (:doc:`/user_guide/vae`).'
    ),
    'vae_batch_size': (
        'batch_size : int, default=500\n'
        '    Rows per batch.'
    ),
    'vae_lr': (
        'lr : float, default=1e-3\n'
        '    Adam learning rate.'
    ),
    'vae_latent_dim': (
        'latent_dim : int, default=32\n'
        '    Size of the latent code; raise it for wide tables with many\n'
        '    dependent columns (:doc:`/user_guide/vae`).'
    ),
    'vae_hidden_dims': (
        'hidden_dims : tuple of int, default=(128, 128)\n'
        '    Widths of the VAE\'s decoder (mirrored: the last is next to the\n'
        '    output), and of its encoder when ``encoder_dims`` is None.'
    ),
    'vae_dp': (
        'dp : bool, default=False\n'
        '    Train with differential privacy (needs the ``privacy`` extra: Opacus):\n'
        '    DP-SGD with Poisson sampling on the whole VAE, an encoder fitted on\n'
        '    public or DP statistics only, noisy counts (:doc:`/user_guide/privacy`).'
    ),
    'condition_columns': (
        'condition_columns : "all", list of str or None, default="all"\n'
        '    Discrete columns that can be conditioned on (``"all"``: every column\n'
        '    of the training table the encoder makes discrete, not the level\n'
        '    columns of kept rules; ``None``: the label only).'
    ),
    'net_': (
        'net_ : skorch net\n'
        '    The trained net, when fitted without ``y`` (conditional samplers:\n'
        '    always).'
    ),
    'nets_': (
        'nets_ : dict of label to skorch net\n'
        '    One trained net per class, when fitted with ``y`` (``fit_resample``:\n'
        '    the classes it over-samples). Unconditional samplers only.'
    ),
    'history_': (
        'history_ : skorch History or dict of them\n'
        '    The training history (per class with ``nets_``).'
    ),
    'critic_steps': (
        'critic_steps : int, default=1\n'
        '    Critic updates per generator update.'
    ),
    'gp_interval': (
        'gp_interval : int, default=1\n'
        '    Compute the gradient penalty (``loss="wgan-gp"``) every ``gp_interval``-th\n'
        '    critic step only, weighted by ``gp_interval`` ("lazy regularisation", as in\n'
        '    StyleGAN2): fewer double-backward passes, so faster epochs. Ignored with\n'
        '    ``dp=True`` (each row pair then carries its own penalty).'
    ),
    'loss': (
        'loss : {"wgan-gp", "bce"}, default="wgan-gp"\n'
        '    Wasserstein loss with gradient penalty, or the non-saturating standard\n'
        '    GAN loss.'
    ),
    'beta': (
        'beta : float, default=1.0\n'
        '    Weight of the KL term.'
    ),
    'condition_weight': (
        'condition_weight : float, default=1.0\n'
        '    Weight of the auxiliary condition loss; ``0`` disables it.'
    ),
    'encoder_': (
        'encoder_ : TabularEncoder\n'
        '    The fitted encoder.'
    ),
    'classes_': (
        'classes_ : ndarray\n'
        '    Class labels, when fitted with ``y``.'
    ),
    'condition_': (
        'condition_ : ConditionLayout or None\n'
        "    The conditional vector's layout and category frequencies."
    ),
    'sampling_strategy_': (
        'sampling_strategy_ : dict\n'
        '    Number of rows to generate per class (``fit_resample``).'
    ),
    'n_features_in_': (
        'n_features_in_ : int\n'
        '    Number of columns seen during fit.'
    ),
    'feature_names_in_': (
        'feature_names_in_ : ndarray of str\n'
        '    Column names seen during fit (string names only).'
    ),
    'epsilon_': (
        'epsilon_ : float\n'
        '    With ``dp=True``: the privacy spent, at most ``target_epsilon``\n'
        '    (statistics plus DP-SGD, by sequential composition).'
    ),
    'delta_': (
        'delta_ : float\n'
        '    With ``dp=True``: the delta of the guarantee.'
    ),
    'dp_accounting_': (
        'dp_accounting_ : dict\n'
        '    With ``dp=True``: the breakdown (network epsilon and delta, noise\n'
        "    multiplier, sampling rate, each statistic's share)."
    ),
}


def _group(*names):
    """One entry made of several shared entries, in this order."""
    return "\n".join(SHARED_ENTRIES[name] for name in names)


# runs of entries every deep sampler lists in the same order
SHARED_ENTRIES.update(
    dp_budget=_group("target_epsilon", "target_delta", "max_grad_norm", "dp_metadata"),
    table_parameters=_group(
        "continuous", "encoder_params", "callbacks", "device", "verbose", "rules"
    ),
    fit_attributes=_group(
        "classes_", "sampling_strategy_", "n_features_in_", "feature_names_in_",
        "epsilon_", "delta_", "dp_accounting_",
    ),
)
