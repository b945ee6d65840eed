#!/usr/bin/env bash
# What the renderers need to write a report's PDF (make report / plan / archive),
# through tools/ensure-system.sh (installed with apt when root):
# - a Times New Roman metric-compatible font for WeasyPrint and LibreOffice:
#   Times New Roman itself, Liberation Serif (fonts-liberation2) or Tinos; the
#   PDF renderer refuses to fall back to another, so without one this fails;
# - HarfBuzz's subsetter (libharfbuzz-subset0), which WeasyPrint uses to embed
#   font subsets quickly: without it the PDF is still made, slower (a warning).
# `make test` needs more (tools/ensure-system.sh with no arguments).
set -u
here="$(dirname "$0")"

if ! bash "$here/ensure-system.sh" fonts-liberation2; then
  echo "LỖI: không có phông Times New Roman hoặc phông tương thích (Liberation Serif, Tinos) để tạo PDF." >&2
  exit 1
fi
if ! bash "$here/ensure-system.sh" libharfbuzz-subset0; then
  echo "CẢNH BÁO: thiếu libharfbuzz-subset0: PDF vẫn tạo được nhưng chậm hơn." >&2
fi
exit 0
