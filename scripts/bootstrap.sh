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
# say TEXT: one progress line (on a terminal the line updates in place).
say() {
  if [ -t 1 ]; then printf '\r\033[K%s' "$1"; else printf '%s\n' "$1"; fi
}
# pip_progress LOG: pip's output goes to LOG; the terminal sees the stage,
# how many packages so far (while installing: how many of how many are in
# place, counted in site-packages), the current one and the seconds spent.
pip_progress() {
  local log="$1" line name status n=0 total=0 base=0 done_n=0 now_n=0 stage="" started=$SECONDS
  : >"$log"
  installed() { { compgen -G "$venv/lib/python*/site-packages/*.dist-info" || true; } | wc -l; }
  base=$(installed)
  while true; do
    status=0
    IFS= read -r -t 2 line || status=$?
    if [ "$status" -gt 128 ]; then # no output for 2 s: show the install moving
      if [ "$stage" = install ]; then
        now_n=$(($(installed) - base))
        if [ -t 1 ] || [ "$now_n" -ne "$done_n" ]; then # a log: only changes
          say "    installing: $now_n of $total packages in place ($((SECONDS - started)) s)"
        fi
        done_n=$now_n
      fi
      continue
    fi
    [ "$status" -ne 0 ] && [ -z "$line" ] && break
    printf '%s\n' "$line" >>"$log"
    case "$line" in
      "Collecting "*)
        n=$((n + 1)); name="${line#Collecting }"; name="${name%% *}"; stage=collect
        if [ -t 1 ] || [ $((n % 10)) -eq 1 ]; then
          say "    resolving and downloading: $n packages so far ($name, $((SECONDS - started)) s)"
        fi ;;
      *"Installing build dependencies"*)
        [ "$stage" = build-deps ] || say "    preparing the build tools ($((SECONDS - started)) s)"
        stage=build-deps ;;
      "Building wheels for collected packages"*)
        stage=wheels; say "    building wheels ($((SECONDS - started)) s)" ;;
      "Installing collected packages: "*)
        total=$(($(tr -cd ',' <<<"$line" | wc -c) + 1)); stage=install
        say "    installing: 0 of $total packages in place ($((SECONDS - started)) s)" ;;
      "Successfully installed"*)
        stage=done; say "    installed $total packages in $((SECONDS - started)) s" ;;
    esac
  done
  if [ -t 1 ]; then printf '\n'; fi
  return 0
}
if [ ! -x "$venv/bin/python" ]; then
  echo "==> Creating the virtual environment in .venv"
  "$python" -m venv "$venv"
  echo "    upgrading pip"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
fi
stamp="$venv/.siaga-stamp"
want="$(sha256sum "$repo/pyproject.toml" | cut -d' ' -f1) extras=$extras"
have="$(cat "$stamp" 2>/dev/null || true)"
case "$have" in
  *"$want"*) ;;
  *)
    echo "==> Installing Siaga 112 and its dependencies into .venv (first run: a few minutes)"
    spec="$repo"
    [ -n "$extras" ] && spec="$repo[$extras]"
    log="$venv/install.log"
    set +e
    "$venv/bin/python" -m pip install --progress-bar off --disable-pip-version-check -e "$spec" 2>&1 |
      pip_progress "$log"
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ]; then
      tail -n 40 "$log" >&2
      echo "Installing failed; the whole log is in .venv/install.log" >&2
      exit 1
    fi
    printf '%s\n%s\n' "$have" "$want" > "$stamp"
    ;;
esac
export PATH="$venv/bin:$PATH"
