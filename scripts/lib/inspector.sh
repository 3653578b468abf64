# Tools for the inspector's browser app (inspector-web/), shared by
# scripts/build-inspector and scripts/test-inspector. Source it after
# common.sh; don't run it. Everything lands under target/tools/ and is
# reused while it is at the right version.

TOOLS="$ROOT/target/tools"
# The app's own target dir, so that a wasm build never invalidates the
# native one that the rest of the workspace uses.
export CARGO_TARGET_DIR="${INSPECTOR_TARGET_DIR:-$ROOT/target/web}"
BINARYEN_VERSION="132.0.0"

# The wasm-bindgen version the app pins (`wasm-bindgen = "=0.2.x"`).
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$ROOT/inspector-web/Cargo.toml"
}

# wasm-bindgen and wasm-bindgen-test-runner of exactly the pinned version,
# on PATH. Not `--locked`: the CLI's lockfile names a crate version the
# registry no longer serves.
ensure_wasm_bindgen_cli() {
  local ver dir
  ver="$(wasm_bindgen_version)"
  if [ -z "$ver" ]; then
    echo "inspector-web/Cargo.toml does not pin wasm-bindgen (=0.2.x)" >&2
    exit 1
  fi
  dir="$TOOLS/wasm-bindgen-$ver"
  if [ "$("$dir/bin/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $ver" ]; then
    say "installing wasm-bindgen-cli $ver into $dir (takes a few minutes once)"
    CARGO_TARGET_DIR="$TOOLS/cargo-install" \
      cargo install wasm-bindgen-cli --version "$ver" --root "$dir" --force
  fi
  export PATH="$dir/bin:$PATH"
}

# wasm-opt from npm's binaryen: Debian's (v108) cannot read current wasm.
ensure_wasm_opt() {
  local dir="$TOOLS/binaryen"
  WASM_OPT="$dir/node_modules/.bin/wasm-opt"
  if [ "$("$WASM_OPT" --version 2>/dev/null | grep -o 'version [0-9]*')" != "version ${BINARYEN_VERSION%%.*}" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "npm not found: install Node.js (20 or later) for wasm-opt" >&2
      exit 1
    fi
    say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into $dir"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --prefix "$dir" "binaryen@$BINARYEN_VERSION"
  fi
  export WASM_OPT
}
