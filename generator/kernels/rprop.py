r"""One Rprop step as torch 2.13.0 and MindSpore 2.10.0 compute it, in NumPy.

Read from ``torch/optim/rprop.py`` (``_single_tensor_rprop``) and
``mindspore/nn/optim/rprop.py`` (``Rprop.construct``) with the base
``Optimizer.decay_weight``. Both frameworks apply, element by element, with
:math:`g_t` the gradient, :math:`g_{t-1}` the remembered one and
:math:`\Delta` the step size (filled with the learning rate before the first step):

.. math::

   \eta = \begin{cases} \eta^{+} & g_t g_{t-1} > 0 \\ \eta^{-} & g_t g_{t-1} < 0 \\ 1 & \text{otherwise}
   \end{cases},\qquad
   \Delta_t = \operatorname{clip}(\eta\,\Delta_{t-1}, \Delta_{\min}, \Delta_{\max}),\qquad
   g_t \leftarrow 0 \text{ where } \eta = \eta^{-},\qquad
   \theta_t = \theta_{t-1} - \operatorname{sign}(g_t)\,\Delta_t,\qquad g_{t-1} \leftarrow g_t.

Where they differ:

- torch negates the gradient first when ``maximize=True``; MindSpore has no ``maximize``;
- MindSpore adds ``weight_decay * param`` to the gradient first, except for
  parameters whose name contains ``beta`` or ``gamma``; torch has no weight decay;
- torch computes in the parameter's dtype; MindSpore computes float16 and
  bfloat16 parameters in their own dtype and every other dtype in float32,
  casting the result back (so float64 parameters lose precision);
- MindSpore requires float ``step_sizes`` and ``etas`` (an integer such as
  torch's default ``50`` is a TypeError).

`mindspore.experimental.optim.Rprop` follows torch's signature and algorithm
(with ``maximize``); the torch kernel describes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating[Any]]


@dataclass(frozen=True)
class RpropState:
    """What Rprop remembers between steps for one parameter."""

    prev: Array
    step_size: Array


def initial_state(param: Array, *, lr: float) -> RpropState:
    """The state before the first step: no previous gradient, every step size at ``lr``."""
    return RpropState(prev=np.zeros_like(param), step_size=np.full_like(param, lr))


def _step(
    param: Array, grad: Array, state: RpropState, *, etas: tuple[float, float], step_sizes: tuple[float, float]
) -> tuple[Array, RpropState]:
    """The update both frameworks share, in the dtype of its inputs."""
    dtype = param.dtype.type
    etaminus, etaplus = dtype(etas[0]), dtype(etas[1])
    product = np.sign(grad * state.prev)
    factor = np.where(product > 0, etaplus, np.where(product < 0, etaminus, dtype(1))).astype(param.dtype)
    step_size = np.clip(state.step_size * factor, dtype(step_sizes[0]), dtype(step_sizes[1])).astype(param.dtype)
    grad = np.where(factor == etaminus, dtype(0), grad).astype(param.dtype)
    new_param = (param - np.sign(grad) * step_size).astype(param.dtype)
    return new_param, RpropState(prev=grad, step_size=step_size)


def torch_rprop_step(
    param: Array,
    grad: Array,
    state: RpropState,
    *,
    etas: tuple[float, float] = (0.5, 1.2),
    step_sizes: tuple[float, float] = (1e-6, 50),
    maximize: bool = False,
) -> tuple[Array, RpropState]:
    """One step of ``torch.optim.Rprop``, in the parameter's dtype."""
    return _step(param, -grad if maximize else grad, state, etas=etas, step_sizes=step_sizes)


def mindspore_rprop_step(
    param: Array,
    grad: Array,
    state: RpropState,
    *,
    etas: tuple[float, float] = (0.5, 1.2),
    step_sizes: tuple[float, float] = (1e-6, 50.0),
    weight_decay: float = 0.0,
    name: str = "weight",
) -> tuple[Array, RpropState]:
    """One step of ``mindspore.nn.Rprop``: decay, then the update in its compute dtype."""
    if weight_decay > 0 and "beta" not in name and "gamma" not in name:
        grad = (grad + np.float32(weight_decay) * param).astype(param.dtype)
    compute = param.dtype if param.dtype == np.float16 else np.dtype(np.float32)
    new_param, new_state = _step(
        param.astype(compute),
        grad.astype(compute),
        RpropState(state.prev.astype(compute), state.step_size.astype(compute)),
        etas=etas,
        step_sizes=step_sizes,
    )
    cast = param.dtype
    return new_param.astype(cast), RpropState(new_state.prev.astype(cast), new_state.step_size.astype(cast))
