"""The README's promise: every numbered step of the derivation is named in the docstring of the
function that computes it, so searching for "(14)" finds the code.  Checked here for the steps of
the backpropagation derivation and the L2 cost that notebooks 03 and 05 show."""

import inspect

import pytest

from lecture5 import backprop, costs, network, regularization

#: equation number -> the objects whose docstrings must name it
WHERE = {
    "(5)": [backprop.backprop_batch, network.Network.backprop],
    "(6)": [backprop, backprop.forward_backward],
    "(7)": [backprop.bp3, backprop.bp4],
    "(10)": [backprop.bp1],
    "(14)": [backprop.bp2],
    "(15)": [backprop.bp2],
    "(16)": [backprop.bp2],
    "(17)": [backprop.bp2],
    "(22)": [costs, network.Network.total_cost],
    "(25)": [costs, regularization, network.Network.update_mini_batch],
}


@pytest.mark.parametrize("number", sorted(WHERE))
def test_each_derivation_step_is_named_where_it_is_computed(number):
    for obj in WHERE[number]:
        assert number in inspect.getdoc(obj), f"{number} missing from {obj.__name__}'s docstring"
