# Helpers shared by the benchmark scripts (sourced by benches/run.sh and benches/search.sh).
# They expect REPO (the repository root) and WORK (the work folder) to be set.

GEN="${GEN_CORPUS:-$REPO/../shared/bench/gen_corpus.py}"

# log MESSAGE: a section header with the time and the load average (a busy machine shows).
log() { printf '\n== %s  [%s, load %s]\n' "$*" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

# need_generator: stops with a hint when the shared corpus generator is not where expected.
need_generator() {
  if [ ! -f "$GEN" ]; then
    echo "corpus generator not found at $GEN; set GEN_CORPUS=/path/to/gen_corpus.py" >&2
    exit 2
  fi
}

# apt_install PACKAGE...: installs the Debian packages that are missing from the list given.
apt_install() {
  [ $# -gt 0 ] || return 0
  log "installing $* (Debian packages)"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y "$@" >/dev/null || {
    $sudo apt-get update >/dev/null && $sudo apt-get install -y "$@" >/dev/null; }
}

# corpus PAGES FLAVOR: prints the folder of the generated corpus (made once, then reused).
corpus() {
  local dir="$WORK/corpus-$2-$1"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    python3 "$GEN" --pages "$1" --out "$dir" --flavor "$2" >/dev/null
    touch "$dir/.done"
  fi
  echo "$dir"
}
