#!/usr/bin/env bash
# The test suite's time against an older commit's, run back to back on this machine (docs/development/tests.md,
# "Parallel runs"): the machine's speed changes from hour to hour, so only suites run side by side in time compare.
#
#   bin/suite_speed.sh 81cce0d [rounds]
#
# Each round runs this tree as `make test` does (`pytest -n auto --dist worksteal`), then the old commit, from a
# worktree under /tmp with this tree's .venv and node_modules, each on a database of its own. OLD_ARGS is how the
# old suite runs (default: as this one; `-p no:xdist` for a commit older than the parallel runs). Prints each run's
# pytest summary and the ratio. SUITE_ARGS limits both runs (e.g. SUITE_ARGS=tests/test_xlsx.py to try the script).
# The .venv installs this tree in editable mode, whose import hook would take this tree's packages before the old
# tree's: the old run starts with a sitecustomize that removes that hook.
set -euo pipefail

old=${1:?usage: bin/suite_speed.sh <old commit> [rounds]}
rounds=${2:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
tree=/tmp/grappe-suite-speed-$(git -C "$here" rev-parse --short "$old")
[ -d "$tree" ] || git -C "$here" worktree add --detach "$tree" "$old" >/dev/null
[ -e "$tree/node_modules" ] || ln -s "$here/node_modules" "$tree/node_modules"
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
cat >"$site/sitecustomize.py" <<'PY'
import sys

sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in getattr(finder, "__module__", "")]
PY
export DJANGO_SETTINGS_MODULE=config.settings.test
server=${DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}

seconds() { sed -nE 's/.* in ([0-9.]+)s.*/\1/p' | tail -1; }

for round in $(seq "$rounds"); do
  this_run=$(cd "$here" && DATABASE_URL=$server/grappe_speed_now .venv/bin/pytest -n auto --dist worksteal -q \
        -p no:cacheprovider ${SUITE_ARGS:-} 2>&1 | tail -1 || true)
  old_run=$(cd "$tree" && PYTHONPATH=$site:$tree DATABASE_URL=$server/grappe_speed_old "$here/.venv/bin/pytest" -q \
         -p no:cacheprovider ${OLD_ARGS:--n auto --dist worksteal} ${SUITE_ARGS:-} 2>&1 | tail -1 || true)
  a=$(seconds <<<"$this_run")
  b=$(seconds <<<"$old_run")
  echo "round $round ($(date +%H:%M)): this tree: $this_run"
  echo "round $round: $old: $old_run"
  python3 -c "print(f'round $round: ratio {float($a) / float($b):.2f} (this tree / $old)')"
done
