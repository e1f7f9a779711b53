"""A tree of noisy two-way marginals: private selection, consistency, sampling with evidence.

The model is a tree over the columns (MST, McKenna et al. 2021): each edge
is a two-way marginal measured with Gaussian noise, the tree is chosen by
the exponential mechanism (AIM's score: how badly the independent model
gets a pair wrong, less the noise its measurement would add), and the
joint distribution is ``P(root) * prod P(child | parent)``. On a tree this
factorisation is exact for the measured marginals once they agree on the
shared columns, which a few rounds of iterative proportional fitting
enforce; conditional sampling is exact too (one upward pass of messages,
then ancestral sampling), and every step is a vectorised draw per column.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LabelledTree", "MarginalTree", "pair_counts", "select_tree"]


def pair_counts(a, b, size_a, size_b):
    """Two-way contingency table of the codes ``a`` and ``b``."""
    return np.bincount(a * size_b + b, minlength=size_a * size_b).reshape(size_a, size_b)


def select_tree(codes, sizes, one_way, n_rows, epsilon_round, sigma, rng, max_cells):
    """Choose ``d - 1`` edges, Kruskal-style, each by the exponential mechanism.

    Parameters
    ----------
    codes : ndarray of shape (n_rows, d)
        Group codes of the private rows.
    sizes : list of int
        Number of groups of each column.
    one_way : list of ndarray
        Noisy (post-processed) one-way group counts.
    n_rows : float
        The noisy number of rows (public): the score then changes by at most
        one when a row is added or removed.
    epsilon_round : float
        Budget of each round (score sensitivity one).
    sigma : float
        Noise of the later two-way measurements (the score's penalty).
    rng : numpy.random.Generator
    max_cells : int
        Pairs with more cells are left out (a public choice from the sizes).

    Returns
    -------
    edges : list of (int, int)
    """
    d = len(sizes)
    candidates, scores = [], []
    for i in range(d):
        for j in range(i + 1, d):
            cells = sizes[i] * sizes[j]
            if cells > max_cells:
                continue
            p_i = one_way[i] / max(one_way[i].sum(), 1e-12)
            p_j = one_way[j] / max(one_way[j].sum(), 1e-12)
            actual = pair_counts(codes[:, i], codes[:, j], sizes[i], sizes[j])
            error = np.abs(actual - n_rows * np.outer(p_i, p_j)).sum()
            candidates.append((i, j))
            scores.append(error - np.sqrt(2 / np.pi) * sigma * cells)
    scores = np.asarray(scores, dtype=float)
    component = list(range(d))

    def root(v):
        while component[v] != v:
            component[v] = component[component[v]]
            v = component[v]
        return v

    edges = []
    for _ in range(d - 1):
        free = np.array([root(i) != root(j) for i, j in candidates], dtype=bool)
        if not free.any():
            break
        logits = np.where(free, epsilon_round / 2.0 * scores, -np.inf)
        pick = int(np.argmax(logits + rng.gumbel(size=len(logits))))
        i, j = candidates[pick]
        component[root(i)] = root(j)
        edges.append((i, j))
    # columns no pair could join (too many cells) hang from the first column, measured
    # as the independent model would have them
    for v in range(1, d):
        if root(v) != root(0):
            component[root(v)] = root(0)
            edges.append((0, v))
    return edges


def _orient(edges, n_vertices, root):
    """Breadth-first order, parent and children of each vertex of a tree hung from ``root``."""
    neighbours = {v: [] for v in range(n_vertices)}
    for i, j in edges:
        neighbours[i].append(j)
        neighbours[j].append(i)
    order, parent = [root], {root: None}
    for v in order:
        for w in sorted(neighbours[v]):
            if w not in parent:
                parent[w] = v
                order.append(w)
    children = {v: [w for w in order if parent[w] == v] for v in order}
    return order, parent, children


def _upward_messages(tree, evidence, lead):
    """Chance of the evidence below each vertex given its value, leaves first.

    ``lead`` is the shape of the leading axes of the conditional tables: ``()``
    for ``P(child | parent)``, ``(n_classes,)`` for ``P(child | label, parent)``.
    """
    lam = {}
    for v in reversed(tree.order):
        base = np.ones(tree.sizes[v]) if v not in evidence else evidence[v].astype(float)
        message = np.broadcast_to(base, (*lead, tree.sizes[v]))
        for c in tree.children[v]:
            message = message * np.einsum("...pc,...c->...p", tree.conditional[c], lam[c])
        lam[v] = message
    return lam


def _fit_proportions(table, rows, cols, n_iter=20):
    """Scale a non-negative table towards the given row and column totals (IPF)."""
    table = np.maximum(table, 0.0) + 1e-9
    rows, cols = np.maximum(rows, 1e-9), np.maximum(cols, 1e-9)
    for _ in range(n_iter):
        table *= (rows / table.sum(axis=1))[:, None]
        table *= (cols / table.sum(axis=0))[None, :]
    return table


class MarginalTree:
    """``P(root) * prod P(child | parent)`` from noisy, made-consistent marginals.

    Parameters
    ----------
    sizes : list of int
        Groups of each column.
    one_way : list of ndarray
        Noisy one-way group counts, clipped at zero.
    two_way : dict of (int, int) -> ndarray
        Noisy two-way tables of the tree's edges.
    root : int
        The column sampled first (the label when there is one).
    """

    def __init__(self, sizes, one_way, two_way, root):
        self.sizes = list(sizes)
        d = len(sizes)
        total = np.mean([w.sum() for w in one_way]) or 1.0
        # one total for every column: the one-way tables agree on it
        margins = [_normalised(w) * total for w in one_way]
        self.root = root
        self.order, self.parent, self.children = _orient(two_way, d, root)
        self.prior = _normalised(margins[root])
        self.conditional = {}
        for v in self.order[1:]:
            p = self.parent[v]
            table = two_way[(p, v)] if (p, v) in two_way else two_way[(v, p)].T
            table = _fit_proportions(table, margins[p], margins[v])
            self.conditional[v] = table / table.sum(axis=1, keepdims=True)

    def _evidence_messages(self, evidence):
        """Upward messages: ``lam[v][x]``, the chance of the evidence below ``v`` given ``x``."""
        return _upward_messages(self, evidence, ())

    def sample(self, n_rows, rng, evidence=None, root_codes=None):
        """Group codes of ``n_rows`` rows drawn from the tree.

        Parameters
        ----------
        n_rows : int
        rng : numpy.random.Generator
        evidence : dict of int -> bool ndarray, default=None
            Allowed groups of some columns (the same for every row).
        root_codes : ndarray of int, default=None
            The root's group of every row (e.g. the labels asked for).

        Returns
        -------
        codes : ndarray of shape (n_rows, n_columns)
        """
        lam = self._evidence_messages(evidence or {})
        codes = np.zeros((n_rows, len(self.sizes)), dtype=np.int64)
        codes[:, self.root] = _draw_first(self.prior, lam[self.root], n_rows, rng, root_codes)
        for v in self.order[1:]:
            probs = self.conditional[v][codes[:, self.parent[v]]] * lam[v][None, :]
            codes[:, v] = _draw(probs, rng)
        return codes


def _normalised(weights):
    weights = np.maximum(np.asarray(weights, dtype=float), 0.0)
    return weights / weights.sum() if weights.sum() > 0 else np.full(len(weights), 1 / len(weights))


def _draw(probs, rng):
    """One category per row of ``probs`` (rows need not sum to one)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), probs.shape[1] - 1)


