"""The daemon's names for the error root (`policy/errors.py`), kept where callers import them."""

from __future__ import annotations

from policy.errors import ConfigError, FollowupError

__all__ = ["ConfigError", "FollowupError"]
