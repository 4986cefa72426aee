#!/usr/bin/env bash
# Sourced by scripts/start and scripts/test: make sure .venv exists and holds
# the project with the extras asked for ($1, e.g. "test"). Re-installs only
# when pyproject.toml changed since the last install, so repeated runs are fast.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extras="${1:-}"
python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "Siaga 112 needs Python 3.11 or newer (python3 was not found)." >&2
  exit 1
fi
"$python" - <<'PY' || { echo "Siaga 112 needs Python 3.11 or newer." >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
venv="$repo/.venv"
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating the virtual environment in .venv ..."
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
fi
stamp="$venv/.siaga-stamp"
want="$(sha256sum "$repo/pyproject.toml" | cut -d' ' -f1) extras=$extras"
have="$(cat "$stamp" 2>/dev/null || true)"
case "$have" in
  *"$want"*) ;;
  *)
    echo "Installing Siaga 112 and its dependencies into .venv ..."
    spec="$repo"
    [ -n "$extras" ] && spec="$repo[$extras]"
    log="$venv/install.log"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check -e "$spec" >"$log" 2>&1; then
      tail -n 40 "$log" >&2
      echo "Installing failed; the whole log is in .venv/install.log" >&2
      exit 1
    fi
    printf '%s\n%s\n' "$have" "$want" > "$stamp"
    ;;
esac
export PATH="$venv/bin:$PATH"