def _draw_first(prior, likelihood, n_rows, rng, given=None):
    """Codes of the variable sampled first: drawn from ``prior * likelihood``, or ``given``.

    ``likelihood`` is the chance of the evidence given each code; given codes
    are checked against it.
    """
    if given is None:
        posterior = prior * likelihood
        if posterior.sum() <= 0:
            raise ValueError("The conditions asked for have no chance under the model.")
        return _draw(np.tile(posterior, (n_rows, 1)), rng)
    given = np.asarray(given, dtype=np.int64)
    if not (likelihood[given] > 0).all():
        raise ValueError("The conditions asked for have no chance under the model.")
    return given


def _fit_three(table, label, first, second, n_iter=20):
    """Scale a non-negative ``(label, first, second)`` table towards its three one-way totals."""
    table = np.maximum(table, 0.0) + 1e-9
    margins = [np.maximum(m, 1e-9) for m in (label, first, second)]
    for _ in range(n_iter):
        for axis, margin in enumerate(margins):
            others = tuple(a for a in range(3) if a != axis)
            shape = [1, 1, 1]
            shape[axis] = -1
            table *= (margin / table.sum(axis=others)).reshape(shape)
    return table


class LabelledTree:
    """``P(y) P(x_root | y) prod P(x_child | y, x_parent)``: a tree of columns given the label.

    The tree-augmented naive Bayes structure: every column's measured
    marginal includes the label (three-way marginals label x parent x child,
    AIM-style cliques), so the relation of each column with the label is
    measured directly, not only along the tree. Used when the sampler is
    fitted with ``y`` and the classes are few.

    Parameters
    ----------
    sizes : list of int
        Groups of each column (the label excluded).
    one_way : list of ndarray
        Noisy one-way group counts of the columns, then of the label.
    root_table : ndarray of shape (n_classes, sizes[root])
        Noisy label x root-column counts.
    three_way : dict of (int, int) -> ndarray
        Noisy ``(label, parent, child)`` counts of the tree's edges.
    root : int
        The column at the root of the tree.
    """

    def __init__(self, sizes, one_way, root_table, three_way, root):
        self.sizes = list(sizes)
        total = np.mean([w.sum() for w in one_way]) or 1.0
        margins = [_normalised(w) * total for w in one_way]
        label = margins[-1]
        self.prior = _normalised(label)
        self.root = root
        self.order, self.parent, self.children = _orient(three_way, len(sizes), root)
        table = _fit_proportions(root_table, label, margins[root])
        self.conditional = {root: table / table.sum(axis=1, keepdims=True)}
        for v in self.order[1:]:
            p = self.parent[v]
            table = three_way[(p, v)] if (p, v) in three_way else three_way[(v, p)].transpose(
                0, 2, 1
            )
            table = _fit_three(table, label, margins[p], margins[v])
            self.conditional[v] = table / table.sum(axis=2, keepdims=True)

    def _messages(self, evidence):
        return _upward_messages(self, evidence, (len(self.prior),))

    def sample(self, n_rows, rng, evidence=None, root_codes=None):
        """Group codes of ``n_rows`` rows, as :meth:`MarginalTree.sample`, the label last.

        Here ``root_codes`` are the labels of the rows (e.g. the classes asked
        for), and ``codes`` has one more column: the label.
        """
        lam = self._messages(evidence or {})
        root = self.root
        evidence_given_label = (self.conditional[root] * lam[root]).sum(axis=1)
        labels = _draw_first(self.prior, evidence_given_label, n_rows, rng, root_codes)
        codes = np.zeros((n_rows, len(self.sizes) + 1), dtype=np.int64)
        codes[:, -1] = labels
        codes[:, root] = _draw(self.conditional[root][labels] * lam[root][labels], rng)
        for v in self.order[1:]:
            probs = self.conditional[v][labels, codes[:, self.parent[v]]] * lam[v][labels]
            codes[:, v] = _draw(probs, rng)
        return codes
