"""Static checks that keep the vendored package fit for Krita's/Blender's embedded Python.

Only Python 3.11 runs these tests here, so 3.8 compatibility is checked statically: the
grammar of 3.8, annotations never evaluated at runtime, no 3.9+ library calls, stdlib
only, no threads, and the project's rule of at most four positional parameters.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bridge_client"
MODULES = sorted(PACKAGE.glob("*.py"))

# Names that only exist from Python 3.9 on (str/bytes methods, functools, math, ...).
NEWER_ATTRIBUTES = {"removeprefix", "removesuffix", "cache", "is_relative_to", "with_stem", "readlink", "randbytes", "lcm", "nextafter", "ulp", "bit_count", "pairwise", "kw_only", "slots"}
NEWER_MODULES = {"zoneinfo", "graphlib", "tomllib"}
ALLOWED_IMPORTS = {
    "__future__", "dataclasses", "typing", "json", "os", "sys", "pathlib", "hashlib", "http",
    "socket", "time", "urllib", "struct", "zlib", "collections",
}


def _trees():
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        yield path, source, ast.parse(source, filename=str(path))


def test_package_has_the_expected_modules():
    names = {p.stem for p in MODULES}
    assert {"__init__", "client", "discovery", "errors", "events", "models", "images"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_parses_with_python_38_grammar(path):
    ast.parse(path.read_text(encoding="utf-8"), filename=str(path), feature_version=(3, 8))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_annotations_are_not_evaluated(path):
    # With postponed evaluation, `List[str] | None`-style annotations never run on 3.8.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    futures = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    assert any(a.name == "annotations" for n in futures for a in n.names), path.name


def test_no_runtime_builtin_generics_or_union_operators():
    # Outside annotations, list[int] or int | None would be evaluated at import on 3.8.
    for path, _source, tree in _trees():
        annotations = set()
        for node in ast.walk(tree):
            for ann in _annotation_nodes(node):
                annotations.update(id(n) for n in ast.walk(ann))
        for node in ast.walk(tree):
            if id(node) in annotations:
                continue
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                assert node.value.id not in {"list", "dict", "tuple", "set", "frozenset", "type"}, (
                    "{}:{} subscripts builtin {}".format(path.name, node.lineno, node.value.id)
                )


def _annotation_nodes(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = node.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                yield arg.annotation
        if node.returns is not None:
            yield node.returns
    elif isinstance(node, ast.AnnAssign):
        yield node.annotation


def test_no_newer_library_calls():
    for path, _source, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in NEWER_ATTRIBUTES, "{}:{} uses .{}".format(path.name, node.lineno, node.attr)
            if isinstance(node, ast.keyword):
                assert node.arg not in {"kw_only", "slots"}, "{}:{}".format(path.name, node.value.lineno)


def test_stdlib_only_and_no_threads():
    for path, _source, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module.split(".")[0]]
            else:
                continue
            for name in names:
                assert name not in NEWER_MODULES
                assert name in ALLOWED_IMPORTS, "{} imports {}".format(path.name, name)
                assert name not in {"threading", "asyncio", "concurrent", "multiprocessing"}


def test_at_most_four_positional_parameters():
    for path, _source, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if names and names[0] in ("self", "cls"):
                    names = names[1:]
                assert len(names) <= 4, "{}:{} {}{}".format(path.name, node.lineno, node.name, names)


def test_public_functions_have_docstrings():
    for path, _source, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                assert ast.get_docstring(node), "{}:{} {} has no docstring".format(path.name, node.lineno, node.name)


def test_public_api_is_importable():
    import bridge_client

    for name in bridge_client.__all__:
        assert hasattr(bridge_client, name), name
    assert sys.version_info >= (3, 8)
