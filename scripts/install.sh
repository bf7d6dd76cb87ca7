#!/usr/bin/env bash
# Installs what massage-coach needs into ./.venv: Debian packages where missing, then the
# Python package (with the test tools when given --test). Safe to run again: it only does
# what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--test" ] && extras="[test]"

say() { printf 'massage-coach setup: %s\n' "$*" >&2; }

python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    say "python3 is not installed; installing it with apt."
    need_python=1
else
    need_python=0
fi

# Debian and Raspberry Pi OS split venv and pip out of python3.
missing=()
if [ "$need_python" = 1 ]; then
    missing+=(python3 python3-venv)
elif ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi
# Speech out needs espeak-ng's library, sound needs PortAudio; the tests also run their own
# PulseAudio daemon as a virtual sound card (see tests/virtual_audio.py).
wanted=(espeak-ng libportaudio2)
[ -n "$extras" ] && wanted+=(pulseaudio pulseaudio-utils libasound2-plugins)
for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
        || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing ${missing[*]}, and this system has no apt-get: install them by hand."
        exit 1
    fi
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    say "installing ${missing[*]} with apt-get"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "massage-coach needs Python 3.11 or newer; this is $("$python" --version 2>&1)."
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    say "creating the virtual environment in .venv"
    "$python" -m venv .venv
fi

# Reinstall only when pyproject.toml changed since the last install of the same kind; an
# install with the test tools also serves a plain run.
stamp=".venv/.installed${extras:+-test}"
if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
    say "installing massage-coach${extras} into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
    cp pyproject.toml "$stamp"
    [ -z "$extras" ] || cp pyproject.toml .venv/.installed
fi
