"""The app in a real window on a real X server (Xvfb), not the offscreen platform.

The offscreen platform needs none of the xcb libraries a desktop start links, so a suite that only
runs offscreen once passed while ``make run`` failed with "could not load the Qt platform plugin
xcb". This test starts ``python main.py`` on Xvfb with the xcb platform, waits until its window is
on the X server's screen, and takes a screenshot of that screen from a second process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

XVFB = shutil.which("Xvfb")
SIZE = (1600, 1000)

pytestmark = pytest.mark.skipif(
    XVFB is None and not os.environ.get("CI"),
    reason="Xvfb is not installed; scripts/install-system-deps.sh installs it")

GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
image = app.primaryScreen().grabWindow(0).toImage()
colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
           for y in range(0, image.height(), 7)}
image.save(sys.argv[1], "PNG")
print(image.width(), image.height(), len(colours))
"""


@pytest.fixture
def display(tmp_path):
    """A fresh Xvfb server; yields its DISPLAY value."""
    assert XVFB is not None, "Xvfb is missing: run scripts/install-system-deps.sh"
    read, write = os.pipe()
    server = subprocess.Popen(
        [XVFB, "-displayfd", str(write), "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24",
         "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=30)


def _env(display: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    return {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_RUNTIME_DIR": str(home),
            "TRADE_PLANNER_DATA_DIR": str(home / "data")}


def _grab(env: dict[str, str], out: Path) -> tuple[int, int, int]:
    done = subprocess.run([sys.executable, "-c", GRAB, str(out)], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    w, h, colours = (int(x) for x in done.stdout.split())
    return w, h, colours


def test_the_app_opens_a_real_window_on_an_x_server(display, tmp_path):
    env = _env(display, tmp_path)
    shot = Path(os.environ.get("TRADE_PLANNER_XVFB_SHOT") or tmp_path / "xvfb.png")
    blank = _grab(env, tmp_path / "blank.png")
    assert blank[2] == 1  # the empty screen is one colour
    app = subprocess.Popen([sys.executable, "main.py", "resources/sample_plan.xlsx"], cwd=ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        colours = 1
        while time.monotonic() < deadline and app.poll() is None:
            time.sleep(1.0)
            _, _, colours = _grab(env, shot)
            if colours > 50:  # the grid, tabs and text are on screen
                time.sleep(1.5)  # let the first paint finish, then take the real screenshot
                width, height, colours = _grab(env, shot)
                break
        alive = app.poll() is None
    finally:
        app.terminate()
        try:
            _, err = app.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            _, err = app.communicate()
    assert alive, f"the app exited on the X server: {err}"
    assert "could not load the Qt platform plugin" not in err
    assert colours > 50, f"nothing was drawn on the X server's screen: {err}"
    assert (width, height) == SIZE and shot.stat().st_size > 10_000
