#!/usr/bin/env bash
# Live preview at scale (issue 20): `bangtin serve` (release build) on the 10,000-page generated
# corpus, with the bundled school theme `truong` (taxonomies tags and chuyen_de paginated by 10,
# search on) and with the minimal benchmark theme, measured from outside the server by
# benches/preview_probe.py:
#   startup            spawn -> first 200 of `/`
#   body edit          a paragraph appended to a page -> that page served with it
#   title edit         the title of the section's newest page changed -> the section listing
#                      served with it
#   peak RSS           VmHWM of the server process at the end
# Each start makes --edits edits of each kind, --gap seconds apart (the search index of the
# edited language is rebuilt in between); medians, minima and maxima are printed, with the load.
#
#   bash benches/preview.sh [--pages 10000] [--starts 3] [--edits 9] [--gap 1.5]
#                           [--themes truong,bench] [--work DIR] [--no-build] [--bangtin BIN]
#
#   --starts N     server starts per theme (default 3); edits are pooled over the starts
#   --work DIR     work folder (default ${TMPDIR:-/tmp}/bangtin-bench); the corpus is kept there
#   --no-build     use target/release/bangtin as it is (default: cargo build --release first)
#   --bangtin BIN  measure this binary instead (implies --no-build)
#
# Needs: python3, cargo.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAGES=10000
STARTS=3
EDITS=9
GAP=1.5
THEMES="truong,bench"
BUILD=1
WORK="${TMPDIR:-/tmp}/bangtin-bench"

while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES="$2"; shift 2 ;;
    --starts) STARTS="$2"; shift 2 ;;
    --edits) EDITS="$2"; shift 2 ;;
    --gap) GAP="$2"; shift 2 ;;
    --themes) THEMES="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --bangtin) BIN="$2"; BUILD=0; shift 2 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=benches/common.sh
. "$REPO/benches/common.sh"
need_generator

mkdir -p "$WORK/bin"
if [ "$BUILD" = 1 ]; then
  log "cargo build --release (bangtin)"
  (cd "$REPO" && cargo build --release --bin bangtin)
fi
# A private copy: other builds of the shared target/ folder cannot swap it mid-run.
cp "${BIN:-$REPO/target/release/bangtin}" "$WORK/bin/bangtin-preview"
BANGTIN="$WORK/bin/bangtin-preview"

log "corpus: $PAGES pages"
CORPUS="$(corpus "$PAGES" zola)"

# The site of one theme: the corpus's content and photos, the benchmark config (search on),
# and for truong the theme and the chuyen_de taxonomy it lists (as benches/search.sh does).
make_site() { # theme(bench|truong) dir
  local dir="$2"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -r "$CORPUS/content" "$dir/content"
  [ ! -d "$CORPUS/static" ] || cp -r "$CORPUS/static" "$dir/"
  python3 - "$REPO/benches/themes/bangtin/config.toml" "$dir/config.toml" "$1" <<'EOF'
import sys
src, dst, theme = sys.argv[1:4]
config = open(src, encoding="utf-8").read()
config = config.replace("[search]\nenabled = false", "[search]\nenabled = true")
assert "enabled = true" in config
if theme == "truong":
    config = 'theme = "truong"\n' + config
    config += '\n[[taxonomies]]\nname = "chuyen_de"\npaginate_by = 10\nfeed = true\n'
open(dst, "w", encoding="utf-8").write(config)
EOF
  if [ "$1" = truong ]; then
    mkdir -p "$dir/themes" && cp -r "$REPO/themes/truong" "$dir/themes/truong"
  else
    cp -r "$REPO/benches/themes/bangtin/templates" "$dir/templates"
  fi
}

RES="$WORK/preview-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RES"
echo "commit=$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')" > "$RES/env"
echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores" >> "$RES/env"
IFS=',' read -r -a themes <<< "$THEMES"
for theme in "${themes[@]}"; do
  site="$WORK/preview-sites/$PAGES-$theme"
  log "site: $theme"
  make_site "$theme" "$site"
  for i in $(seq 1 "$STARTS"); do
    log "$theme: start $i of $STARTS ($EDITS edits of each kind)"
    python3 "$REPO/benches/preview_probe.py" "$BANGTIN" "$site" --edits "$EDITS" --gap "$GAP" \
      | tee "$RES/$theme-$i.json"
  done
done

log "report ($RES)"
python3 - "$RES" <<'EOF'
import glob, json, os, statistics, sys
res = sys.argv[1]
print(open(os.path.join(res, "env")).read().strip())
print()
print("| figure | " + " | ".join(t for t in ("truong", "bench")
      if glob.glob(os.path.join(res, t + "-*.json"))) + " |")
themes = [t for t in ("truong", "bench") if glob.glob(os.path.join(res, t + "-*.json"))]
print("| --- |" + " --- |" * len(themes))
runs = {t: [json.load(open(f)) for f in sorted(glob.glob(os.path.join(res, t + "-*.json")))]
        for t in themes}
def cell(t, fn):
    return fn(runs[t])
def startup(rs):
    v = sorted(r["startup_s"] for r in rs)
    return f"{statistics.median(v):.2f} s ({v[0]:.2f} to {v[-1]:.2f}, {len(v)} starts)"
def edit(kind):
    def f(rs):
        v = sorted(x for r in rs for x in r[kind]["all_ms"])
        cpu = statistics.median(r[kind]["server_cpu_ms_per_edit"] for r in rs)
        return (f"{statistics.median(v):.0f} ms (min {v[0]:.0f}, max {v[-1]:.0f}; {len(v)} edits;"
                f" server CPU {cpu:.0f} ms/edit)")
    return f
def rss(rs):
    v = sorted(r["peak_rss_mib"] for r in rs)
    return f"{v[-1]} MiB (starts: {', '.join(str(x) for x in v)})"
def load(rs):
    return "; ".join(" ".join(r["load"]) for r in rs)
for name, fn in (("startup (spawn -> first 200 of /)", startup),
                 ("body edit -> served", edit("body")),
                 ("title edit -> section listing", edit("title")),
                 ("server peak RSS", rss),
                 ("load average at the end of each start", load)):
    print(f"| {name} | " + " | ".join(cell(t, fn) for t in themes) + " |")
EOF
