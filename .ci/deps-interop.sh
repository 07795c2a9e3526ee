#!/usr/bin/env bash
# Independent RDF readers for tests/test_interop_readers.py (issue 8):
#   rapper  (raptor2-utils)         Turtle, N-Triples, N-Quads, TriG
#   riot    (Apache Jena 4.5, Debian libapache-jena-java)   every format, JSON-LD via its 1.0 reader
# The oxigraph CLI comes from the project's test extra (PyPI "oxigraph"), not from here.
# Idempotent: installs only what is missing, rewrites the riot wrapper with the same content.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

APT_PACKAGES=(raptor2-utils libapache-jena-java default-jre-headless)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# A JRE that is already on PATH (e.g. a JDK image) will do.
if command -v java >/dev/null 2>&1; then
  missing=("${missing[@]/default-jre-headless}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian ships Jena's jars but no `riot` command. Write one, working around two
# packaging faults of libapache-jena-java 4.5.0-2 (bookworm):
#  * libslf4j-java puts every SLF4J binding and log4j-over-slf4j in /usr/share/java;
#    all of them on one class path abort start-up, so only slf4j-api + slf4j-nop go in;
#  * jena-core.jar relocates Xerces' classes to the package `xerces.` but leaves their
#    message bundles under org/apache/jena/ext/xerces/, so every XSD datatype fails to
#    initialise ("internal error"); a small jar puts the bundles where the classes look.
# JSON-LD 1.1 (Titanium) needs the Jakarta JSON provider Parsson, which Debian does not
# package: the tests read JSON-LD with Jena's JSON-LD 1.0 reader (--syntax=jsonld10).
LIB=/usr/local/share/chronicon-jena
mkdir -p "$LIB"
python3 - "$LIB" <<'PY'
import re, subprocess, sys, zipfile
lib = sys.argv[1]
# Jars of libapache-jena-java and of the Java libraries it depends on, recursively.
seen, todo = set(), ["libapache-jena-java"]
while todo:
    pkg = todo.pop()
    if pkg in seen:
        continue
    seen.add(pkg)
    depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", pkg], capture_output=True, text=True).stdout
    for dep in depends.split(","):
        name = re.split(r"[ (|:]", dep.strip())[0]
        if name.startswith("lib") and name.endswith("-java"):
            todo.append(name)
jars = []
for pkg in sorted(seen):
    for path in subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True).stdout.split():
        if (path.startswith("/usr/share/java/") and path.endswith(".jar") and not re.search(r"-\d[\w.]*\.jar$", path)
                and not re.search(r"slf4j|log4j", path)):
            jars.append(path)
jars += ["/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar"]
core = zipfile.ZipFile("/usr/share/java/jena-core.jar")
names = set(core.namelist())
if "xerces/impl/xpath/regex/RegexParser.class" in names and "xerces/impl/xpath/regex/message.properties" not in names:
    with zipfile.ZipFile(f"{lib}/xerces-messages.jar", "w") as out:
        for name in sorted(names):
            if name.startswith("org/apache/jena/ext/xerces/") and not name.endswith("/"):
                out.writestr(name.replace("org/apache/jena/ext/", "", 1), core.read(name))
    jars.append(f"{lib}/xerces-messages.jar")
with open(f"{lib}/classpath", "w") as fh:
    fh.write(":".join(dict.fromkeys(jars)) + "\n")
PY
cat > /usr/local/bin/riot <<'SH'
#!/bin/sh
# Apache Jena riot from Debian's jars; written by .ci/deps-interop.sh.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$(cat /usr/local/share/chronicon-jena/classpath)" riotcmd.riot "$@"
SH
chmod 755 /usr/local/bin/riot
riot --version | head -1
rapper --version
