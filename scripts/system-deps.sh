#!/usr/bin/env bash
# Installs the system libraries WeasyPrint needs (Pango, HarfBuzz, fontconfig) and the
# fonts the briefings use (DejaVu; WenQuanYi Micro Hei for Chinese), when they are missing. Debian/Ubuntu with apt and root only;
# elsewhere it prints what to install and leaves the rest to the user.
set -euo pipefail

need=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so' || need+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || need+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz.so' || need+=(libharfbuzz0b)
# Without harfbuzz-subset WeasyPrint 70 falls back to fontTools and warns on import.
have_lib 'libharfbuzz-subset.so' || need+=(libharfbuzz-subset0)
have_lib 'libfontconfig.so' || need+=(libfontconfig1)
fc-list 2>/dev/null | grep -qi 'DejaVu Serif' || need+=(fonts-dejavu-core fonts-dejavu-extra)
# CJK glyphs, so Chinese quotes print as text instead of empty boxes.
fc-list 2>/dev/null | grep -qiE 'WenQuanYi|Noto (Sans|Serif) CJK' || need+=(fonts-wqy-microhei)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing system packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "briefing needs these system packages (WeasyPrint): ${need[*]}" >&2
  echo "install them with your package manager (as root: apt-get install ${need[*]}) and run make again" >&2
  exit 1
fi
