"""The module is safe to use from many threads: 8 threads x 100k tokens, every one correct."""

from __future__ import annotations

import threading
from typing import Callable

import auroraiam

from conftest import AKID, AT, HOST, SECRET

THREADS = 8
PER_THREAD = 100_000


def run_threads(work: Callable[[int], int]) -> list[int]:
    results = [0] * THREADS
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            results[i] = work(i)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a signing thread hung"
    assert not errors, errors[0]
    return results


def test_shared_credentials_object_many_threads() -> None:
    shared = auroraiam.Credentials(AKID, SECRET)
    # Each thread signs its own user at its own time: a mix-up between threads would show.
    expected = [
        [auroraiam.generate_auth_token(HOST, 5432, f"user{i}", credentials=shared, signing_time=AT + i * 86_400 + k)
         for k in range(4)]
        for i in range(THREADS)
    ]
    gen = auroraiam.generate_auth_token

    def work(i: int) -> int:
        user, want, base = f"user{i}", expected[i], AT + i * 86_400
        ok = 0
        for n in range(PER_THREAD):
            k = n & 3
            if gen(HOST, 5432, user, credentials=shared, signing_time=base + k) == want[k]:
                ok += 1
        return ok

    assert run_threads(work) == [PER_THREAD] * THREADS


def test_per_thread_mapping_credentials_many_threads() -> None:
    # Different credentials per thread exercise the signer reuse for mapping credentials.
    secrets = [SECRET[:-2] + f"{i:02d}" for i in range(THREADS)]
    expected = [auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=auroraiam.Credentials(AKID, s),
                                              signing_time=AT) for s in secrets]
    assert len(set(expected)) == THREADS

    def work(i: int) -> int:
        creds = {"aws_access_key_id": AKID, "aws_secret_access_key": secrets[i]}
        return sum(
            auroraiam.generate_auth_token(HOST, 5432, "app_user", credentials=creds, signing_time=AT) == expected[i]
            for _ in range(PER_THREAD // 10)
        )

    assert run_threads(work) == [PER_THREAD // 10] * THREADS
