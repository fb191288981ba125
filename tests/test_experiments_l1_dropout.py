"""experiments for notebooks 06 and 07: blank pixels and where L1's zeros are; dropout on the
slides' example with a validation split, several seeds, and the versions switched one at a time."""

import numpy as np
import pytest

from lecture5 import experiments
from lecture5.datasets import load_mnist
from lecture5.dropout import dropout_masks

SMALL6 = {"n_train": 200, "epochs": 3, "n_test": 300}
SMALL7 = {"sizes": (784, 20, 10), "n_train": 200, "validation": 100, "epochs": 2, "n_test": 200}


def test_blank_pixels_are_zero_in_every_column():
    X = np.array([[0.0, 0.0], [0.0, 0.5], [1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(experiments.blank_pixels(X), [0, 3])
    with pytest.raises(ValueError):
        experiments.blank_pixels(np.zeros(3))


@pytest.mark.parametrize("penalty", ["l1_prox", "l2"])
def test_l1_sparsity_counts_the_zeros_apart(penalty):
    s = experiments.l1_sparsity(penalty, 1.0, seed=1, **SMALL6)
    run = experiments.l1_l2_run(penalty, 1.0, seed=1, **SMALL6)
    X = load_mnist(n_train=SMALL6["n_train"], n_test=1, seed=1).X_train
    blank = np.flatnonzero(X.max(axis=1) == 0)
    w = run.weights[0]
    assert s.blank == blank.size and s.informative == 10 * (784 - blank.size)
    assert s.zeros_blank == int(np.sum(w[:, blank] == 0))
    assert s.zeros_blank + s.zeros_informative == int(np.sum(w == 0))
    assert s.l1_norm == pytest.approx(np.abs(w).sum())
    if penalty == "l2":
        assert s.zeros_blank == s.zeros_informative == 0
    else:
        assert s.zeros_blank == 10 * s.blank  # blank pixels: nothing resists the L1 pull


def test_l1_l2_table_one_row_per_penalty_and_lambda():
    rows, text = experiments.l1_l2_table((0.5,), (0.5, 5.0), seeds=(0, 1), **SMALL6)
    assert [len(r) for r in rows] == [2, 2, 2]
    assert [r[0].penalty for r in rows] == ["l1_prox", "l2", "l2"]
    lines = text.splitlines()
    assert len(lines) == 4 and lines[1].startswith("L1") and lines[3].startswith("L2")
    acc = [x.test_accuracy for x in rows[0]]
    assert experiments.seed_range(acc) in lines[1]


def test_closest_accuracy_matches_the_mean_test_accuracy():
    rows, _ = experiments.l1_l2_table((0.5,), (0.5, 50.0), seeds=(0,), **SMALL6)
    b = experiments.closest_accuracy(rows, 0, [1, 2])
    gaps = [abs(rows[i][0].test_accuracy - rows[0][0].test_accuracy) for i in (1, 2)]
    assert b == 1 + int(np.argmin(gaps))
    with pytest.raises(ValueError, match="candidates"):
        experiments.closest_accuracy(rows, 0, [])


def test_seed_range():
    assert experiments.seed_range([0.8712, 0.85, 0.9]) == "0.850-0.900"
    assert experiments.seed_range([0.5, 0.5001]) == "0.500"
    assert experiments.seed_range([0.1, 0.25], "{:.0%}") == "10%-25%"


def test_slides_dropout_run_without_dropout_is_one_run_and_cached():
    a = experiments.slides_dropout_run(0.0, seed=0, **SMALL7)
    assert experiments.slides_dropout_run(0.0, "inverted", "example", seed=0, **SMALL7) is a
    assert len(a.history["eval_accuracy"]) == SMALL7["epochs"]
    assert a.val_accuracy == a.history["eval_accuracy"][-1]
    with pytest.raises(ValueError, match="masks_per"):
        experiments.slides_dropout_run(0.5, masks_per="batch", **SMALL7)


def test_slides_dropout_run_slides_version_is_the_trainers():
    run = experiments.slides_dropout_run(0.5, "slides", "mini-batch", seed=0, **SMALL7)
    data = load_mnist(n_train=SMALL7["n_train"], n_test=SMALL7["n_test"],
                      validation=SMALL7["validation"], seed=0)
    t = experiments.make_trainer(data, SMALL7["sizes"], eta=0.5, p_drop=0.5,
                                 evaluate="validation", seed=0)
    t.train(SMALL7["epochs"], progress=False)
    for w, v in zip(run.weights, t.net.weights):
        np.testing.assert_allclose(w, v, rtol=0, atol=1e-12)


def test_inverted_with_one_mask_per_mini_batch_differs_from_per_example():
    per_batch = experiments.slides_dropout_run(0.5, "inverted", "mini-batch", seed=0, **SMALL7)
    per_example = experiments.slides_dropout_run(0.5, "inverted", "example", seed=0, **SMALL7)
    slides = experiments.slides_dropout_run(0.5, "slides", "mini-batch", seed=0, **SMALL7)
    assert not np.array_equal(per_batch.weights[1], per_example.weights[1])
    assert not np.array_equal(per_batch.weights[1], slides.weights[1])
    # one mask per mini-batch: a (d, 1) column, as the override draws it
    mask = dropout_masks(list(SMALL7["sizes"]), 0.5, np.random.default_rng(0), m=1,
                         inverted=True)[0]
    assert mask.shape == (SMALL7["sizes"][1], 1)


def test_dropout_study_chooses_on_validation_and_tests_once():
    st = experiments.dropout_study((0.0, 0.5), seeds=(0, 1), **SMALL7)
    assert st.val_accuracy.shape == st.gap.shape == st.cost_rise.shape == (2, 2)
    best = st.p_drops[int(np.argmax(st.val_accuracy.mean(axis=1)))]
    assert st.chosen == best
    none = [experiments.slides_dropout_run(0.0, seed=s, **SMALL7).test_accuracy for s in (0, 1)]
    assert st.test_none == tuple(none)
    assert np.all(st.cost_rise >= 0)
    with pytest.raises(ValueError, match="include 0"):
        experiments.dropout_study((0.2, 0.5), seeds=(0,), **SMALL7)
