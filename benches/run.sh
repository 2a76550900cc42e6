#!/usr/bin/env bash
# Build-time benchmark: bangtin side by side with Hugo (and Zola when a `zola` binary is on PATH)
# on the same generated corpus, plus the floor (read + Markdown + write, walk + hash).
#
#   bash benches/run.sh [--pages 1000,10000] [--runs 5] [--scale] [--no-build] [--no-write]
#
#   --pages LIST   corpus sizes (default 1000,10000)
#   --scale        also 50,000 pages (the linear-scaling check; adds several minutes)
#   --runs N       timed runs per command (default 5); the median is reported
#   --no-build     use target/release/bangtin as it is (default: cargo build --release first)
#   --bangtin BIN  time this bangtin binary instead (implies --no-build)
#   --no-write     print the table only; leave BENCHMARKS.md alone
#   --work DIR     work folder (default ${TMPDIR:-/tmp}/bangtin-bench); corpora are kept there
#   --out DIR      where the builds write (default WORK/out); e.g. /dev/shm/bangtin-bench to
#                  take the disk out of the figures (the disk of a shared VM is the noisiest part)
#
# Needs: python3, cargo, and (installed with apt-get when missing) hugo, hyperfine, time.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCHES="$REPO/benches"
PAGES="1000,10000"
RUNS=5
BUILD=1
WRITE=1
WORK="${TMPDIR:-/tmp}/bangtin-bench"

while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --scale) SCALE=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --bangtin) BIN="$2"; BUILD=0; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    --work) WORK="$2"; shift 2 ;;
    --out) OUTROOT="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "${SCALE:-0}" = 1 ]; then PAGES="$PAGES,50000"; fi
# shellcheck source=benches/common.sh
. "$BENCHES/common.sh"
need_generator

# --- tools -------------------------------------------------------------------------------------
need_apt=()
command -v hugo >/dev/null || need_apt+=(hugo)
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
apt_install "${need_apt[@]}"
HAVE_ZOLA=0
command -v zola >/dev/null && HAVE_ZOLA=1

OUTROOT="${OUTROOT:-$WORK/out}"
mkdir -p "$WORK/bin" "$WORK/results" "$OUTROOT"
RES="$WORK/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RES"

# --- binaries ----------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  log "cargo build --release (bangtin)"
  (cd "$REPO" && cargo build --release --bin bangtin)
fi
# A private copy: other builds of the shared target/ folder cannot swap it mid-run.
cp "${BIN:-$REPO/target/release/bangtin}" "$WORK/bin/bangtin"
BANGTIN="$WORK/bin/bangtin"
log "cargo build --release (benches/floor, its own workspace)"
cargo build --release --quiet --manifest-path "$BENCHES/floor/Cargo.toml" --target-dir "$WORK/floor-target"
FLOOR="$WORK/floor-target/release/bangtin-bench-floor"

{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  if [ -n "${BIN:-}" ]; then
    echo "commit=${BANGTIN_COMMIT:-given binary $(basename "$BIN")}"
  else
    echo "commit=$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$REPO" && [ -n "$(git status --porcelain -- src components Cargo.toml Cargo.lock 2>/dev/null)" ] && echo ' (with uncommitted changes)' || true)"
  fi
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
  echo "mem=$(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
  echo "hugo=$(hugo version | cut -d' ' -f1-2)"
  echo "hyperfine=$(hyperfine --version)"
  echo "zola=$([ $HAVE_ZOLA = 1 ] && zola --version || echo 'not on PATH')"
  echo "runs=$RUNS"
  echo "outfs=$(df --output=fstype "$OUTROOT" | tail -1)"
} > "$RES/env"

# --- corpora and sites -------------------------------------------------------------------------
theme_site() { # theme-dir corpus-dir site-dir
  rm -rf "$3"; mkdir -p "$3"
  cp -r "$1/." "$3/"
  cp -r "$2/content" "$3/content"
  [ ! -d "$2/static" ] || cp -r "$2/static" "$3/"
}

