"""Sinch-shaped error responses: one exception type carrying HTTP status, errorCode and message."""

from __future__ import annotations

import uuid


class Problem(Exception):
    def __init__(self, status: int, code: int | None, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict:
        """The Sinch error body; without an errorCode when there is none (a 429, as on the platform)."""
        body = error_body(self.code, self.message)
        if self.code is None:
            del body["errorCode"]
        return body


def error_body(code: int, message: str) -> dict:
    return {"errorCode": code, "message": message, "reference": str(uuid.uuid4())}


def not_found(what: str) -> Problem:
    return Problem(404, 40400, f"{what} not found")


def invalid(message: str) -> Problem:
    return Problem(400, 40001, message)


def missing(message: str) -> Problem:
    return Problem(400, 40002, message)
