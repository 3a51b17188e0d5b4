"""`make run`: the worker and the web server together (bin/web-and-worker), and Ctrl-C stopping both, quietly."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SCRIPT = ROOT / "bin" / "web-and-worker"


def test_make_run_starts_celery_and_flask_through_the_script():
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "bin/web-and-worker $(BIN)/celery -A worker.app worker" in recipe
    assert "-- $(BIN)/flask run" in recipe


def test_ctrl_c_stops_the_web_server_and_the_worker_with_no_error(tmp_path):
    # Stand-ins that write their process ids, then wait; as Celery in the background, the worker outlives SIGINT.
    worker = ["bash", "-c", f"echo $$ > {tmp_path}/worker; exec sleep 600"]
    web = ["bash", "-c", f"echo $$ > {tmp_path}/web; exec sleep 600"]
    run = subprocess.Popen(
        [SCRIPT, *worker, "--", *web], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 10
    while not ((tmp_path / "worker").exists() and (tmp_path / "web").exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGINT)  # Ctrl-C: the terminal signals every process of the foreground group
    out, err = run.communicate(timeout=30)
    assert (run.returncode, out, err) == (0, "", "")
    with pytest.raises(ProcessLookupError):  # nothing of the group is left running
        os.killpg(run.pid, 0)


def test_when_the_web_server_stops_on_its_own_the_worker_stops_too(tmp_path):
    worker = ["bash", "-c", f"echo $$ > {tmp_path}/worker; exec sleep 600"]
    web = ["bash", "-c", f"while [ ! -s {tmp_path}/worker ]; do sleep 0.05; done; exit 3"]
    run = subprocess.run([SCRIPT, *worker, "--", *web], capture_output=True, text=True, timeout=30)
    assert run.returncode == 3 and run.stderr == ""
    with pytest.raises(ProcessLookupError):
        os.kill(int((tmp_path / "worker").read_text()), 0)
