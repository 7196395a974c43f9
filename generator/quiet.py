"""Keeping the frameworks' logging and deprecation chatter off the user's terminal.

MindSpore logs through glog (C++) and its own Python logger; both read the
level from ``GLOG_v`` once, when ``mindspore`` is first imported, so the
variable must be set before that. Worker processes inherit it from the
environment (`generator.run` also sets it for them).
"""

from __future__ import annotations

import os
import warnings

__all__ = ["FRAMEWORKS", "quiet_frameworks"]

FRAMEWORKS = r"(mindspore|torch)(\.|$)"
"""The modules whose warnings are chatter to an apimap user."""


def quiet_frameworks() -> None:
    """Show only the frameworks' errors; a ``GLOG_v`` the user set is kept."""
    os.environ.setdefault("GLOG_v", "3")  # 3: errors only
    for category in (DeprecationWarning, FutureWarning, UserWarning):
        warnings.filterwarnings("ignore", category=category, module=FRAMEWORKS)
