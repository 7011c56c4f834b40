#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real: bubblewrap (the sandbox), python3 (tests
# of generated Python), util-linux's prlimit (sandbox limits) and prometheus (scrapes `agentmesh serve`
# in test/prometheus.test.ts) and chromium (the dashboard's browser tests, driven by playwright-core). Quiet and instant when all are there. Without apt-get or root it warns in
# one line and carries on; the tests that need a missing one then skip with the reason.
set -u

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
[ -x /usr/bin/python3 ] || missing+=(python3)
[ -x /usr/bin/prlimit ] || missing+=(util-linux)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1 || [ "${EUID}" -ne 0 ]; then
  echo "warning: missing ${missing[*]} (no apt-get or not root); tests that need them will be skipped. Install: apt-get install ${missing[*]}" >&2
  exit 0
fi

echo "installing test packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; }; then
  echo "warning: could not install ${missing[*]}; tests that need them will be skipped" >&2
fi
exit 0
