"""Gmail's per-user limits, as switchable faults (off by default; `fake.limits`).

- `per_minute` quota units per user over a sliding 60 s window of the fake's clock
  (Gmail: 15,000, reference section D). A call that would go over is refused with 429
  `rateLimitExceeded` "User-rate limit exceeded" and charges nothing.
- `concurrent_parts`: Gmail runs a batch's parts in parallel and refuses the ones over its
  per-user concurrency with 429 `rateLimitExceeded` "Too many concurrent requests for
  user". Reports put the refusals at 25-50 parts of `threads.get format=full`; the fake
  refuses every part after the 20th of one batch (an assumption below the lowest report).

`refused_units` and `refused_parts` count what was refused, for the "at most 2%" figure.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .wire import ApiError

WINDOW = timedelta(minutes=1)


@dataclass
class Limits:
    clock: Callable[[], datetime]
    per_minute: int = 15_000
    concurrent_parts: int = 20
    refused_units: int = 0
    refused_parts: int = 0
    refused_calls: int = 0
    _spent: deque[tuple[datetime, int]] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def spent(self) -> int:
        """Units charged in the last minute."""
        with self._lock:
            self._expire(self.clock())
            return sum(units for _, units in self._spent)

    def _expire(self, now: datetime) -> None:
        while self._spent and now - self._spent[0][0] >= WINDOW:
            self._spent.popleft()

    def charge(self, units: int, *, part: int | None) -> None:
        """Charge a call of `units` (the `part`-th run of a batch, None outside one), or
        raise the 429 Gmail answers."""
        if units <= 0:
            return
        if part is not None and part > self.concurrent_parts:
            self._refuse(units, part)
            raise ApiError(429, "rateLimitExceeded", "Too many concurrent requests for user")
        with self._lock:
            now = self.clock()
            self._expire(now)
            if sum(u for _, u in self._spent) + units > self.per_minute:
                over = True
            else:
                self._spent.append((now, units))
                over = False
        if over:
            self._refuse(units, part)
            raise ApiError(
                429,
                "rateLimitExceeded",
                "User-rate limit exceeded.  Retry after " + (self.clock() + WINDOW).isoformat(),
            )

    def _refuse(self, units: int, part: int | None) -> None:
        with self._lock:
            self.refused_units += units
            self.refused_calls += 1
            if part is not None:
                self.refused_parts += 1
