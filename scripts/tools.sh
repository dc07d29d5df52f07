# Sourced by the other scripts: installs what a fresh machine lacks, and only that.
# Versions are pinned (see BUILD-NOTES in the README); a tool already at its pinned
# version is left alone, so a prepared machine skips minutes.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_BINDGEN_VERSION="0.2.130"
SCHEMATHESIS_VERSION="4.32.5"
OPENAI_SDK_VERSION="3.57.0"
PROMETHEUS_CLIENT_VERSION="0.26.0"
export PATH="$HOME/.cargo/bin:$ROOT/tools/node_modules/.bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # --force: cargo's record of installed crates may name it while the binary is gone.
    CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback \
      cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_node() {
  if ! command -v npm >/dev/null 2>&1; then
    say "installing Node.js and npm from Debian"
    apt_install nodejs npm
  fi
}

ensure_wasm_opt() {
  ensure_node
  if ! "$ROOT/tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version 132"; then
    say "installing wasm-opt (npm binaryen@132.0.0)"
    (cd "$ROOT/tools" && npm ci --no-audit --no-fund)
  fi
}

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# One virtualenv, tools/venv, for the Python the tests use: the official openai SDK (the
# gateway's SDK test, server/tests/sdk/gateway_sdk.py) and Schemathesis
# (scripts/schemathesis). A venv already holding both pinned versions is reused.
ensure_python_tools() {
  local venv="$ROOT/tools/venv"
  local check="import sys, importlib.metadata as m; sys.exit(m.version('openai') != '$OPENAI_SDK_VERSION' or m.version('schemathesis') != '$SCHEMATHESIS_VERSION' or m.version('prometheus-client') != '$PROMETHEUS_CLIENT_VERSION')"
  if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
    say "installing openai $OPENAI_SDK_VERSION, Schemathesis $SCHEMATHESIS_VERSION and prometheus-client $PROMETHEUS_CLIENT_VERSION (PyPI) into tools/venv"
    # Debian's python3 makes venvs only with python3-venv.
    python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3 python3-venv
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "openai==$OPENAI_SDK_VERSION" "schemathesis==$SCHEMATHESIS_VERSION" \
      "prometheus-client==$PROMETHEUS_CLIENT_VERSION"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian"
    apt_install chromium
  fi
  ensure_node
  # Installed again when package.json names a package node_modules lacks (axe came later).
  if [ ! -x "$ROOT/end2end/node_modules/.bin/playwright" ] || [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ]; then
    say "installing Playwright (it uses Debian's Chromium, never a download)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_wasm_opt
}

# The site (the wasm, its JS glue, the CSS and public/) into target/site, then the
# server: the steps `cargo leptos build` takes, without its 13-minute install. The
# binary links /pkg/switchyard.wasm because .cargo/config.toml sets LEPTOS_OUTPUT_NAME,
# as cargo-leptos does, so either way of building serves the same site.
# $1 is debug or release.
build_app() {
  local mode="$1" server_flags=()
  if [ "$mode" = release ]; then
    server_flags=(--release)
  fi
  build_site "$mode"
  say "building the server ($mode)"
  cargo build --locked -p server --bin switchyard "${server_flags[@]}"
}

# The site alone (wasm, JS glue, CSS, public/) into target/site; $1 is debug or release.
build_site() {
  local mode="$1" wasm_profile=dev wasm_dir=debug
  if [ "$mode" = release ]; then
    wasm_profile=wasm-release wasm_dir=wasm-release
  fi
  ensure_build_tools
  cd "$ROOT"
  say "building the site ($mode)"
  cargo build --locked -p frontend --lib --target wasm32-unknown-unknown --profile "$wasm_profile"
  local site="target/site" next="target/site.next"
  rm -rf "$next"
  mkdir -p "$next/pkg"
  wasm-bindgen --target web --no-typescript --out-name switchyard --out-dir "$next/pkg" \
    "target/wasm32-unknown-unknown/$wasm_dir/frontend.wasm"
  mv "$next/pkg/switchyard_bg.wasm" "$next/pkg/switchyard.wasm"
  if [ "$mode" = release ]; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      "$next/pkg/switchyard.wasm" -o "$next/pkg/switchyard.wasm"
  fi
  cp style/main.css "$next/pkg/switchyard.css"
  # Sent as they are to browsers that take gzip (leptos_axum's file handler looks for
  # NAME.gz): compressing the 28 MB debug wasm took 3.2 s of CPU on every page load.
  gzip --keep --force -6 "$next/pkg/switchyard.wasm" "$next/pkg/switchyard.js" "$next/pkg/switchyard.css"
  cp -R public/. "$next/"
  rm -rf "$site"
  mv "$next" "$site"
}

# The target of the statically linked server (no libc needed at run time).
STATIC_TARGET=x86_64-unknown-linux-musl

ensure_musl() {
  if ! rustup target list --installed | grep -qx "$STATIC_TARGET"; then
    say "adding the $STATIC_TARGET target"
    rustup target add "$STATIC_TARGET"
  fi
  # The C in the dependencies (mimalloc, ring) is compiled against musl's headers.
  command -v musl-gcc >/dev/null 2>&1 || apt_install musl-tools
}

# A statically linked server (x86_64-unknown-linux-musl: no libc needed at run time)
# with its site beside it, in target/static/: what the container image holds.
# $1 is debug or release.
build_static() {
  local mode="$1" flags=() dir=debug
  if [ "$mode" = release ]; then
    flags=(--release) dir=release
  fi
  ensure_musl
  build_site "$mode"
  say "building the static server ($mode)"
  cargo build --locked -p server --bin switchyard --target "$STATIC_TARGET" "${flags[@]}"
  stage_static "target/$STATIC_TARGET/$dir/switchyard"
}

# target/static/: the server binary $1 with the built site beside it.
stage_static() {
  rm -rf target/static
  mkdir -p target/static
  cp "$1" target/static/switchyard
  cp -R target/site target/static/site
}

# A debug build for the browser tests.
build_debug() { (build_app debug); }

build_release() { (build_app release); }
