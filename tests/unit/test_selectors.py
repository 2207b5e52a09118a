"""One label selector parser and matcher (model/selectors.py), with the Kubernetes rules,
and every place podwatch matches labels using it."""

from __future__ import annotations

import pytest

from podwatch.model.endpoints import service_selector
from podwatch.model.nodes import scheduling_fit
from podwatch.model.selectors import (
    SelectorError,
    from_map,
    parse,
    parse_prefix,
)
from podwatch.model.store import Store
from podwatch.model.view import memberships_with_selection, pod_detail
from podwatch.ui.widgets.pod_table import ViewFilter
from tests.factories import feed, node, pod, service

WEB = {"app": "web", "tier": "front", "replicas": "3"}
DB = {"app": "db", "tier": "back"}
BARE: dict = {}


@pytest.mark.parametrize(
    ("text", "web", "db", "bare"),
    [
        ("", True, True, True),
        ("app=web", True, False, False),
        ("app==web", True, False, False),
        ("app!=web", False, True, True),  # a pod without the label matches !=
        ("app in (web,db)", True, True, False),
        ("app in (web, db)", True, True, False),
        ("  app  in  ( web ,db )  ", True, True, False),
        ("app notin (web)", False, True, True),
        ("app", True, True, False),
        ("!app", False, False, True),
        ("app=web,tier=front", True, False, False),
        ("app = web , tier = back", False, False, False),
        ("tier,!replicas", False, True, False),
        ("replicas>2", True, False, False),
        ("replicas<3", False, False, False),
        ("app>2", False, False, False),  # not an integer label: no match
        ("in=x", False, False, False),  # "in" is a key where a key is expected
        ("app=", False, False, False),  # the empty value, which no pod here has
        ("app in (web,)", True, False, False),  # web or the empty value
        ("example.com/app=web", False, False, False),
    ],
)
def test_text_selectors_match_as_kubernetes_does(text, web, db, bare):
    selector = parse(text)
    assert (selector.matches(WEB), selector.matches(DB), selector.matches(BARE)) == (web, db, bare)
    # What it prints parses back to the same thing.
    assert parse(str(selector)) == selector


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("app in (x,y", "expected ',' or ')'"),
        ("app in x", "expected '('"),
        ("app in ()", "the set of values is empty"),
        ("app b", "expected an operator"),
        ("app=b c", "expected ',' or the end"),
        ("app=web,", "expected a label key"),
        (",app", "expected a label key"),
        ("!app=x", "expected ',' or the end"),
        ("app=(", "expected a value"),
        ("-app=x", "invalid label key '-app'"),
        ("a/b/c=x", "invalid label key"),
        ("Example.com/app=x", "prefix must be a DNS subdomain"),
        ("/app=x", "invalid label key"),
        ("a" * 64 + "=x", "longer than 63"),
        ("app=" + "x" * 64, "longer than 63"),
        ("app=-x", "invalid value '-x'"),
        ("app>x", "must be an integer"),
    ],
)
def test_malformed_text_selectors_are_errors_that_say_why(text, error):
    with pytest.raises(SelectorError) as raised:
        parse(text)
    assert error in str(raised.value)


def test_a_selector_at_the_start_of_a_line_ends_before_the_words_after_it():
    text = "app in (a, b),tier crash loop"
    selector, end = parse_prefix(text)
    assert str(selector) == "app in (a,b),tier"
    assert text[end:] == "crash loop"
    with pytest.raises(SelectorError):
        parse_prefix("   ")  # `-l` with nothing after it


def test_map_selectors_are_equalities_and_a_value_not_a_string_matches_nothing():
    assert from_map({"app": "web", "tier": "front"}).matches(WEB)
    assert not from_map({"app": "web", "tier": "back"}).matches(WEB)
    assert from_map({}).matches(BARE)
    assert not from_map({"replicas": 3}).matches({"replicas": 3})
    assert not from_map({"app": "web"}).matches({"app": ["web"]})  # a label not a string


def test_the_slash_filter_takes_the_full_syntax_and_refuses_a_malformed_one():
    view = ViewFilter.parse("crash -l app in (web, db),tier!=back loop")
    assert view.text == "crash loop"
    assert view.describe == "crash loop -l app in (db,web),tier!=back"
    assert view.selector is not None and view.selector.matches(WEB)
    assert not view.selector.matches(DB)
    assert ViewFilter.parse("-lapp=web -l tier").describe == "-l app=web,tier"
    for bad in ("-l", "-l app in (x", "-l app!=x)"):
        with pytest.raises(SelectorError, match=r"^-l: "):
            ViewFilter.parse(bad)


def test_service_and_node_selectors_use_the_one_matcher():
    """A label value that is not a string (a malformed object) is absent for each user."""
    odd = pod("odd", ip="10.0.0.9", labels={"app": ["web"]})
    web = pod("web", labels={"app": "web"})
    store = feed(Store(), web, odd, service("svc", selector={"app": "web"}))
    selected = [m.service for m in memberships_with_selection(store, ("default", "web"))]
    assert selected == [("default", "svc")]
    assert memberships_with_selection(store, ("default", "odd")) == []
    assert service_selector(store.services[("default", "svc")]) == from_map({"app": "web"})
    assert service_selector(service("manual")) is None  # no selector: selects none

    placed = pod("p", node="", ip="")
    placed["spec"]["nodeSelector"] = {"gpu": "yes"}
    fits = scheduling_fit(placed, [node("a", labels={"gpu": "yes"}), node("b")])
    assert [(f.node, f.fits) for f in fits] == [("a", True), ("b", False)]
    assert fits[1].reasons == ["does not match nodeSelector"]
    feed(store, placed, node("a", labels={"gpu": "yes"}), node("b", taints=[_gpu_taint()]))
    sched = pod_detail(store, ("default", "p")).scheduling
    assert sched is not None and sched.untolerated == []  # b is ruled out by the selector


def _gpu_taint() -> dict:
    return {"key": "hw", "value": "gpu", "effect": "NoSchedule"}
