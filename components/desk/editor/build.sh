#!/bin/sh
# Bundles CodeMirror 6 (pinned in package-lock.json) into ../assets/editor.js, which is committed
# so that `cargo build` never needs Node. Run it after changing entry.js or the versions:
#   sh components/desk/editor/build.sh
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx esbuild entry.js --bundle \
  --banner:js="/* Built by components/desk/editor/build.sh from entry.js: CodeMirror 6 and Lezer (MIT; versions in package-lock.json). Do not edit by hand. */" --minify --format=iife --target=es2020 --legal-comments=eof \
  --outfile=../assets/editor.js
ls -l ../assets/editor.js
