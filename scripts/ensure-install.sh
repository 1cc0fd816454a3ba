#!/bin/sh
# Runs before `npm start` and `npm test` with whatever node bootstrapped npm: installs the
# workspace (including the pinned Node 24) when node_modules is missing or older than the lockfile.
set -e
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "conduit: installing dependencies (npm install, from package-lock.json)…"
  # npm ci is not used: npm 11 refuses lockfiles that omit other platforms' optional packages
  # (nx, msgpackr), which npm itself writes that way on Linux.
  npm install --no-audit --no-fund --loglevel=error
fi
if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "conduit: Java and Maven are needed for the local Kafka broker; installing Debian's packages…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless maven
fi
