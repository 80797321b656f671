"""Requests, responses and Google-shaped error bodies shared by every part of the fake."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import parse_qsl

JSON_TYPE = "application/json; charset=UTF-8"

# google.rpc.Code names that Gmail puts in error.status (Calendar omits the field).
_RPC_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "NOT_FOUND",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

# Query parameters that carry secrets; never copied into the request log.
SECRET_PARAMS = frozenset({"access_token", "key", "oauth_token"})


@dataclass
class Request:
    """One HTTP request (outer, or one part of a batch) as the router sees it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    in_batch: bool = False
    api_method: str | None = None  # set by the router, e.g. "gmail.users.threads.get"
    batch_run: int = 0  # in a batch: the order in which the part was run (1 = first)

    @classmethod
    def from_target(
        cls, method: str, target: str, headers: dict[str, str], body: bytes, *, in_batch: bool
    ) -> Request:
        path, _, qs = target.partition("?")
        headers = {k.lower(): v for k, v in headers.items()}
        query = parse_qsl(qs, keep_blank_values=True)
        override = headers.get("x-http-method-override")
        if method == "POST" and override:
            # The client turns GETs with URIs over 2048 chars into POST + form body.
            method = override.upper()
            if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                query += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
                body = b""
        return cls(method.upper(), path, query, headers, body, in_batch)

    def param(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return default

    def params(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.query)

    def bool_param(self, name: str, default: bool = False) -> bool:
        value = self.param(name)
        if value is None:
            return default
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        raise ApiError(400, "invalidParameter", f"Invalid value '{value}' for {name}")

    def int_param(self, name: str, default: int, *, lo: int, hi: int) -> int:
        value = self.param(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ApiError(
                400, "invalid", f"Invalid value '{value}'. Values must match int."
            ) from None
        if number < lo:
            raise ApiError(400, "invalid", f"Invalid value '{value}' for {name}")
        return min(number, hi)

    def json(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "parseError", "Parse Error") from None
        if not isinstance(data, dict):
            raise ApiError(400, "parseError", "Parse Error")
        return data

    @property
    def bearer(self) -> str | None:
        auth = self.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        for key, value in self.query:
            if key == "access_token":
                return value
        return None

    def loggable_query(self) -> tuple[tuple[str, str], ...]:
        return tuple((k, v) for k, v in self.query if k not in SECRET_PARAMS)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(obj, ensure_ascii=False, indent=2).encode("utf-8")
        return cls(status, body, {"Content-Type": JSON_TYPE, **(headers or {})})

    @classmethod
    def empty(cls, status: int = 204) -> Response:
        return cls(status, b"", {})

    @property
    def reason_phrase(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Unknown"


class ApiError(Exception):
    """An error answered in Google's JSON error format (error.errors[0].reason)."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        *,
        domain: str = "global",
        location: str | None = None,
        location_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message
        self.domain = domain
        self.location = location
        self.location_type = location_type
        self.headers = headers or {}

    def body(self, style: str) -> dict[str, Any]:
        item: dict[str, Any] = {
            "domain": self.domain,
            "reason": self.reason,
            "message": self.message,
        }
        if self.location:
            item["locationType"] = self.location_type or "parameter"
            item["location"] = self.location
        if style == "calendar":
            return {"error": {"errors": [item], "code": self.status, "message": self.message}}
        # Gmail (and the other newer APIs) put message first and add the rpc status.
        item = {"message": self.message, **{k: v for k, v in item.items() if k != "message"}}
        error = {"code": self.status, "message": self.message, "errors": [item]}
        error["status"] = _RPC_STATUS.get(self.status, "UNKNOWN")
        return {"error": error}

    def to_response(self, style: str) -> Response:
        return Response.json(self.body(style), self.status, self.headers)


def not_found(style: str = "gmail") -> ApiError:
    if style == "calendar":
        return ApiError(404, "notFound", "Not Found")
    return ApiError(404, "notFound", "Requested entity was not found.")


def required(name: str, message: str | None = None) -> ApiError:
    return ApiError(400, "required", message or f"Required parameter: {name}")


_F = TypeVar("_F", bound=Callable[..., Any])


def locked(method: _F) -> _F:
    """Run a store's test-control method under the fake's lock (the server thread shares it)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def new_lock() -> threading.RLock:
    return threading.RLock()