# /usr/bin/time appends "wall user sys maxrss_kb" per run to a file: every run of hyperfine gives
# all four figures, and the report takes the median of each.
timed() { # label command...
  local f="$CUR/$1.time"; shift
  printf '/usr/bin/time -f "%%e %%U %%S %%M" -a -o %q %s' "$f" "$*"
}
bench() { # label prepare warmup command
  local label="$1" prepare="$2" warm="$3" cmd="$4"
  : > "$CUR/$label.time"
  local args=(--runs "$RUNS" --warmup "$warm" --export-json "$CUR/$label.json" --style basic)
  [ -n "$prepare" ] && args+=(--prepare "$prepare")
  hyperfine "${args[@]}" -n "$label" "$(timed "$label" "$cmd")" | grep -E "Time|Range" || true
  # Warmup runs were appended too: keep the timed runs only.
  if [ "$warm" -gt 0 ]; then tail -n "$RUNS" "$CUR/$label.time" > "$CUR/$label.t" && mv "$CUR/$label.t" "$CUR/$label.time"; fi
}
out_meta() { # label out-dir
  { printf 'bytes=%s\n' "$(find "$2" -type f ! -name '.*' -printf '%s\n' | awk '{s+=$1} END {print s+0}')"
    printf 'files=%s\n' "$(find "$2" -type f ! -name '.*' | wc -l)"
    printf 'html=%s\n' "$(find "$2" -type f -name '*.html' | wc -l)"; } > "$CUR/$1.out"
}

IFS=',' read -r -a SIZES <<< "$PAGES"
for N in "${SIZES[@]}"; do
  CUR="$RES/$N"; mkdir -p "$CUR"
  log "corpus: $N pages"
  CZ="$(corpus "$N" zola)"; CH="$(corpus "$N" hugo)"
  S="$WORK/sites/$N"; O="$OUTROOT/$N"; mkdir -p "$S" "$O"
  theme_site "$BENCHES/themes/bangtin" "$CZ" "$S/bangtin"
  theme_site "$BENCHES/themes/hugo" "$CH" "$S/hugo"
  [ $HAVE_ZOLA = 1 ] && theme_site "$BENCHES/themes/zola" "$CZ" "$S/zola"
  { printf 'bytes=%s\n' "$(find "$CZ/content" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')"
    printf 'date=%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf 'files=%s\n' "$(find "$CZ/content" -name '*.md' | wc -l)"; } > "$CUR/input"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$CUR/input"
  WARM=1; [ "$N" -ge 10000 ] && WARM=0

  log "$N pages: bangtin, clean build"
  bench bangtin "rm -rf $O/bangtin" "$WARM" "$BANGTIN --root $S/bangtin build --output $O/bangtin >/dev/null 2>&1"
  out_meta bangtin "$O/bangtin"
  log "$N pages: bangtin, no-change rebuild (same output folder)"
  bench bangtin-rebuild "" 1 "$BANGTIN --root $S/bangtin build --output $O/bangtin >/dev/null 2>&1"

  log "$N pages: hugo, clean build"
  bench hugo "rm -rf $O/hugo" "$WARM" "hugo --source $S/hugo --destination $O/hugo --quiet >/dev/null 2>&1"
  out_meta hugo "$O/hugo"
  if [ $HAVE_ZOLA = 1 ]; then
    log "$N pages: zola, clean build"
    bench zola "rm -rf $O/zola" "$WARM" "zola --root $S/zola build --output-dir $O/zola >/dev/null 2>&1"
    out_meta zola "$O/zola"
  fi

  log "$N pages: floor"
  find "$O/bangtin" -type f ! -name '.*' -printf '%s\t%P\n' > "$CUR/manifest.tsv"
  bench floor-io "rm -rf $O/floor" "$WARM" "$FLOOR io $S/bangtin/content $CUR/manifest.tsv $O/floor"
  bench floor-md "" "$WARM" "$FLOOR md $S/bangtin/content"
  bench floor-full "rm -rf $O/floor" "$WARM" "$FLOOR full $S/bangtin/content $CUR/manifest.tsv $O/floor"
  bench floor-hash "" 1 "$FLOOR hash $S/bangtin"
  rm -rf "$O/floor"
  echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$CUR/input"
done

log "report"
ARGS=("$RES")
[ "$WRITE" = 1 ] && ARGS+=(--write "$REPO/BENCHMARKS.md")
python3 "$BENCHES/report.py" "${ARGS[@]}"
echo "raw results: $RES"
