#!/usr/bin/env bash
# Make sure a Times New Roman metric-compatible font is there for WeasyPrint and
# LibreOffice: Times New Roman itself, Liberation Serif (fonts-liberation2) or
# Tinos (fonts-croscore). Installs fonts-liberation2 through apt when it can;
# otherwise warns (the PDF renderer then refuses to fall back silently).
set -u
has_font() { fc-list 2>/dev/null | grep -qiE "Times New Roman|Liberation Serif|Tinos"; }
has_font && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Đang cài phông chữ tương thích Times New Roman (fonts-liberation2)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq fonts-liberation2 >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fonts-liberation2 >/dev/null 2>&1; } \
    || apt-get install -y -qq fonts-croscore >/dev/null 2>&1
  command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1
fi
if ! has_font; then
  echo "CẢNH BÁO: không có phông Times New Roman hoặc phông tương thích (Liberation Serif, Tinos)." >&2
  echo "  Cài bằng: sudo apt-get install fonts-liberation2 (hoặc fonts-croscore)." >&2
  exit 0
fi
