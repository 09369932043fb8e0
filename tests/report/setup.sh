#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Installs what `make report-check` needs and is missing: Debian's chromium
# (the headless browser that renders the report) and python3 (the PNG
# checker uses its standard library only). Run as root; prints what it did.
set -eu
need=""
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
	need="$need chromium"
fi
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -z "$need" ]; then
	echo "report-check setup: chromium and python3 are installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "report-check setup: needs root to install:$need" >&2
	exit 1
fi
echo "report-check setup: installing$need"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y $need
