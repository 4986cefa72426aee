"""The console's deferred services: built once, on first use, from any thread."""

from __future__ import annotations

import subprocess
import sys
import threading

from console.deferred import DeferredServices


def test_built_once_on_first_attribute():
    made = []

    class Real:
        value = 42

    def factory():
        made.append(1)
        return Real()

    deferred = DeferredServices(factory)
    assert made == []
    assert deferred.value == 42
    assert deferred.value == 42
    assert made == [1]


def test_threads_share_one_instance():
    made = []
    barrier = threading.Barrier(4)

    def factory():
        made.append(object())
        return made[-1]

    deferred = DeferredServices(factory)
    seen = []

    def touch():
        barrier.wait()
        seen.append(deferred.resolve())

    threads = [threading.Thread(target=touch) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1
    assert all(s is made[0] for s in seen)


def test_console_command_does_not_import_the_engine_before_the_app():
    """The app is built before the engine is imported: a faster first screen."""

    code = (
        "import sys\n"
        "import console.cli.console_command as c\n"
        "import console.app\n"
        "print('dispatch.services' in sys.modules, 'sqlalchemy.orm' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False"]
