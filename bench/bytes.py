"""What podwatch costs over SSH: the bytes it writes to the terminal, in one run,
beside `watch -n 2 kubectl get pods` on the same API server double.

    python bench/bytes.py [--pods 5000] [--size 120x40] [--low-bandwidth] [--quick]

Both run under a pseudo-terminal of the given size (tests/ptyrun.py) against the
double in its own process (bench/server.py), so every byte a user's SSH session
would carry is counted. Prints a table of figures beside the targets of issue 11.
Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.ptyrun import PtyRun, podwatch  # noqa: E402

NAMESPACE = "bench"
TARGETS = {
    "idle B/s": 200,
    "off-screen change B": 200,
    "on-screen change B": 1024,
    "flipping B/s": 5 * 1024,
    "first frame B": 30 * 1024,
}


class Server:
    """bench/server.py in its own process, driven by JSON lines."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "server.py"), NAMESPACE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ready = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the API server double did not start")
        return json.loads(line)

    def call(self, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            self.call(op="quit")
        self.proc.kill()
        self.proc.wait(10)


def measure_podwatch(server: Server, kubeconfig: str, args) -> dict[str, float]:
    size = args.size
    env = {"PODWATCH_LOW_BANDWIDTH": "1"} if args.low_bandwidth else {}
    out: dict[str, float] = {}
    argv = podwatch("--kubeconfig", kubeconfig, "-n", NAMESPACE)
    if args.low_bandwidth:
        argv.append("--low-bandwidth")
    if args.ssh:
        argv = over_ssh(argv, args.ssh, size)
    with PtyRun(argv, size, env=env) as run:
        started = time.monotonic()
        first = run.read_until_quiet(quiet=2.0, limit=90)
        out["first frame B"] = len(first)
        if args.dump:
            Path(args.dump, "first.bin").write_bytes(first)
        out["start → quiet s"] = time.monotonic() - started - 2.0
        idle = run.read_for(args.idle)
        out["idle B/s"] = len(idle) / args.idle
        run.read_until_quiet(quiet=1.0, limit=10)
        # A pod far below the screen (names sort; every bench pod has the same health).
        server.call(op="set", pods=[args.pods - 1], stamp="off-screen")
        off = run.read_for(2.0)
        out["off-screen change B"] = len(off)
        if args.dump:
            Path(args.dump, "idle.bin").write_bytes(idle)
            Path(args.dump, "off.bin").write_bytes(off)
        run.read_until_quiet(quiet=1.0, limit=10)
        # The second row on screen, not the selected pod: a restart (its place in the
        # health sort stays; no pane shows it).
        server.call(op="set", pods=[1], restarts=1, stamp="on-screen")
        on = run.read_for(2.0)
        out["on-screen change B"] = len(on)
        if args.dump:
            Path(args.dump, "on.bin").write_bytes(on)
        run.read_until_quiet(quiet=1.0, limit=10)
        out["flipping B/s"] = flip(server, run, args) / args.flip_seconds
        run.send("q")
        run.read_for(1.0)
    return out


def over_ssh(argv: list[str], target: str, size: tuple[int, int]) -> list[str]:
    """`argv` run through `ssh -tt` to `target` (`127.0.0.1:2222`): the terminal
    bytes are then what crossed the SSH session (before its encryption)."""
    import shlex

    host, _, port = target.partition(":")
    remote = f"cd {shlex.quote(str(ROOT))} && export TERM=xterm-256color && exec "
    remote += shlex.join(argv)
    return ["ssh", "-tt", "-p", port or "22", "-o", "BatchMode=yes", host, remote]


def flip(server: Server, run: PtyRun, args) -> int:
    """200 pods (the first 200 by name: on screen and around it) each flipping readiness
    every ~14 s; returns the bytes written meanwhile."""
    pods = min(200, args.pods)
    per_second = max(1, round(pods / 14))
    state = {i: False for i in range(pods)}
    total = 0
    k = 0
    deadline = time.monotonic() + args.flip_seconds
    while time.monotonic() < deadline:
        batch = [(k + j) % pods for j in range(per_second)]
        k += per_second
        for i in batch:
            state[i] = not state[i]
        for ready in (True, False):
            chosen = [i for i in batch if state[i] is ready]
            if chosen:
                server.call(op="set", pods=chosen, ready=ready, stamp=f"flip-{k}")
        data = run.read_for(min(1.0, max(0.0, deadline - time.monotonic())))
        total += len(data)
        if args.dump:
            with open(Path(args.dump, "flip.bin"), "ab") as out:
                out.write(data)
    return total


def measure_kubectl(kubeconfig: str, args) -> dict[str, float]:
    argv = ["watch", "-n", "2", "kubectl", "--kubeconfig", kubeconfig, "-n", NAMESPACE]
    argv += ["get", "pods"]
    out: dict[str, float] = {}
    with PtyRun(argv, args.size) as run:
        first = run.read_for(3.0)
        out["first frame B"] = len(first)
        idle = run.read_for(args.idle)
        out["idle B/s"] = len(idle) / args.idle
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pods", type=int, default=5000)
    p.add_argument("--size", default="120x40")
    p.add_argument("--idle", type=float, default=10.0, help="seconds of idle measured")
    p.add_argument("--flip-seconds", type=float, default=30.0)
    p.add_argument("--low-bandwidth", action="store_true")
    p.add_argument("--quick", action="store_true", help="500 pods, shorter windows")
    p.add_argument("--dump", metavar="DIR", help="write what was sent, per phase, here")
    p.add_argument(
        "--ssh",
        metavar="HOST:PORT",
        help="run podwatch through `ssh -tt` to this loopback sshd (e.g. 127.0.0.1:2222)",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.pods, args.idle, args.flip_seconds = 500, 5.0, 10.0
    cols, rows = (int(x) for x in args.size.split("x"))
    args.size = (cols, rows)
    server = Server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            kubeconfig = os.path.join(tmp, "kubeconfig")
            server.call(op="kubeconfig", path=kubeconfig, namespace=NAMESPACE)
            server.call(op="populate", n=args.pods)
            pw = measure_podwatch(server, kubeconfig, args)
            kc = measure_kubectl(kubeconfig, args)
    finally:
        server.close()
    mode = " --low-bandwidth" if args.low_bandwidth else ""
    if args.ssh:
        mode += f", over ssh to {args.ssh}"
    print(f"Bytes written to a {cols}x{rows} terminal, {args.pods} pods{mode}")
    print()
    print("| figure | podwatch | `watch -n 2 kubectl get pods` | target | met |")
    print("| --- | --- | --- | --- | --- |")
    for name, value in pw.items():
        target = TARGETS.get(name)
        other = kc.get(name)
        met = "" if target is None else ("yes" if value <= target else "**no**")
        print(
            f"| {name} | {value:,.0f} | {'' if other is None else f'{other:,.0f}'} "
            f"| {'' if target is None else f'≤ {target:,}'} | {met} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
