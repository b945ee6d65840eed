#!/usr/bin/env bash
# System pieces the renderers need on a fresh machine, installed through apt when
# missing and possible (root, Debian), otherwise a clear warning:
# - a Times New Roman metric-compatible font for WeasyPrint and LibreOffice:
#   Times New Roman itself, Liberation Serif (fonts-liberation2) or Tinos
#   (fonts-croscore); the PDF renderer refuses to fall back silently to another;
# - HarfBuzz's subsetter (libharfbuzz-subset0), which WeasyPrint uses to embed
#   font subsets quickly (without it, a slow fallback and a deprecation warning).
set -u
has_font() { fc-list 2>/dev/null | grep -qiE "Times New Roman|Liberation Serif|Tinos"; }
has_hb_subset() { ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0"; }

missing=()
has_font || missing+=(fonts-liberation2)
has_hb_subset || missing+=(libharfbuzz-subset0)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Đang cài thành phần hệ thống còn thiếu: ${missing[*]}..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; }
  has_font || apt-get install -y -qq fonts-croscore >/dev/null 2>&1
  command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1
fi
if ! has_font; then
  echo "CẢNH BÁO: không có phông Times New Roman hoặc phông tương thích (Liberation Serif, Tinos)." >&2
  echo "  Cài bằng: sudo apt-get install fonts-liberation2 (hoặc fonts-croscore)." >&2
fi
if ! has_hb_subset; then
  echo "CẢNH BÁO: thiếu thư viện libharfbuzz-subset0: PDF vẫn tạo được nhưng chậm hơn." >&2
  echo "  Cài bằng: sudo apt-get install libharfbuzz-subset0" >&2
fi
exit 0
