"""The real torch.optim.Rprop and mindspore.nn.Rprop, step by step, against the NumPy kernel."""

from __future__ import annotations

import mindspore
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from mindspore import Parameter, Tensor, nn

from generator.kernels.rprop import initial_state, mindspore_rprop_step, torch_rprop_step

Grads = list[np.ndarray]


@pytest.fixture(autouse=True)
def _scratch_folder(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """MindSpore writes compile reports (rank_0/) into the working folder."""
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


def _torch(param: np.ndarray, grads: Grads, **options: object) -> np.ndarray:
    p = torch.nn.Parameter(torch.tensor(param))
    optimizer = torch.optim.Rprop([p], **options)  # type: ignore[arg-type]
    for g in grads:
        p.grad = torch.tensor(g)
        optimizer.step()
    return p.detach().numpy()


def _mindspore(param: np.ndarray, grads: Grads, name: str = "w", **options: object) -> np.ndarray:
    p = Parameter(Tensor(param), name=name)
    optimizer = nn.Rprop([p], **options)  # type: ignore[arg-type]
    for g in grads:
        optimizer((Tensor(g),))
    return p.asnumpy()


def _kernel(step: object, param: np.ndarray, grads: Grads, lr: float, **options: object) -> np.ndarray:
    state = initial_state(param, lr=lr)
    for g in grads:
        param, state = step(param, g, state, **options)  # type: ignore[operator]
    return param


def _sequence(seed: int, shape: tuple[int, ...], steps: int, dtype: type) -> tuple[np.ndarray, Grads]:
    rng = np.random.default_rng(seed)
    grads = [rng.normal(size=shape).astype(dtype) for _ in range(steps)]
    if steps > 2 and grads[2].size:
        grads[2].flat[0] = 0  # a zero gradient keeps the step size
    return rng.normal(size=shape).astype(dtype), grads


SHAPES = [(), (7,), (3, 4), (2, 3, 2), (0,), (0, 3)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=lambda d: d.__name__)
def test_torch_matches_the_kernel(shape: tuple[int, ...], dtype: type) -> None:
    param, grads = _sequence(1, shape, 8, dtype)
    expected = _kernel(torch_rprop_step, param, grads, lr=0.05)
    actual = _torch(param, grads, lr=0.05)
    assert actual.dtype == dtype
    np.testing.assert_array_equal(actual, expected)


@pytest.mark.parametrize("shape", [s for s in SHAPES if 0 not in s], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16], ids=lambda d: d.__name__)
def test_mindspore_matches_the_kernel(shape: tuple[int, ...], dtype: type) -> None:
    param, grads = _sequence(2, shape, 8, dtype)
    if shape == () and dtype is np.float16:  # MindSpore 2.10 fails to compile this one case
        with pytest.raises(TypeError, match="Float16, which cannot be converted to data type Float64"):
            _mindspore(param, grads, learning_rate=0.05)
        return
    expected = _kernel(mindspore_rprop_step, param, grads, lr=0.05)
    actual = _mindspore(param, grads, learning_rate=0.05)
    assert actual.dtype == dtype
    np.testing.assert_allclose(actual, expected, rtol=0, atol=np.finfo(dtype).eps * 4)


@pytest.mark.parametrize("shape", [s for s in SHAPES if 0 in s], ids=str)
def test_mindspore_refuses_empty_parameters(shape: tuple[int, ...]) -> None:
    """torch steps empty tensors (above); MindSpore cannot even create the optimizer's state for them."""
    param = np.zeros(shape, np.float32)
    with pytest.raises(ValueError, match="the argument 'shape' is invalid"):
        _mindspore(param, [param], learning_rate=0.05)


def test_step_sizes_are_clipped_at_both_bounds() -> None:
    param = np.float32([1.0, -1.0])
    same_sign = [np.float32([1.0, -1.0])] * 12  # grows the step: upper bound
    flipping = [np.float32([1.0, 1.0]) * (-1) ** i for i in range(12)]  # shrinks it: lower bound
    for grads in (same_sign, flipping):
        options = {"etas": (0.3, 2.0), "step_sizes": (1e-3, 0.2)}
        expected = _kernel(torch_rprop_step, param, grads, lr=0.1, **options)
        np.testing.assert_array_equal(_torch(param, grads, lr=0.1, **options), expected)
        ms_expected = _kernel(mindspore_rprop_step, param, grads, lr=0.1, **options)
        np.testing.assert_allclose(_mindspore(param, grads, learning_rate=0.1, **options), ms_expected, atol=1e-7)
    state = initial_state(param, lr=0.1)
    for g in same_sign:
        param, state = torch_rprop_step(param, g, state, etas=(0.3, 2.0), step_sizes=(1e-3, 0.2))
    assert state.step_size.tolist() == pytest.approx([0.2, 0.2])


def test_torch_maximize_climbs() -> None:
    param, grads = _sequence(3, (5,), 6, np.float32)
    expected = _kernel(torch_rprop_step, param, grads, lr=0.01, maximize=True)
    np.testing.assert_array_equal(_torch(param, grads, lr=0.01, maximize=True), expected)
    np.testing.assert_array_equal(expected, _kernel(torch_rprop_step, param, [-g for g in grads], lr=0.01))


