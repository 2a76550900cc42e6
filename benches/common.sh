# Helpers shared by the benchmark scripts (sourced by benches/run.sh and benches/search.sh).
# They expect REPO (the repository root) and WORK (the work folder) to be set.

GEN="${GEN_CORPUS:-$REPO/../shared/bench/gen_corpus.py}"
# A git worktree one folder deeper (e.g. wt/NAME next to main/) finds it one level up.
[ -f "$GEN" ] || [ -n "${GEN_CORPUS:-}" ] || GEN="$REPO/../../shared/bench/gen_corpus.py"

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

# placeholder_photos DIR: the generator names photos (`/images/...jpg`) but ships none, and a
# missing photo is a build error in bangtin; empty files in DIR/static/ stand in for them (the
# benchmark configs process no images, and every generator copies the same static/ folder).
placeholder_photos() {
  python3 - "$1" <<'EOF'
import os, re, sys
root = sys.argv[1]
names = set()
for d, _, files in os.walk(os.path.join(root, "content")):
    for f in files:
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            names.update(re.findall(r"\]\((/images/[^)\s]+)\)", fh.read()))
for n in names:
    path = os.path.join(root, "static", n.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").close()
EOF
}

# corpus PAGES FLAVOR: prints the folder of the generated corpus (made once, then reused).
corpus() {
  local dir="$WORK/corpus-$2-$1"
  if [ ! -f "$dir/.done" ]; then
    rm -rf "$dir"
    python3 "$GEN" --pages "$1" --out "$dir" --flavor "$2" >/dev/null
    placeholder_photos "$dir"
    touch "$dir/.done"
  fi
  echo "$dir"
}
