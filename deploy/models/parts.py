"""Fetching the parts a bundle is built from, through the ordinary registry clients, into a cache.

Cache root: ``$CRAFT_CACHE`` (default ``~/.cache/craft``); downloaded parts live in
``<root>/parts/`` and are verified by SHA-256 before use. Three sources:

* Maven Central, with ``mvn dependency:copy`` (``fetch_maven``);
* the npm registry, with ``npm pack`` for a package's tarball (``fetch_npm``) and
  ``npm install --ignore-scripts`` for node tools that run at build time (``npm_install``);
* Debian packages, installed by ``scripts/setup.sh``; ``require_apt`` checks that they are there.

Every function raises ``PartError`` with a one-line message naming what to do.
Shared by the bundle builders (``build_demo.py``, ``build_bench.py``).
"""

import hashlib
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from typing import Dict, List, Optional


class PartError(RuntimeError):
    """A part could not be fetched or did not verify; the message says what to do."""


def cache_root() -> str:
    return os.path.abspath(os.path.expanduser(os.environ.get("CRAFT_CACHE") or "~/.cache/craft"))


def parts_dir(*sub: str) -> str:
    path = os.path.join(cache_root(), "parts", *sub)
    os.makedirs(path, exist_ok=True)
    return path


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify(path: str, sha256: str) -> str:
    """Returns path when its SHA-256 is sha256; otherwise removes nothing and raises."""
    actual = sha256_file(path)
    if actual != sha256:
        raise PartError("%s has SHA-256 %s, expected %s: delete it and build again" % (path, actual, sha256))
    return path


def _run(cmd: List[str], what: str, cwd: Optional[str] = None, env: Optional[Dict[str, str]] = None) -> str:
    if shutil.which(cmd[0]) is None:
        raise PartError("%s needs `%s`, which is not on PATH" % (what, cmd[0]))
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    if proc.returncode != 0:
        tail = " | ".join(proc.stdout.strip().splitlines()[-3:])
        raise PartError("%s failed (%s): %s" % (what, " ".join(cmd), tail))
    return proc.stdout


def fetch_maven(group: str, artifact: str, version: str, sha256: str, packaging: str = "jar") -> str:
    """The artifact's file in parts/maven/, copied there by ``mvn dependency:copy`` (from the local
    repository or Maven Central) unless already present; verified by SHA-256."""
    dest = parts_dir("maven")
    path = os.path.join(dest, "%s-%s.%s" % (artifact, version, packaging))
    if not os.path.exists(path):
        _run(["mvn", "-B", "-ntp", "-q", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
              "-Dartifact=%s:%s:%s:%s" % (group, artifact, version, packaging),
              "-DoutputDirectory=" + dest, "-Dmdep.overWriteReleases=true"],
             "fetching %s:%s:%s from Maven" % (group, artifact, version), cwd=dest)
        if not os.path.exists(path):
            raise PartError("mvn dependency:copy did not write " + path)
    return verify(path, sha256)


def fetch_npm(package: str, version: str, sha256: str) -> str:
    """The package's tarball in parts/npm/, fetched by ``npm pack`` unless present; verified."""
    dest = parts_dir("npm")
    base = package.lstrip("@").replace("/", "-")
    path = os.path.join(dest, "%s-%s.tgz" % (base, version))
    if not os.path.exists(path):
        _run(["npm", "pack", "--silent", "%s@%s" % (package, version), "--pack-destination", dest],
             "fetching npm %s@%s" % (package, version), cwd=dest)
        if not os.path.exists(path):
            raise PartError("npm pack did not write " + path)
    return verify(path, sha256)


def npm_install(name: str, packages: List[str]) -> str:
    """A node_modules tree under parts/node/<name>/ with the exact packages (``pkg@version``), installed
    with ``--ignore-scripts`` (install scripts may try hosts that cannot be reached; npm checks each
    tarball's integrity). Returns the prefix directory; a marker file makes repeated calls free."""
    prefix = parts_dir("node", name)
    marker = os.path.join(prefix, ".installed")
    wanted = "\n".join(sorted(packages)) + "\n"
    if os.path.exists(marker) and open(marker).read() == wanted:
        return prefix
    _run(["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--no-save", "--prefix", prefix]
         + packages, "installing npm %s" % " ".join(packages))
    with open(marker, "w") as f:
        f.write(wanted)
    return prefix


def extract_zip_member(archive: str, member: str, dest: str, sha256: Optional[str] = None) -> str:
    """One file of a zip/jar, extracted to dest (a file path) unless already there with the same hash."""
    if os.path.exists(dest) and (sha256 is None or sha256_file(dest) == sha256):
        return dest
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = dest + ".tmp"
    with zipfile.ZipFile(archive) as z, z.open(member) as src, open(tmp, "wb") as out:
        shutil.copyfileobj(src, out)
    os.replace(tmp, dest)
    return verify(dest, sha256) if sha256 else dest


def extract_tgz(archive: str, dest: str) -> str:
    """A whole npm tarball unpacked into dest (its ``package/`` folder), once; returns dest/package."""
    root = os.path.join(dest, "package")
    marker = os.path.join(dest, ".extracted-" + sha256_file(archive)[:16])
    if os.path.exists(marker):
        return root
    if os.path.exists(dest):
        shutil.rmtree(dest)
    tmp = tempfile.mkdtemp(dir=os.path.dirname(dest) or ".")
    with tarfile.open(archive, "r:gz") as t:
        for m in t.getmembers():
            if m.name.startswith("/") or ".." in m.name.split("/"):
                raise PartError("unsafe path %s in %s" % (m.name, archive))
        t.extractall(tmp)
    os.replace(tmp, dest)
    open(marker, "w").close()
    return root


def apt_installed(package: str) -> bool:
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, universal_newlines=True)
    return proc.returncode == 0 and proc.stdout.strip().endswith("installed")


def require_apt(packages: List[str]) -> None:
    """Raises naming the installer when a Debian package is missing: installing is scripts/setup.sh's
    job (its one list, deploy/deps/packages.txt), which build_bundle.sh runs before building."""
    missing = [p for p in packages if not apt_installed(p)]
    if missing:
        raise PartError("missing Debian packages %s; install them with: bash scripts/setup.sh demo"
                        % " ".join(missing))


def apt_version(package: str) -> str:
    return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], stdout=subprocess.PIPE,
                          universal_newlines=True, check=True).stdout.strip()


def part_entry(name: str, source: str, path: str, licence: str, sha256: Optional[str] = None) -> dict:
    """One entry of build_report.json's "parts"."""
    return {"name": name, "source": source, "sha256": sha256 or sha256_file(path), "licence": licence}
