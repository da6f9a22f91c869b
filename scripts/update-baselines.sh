#!/bin/sh
# Refresh the regression baselines (test/regression/baselines/*.json) deliberately, after a
# change that is meant to move results. Runs every test/regression/configs/*.yaml through the
# CLI and rewrites only the baselines whose results moved (or are missing); then shows what
# changed. Review the diff and commit it with a message saying why the numbers moved.
set -eu
cd "$(dirname "$0")/.."
npm run build --silent
UPDATE_BASELINES=1 node --test dist/test/regression/
git status --short test/regression/baselines
git diff --stat test/regression/baselines
