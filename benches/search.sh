#!/usr/bin/env bash
# The search budgets (issue 5) on the generated corpus:
# - what the index adds to a full build, with search on and off, for the bundled school theme
#   (`themes/truong`, the theme with the search box and the /tim-kiem/ page) and for the
#   minimal benchmark theme (`benches/themes/bangtin`, no search box: the theme the other
#   generators are compared with);
# - what one query downloads and how fast its first results come in headless Chromium
#   (`components/search/examples/bench.rs`).
#
#   bash benches/search.sh [--pages 10000] [--runs 10] [--work DIR] [--out DIR] [--no-query]
#
#   --pages N     corpus size (default 10000)
#   --runs N      timed builds of each site (default 10); the mean and its spread are reported
#   --work DIR    work folder (default ${TMPDIR:-/tmp}/bangtin-bench); the corpus is kept there
#   --out DIR     where the builds write (default WORK/out); /dev/shm takes the disk out
#   --no-query    the build figures only
#
# Needs: python3, cargo, hyperfine (installed with apt-get when missing); node and chromium
# for the query figures.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAGES=10000
RUNS=10
QUERY=1
WORK="${TMPDIR:-/tmp}/bangtin-bench"

while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --out) OUTROOT="$2"; shift 2 ;;
    --no-query) QUERY=0; shift ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=benches/common.sh
. "$REPO/benches/common.sh"
need_generator
command -v hyperfine >/dev/null || apt_install hyperfine

OUTROOT="${OUTROOT:-$WORK/out}"
mkdir -p "$WORK/bin" "$OUTROOT"
log "cargo build --release (bangtin)"
(cd "$REPO" && cargo build --release --bin bangtin)
# A private copy: other builds of the shared target/ folder cannot swap it mid-run.
cp "$REPO/target/release/bangtin" "$WORK/bin/bangtin-search"
BANGTIN="$WORK/bin/bangtin-search"

log "corpus: $PAGES pages"
CORPUS="$(corpus "$PAGES" zola)"

# Two sites on the same content, one for each theme. Search is turned off and on by swapping
# the config before each run (only `[search] enabled` differs): the same folder either way,
# so the kernel's caches of its paths cannot favour one side.
SITES="$WORK/search-sites/$PAGES"
make_site() { # theme(bench|truong)
  local dir="$SITES/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -r "$CORPUS/content" "$dir/content"
  [ ! -d "$CORPUS/static" ] || cp -r "$CORPUS/static" "$dir/"
  for search in false true; do
    python3 - "$REPO/benches/themes/bangtin/config.toml" "$dir/config-$search.toml" "$1" "$search" <<'EOF'
import sys
src, dst, theme, search = sys.argv[1:5]
config = open(src, encoding="utf-8").read()
config = config.replace("[search]\nenabled = false", "[search]\nenabled = " + search)
assert ("enabled = " + search) in config
if theme == "truong":
    # The school theme lists the "chuyen_de" taxonomy too.
    config = 'theme = "truong"\n' + config
    config += '\n[[taxonomies]]\nname = "chuyen_de"\npaginate_by = 10\nfeed = true\n'
open(dst, "w", encoding="utf-8").write(config)
EOF
  done
  if [ "$1" = truong ]; then
    mkdir -p "$dir/themes" && cp -r "$REPO/themes/truong" "$dir/themes/truong"
  else
    cp -r "$REPO/benches/themes/bangtin/templates" "$dir/templates"
  fi
}
log "sites"
make_site bench
make_site truong

log "$PAGES pages: full builds, search off and on ($RUNS runs each)"
O="$OUTROOT/search"
args=()
for theme in bench truong; do
  for search in false true; do
    name="$theme-$([ $search = true ] && echo on || echo off)"
    args+=(--prepare "sh -c 'cp $SITES/$theme/config-$search.toml $SITES/$theme/config.toml && rm -rf $O'")
    args+=(-n "$name" "$BANGTIN --root $SITES/$theme build --output $O")
  done
done
hyperfine -N --style basic --output null --warmup 2 --runs "$RUNS" \
  --export-json "$WORK/search-builds.json" "${args[@]}" > "$WORK/search-builds.txt"
grep -E "^(Benchmark|  Time)" "$WORK/search-builds.txt" || true
rm -rf "$O"

python3 - "$WORK/search-builds.json" <<'EOF'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
def ms(name):
    r = res[name]
    return r["mean"] * 1000, r["stddev"] * 1000
print()
print("| theme | search off | search on | added |")
print("| --- | ---: | ---: | ---: |")
for theme, label in (("truong", "bundled school theme (themes/truong)"),
                     ("bench", "benchmark theme (benches/themes/bangtin)")):
    (off, doff), (on, don) = ms(theme + "-off"), ms(theme + "-on")
    print(f"| {label} | {off:.0f} ± {doff:.0f} ms | {on:.0f} ± {don:.0f} ms "
          f"| +{on - off:.0f} ms (+{100 * (on - off) / off:.1f} %) |")
EOF

if [ "$QUERY" = 1 ]; then
  log "index alone, one query's download, first results in Chromium"
  (cd "$REPO" && cargo run --release --quiet -p search --example bench -- \
    "$CORPUS/content" "biển đảo" "bien dao" "hoang s" "hòa bình")
fi
