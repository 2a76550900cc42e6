#!/usr/bin/env bash
# bangtin deploy against `lftp mirror -R --delete` on the same loopback vsftpd (the test server
# of .ci/deploy-servers.sh): the first deploy of the 10,000-page corpus, then a deploy after a
# one-page edit (which also changes search shards). Both use one FTP connection. Prints the
# median and maximum of REPEAT runs of each, and the files each sent.
#
#   benches/deploy-vs-lftp.sh [--pages N] [--repeat R] [--bangtin BIN] [--only bangtin|lftp]
#
# Needs: lftp (apt-get install lftp), the FTP test server (sudo bash .ci/deploy-servers.sh),
# python3. Work folder: $WORK (default /tmp/bangtin-bench-deploy), deleted at the end unless
# KEEP=1. The long kill test (50 seeded kill points) runs with --kill.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/bangtin-bench-deploy}"
PAGES=10000
REPEAT=3
BANGTIN="$REPO/target/release/bangtin"
KILL=0
TOOLS="bangtin lftp"
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --bangtin) BANGTIN="$2"; shift 2 ;;
    --kill) KILL=1; shift ;;
    --only) TOOLS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=benches/common.sh
. "$REPO/benches/common.sh"
need_generator
command -v lftp >/dev/null || apt_install lftp
ADDR="${BANGTIN_TEST_FTP:-127.0.0.1:2121}"
USER_="${BANGTIN_TEST_DEPLOY_USER:-bangtin-test}"
PASS="${BANGTIN_TEST_DEPLOY_PASSWORD:-bangtin-test-pw}"
HOME_="${BANGTIN_TEST_DEPLOY_HOME:-/srv/bangtin-test}"
export BANGTIN_DEPLOY_PASSWORD="$PASS" BANGTIN_LANG=en
mkdir -p "$WORK"

if [ "$KILL" = 1 ]; then
  log "kill -9 at 50 seeded points of a 2,000-page deploy"
  cd "$REPO" && BANGTIN_KILL_POINTS=50 BANGTIN_KILL_PAGES=2000 \
    cargo test --test deploy killed_deploys -- --nocapture 2>&1 | grep -E "kill points|test result"
  exit 0
fi
[ -x "$BANGTIN" ] || { log "building bangtin (release)"; (cd "$REPO" && cargo build --release -q); }

# The corpus as a bangtin site with theme truong and search on (as benches/preview.sh makes
# it: the benchmark config, which processes no photos), built once.
C="$(corpus "$PAGES" zola)"
S="$WORK/site-$PAGES"
if [ ! -f "$S/.built" ]; then
  log "building the $PAGES-page site"
  rm -rf "$S"; mkdir -p "$S/themes"
  cp -r "$C/content" "$S/content"
  [ ! -d "$C/static" ] || cp -r "$C/static" "$S/"
  cp -r "$REPO/themes/truong" "$S/themes/truong"
  python3 - "$REPO/benches/themes/bangtin/config.toml" "$S/config.toml" <<'EOF2'
import sys
config = open(sys.argv[1], encoding="utf-8").read()
config = config.replace("[search]\nenabled = false", "[search]\nenabled = true")
config = 'theme = "truong"\n' + config
config += '\n[[taxonomies]]\nname = "chuyen_de"\npaginate_by = 10\nfeed = true\n'
open(sys.argv[2], "w", encoding="utf-8").write(config)
EOF2
  "$BANGTIN" --root "$S" build >/dev/null
  touch "$S/.built"
fi
FILES=$(find "$S/public" -type f ! -name '.bangtin-*' | wc -l)
SIZE=$(du -sh --exclude='.bangtin-*' "$S/public" | cut -f1)
echo "site: $FILES files, $SIZE"

# A page to edit: the first post of the first section.
PAGE="$(find "$S/content" -name '*.md' ! -name '_index.md' | sort | head -n 1 || true)"
cp "$PAGE" "$WORK/page.orig"

# time_of COMMAND: wall seconds.
time_of() { local t0 t1; t0=$(date +%s.%N); eval "$1" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
# stats: median and maximum of the numbers on stdin.
stats() { sort -n | awk '{a[NR]=$1} END {printf "median %.2f s, max %.2f s", a[int((NR+1)/2)], a[NR]}'; }

bangtin_deploy() { "$BANGTIN" --root "$S" deploy --no-build --target "ftp://$USER_@$ADDR/$1"; }
lftp_deploy() { lftp -u "$USER_,$PASS" -e "set ftp:passive-mode on; set net:max-retries 2; mirror -R --delete $S/public $1; quit" "ftp://$ADDR"; }
fresh() { rm -rf "${HOME_:?}/$1" "$S/.bangtin-cache/deploy"; }
edit() { cp "$WORK/page.orig" "$PAGE"; printf '\nSửa lần %s.\n' "$1" >>"$PAGE"; "$BANGTIN" --root "$S" build >/dev/null; }

for tool in $TOOLS; do
  : >"$WORK/$tool-first" ; : >"$WORK/$tool-one"
done
# run_tool TOOL STEP: times TOOL's deploy into bench-TOOL when TOOL is measured.
run_tool() {
  case " $TOOLS " in *" $1 "*) ;; *) return 0 ;; esac
  [ "$2" = first ] && fresh "bench-$1"
  time_of "$1_deploy bench-$1" >>"$WORK/$1-$2"
  diff -rq -x '.bangtin-*' "$S/public" "$HOME_/bench-$1" >/dev/null || echo "$1's copy differs!"
}
for r in $(seq "$REPEAT"); do
  cp "$WORK/page.orig" "$PAGE"; "$BANGTIN" --root "$S" build >/dev/null
  log "run $r: first deploy"
  run_tool bangtin first; run_tool lftp first
  edit "$r"
  log "run $r: one-page edit"
  # Each copy on the server must then be the site, file for file.
  run_tool bangtin one; run_tool lftp one
done
cp "$WORK/page.orig" "$PAGE"
log "results ($FILES files, $SIZE, $REPEAT runs, loopback vsftpd, one connection each)"
for tool in $TOOLS; do
  echo "$tool first deploy:  $(stats <"$WORK/$tool-first")"
  echo "$tool one-page edit: $(stats <"$WORK/$tool-one")"
done
rm -rf "${HOME_:?}/bench-bangtin" "$HOME_/bench-lftp"
[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
