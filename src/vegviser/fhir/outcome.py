"""Every answer of the API that is not a resource is an OperationOutcome with its HTTP status: never Django's
HTML error pages, never a traceback."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"


class FhirError(Exception):
    """A request the API refuses: the status, the OperationOutcome's issue code and a text for the caller."""

    def __init__(self, status: int, code: str, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.code = code
        self.text = text
        self.headers = headers or {}


def fhir_response(body: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    # What a token may read is not for a shared cache to keep.
    response["Cache-Control"] = "no-store"
    return response


def operation_outcome(code: str, text: str, severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text}],
    }


def error_response(error: FhirError) -> HttpResponse:
    response = fhir_response(operation_outcome(error.code, error.text), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
