#!/usr/bin/env bash
# npm start: install what is missing, build, and serve the playground on 127.0.0.1.
source "$(dirname "$0")/lib.sh"
bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/serve.mjs
