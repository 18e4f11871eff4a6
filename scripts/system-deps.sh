#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing: qpdf (the PDF checks),
# chromium and chromium-driver (the browser tests), openssl and curl (the HTTPS test makes a
# certificate and fetches a page), libxml2-utils (xmllint validates the QTI export against the
# vendored QTI 3.0 XSDs), python3-venv (scripts/api-fuzz.sh installs schemathesis from PyPI in a
# virtual environment). Does nothing when all are there.
set -euo pipefail

missing=()
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3 python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_ apt-get update -qq
  $sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Versions for the log. No pipeline: under pipefail, `qpdf --version | head -1` let qpdf die of
# SIGPIPE when head exited first (exit 141 at random).
first_line() { local out; out=$("$@" 2>/dev/null || true); printf '%s\n' "${out%%$'\n'*}"; }
first_line qpdf --version
first_line chromium --version
first_line chromedriver --version
first_line sh -c 'xmllint --version 2>&1'
first_line python3 --version