def test_mindspore_weight_decay_spares_beta_and_gamma() -> None:
    param = np.float32([1.0, -2.0, 3.0])
    grads = [np.float32([0.0, 0.0, 0.0])] * 3  # only the decay moves a parameter
    for name, moves in (("dense.weight", True), ("norm.beta", False), ("norm.gamma", False)):
        actual = _mindspore(param, grads, name=name, learning_rate=0.1, weight_decay=0.5)
        expected = _kernel(mindspore_rprop_step, param, grads, lr=0.1, weight_decay=0.5, name=name)
        np.testing.assert_allclose(actual, expected, atol=1e-7)
        assert (not np.array_equal(actual, param)) == moves


def test_several_parameter_groups() -> None:
    a, ga = _sequence(4, (3,), 5, np.float32)
    b, gb = _sequence(5, (2, 2), 5, np.float32)
    pa, pb = torch.nn.Parameter(torch.tensor(a)), torch.nn.Parameter(torch.tensor(b))
    opt = torch.optim.Rprop([{"params": [pa], "lr": 0.01}, {"params": [pb], "lr": 0.2, "etas": (0.4, 1.5)}])
    ma, mb = Parameter(Tensor(a), name="a"), Parameter(Tensor(b), name="b")
    mopt = nn.Rprop([{"params": [ma], "lr": 0.01}, {"params": [mb], "lr": 0.2}], etas=(0.4, 1.5))
    for x, y in zip(ga, gb, strict=True):
        pa.grad, pb.grad = torch.tensor(x), torch.tensor(y)
        opt.step()
        mopt((Tensor(x), Tensor(y)))
    np.testing.assert_array_equal(pa.detach().numpy(), _kernel(torch_rprop_step, a, ga, lr=0.01))
    np.testing.assert_array_equal(pb.detach().numpy(), _kernel(torch_rprop_step, b, gb, lr=0.2, etas=(0.4, 1.5)))
    np.testing.assert_allclose(ma.asnumpy(), _kernel(mindspore_rprop_step, a, ga, lr=0.01, etas=(0.4, 1.5)), atol=1e-7)
    np.testing.assert_allclose(mb.asnumpy(), _kernel(mindspore_rprop_step, b, gb, lr=0.2, etas=(0.4, 1.5)), atol=1e-7)


def test_same_parameters_after_n_steps_in_float32() -> None:
    """With the same learning rate, no weight decay and float32, both optimizers agree to the bit."""
    param, grads = _sequence(6, (4, 5), 20, np.float32)
    np.testing.assert_array_equal(_torch(param, grads, lr=0.02), _mindspore(param, grads, learning_rate=0.02))


def test_float64_differs_because_mindspore_computes_in_float32() -> None:
    param, grads = _sequence(7, (50,), 10, np.float64)
    torch_result = _torch(param, grads, lr=0.05)
    ms_result = _mindspore(param, grads, learning_rate=0.05)
    assert not np.array_equal(torch_result, ms_result)
    np.testing.assert_allclose(torch_result, ms_result, atol=1e-6)


def test_mindspore_rejects_integer_step_sizes_torch_accepts_them() -> None:
    param = np.float32([1.0])
    _torch(param, [param], step_sizes=(1e-6, 50))
    with pytest.raises(TypeError, match="max_step_sizes"):
        nn.Rprop([Parameter(Tensor(param), name="p")], step_sizes=(1e-6, 50))


def test_experimental_rprop_follows_torch() -> None:
    from mindspore.experimental.optim import Rprop

    param, grads = _sequence(8, (6,), 8, np.float32)
    p = Parameter(Tensor(param), name="e")
    optimizer = Rprop([p], lr=0.05, maximize=True)
    for g in grads:
        optimizer((Tensor(g),))
    np.testing.assert_allclose(p.asnumpy(), _kernel(torch_rprop_step, param, grads, lr=0.05, maximize=True), atol=1e-7)


@settings(max_examples=25, derandomize=True, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=1, max_value=12),
    st.floats(min_value=1e-4, max_value=1.0),
    st.sampled_from([(0.5, 1.2), (0.3, 1.5), (0.9, 1.01)]),
)
def test_random_sequences_match_the_kernel(seed: int, steps: int, lr: float, etas: tuple[float, float]) -> None:
    param, grads = _sequence(seed, (6,), steps, np.float32)
    np.testing.assert_array_equal(
        _torch(param, grads, lr=lr, etas=etas), _kernel(torch_rprop_step, param, grads, lr, etas=etas)
    )
    np.testing.assert_allclose(
        _mindspore(param, grads, learning_rate=lr, etas=etas),
        _kernel(mindspore_rprop_step, param, grads, lr, etas=etas),
        rtol=1e-6,
        atol=1e-7,
    )


def test_mindspore_is_the_pinned_version() -> None:
    assert mindspore.__version__ == "2.10.0"
    assert torch.__version__.split("+")[0] == "2.13.0"
