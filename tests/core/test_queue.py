"""The job queue for real: a consumer running Huey's workers takes a job from Redis and does it. Every other
test runs its jobs where they are put on the queue (tests/conftest.py); this one proves the queue itself, on
the Redis the deployment would use, under a queue name of its own."""

from __future__ import annotations

import re
import signal
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from vegviser.accounts.models import User

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisStorage]:
    """The site's queue on Redis under a name used by no other run, with jobs put on it, not run."""
    storage = RedisStorage(name=f"vegviser-test-{uuid.uuid4().hex}", url=REDIS_URL)
    monkeypatch.setattr(HUEY, "immediate_use_memory", False)
    monkeypatch.setattr(HUEY, "storage", storage)
    monkeypatch.setattr(HUEY, "immediate", False)
    try:
        yield storage
    finally:
        storage.flush_all()


@pytest.fixture
def consumer() -> Iterator[Any]:
    """A consumer with one worker thread, in this process; its signal handlers are put back after."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    running = HUEY.create_consumer(workers=1, worker_type="thread", periodic=False, check_worker_health=False)
    yield running
    running.stop(graceful=True)
    for number, handler in handlers.items():
        signal.signal(number, handler)


# Serialized rollback, as every transactional test here: the flush after a transactional test without it
# makes the content types again under new keys, and a later test that restores the migrations' rows then
# clashes with them (the tests run in parallel processes, in no fixed order between files).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_consumer_takes_the_reset_job_from_redis_and_sends_the_link(
    redis_queue: RedisStorage, consumer: Any
) -> None:
    User.objects.create(username="kari", email="kari@example.no", is_active=True)
    response = Client().post(reverse("accounts:password_reset"), {"email": "kari@example.no"})
    assert response.status_code == 302
    # Answered, and the job waits in Redis: nothing sent yet.
    assert mail.outbox == []
    assert redis_queue.queue_size() == 1
    consumer.start()
    deadline = time.monotonic() + 30
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [["kari@example.no"]]
    assert re.search(r"http://testserver/\S+/reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body)
    assert redis_queue.queue_size() == 0
