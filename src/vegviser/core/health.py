"""Is this process up, and can it reach its database? For load balancers and monitoring (/healthz)."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers


def health_response() -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    else:
        response = JsonResponse({"status": "ok", "database": "ok"})
    add_never_cache_headers(response)
    return response
