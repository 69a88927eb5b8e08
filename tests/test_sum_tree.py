"""Chapter 8's SumTree samples leaves in proportion to their priorities and keeps its sums.

The tree is NumPy code, so these checks give the same numbers on every machine. They import the
chapter's own definitions (dqnbook.ch08_rainbow), so they test the code that the book shows:
a chi-square goodness-of-fit test of many draws against the priorities (with the chapter's
`chi_square_p_value`) on several seeds and capacities, including 1 and capacities that are not
powers of two; every draw against a brute-force cumulative-sum sampler; the sums after random
updates; and the refusal of bad input.
"""
import numpy as np
import pytest

import dqnbook.ch08_rainbow

DRAWS = 200_000
SEEDS = (0, 1, 2)
CAPACITIES = (1, 2, 7, 100, 1000)


@pytest.fixture(scope="module")
def chapter():
    return dqnbook.ch08_rainbow


def random_tree(chapter, capacity, rng):
    """A tree of random priorities, about a fifth of them 0 (but not all)."""
    priorities = rng.uniform(0.1, 1.0, capacity) * (rng.random(capacity) > 0.2)
    if not priorities.any():
        priorities[rng.integers(capacity)] = 1.0
    tree = chapter.SumTree(capacity)
    tree.update(np.arange(capacity), priorities)
    return tree, priorities


@pytest.mark.parametrize("capacity", CAPACITIES)
@pytest.mark.parametrize("seed", SEEDS)
def test_draws_are_in_proportion_to_the_priorities(chapter, capacity, seed):
    rng = np.random.default_rng(seed)
    tree, priorities = random_tree(chapter, capacity, rng)
    u = rng.uniform(0, tree.total, DRAWS)
    leaves = tree.sample(u)
    assert leaves.shape == (DRAWS,) and leaves.min() >= 0 and leaves.max() < capacity
    assert priorities[leaves].min() > 0, "drew a leaf of priority 0"
    counts = np.bincount(leaves, minlength=capacity)
    assert chapter.chi_square_p_value(counts, priorities / priorities.sum()) > 1e-6
    # The same draws, leaf by leaf, from a cumulative sum (ties at boundaries aside).
    brute = np.searchsorted(np.cumsum(priorities), u, side="right")
    assert np.mean(brute == leaves) > 0.9999


@pytest.mark.parametrize("seed", SEEDS)
def test_the_chi_square_test_rejects_wrong_samplers(chapter, seed):
    rng = np.random.default_rng(seed)
    _, priorities = random_tree(chapter, 100, rng)
    truth = priorities / priorities.sum()
    no_last = truth.copy()
    no_last[np.flatnonzero(truth)[-1]] = 0
    for leaves in (rng.choice(100, DRAWS, p=no_last / no_last.sum()),
                   rng.choice(np.flatnonzero(truth), DRAWS),  # uniform
                   rng.choice(100, DRAWS)):  # uniform, zeros included
        counts = np.bincount(leaves, minlength=100)
        assert chapter.chi_square_p_value(counts, truth) < 1e-6


@pytest.mark.parametrize("capacity", CAPACITIES)
@pytest.mark.parametrize("seed", SEEDS)
def test_updates_keep_every_sum(chapter, capacity, seed):
    rng = np.random.default_rng(seed)
    tree, brute = chapter.SumTree(capacity), np.zeros(capacity)
    for _ in range(50):
        indices = rng.integers(capacity, size=rng.integers(1, 20))  # repeats too
        priorities = rng.exponential(size=len(indices)) * (rng.random(len(indices)) > 0.3)
        tree.update(indices, priorities)
        for index, priority in zip(indices, priorities):
            brute[index] = priority  # the last of a repeated index wins
        np.testing.assert_array_equal(tree.priorities, brute)
        assert tree.total == pytest.approx(brute.sum(), rel=1e-12, abs=1e-12)
        inner = np.arange(1, tree.first_leaf)
        np.testing.assert_allclose(tree.nodes[inner],
                                   tree.nodes[2 * inner] + tree.nodes[2 * inner + 1])
    tree.update(np.arange(capacity), np.zeros(capacity))
    assert tree.total == 0


def test_capacity_one(chapter):
    tree = chapter.SumTree(1)
    tree.update(0, 2.5)
    assert tree.total == 2.5 and tree.priorities.tolist() == [2.5]
    assert tree.sample([0.0, 1.0, 2.4]).tolist() == [0, 0, 0]


def test_priorities_are_read_only(chapter):
    tree = chapter.SumTree(3)
    with pytest.raises(ValueError):
        tree.priorities[0] = 1.0


@pytest.mark.parametrize("call, error, message", [
    (lambda t: t.update([5], [1.0]), ValueError, r"indices must be in \[0, 5\)"),
    (lambda t: t.update([-1], [1.0]), ValueError, r"indices must be in \[0, 5\)"),
    (lambda t: t.update([1.5], [1.0]), TypeError, "indices must be integers"),
    (lambda t: t.update([0, 1], [1.0]), ValueError, "one priority per index"),
    (lambda t: t.update([0], [-0.5]), ValueError, "finite numbers >= 0"),
    (lambda t: t.update([0], [np.nan]), ValueError, "finite numbers >= 0"),
    (lambda t: t.update([0], [np.inf]), ValueError, "finite numbers >= 0"),
    (lambda t: t.update([0], ["high"]), ValueError, "finite numbers >= 0"),
    (lambda t: t.sample([0.0]), ValueError, "every priority is 0"),
])
def test_bad_input_is_refused(chapter, call, error, message):
    with pytest.raises(error, match=message):
        call(chapter.SumTree(5))


@pytest.mark.parametrize("u", [[-0.1], [3.0], [np.nan]])
def test_values_outside_the_total_are_refused(chapter, u):
    tree = chapter.SumTree(5)
    tree.update([0, 3], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"u must be in \[0, total"):
        tree.sample(u)


@pytest.mark.parametrize("capacity", [0, -3, 2.0, True])
def test_bad_capacity_is_refused(chapter, capacity):
    with pytest.raises((TypeError, ValueError), match="capacity must be an int"):
        chapter.SumTree(capacity)
