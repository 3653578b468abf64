# Shared by the scripts: set-up steps that install what is missing and skip
# what is already there. Source it; don't run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf '\n==> %s\n' "$*"; }

ensure_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
      export PATH="$HOME/.cargo/bin:$PATH"
    else
      echo "cargo not found: install Rust with rustup first (https://rustup.rs)" >&2
      exit 1
    fi
  fi
}

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# pyzmq (whose wheels bundle libzmq 4.3.5) in a project-local venv, for the
# interop tests. Exports RINGMQ_PYTHON for them.
ensure_pyzmq() {
  local venv="$ROOT/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the Python venv for interop tests ($venv)"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      apt_install python3-venv
      python3 -m venv "$venv"
    fi
  fi
  if ! "$venv/bin/python" -c 'import zmq' 2>/dev/null; then
    say "installing pyzmq into the venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'pyzmq>=26'
  fi
  export RINGMQ_PYTHON="$venv/bin/python"
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# valgrind, for the instruction counts of scripts/perf (callgrind).
ensure_valgrind() {
  if ! command -v valgrind >/dev/null 2>&1; then
    say "installing valgrind"
    apt_install valgrind
  fi
}

# The system's libzmq with its headers (Debian libzmq3-dev): the perf suite
# links it to compare ringmq with libzmq.
ensure_libzmq_dev() {
  if ! dpkg-query -W -f='${Status}' libzmq3-dev 2>/dev/null | grep -q 'install ok installed'; then
    say "installing libzmq3-dev"
    apt_install libzmq3-dev
  fi
}

# Headless Chromium and its WebDriver, for the inspector's browser tests and
# screenshots. Both in one apt command so that their versions match.
ensure_chromium() {
  if [ ! -x /usr/bin/chromedriver ]; then
    say "installing chromium and chromium-driver"
    apt_install chromium chromium-driver
  fi
}
