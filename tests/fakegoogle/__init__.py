"""An in-process fake of Google Calendar v3, Gmail v1 and the OAuth token endpoint.

Driven by the real google-api-python-client; see README.md in this folder.
"""

from __future__ import annotations

from .faults import Fault, Faults
from .gmail_api import MessageRef
from .log import LoggedRequest, RequestLog
from .server import FakeGoogle
from .wire import ApiError, Request, Response

__all__ = [
    "ApiError",
    "FakeGoogle",
    "Fault",
    "Faults",
    "LoggedRequest",
    "MessageRef",
    "Request",
    "RequestLog",
    "Response",
]
