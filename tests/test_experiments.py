"""lecture5.experiments: the cached runs the figures share, the studies the notebooks show, and
the one recipe (make_network / make_trainer) every demo network comes from."""

import numpy as np
import pytest

from lecture5 import experiments
from lecture5.datasets import load_mnist

#: a small version of notebook 08's problem
SMALL8 = {"sizes": (784, 30, 10), "n_train": 300, "validation": 300, "epochs": 12,
          "n_test": 500}

#: a small version of notebook 09's study
SMALL9 = {"sizes": (40, 80), "examples_seen": 800, "seeds": (0, 1), "n_test": 300}

FAKE_PLAIN = {"sizes": [250, 500], "copies": 0, "epochs": [120, 60], "examples_seen": 30_000,
              "accuracy": np.array([[0.81, 0.83], [0.85, 0.87]])}
FAKE_X5 = {"sizes": [250], "copies": 4, "epochs": [24], "examples_seen": 30_000,
           "accuracy": np.array([[0.84, 0.845]])}


def test_training_run_is_cached_and_read_only():
    a = experiments.training_run(sizes=[784, 10], n_train=100, epochs=2, n_test=200)
    b = experiments.training_run(sizes=(784, 10), n_train=100, epochs=2, n_test=200)
    assert a is b  # a list and a tuple of sizes hit the same cache entry
    assert a.epochs_run == 2 and len(a.history["eval_accuracy"]) == 2
    assert a.eval_accuracy == a.test_accuracy == a.history["eval_accuracy"][-1]
    with pytest.raises(ValueError):
        a.weights[0][0, 0] = 1.0


def test_training_run_rejects_bad_settings_by_name():
    with pytest.raises(ValueError, match="penalty"):
        experiments.training_run(sizes=(784, 10), n_train=50, epochs=1, penalty="l3")
    with pytest.raises(ValueError, match="p_drop"):
        experiments.training_run(sizes=(784, 10, 10), n_train=50, epochs=1, p_drop=1.0)
    with pytest.raises(TypeError, match="sizes"):
        experiments.training_run(sizes=(784, 2.5, 10), n_train=50, epochs=1)


def test_l1_zeroes_more_weights_as_lambda_grows():
    zeros = [np.mean(experiments.l1_l2_run("l1_prox", lm).weights[0] == 0)
             for lm in (0.3, 1.0, 3.0)]
    assert zeros[0] < zeros[1] < zeros[2]


def test_l1_weight_paths_sgn_hops_soft_threshold_sits_at_zero():
    res = experiments.l1_weight_paths(lmbda=3.0, k=4)
    c = res.step_size
    assert c == pytest.approx(0.5 * 3.0 / 500)
    naive, prox = res.paths["l1"][-40:, :-1], res.paths["l1_prox"][-40:, :-1]
    assert np.mean(prox == 0) > 0.9
    assert np.count_nonzero(naive == 0) == 0
    # the sgn step keeps those weights within a few steps of zero, changing sign again and again
    assert np.abs(naive).max() < 5 * c
    flips = np.sum(np.diff(np.sign(naive), axis=0) != 0, axis=0)
    assert np.all(flips >= 10)
    # both runs start from the same network
    np.testing.assert_array_equal(res.paths["l1"][0], res.paths["l1_prox"][0])
    assert res.zero_fraction["l1"] < 0.01 < 0.3 < res.zero_fraction["l1_prox"]


def test_early_run_restores_the_best_epoch_and_follows_the_full_run():
    full = experiments.early_run(None, **SMALL8)
    for k in (1, 2, 3):
        run = experiments.early_run(k, **SMALL8)
        h = run.history["eval_accuracy"]
        if not run.message:  # never k epochs without improvement: nothing to check for this k
            assert run.epochs_run == SMALL8["epochs"]
            continue
        best = int(np.argmax(h)) + 1
        assert run.best_epoch == best and run.epochs_run == best + k
        assert run.eval_accuracy == h[best - 1] == max(h)  # the restored network is the best one
        assert h == full.history["eval_accuracy"][: run.epochs_run]
        np.testing.assert_allclose(experiments.weight_norm(run.weights),
                                   run.history["weight_norm"][best - 1])
    assert experiments.early_run(1, **SMALL8).message.startswith("Early stopping")


