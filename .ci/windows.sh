#!/usr/bin/env bash
# Builds bangtin for Windows (x86_64) on Debian 12 and packs it for teachers:
#   dist/bangtin-<version>-windows-x86_64.zip   bangtin.exe, ĐỌC TRƯỚC.txt, LICENSES.txt
# and leaves a Wine prefix for the tests (tests/windows.rs) at target/wineprefix.
#
# Usage (as root, or with the packages below already installed):  bash .ci/windows.sh
#
# How: Debian's rustc-web/cargo-web 1.96 with rust-web-src build the standard library for
# x86_64-pc-windows-gnu (build-std, hence RUSTC_BOOTSTRAP=1) and MinGW-w64 links it; no toolchain
# is downloaded. Everything Windows-only is passed here (.ci/windows/cargo-config.toml with
# --config, target/windows as target dir): `cargo build` and `cargo test` at the repository root
# never see it.
#
# The Wine prefix gets a test-only bcryptprimitives.dll (.ci/windows/processprng.c): Wine 8.0
# lacks ProcessPrng, which every Rust program calls at start-up. It is never put in the zip.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
started=$(date +%s)
log() { echo "windows.sh: $*" >&2; }

# --- packages -------------------------------------------------------------------------------
pkgs=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine wine64)
command -v python3 >/dev/null || pkgs+=(python3)
need=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "need root to install: ${need[*]}"
        exit 1
    fi
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # APT_LOCK: a lock file that serialises dpkg between users of a shared machine, if any.
    lock=()
    [ -n "${APT_LOCK:-}" ] && lock=(flock "$APT_LOCK")
    "${lock[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || {
        apt-get update -qq >/dev/null
        "${lock[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    }
fi

# --- build ----------------------------------------------------------------------------------
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
target=x86_64-pc-windows-gnu
target_dir="$root/target/windows"
exe="$target_dir/$target/windows/bangtin.exe"
# Debian's compiler by full path: rustup's cargo and rustc come first on PATH and cannot build
# std for Windows (no rust-src, no Windows target, nothing can be downloaded).
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0
unset RUSTFLAGS RUSTC_WRAPPER
log "building bangtin $version for $target with $(/usr/bin/rustc --version)"
t0=$(date +%s)
/usr/bin/cargo --config .ci/windows/cargo-config.toml build --locked \
    --profile windows -Z build-std=std,panic_abort --target-dir "$target_dir" --bin bangtin \
    --no-default-features
log "built $exe ($(du -h "$exe" | cut -f1)) in $(($(date +%s) - t0)) s"

# --- Wine prefix for the tests --------------------------------------------------------------
export WINEPREFIX="$root/target/wineprefix" WINEDEBUG=-all WINEARCH=win64
# No Mono or Gecko install dialogs: bangtin needs neither.
export WINEDLLOVERRIDES="mscoree,mshtml="
dll="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    log "making the Wine prefix $WINEPREFIX"
    mkdir -p "$WINEPREFIX"
    # wineboot needs no display; it only prints that it has none.
    DISPLAY='' wine wineboot --init >/dev/null 2>&1
    wineserver --wait
    # Wine links the profile's Documents, Desktop and so on to the Linux home folder: make them
    # plain folders, so that nothing run in this prefix writes into the home of whoever runs it.
    find "$WINEPREFIX/drive_c/users" -mindepth 2 -maxdepth 2 -type l -exec sh -c 'rm "$1" && mkdir "$1"' _ {} \;
fi
x86_64-w64-mingw32-gcc -O2 -shared -o "$dll" .ci/windows/processprng.c .ci/windows/processprng.def -lbcrypt
log "bangtin.exe under Wine: $(wine "$exe" --version | tr -d '\r')"

# --- the zip --------------------------------------------------------------------------------
stage="$target_dir/zip"
rm -rf "$stage"
mkdir -p "$stage" dist
cp "$exe" "$stage/bangtin.exe"
sed "s/@VERSION@/$version/" .ci/windows/DOC-TRUOC.txt | sed 's/$/\r/' >"$stage/ĐỌC TRƯỚC.txt"
python3 .ci/windows/licences.py "$target" >"$stage/LICENSES.txt"
zip="dist/bangtin-$version-windows-x86_64.zip"
python3 - "$stage" "$zip" <<'EOF'
# Names in UTF-8 (flag set by zipfile for non-ASCII names, which Windows' own unzip reads),
# entries in a fixed order and with a fixed date, so the same build gives the same zip.
import os, sys, zipfile
stage, out = sys.argv[1], sys.argv[2]
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in sorted(os.listdir(stage)):
        info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(stage, name), "rb") as f:
            z.writestr(info, f.read())
os.replace(tmp, out)
EOF
log "wrote $zip ($(du -h "$zip" | cut -f1)); Windows part took $(($(date +%s) - started)) s"
