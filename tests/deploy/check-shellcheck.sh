#!/usr/bin/env bash
# Runs shellcheck (and bash -n) on every shell script of the repository: the tracked ones and the
# untracked ones not ignored by git (other work in progress under scripts/ included), found by a
# .sh name or a sh/bash shebang.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

if ! command -v shellcheck >/dev/null 2>&1; then
    echo "shellcheck is not installed: apt-get install shellcheck" >&2
    exit 1
fi

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t candidates < <(git ls-files --cached --others --exclude-standard)
else # an export without .git: every file but the generated ones
    mapfile -t candidates < <(find . -type f -not -path './.git/*' -not -path './node_modules/*' \
        -not -path './build/*' -not -path './build-*' | sed 's|^\./||')
fi

scripts=()
for file in "${candidates[@]}"; do
    [[ -f $file ]] || continue # deleted in the work tree
    case "$file" in
        node_modules/* | build/* | build-*/*) continue ;;
    esac
    if [[ $file == *.sh ]] || head -n 1 -- "$file" 2>/dev/null | grep -Eq '^#!.*(/|env )(ba|da)?sh\b'; then
        scripts+=("$file")
    fi
done

if ((${#scripts[@]} == 0)); then
    echo "no shell script found (expected at least scripts/make-env.sh)" >&2
    exit 1
fi

status=0
for script in "${scripts[@]}"; do
    if head -n 1 -- "$script" | grep -q bash && ! bash -n -- "$script"; then
        status=1
    fi
done
printf 'shellcheck %s\n' "${scripts[@]}"
shellcheck --external-sources -- "${scripts[@]}" || status=1
exit "$status"
