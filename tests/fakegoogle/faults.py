"""Injected failures: error statuses, dropped connections, slow answers, invalid_grant."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .wire import ApiError, Request, Response

HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})

_DEFAULT_REASON = {
    400: ("global", "badRequest", "Bad Request"),
    401: ("global", "authError", "Invalid Credentials"),
    403: ("global", "forbidden", "Forbidden"),
    404: ("global", "notFound", "Requested entity was not found."),
    409: ("global", "conflict", "Conflict"),
    429: ("usageLimits", "rateLimitExceeded", "Too many concurrent requests for user"),
    500: ("global", "backendError", "Backend Error"),
    502: ("global", "backendError", "Bad Gateway"),
    503: ("global", "backendError", "The service is currently unavailable."),
}
_USAGE_LIMIT_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded"}
)

Matcher = Callable[[Request], bool]


def _matcher(match: str | Matcher | None) -> Matcher:
    if match is None:
        return lambda req: True
    if callable(match):
        return match
    text = match.strip()
    method, _, rest = text.partition(" ")
    if method.upper() in HTTP_METHODS and rest:
        wanted, needle = method.upper(), rest.strip()
        return lambda req: req.method == wanted and needle in req.path
    if "/" not in text and "." in text:
        # An API method id such as "gmail.users.threads.get" (exact match).
        return lambda req: req.api_method == text
    return lambda req: text in req.path


@dataclass
class Fault:
    matcher: Matcher
    status: int | None = None
    reason: str | None = None
    message: str | None = None
    body: dict[str, Any] | None = None
    times: int | None = 1  # None: until removed
    drop_connection: bool = False
    lose_answer: bool = False  # the request is carried out, then the socket is closed
    slow: float | None = None
    where: str = "any"  # "any" | "outer" | "part" (a request inside a batch)
    hits: int = 0

    @property
    def active(self) -> bool:
        return self.times is None or self.hits < self.times

    def applies_to(self, req: Request) -> bool:
        if self.where == "outer" and req.in_batch:
            return False
        if self.where == "part" and not req.in_batch:
            return False
        if (self.drop_connection or self.lose_answer) and req.in_batch:
            return False  # one part of a batch cannot be dropped on its own
        return self.matcher(req)

    def response(self, style: str) -> Response:
        assert self.status is not None
        if self.body is not None:
            return Response.json(self.body, self.status)
        domain, reason, message = _DEFAULT_REASON.get(
            self.status, ("global", "unknown", "Injected fault")
        )
        if self.reason is not None:
            reason = self.reason
            domain = "usageLimits" if reason in _USAGE_LIMIT_REASONS else "global"
            message = self.message or reason
        error = ApiError(self.status, reason, self.message or message, domain=domain)
        return error.to_response(style)


class Faults:
    """`fake.faults`: rules checked, in the order added, against every request and batch part."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        match: str | Matcher | None = None,
        *,
        status: int | None = None,
        reason: str | None = None,
        message: str | None = None,
        body: dict[str, Any] | None = None,
        times: int | None = 1,
        drop_connection: bool = False,
        lose_answer: bool = False,
        slow: float | None = None,
        where: str = "any",
    ) -> Fault:
        """Add a fault.

        match: None (everything), a callable taking the Request, "METHOD path-substring",
        an API method id ("gmail.users.threads.get") or a path substring ("/batch", "/token").
        """
        if status is None and not drop_connection and not lose_answer and slow is None:
            raise ValueError(
                "a fault needs status=, drop_connection=True, lose_answer=True or slow="
            )
        if where not in ("any", "outer", "part"):
            raise ValueError("where must be 'any', 'outer' or 'part'")
        fault = Fault(
            _matcher(match),
            status=status,
            reason=reason,
            message=message,
            body=body,
            times=times,
            drop_connection=drop_connection,
            lose_answer=lose_answer,
            slow=slow,
            where=where,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def invalid_grant(self, times: int | None = 1) -> Fault:
        """The token endpoint answers 400 invalid_grant ("Token has been expired or revoked.")."""
        return self.add(
            lambda req: req.path == "/token",
            status=400,
            body={
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked.",
            },
            times=times,
        )

    def take(self, req: Request) -> Fault | None:
        """The first active fault that applies to req, counted as used."""
        with self._lock:
            for fault in self._faults:
                if fault.active and fault.applies_to(req):
                    fault.hits += 1
                    return fault
        return None

    def remove(self, fault: Fault) -> None:
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._faults if f.active]
