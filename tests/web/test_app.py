"""The web process's own settings of the libraries it runs on."""

from __future__ import annotations

import threading

from threadpoolctl import threadpool_info, threadpool_limits

from dltutor.llm.fake import FakeLLMServer
from tests.web.conftest import make_client


def blas_threads() -> set[int]:
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_the_server_runs_blas_on_one_thread(fake_llm: FakeLLMServer) -> None:
    """OpenBLAS's spare threads busy-wait after each product: in a server they burned a third
    of its CPU per chat (web/app.py `one_blas_thread`)."""
    import numpy as np

    np.ones((64, 64)) @ np.ones(64)  # BLAS loaded
    # As a fresh process on two cores has it. Set from a thread that then ends: threadpoolctl
    # lets only one live thread at a time set OpenBLAS's threads (the app's is another one).
    setter = threading.Thread(target=threadpool_limits, kwargs={"limits": 2, "user_api": "blas"})
    setter.start()
    setter.join()
    assert blas_threads() == {2}
    with make_client(fake_llm) as c:
        assert c.get("/api/me").status_code == 200
        assert blas_threads() == {1}
