"""`podwatch completion bash|zsh`: a shell completion script, from the very parsers the
commands use (shtab writes it), so that a new flag is completed without anyone
remembering to add it here.

Namespaces (`-n`) and contexts (`--context`) are completed as kubectl's own completion
does, by asking the cluster through kubectl at the moment of completion (nothing when
kubectl is not there); files where a command takes files.
"""

from __future__ import annotations

import argparse

import shtab

SHELLS = ("bash", "zsh")

_BASH = """
_podwatch_namespaces() {
  command -v kubectl >/dev/null 2>&1 || return 0
  compgen -W "$(kubectl get namespaces -o name 2>/dev/null | sed 's|^namespace/||')" -- "$1"
}
_podwatch_contexts() {
  command -v kubectl >/dev/null 2>&1 || return 0
  compgen -W "$(kubectl config get-contexts -o name 2>/dev/null)" -- "$1"
}
"""
_ZSH = """
_podwatch_namespaces() {
  (( $+commands[kubectl] )) || return 0
  compadd -- ${(f)"$(kubectl get namespaces -o name 2>/dev/null | sed 's|^namespace/||')"}
}
_podwatch_contexts() {
  (( $+commands[kubectl] )) || return 0
  compadd -- ${(f)"$(kubectl config get-contexts -o name 2>/dev/null)"}
}
"""
NAMESPACES = {"bash": "_podwatch_namespaces", "zsh": "_podwatch_namespaces"}
CONTEXTS = {"bash": "_podwatch_contexts", "zsh": "_podwatch_contexts"}
_FILE_OPTIONS = {"--kubeconfig", "--record"}
"""Options whose value is a file."""


def _mark(parser: argparse.ArgumentParser) -> None:
    """Say which values are namespaces, contexts or files."""
    for action in parser._actions:
        if "--namespace" in action.option_strings:
            action.complete = NAMESPACES  # type: ignore[attr-defined]
        elif "--context" in action.option_strings:
            action.complete = CONTEXTS  # type: ignore[attr-defined]
        elif _FILE_OPTIONS & set(action.option_strings) or action.dest in ("file", "files"):
            action.complete = shtab.FILE  # type: ignore[attr-defined]


def completion_parser(
    root: argparse.ArgumentParser, commands: dict[str, argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    """One parser with the subcommands as argparse subparsers (the command line dispatches
    them by hand; completion needs them in one tree)."""
    _mark(root)
    subs = root.add_subparsers(dest="command", metavar="COMMAND")
    for name, parser in commands.items():
        _mark(parser)
        subs.add_parser(
            name,
            parents=[parser],
            add_help=False,
            help=parser.description,
            description=parser.description,
        )
    return root


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script for `shell` (one of SHELLS)."""
    preamble = {"bash": _BASH, "zsh": _ZSH}[shell]
    return shtab.complete(parser, shell=shell, preamble=preamble)


# --------------------------------------------------------------------------- kubectl
# `kubectl podwatch <TAB>`: kubectl (1.26 and later) runs `kubectl_complete-podwatch` with
# the words after `podwatch`, the last one being completed, and reads Cobra's answer:
# one candidate a line, then `:DIRECTIVE`.

DEFAULT = 0
"""Cobra's ShellCompDirectiveDefault: the shell may complete file names."""
NO_FILES = 4
"""ShellCompDirectiveNoFileComp."""


def _kubectl_words(*args: str) -> list[str]:
    """Words kubectl prints for `args` (nothing without kubectl or a cluster)."""
    import shutil
    import subprocess

    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return []
    try:
        done = subprocess.run(
            [kubectl, *args], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [w.split("/", 1)[-1] for w in done.stdout.split() if w]


def candidates(
    words: list[str], root: argparse.ArgumentParser, commands: dict[str, argparse.ArgumentParser]
) -> tuple[list[str], int]:
    """What completes the last of `words` (the words after `podwatch`), and the directive,
    given the command's parser `root` and its subcommands' `commands`."""
    *before, word = words or [""]
    if before and before[0] in commands:
        parser, rest = commands[before[0]], before[1:]
    else:
        parser, rest = root, before
    options = {s: a for a in parser._actions for s in a.option_strings}
    wanting = options.get(rest[-1]) if rest else None
    if wanting is not None and wanting.nargs != 0:
        if "--namespace" in wanting.option_strings:
            found = _kubectl_words("get", "namespaces", "-o", "name")
        elif "--context" in wanting.option_strings:
            found = _kubectl_words("config", "get-contexts", "-o", "name")
        elif wanting.choices is not None:
            found = [str(c) for c in wanting.choices]
        else:
            return [], DEFAULT if _FILE_OPTIONS & set(wanting.option_strings) else NO_FILES
        return [w for w in found if w.startswith(word)], NO_FILES
    if word.startswith("-"):
        return sorted(s for s in options if s.startswith(word)), NO_FILES
    if not before:
        return [c for c in commands if c.startswith(word)], NO_FILES
    positional = [a for a in parser._actions if not a.option_strings]
    if positional and positional[0].choices is not None:
        return [str(c) for c in positional[0].choices if str(c).startswith(word)], NO_FILES
    if positional and positional[0].dest in ("file", "files"):
        return [], DEFAULT  # its files: the shell completes them
    return [], NO_FILES


def cobra_answer(found: list[str], directive: int) -> str:
    """Candidates as kubectl reads a plugin's completion: one a line, then `:DIRECTIVE`."""
    return "".join(f"{w}\n" for w in found) + f":{directive}\n"