@pytest.fixture(scope="module")
def digits():
    return experiments.sample_digits((5, 0, 4, 1))


def test_sample_digits_are_the_first_of_each_class(digits):
    X, y = digits
    assert X.shape == (784, 4)
    assert y.tolist() == [5, 0, 4, 1]
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert (X.sum(axis=0) > 20).all()  # real ink, not blank images


def test_the_first_mnist_digit_is_the_five_of_the_slide():
    X, y = experiments.sample_digits((5,))

    first = load_mnist(n_test=1, seed=None)
    assert first.y_train[0] == 5
    np.testing.assert_array_equal(X[:, 0], first.X_train[:, 0])


@pytest.mark.parametrize("labels, error", [((), TypeError), ("5", TypeError),
                                           ((10,), ValueError), ((-1,), ValueError),
                                           ((1.5,), TypeError)])
def test_sample_digits_rejects_bad_labels(labels, error):
    with pytest.raises(error, match="labels"):
        experiments.sample_digits(labels)


@pytest.fixture(scope="module")
def small_runs():
    return (experiments.training_size_accuracy(**SMALL9),
            experiments.training_size_accuracy(copies=1, **SMALL9))


def test_training_size_accuracy_shapes_and_epochs(small_runs):
    plain, expanded = small_runs
    assert plain["sizes"] == [40, 80] and plain["copies"] == 0
    assert plain["epochs"] == [20, 10]  # 800 examples seen / n
    assert expanded["epochs"] == [10, 5]  # 800 / (2 n): the same number of SGD steps
    for r in small_runs:
        assert r["accuracy"].shape == (2, 2)
        assert ((r["accuracy"] >= 0) & (r["accuracy"] <= 1)).all()
        np.testing.assert_allclose(r["mean"], r["accuracy"].mean(axis=1))
        assert r["accuracy"].min() > 0.3  # far better than guessing (10%)


def test_training_size_accuracy_is_reproducible(small_runs):
    again = experiments.training_size_accuracy(**SMALL9)
    np.testing.assert_array_equal(again["accuracy"], small_runs[0]["accuracy"])


@pytest.mark.parametrize("kwargs, error, name", [
    ({"sizes": ()}, TypeError, "sizes"), ({"sizes": (0,)}, ValueError, "sizes"),
    ({"sizes": (10_001,)}, ValueError, "sizes"), ({"copies": -1}, ValueError, "copies"),
    ({"seeds": ()}, TypeError, "seeds"), ({"eta": 0}, ValueError, "eta"),
    ({"examples_seen": 0}, ValueError, "examples_seen"), ({"n_test": 0}, ValueError, "n_test"),
    ({"copies": 1, "transforms": ("flip",)}, ValueError, "transforms"),
])
def test_training_size_accuracy_rejects_bad_arguments(kwargs, error, name):
    args = dict(SMALL9, sizes=(20,), seeds=(0,), examples_seen=20)
    args.update(kwargs)
    with pytest.raises(error, match=name):
        experiments.training_size_accuracy(**args)


def test_accuracy_table_prints_rounded_percentages():
    table = experiments.accuracy_table(FAKE_PLAIN, FAKE_X5).splitlines()
    assert table[0] == "n digits | original only | expanded x5"
    assert table[1] == "     250 |  82.0% [81.0, 83.0] |  84.2% [84.0, 84.5]"
    assert table[2] == "     500 |  86.0% [85.0, 87.0] | -"
    with pytest.raises(ValueError):
        experiments.accuracy_table()


# ---------------------------------------------------------------- the one recipe


@pytest.fixture(scope="module")
def tiny():
    return load_mnist(n_train=60, n_test=40, validation=30, seed=0)


