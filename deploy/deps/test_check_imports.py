#!/usr/bin/python3
"""Self-test of check_imports.py, run by scripts/test.sh: the real list passes, and a copy of the list
without one package's line fails, naming the module that package provides. Done for every package
whose module the tools import, so no line of the list is dead weight or unchecked."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_imports  # noqa: E402


def run_check(list_file):
    return subprocess.run([sys.executable, os.path.join(HERE, "check_imports.py"), "--list", list_file],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def main():
    real = run_check(check_imports.DEFAULT_LIST)
    assert real.returncode == 0, "the real list fails:\n" + real.stderr

    files = list(check_imports.python_files([p for p in check_imports.DEFAULT_SOURCES if os.path.isdir(p)]))
    imported = {module for path in files for _, module in check_imports.imports(path)}
    provided = check_imports.provided_modules(check_imports.DEFAULT_LIST)
    used = sorted(package for module, package in provided.items() if module in imported)
    assert {"python3-torch", "python3-numpy", "python3-pil", "python3-onnx"} <= set(used), used

    with open(check_imports.DEFAULT_LIST, encoding="utf-8") as f:
        lines = f.readlines()
    for package in used:
        kept = [line for line in lines if line.split("#", 1)[0].split()[:1] != [package]]
        assert len(kept) == len(lines) - 1, "no single line for " + package
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as copy:
            copy.writelines(kept)
        try:
            dropped = run_check(copy.name)
        finally:
            os.unlink(copy.name)
        modules = [m for m, p in provided.items() if p == package]
        assert dropped.returncode == 1, "the check passes without %s:\n%s" % (package, dropped.stdout)
        assert any("imports '%s'" % m in dropped.stderr for m in modules), dropped.stderr
        print("test_check_imports: without %s the check fails (%s)" % (package, dropped.stderr.strip().splitlines()[0]))
    print("test_check_imports: the list passes; dropping any of %d packages fails the check" % len(used))


if __name__ == "__main__":
    main()
