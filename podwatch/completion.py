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
