"""`podwatch completion bash|zsh`: completion scripts generated from the parsers the
commands use. The bash script is loaded into a real bash and asked for completions as
bash asks them on TAB; the zsh script is loaded into an interactive zsh on a pty, where
TAB is typed (where zsh is installed: Debian's `zsh` package)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from podwatch import cli

BASH = shutil.which("bash")
ZSH = shutil.which("zsh")


def stand_in_kubectl(where) -> str:
    """A kubectl that knows two namespaces and two contexts (completion must not need a
    cluster); the directory to put first on PATH."""
    where.mkdir(exist_ok=True)
    fake = where / "kubectl"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in\n'
        '  "get namespaces -o name") printf "namespace/shop\\nnamespace/kube-system\\n";;\n'
        '  "config get-contexts -o name") printf "prod\\nstaging\\n";;\n'
        "esac\n"
    )
    fake.chmod(0o755)
    return str(where)


def generated(capsys, shell: str) -> str:
    assert cli.main(["completion", shell]) == 0
    return capsys.readouterr().out


def bash_complete(
    script_text: str, tmp_path, words: list[str], env: dict | None = None
) -> list[str]:
    """What bash offers for `words` (the last one being completed)."""
    script = tmp_path / "podwatch.bash"
    script.write_text(script_text)
    line = " ".join(words)
    probe = f"""
source {script}
COMP_WORDS=({" ".join(repr(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={line!r}
COMP_POINT={len(line)}
func=$(complete -p podwatch | sed -E 's/.* -F ([^ ]+) .*/\\1/')
"$func" podwatch {words[-1]!r} {words[-2]!r}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    assert BASH is not None
    run = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", probe],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return [w.strip() for w in run.stdout.splitlines() if w.strip()]


@pytest.mark.skipif(BASH is None, reason="no bash here")
def test_bash_completes_commands_and_flags_of_each_command(capsys, tmp_path) -> None:
    text = generated(capsys, "bash")
    assert sorted(bash_complete(text, tmp_path, ["podwatch", "re"])) == ["record", "replay"]
    assert "--all-namespaces" in bash_complete(text, tmp_path, ["podwatch", "--all"])
    assert bash_complete(text, tmp_path, ["podwatch", "replay", "--ind"]) == ["--index"]
    assert set(bash_complete(text, tmp_path, ["podwatch", "replay", "--index", ""])) == {
        "auto",
        "always",
        "never",
    }
    assert "--rotate" in bash_complete(text, tmp_path, ["podwatch", "record", "--ro"])
    assert "--rotate" not in bash_complete(text, tmp_path, ["podwatch", "replay", "--r"])


@pytest.mark.skipif(BASH is None, reason="no bash here")
def test_bash_completes_namespaces_and_contexts_through_kubectl(capsys, tmp_path) -> None:
    """`-n` asks kubectl for the namespaces, as kubectl's own completion does (a stand-in
    kubectl here: the test must not depend on a cluster)."""
    env = {"PATH": f"{stand_in_kubectl(tmp_path / 'bin')}:/usr/bin:/bin"}
    text = generated(capsys, "bash")
    assert bash_complete(text, tmp_path, ["podwatch", "-n", "sh"], env) == ["shop"]
    assert bash_complete(text, tmp_path, ["podwatch", "--context", "st"], env) == ["staging"]
    assert bash_complete(text, tmp_path, ["podwatch", "record", "x", "-n", "k"], env) == [
        "kube-system"
    ]
    # without kubectl, nothing (and no error)
    assert bash_complete(text, tmp_path, ["podwatch", "-n", "sh"], {"PATH": "/nonexistent"}) == []


def test_zsh_script_names_podwatch_and_every_command(capsys) -> None:
    text = generated(capsys, "zsh")
    assert text.startswith("#compdef podwatch")
    for word in ("record", "replay", "demo", "completion", "--all-namespaces", "--index"):
        assert word in text, word
    assert "_podwatch_namespaces" in text and "_podwatch_contexts" in text


def zsh_tab(script_text: str, tmp_path, typed: str, env: dict | None = None) -> str:
    """What an interactive zsh (compinit, the script as `_podwatch` in $fpath) shows when
    `typed` and TAB are typed at its prompt; the terminal's text, escapes dropped."""
    import re

    from tests.ptyrun import PtyRun

    (tmp_path / "_podwatch").write_text(script_text)
    environment = {"HOME": str(tmp_path), "TERM": "dumb", "PS1": "zsh> ", **(env or {})}
    with PtyRun([ZSH, "-f", "-i"], size=(120, 30), env=environment) as term:
        term.read_until(b"zsh> ", limit=10)
        term.send(f"fpath=({tmp_path} $fpath); autoload -U compinit; compinit -u\n")
        term.read_until(b"zsh> ", limit=10)
        term.send(typed + "\t")
        shown = term.read_until_quiet(0.7, limit=10)
        term.send("\x15exit\n")  # ctrl-u: the line typed is dropped, not run
        term.read_for(0.2)  # zsh ignores SIGTERM: let it leave by itself
        term.proc.wait(timeout=10)
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\r", b"", shown).decode(errors="replace")


@pytest.mark.skipif(ZSH is None, reason="no zsh here (Debian's zsh package puts one there)")
def test_zsh_completes_commands_flag_values_and_namespaces(capsys, tmp_path) -> None:
    text = generated(capsys, "zsh")
    commands = zsh_tab(text, tmp_path, "podwatch re")
    assert "record" in commands and "replay" in commands and "demo" not in commands
    assert "Replay recordings or kubectl JSON captures." in commands  # described
    values = zsh_tab(text, tmp_path, "podwatch replay --index ")
    assert all(v in values for v in ("always", "auto", "never"))
    path = f"{stand_in_kubectl(tmp_path / 'bin')}:/usr/bin:/bin"
    namespaces = zsh_tab(text, tmp_path, "podwatch -n ", {"PATH": path})
    assert "shop" in namespaces and "kube-system" in namespaces


def test_an_unknown_shell_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["completion", "fish"])
    assert exc.value.code == 2
    assert "invalid choice: 'fish'" in capsys.readouterr().err


def test_kubectl_plugin_completion_asks_kubectl_for_namespaces(tmp_path, monkeypatch) -> None:
    """`kubectl podwatch -n <TAB>` (podwatch.completion.candidates, what
    `kubectl_complete-podwatch` answers): namespaces and contexts from kubectl."""
    from podwatch.cli import completion_candidates as candidates
    from podwatch.completion import NO_FILES

    monkeypatch.setenv("PATH", stand_in_kubectl(tmp_path))
    assert candidates(["-n", "sh"]) == (["shop"], NO_FILES)
    assert candidates(["record", "x.jsonl", "--context", "p"]) == (["prod"], NO_FILES)
    assert candidates(["completion", "z"]) == (["zsh"], NO_FILES)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert candidates(["-n", ""]) == ([], NO_FILES)