def test_make_trainer_is_the_network_and_trainer_written_out(tiny):
    from lecture5 import CrossEntropyCost, Network
    from lecture5.training import Trainer

    by_hand = Trainer(Network([784, 10, 10], cost=CrossEntropyCost, seed=3), tiny.X_train,
                      tiny.Y_train, eta=0.5, lmbda=1.0, penalty="l1_prox", labels=tiny.y_train,
                      eval_data=(tiny.X_test, tiny.Y_test, tiny.y_test), seed=3)
    recipe = experiments.make_trainer(tiny, (784, 10, 10), eta=0.5, lmbda=1.0,
                                      penalty="l1_prox", seed=3)
    for t in (by_hand, recipe):
        t.train(2, progress=False)
    for a, b in zip(by_hand.net.weights + by_hand.net.biases,
                    recipe.net.weights + recipe.net.biases):
        np.testing.assert_array_equal(a, b)
    assert by_hand.history["eval_accuracy"] == recipe.history["eval_accuracy"]


def test_make_trainer_evaluation_sets_and_mappings(tiny):
    val = experiments.make_trainer(tiny, (784, 10), eta=0.5, evaluate="validation")
    assert val.eval_data[0].shape == (784, 30)
    none = experiments.make_trainer(tiny, (784, 10), eta=0.5, evaluate=None, monitor=False)
    assert none.eval_data is None
    data = {"X_train": tiny.X_train[:, :7], "Y_train": tiny.Y_train[:, :7]}
    small = experiments.make_trainer(data, (784, 10), eta=0.5, mini_batch_size=10,
                                     evaluate=None)
    assert small.mini_batch_size == 7  # capped at the number of training examples
    with pytest.raises(ValueError, match="evaluate"):
        experiments.make_trainer(tiny, (784, 10), eta=0.5, evaluate="train")


def test_make_network_large_init_and_untrained_cost(tiny):
    small = experiments.make_network((784, 10, 10))
    large = experiments.make_network((784, 10, 10), init="large")
    for w_s, w_l in zip(small.weights, large.weights):
        np.testing.assert_allclose(w_l, w_s * np.sqrt(w_s.shape[1]))
    cost = experiments.untrained_cost(tiny, (784, 10, 10), seed=0)
    assert cost == small.total_cost(tiny.X_train, tiny.Y_train)[0]


def test_train_all_reports_progress_and_messages(tiny):
    trainers = {"a": experiments.make_trainer(tiny, (784, 10), eta=0.5),
                "b": experiments.make_trainer(tiny, (784, 10), eta=1e-9, early_stopping=1)}
    seen = []
    histories, note = experiments.train_all(trainers, 3, lambda d, t: seen.append((d, t)))
    assert list(histories) == ["a", "b"] and histories["a"]["epoch"] == [1, 2, 3]
    assert seen[:3] == [(1, 6), (2, 6), (3, 6)] and seen[-1] == (6, 6)
    assert trainers["b"].stopped == "early stopping" and histories["b"]["epoch"] == [1, 2]
    # b's "not learning" warning is not emitted, so the note keeps it before the final message
    assert trainers["b"].message.startswith("Early stopping")
    assert note == " ".join(trainers["b"].warnings + [trainers["b"].message])
    with pytest.raises(ValueError, match="epochs"):
        experiments.train_all(trainers, 0)


def test_train_all_returns_a_run_that_cannot_learn_in_the_note_without_a_warning(tiny):
    import warnings

    trainers = {"a": experiments.make_trainer(tiny, (784, 30, 10), eta=1e6)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, note = experiments.train_all(trainers, 3)
    assert caught == []
    assert trainers["a"].warnings != [] and note == " ".join(trainers["a"].warnings)
    assert "saturated" in note and "eta = 1e+06" in note


def test_figures_share_the_cached_runs():
    from lecture5 import plots

    settings = {"n_train": 100, "epochs": 2, "n_test": 200}
    runs = {p: experiments.l1_l2_run(p, 0.7, **settings) for p in ("l2", "l1_prox")}
    plots.l1_l2_histograms(runs, 0.7)
    before = experiments._training_run.cache_info()
    runs = [experiments.l1_l2_run(p, 0.7, **settings) for p in ("l2", "l1_prox")]
    plots.l1_l2_weight_images({p: experiments.l1_l2_run(p, 0.7, **settings)
                               for p in ("l2", "l1_prox")}, 0.7)
    after = experiments._training_run.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 4
    assert runs[0] is experiments.l1_l2_run("l2", 0.7, **settings)
    paths = experiments.l1_weight_paths(3.0, n_train=100, epochs=1)
    assert experiments.l1_weight_paths(3.0, n_train=100, epochs=1) is paths
