#!/usr/bin/env bash
# The system packages reportgen's renderers and tests need, on a Debian/Ubuntu
# machine. Each is probed by what the project uses of it (a command, a library,
# a font), so a package installed another way counts too. Missing ones are
# installed with apt when we are root (one `apt-get update` first, only then);
# otherwise, or when apt fails, the script says what is missing and how to
# install it, and exits non-zero: nothing is skipped silently.
#
#   bash tools/ensure-system.sh              # every package the tests need
#   bash tools/ensure-system.sh PKG ...      # only these (of the list below)
#
# libreoffice-writer-nogui  soffice: the .docx as another office suite opens it
# chromium, chromium-driver the review page in a browser
# softhsm2, opensc          a PKCS#11 token for signing tests (softhsm2-util, pkcs11-tool)
# poppler-utils             pdftotext, pdffonts, pdfsig, pdftoppm
# fonts-liberation2         Liberation Serif, Times New Roman's metric twin (or TNR itself, or Tinos)
# libharfbuzz-subset0       HarfBuzz's subsetter, which WeasyPrint uses to embed fonts
set -u  # no pipefail: `fc-list | grep -q` may end fc-list early (SIGPIPE)

ALL=(libreoffice-writer-nogui chromium chromium-driver softhsm2 opensc poppler-utils fonts-liberation2
     libharfbuzz-subset0)

has() { command -v "$1" >/dev/null 2>&1; }

present() {
  case "$1" in
    libreoffice-writer-nogui) has soffice || has libreoffice ;;
    chromium) has chromium || has chromium-browser ;;
    chromium-driver) has chromedriver ;;
    softhsm2) has softhsm2-util ;;
    opensc) has pkcs11-tool ;;
    poppler-utils) has pdftotext && has pdffonts && has pdfsig && has pdftoppm ;;
    fonts-liberation2) fc-list 2>/dev/null | grep -qiE "Times New Roman|Liberation Serif|Tinos" ;;
    libharfbuzz-subset0) ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0" ;;
    *) echo "tools/ensure-system.sh: gói không được biết: $1 (biết: ${ALL[*]})" >&2; return 2 ;;
  esac
}

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=("${ALL[@]}")

missing=()
for pkg in "${wanted[@]}"; do
  present "$pkg"
  case $? in
    0) ;;
    2) exit 2 ;;
    *) missing+=("$pkg") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if has apt-get && [ "$(id -u)" = 0 ]; then
  echo "Đang cài các gói hệ thống còn thiếu: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -qq || ! apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "LỖI: apt-get không cài được: ${missing[*]} (xem thông báo của apt ở trên)." >&2
    exit 1
  fi
  has fc-cache && fc-cache -f >/dev/null 2>&1
  still=()
  for pkg in "${missing[@]}"; do present "$pkg" || still+=("$pkg"); done
  missing=("${still[@]}")
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "LỖI: đã cài nhưng vẫn chưa dùng được: ${missing[*]}." >&2
  exit 1
fi

echo "LỖI: máy còn thiếu các gói hệ thống: ${missing[*]}." >&2
echo "  Cài bằng: sudo apt-get install ${missing[*]}" >&2
echo "  (hoặc chạy lại lệnh này với quyền root để tự cài: sudo bash tools/ensure-system.sh)" >&2
exit 1
