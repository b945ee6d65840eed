#!/usr/bin/env bash
# LibreOffice Writer (headless) for `make archive` and `make check`: the issued
# PDF/A is made from the reviewed .docx by a real office engine. Installed through
# apt (libreoffice-writer-nogui) when missing and possible (root, Debian/Ubuntu);
# otherwise a clear message and exit status 2. `make report` does not need it.
set -u
has_office() { command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; }
has_office && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Đang cài LibreOffice Writer (libreoffice-writer-nogui) để tạo bản PDF phát hành, chỉ lần đầu..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
         && apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null 2>&1; }
fi
if ! has_office; then
  echo "LỖI: chưa cài LibreOffice (soffice). «make archive» và «make check» cần LibreOffice Writer để đọc dự thảo" >&2
  echo "  và tạo bản PDF/A phát hành từ tệp Word. Cài bằng: sudo apt-get install libreoffice-writer-nogui" >&2
  echo "  rồi chạy lại. «make report» vẫn chạy được khi chưa cài." >&2
  exit 2
fi
exit 0
