#!/usr/bin/env bash
# Takes docs/screenshots/windows-nhan-dup.png: the console window of bangtin.exe's double-click
# start under Wine (Xvfb), in a fresh Windows account "Cô Lan", on its second start (the first
# asks for the school's name and makes the site in Documents; the second shows what a teacher
# sees every day). Run once by hand after `bash .ci/windows.sh`; CI does not run it.
#
# Needs xvfb, imagemagick and fonts-noto-mono: Wine's default console font has no Vietnamese
# letters with a hook above or a circumflex and acute (ủ, ở, ể, ấ), and neither has DejaVu Sans
# Mono; Noto Mono has them all (Windows' own Consolas has them too).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
exe="$root/target/windows/x86_64-pc-windows-gnu/windows/bangtin.exe"
out="$root/docs/screenshots/windows-nhan-dup.png"
work=$(mktemp -d)
trap 'WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
export USER="Cô Lan" HOME="$work/home" LC_ALL=C.UTF-8
mkdir -p "$WINEPREFIX" "$HOME" "$work/bin" "$work/Tải về/bangtin-windows"
DISPLAY='' wine wineboot --init >/dev/null 2>&1
wineserver --wait
find "$WINEPREFIX/drive_c/users" -mindepth 2 -maxdepth 2 -type l -exec sh -c 'rm "$1" && mkdir "$1"' _ {} \;
cp "$root/target/wineprefix/drive_c/windows/system32/bcryptprimitives.dll" \
    "$WINEPREFIX/drive_c/windows/system32/"
DISPLAY='' wine reg add 'HKCU\Console' /v FaceName /d "Noto Mono" /f >/dev/null
DISPLAY='' wine reg add 'HKCU\Console' /v FontSize /t REG_DWORD /d 0x120000 /f >/dev/null
# No browser here: Wine's xdg-open call is answered by a script that does nothing.
printf '#!/bin/sh\nexit 0\n' >"$work/bin/xdg-open"
chmod +x "$work/bin/xdg-open"
export PATH="$work/bin:$PATH"
cd "$work/Tải về/bangtin-windows"
cp "$exe" bangtin.exe
# First start: answer the question, wait until it serves, stop it.
printf 'Trường Bình An\r\n' | DISPLAY='' timeout 90 wine bangtin.exe >"$work/first.txt" 2>&1 &
for _ in $(seq 90); do grep -q "ĐỂ DỪNG" "$work/first.txt" && break; sleep 1; done
grep -q "ĐỂ DỪNG" "$work/first.txt" || { cat "$work/first.txt"; exit 1; }
wineserver -k || true
wineserver --wait
# Second start, in a console window as Explorer opens it.
xvfb-run -a -s "-screen 0 1000x600x24" sh -c '
    wineconsole bangtin.exe & sleep 25
    import -window root -crop 742x474+0+0 +repage "$0"
    kill $! ; wineserver -k' "$out"
echo "wrote $out"
