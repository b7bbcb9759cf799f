#!/usr/bin/python3
"""Checks that every Python module the project's tools import is available on a machine set up with
scripts/setup.sh: the standard library, a module of the project, or provided (``py:MODULE``) by a
package of deploy/deps/packages.txt.

    /usr/bin/python3 deploy/deps/check_imports.py [--list FILE] [FILE_OR_DIR ...]
    /usr/bin/python3 deploy/deps/check_imports.py --importable GROUP   # after scripts/setup.sh GROUP

Without paths it scans the Python tools: deploy/models/*.py, deploy/bench/*.py, deploy/deps/*.py and,
when ../shared is beside the checkout, ../shared/tools/*.py (the reference-style client). Every
``import`` and ``from ... import`` counts, also inside functions and ``try`` blocks: a module a tool
may load must be installable. A module of the project is a ``NAME.py`` or package directory ``NAME/``
in the importing file's directory or in one of its subdirectories (``shared/tools/pycma/cma``).

Exits 0 when every import resolves; otherwise prints one line per unresolved import (file, line,
module) and exits 1. With ``--importable GROUP`` it instead imports the modules the group's packages provide,
which checks the list's module names against the installed packages. The self-test (test_check_imports.py) shows that dropping a package's line from
the list makes this check fail.
"""
import argparse
import ast
import importlib
import os
import sys
from typing import Dict, Iterator, List, Set, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_LIST = os.path.join(HERE, "packages.txt")
DEFAULT_SOURCES = [os.path.join(REPO, "deploy", "models"), os.path.join(REPO, "deploy", "bench"), HERE,
                   os.path.join(REPO, "..", "shared", "tools")]


def provided_modules(list_file: str) -> Dict[str, str]:
    """module -> package, from the provides column (py:MODULE) of the package list."""
    modules = {}
    with open(list_file, encoding="utf-8") as f:
        for line in f:
            fields = line.split("#", 1)[0].split()
            if len(fields) < 3:
                continue
            package, provides = fields[0], fields[2]
            for item in provides.split(","):
                if item.startswith("py:"):
                    modules[item[3:]] = package
    return modules


def group_modules(list_file: str, group: str) -> List[str]:
    """The py: modules of the packages in a group of the list."""
    modules = []
    with open(list_file, encoding="utf-8") as f:
        for line in f:
            fields = line.split("#", 1)[0].split()
            if len(fields) >= 3 and group in fields[1].split(","):
                modules += [item[3:] for item in fields[2].split(",") if item.startswith("py:")]
    return modules


def not_importable(modules: List[str]) -> List[str]:
    """The modules this interpreter cannot import, each with the error."""
    problems = []
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as e:  # an installed package that fails to import is as unusable as a missing one
            problems.append("%s: %s" % (module, e))
    return problems


def python_files(paths: List[str]) -> Iterator[str]:
    for path in paths:
        if os.path.isfile(path):
            yield os.path.abspath(path)
        elif os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if name.endswith(".py"):
                    yield os.path.abspath(os.path.join(path, name))


def imports(path: str) -> Iterator[Tuple[int, str]]:
    """(line, top-level module) of every absolute import in the file."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def local_modules(directory: str) -> Set[str]:
    """Modules importable from a file in directory: NAME.py or NAME/ there or one level below."""
    names = set()
    roots = [directory] + [os.path.join(directory, d) for d in os.listdir(directory)
                           if os.path.isdir(os.path.join(directory, d))]
    for root in roots:
        for entry in os.listdir(root):
            full = os.path.join(root, entry)
            if entry.endswith(".py"):
                names.add(entry[:-3])
            elif os.path.isfile(os.path.join(full, "__init__.py")):
                names.add(entry)
    return names


def unresolved(files: List[str], provided: Dict[str, str]) -> List[str]:
    problems = []
    stdlib = set(sys.stdlib_module_names)
    local_by_dir: Dict[str, Set[str]] = {}
    for path in files:
        directory = os.path.dirname(path)
        local = local_by_dir.setdefault(directory, local_modules(directory))
        for line, module in imports(path):
            if module in stdlib or module in local or module in provided:
                continue
            problems.append("%s:%d: imports '%s', which is neither the standard library, a module of the "
                            "project nor provided (py:%s) by a package of the list"
                            % (os.path.relpath(path), line, module, module))
    return problems


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", default=DEFAULT_LIST, help="the package list (default %(default)s)")
    parser.add_argument("--importable", metavar="GROUP",
                        help="instead: import every py: module of the group's packages with this interpreter")
    parser.add_argument("paths", nargs="*", help="files or directories to scan (default: the Python tools)")
    args = parser.parse_args(argv)
    if args.importable:
        modules = group_modules(args.list, args.importable)
        failures = not_importable(modules)
        for failure in failures:
            print("check_imports: cannot import " + failure, file=sys.stderr)
        if not failures:
            print("check_imports: %s imports %s" % (sys.executable, ", ".join(modules)))
        return 1 if failures else 0
    files = list(python_files(args.paths or [p for p in DEFAULT_SOURCES if os.path.isdir(p)]))
    if not files:
        print("check_imports: no Python files found", file=sys.stderr)
        return 1
    problems = unresolved(files, provided_modules(args.list))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("check_imports: %d unresolved imports in %d files; add the package to %s"
              % (len(problems), len(files), os.path.relpath(args.list)), file=sys.stderr)
        return 1
    print("check_imports: %d files, every import is the standard library, the project's or from %s"
          % (len(files), os.path.relpath(args.list)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
