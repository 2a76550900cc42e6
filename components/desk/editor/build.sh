#!/bin/sh
# Bundles the desk's browser code (src/main.js and the modules it imports) with CodeMirror 6
# (pinned in package-lock.json) into ../assets/desk.js, which is committed so that
# `cargo build` never needs Node. Run it after changing src/ or the versions:
#   sh components/desk/editor/build.sh
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx esbuild src/main.js --bundle --minify --format=iife --target=es2020 --legal-comments=eof \
  --banner:js="/* Built by components/desk/editor/build.sh from components/desk/editor/src (MIT), with CodeMirror 6 and Lezer (MIT; versions in package-lock.json). Do not edit by hand. */" \
  --outfile=../assets/desk.js
ls -l ../assets/desk.js
