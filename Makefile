# reportgen: every target is a thin wrapper over the `reportgen` console script.
# First use creates .venv and installs the pinned dependencies (requirements.lock);
# later runs reuse it.

SHELL   := /bin/bash
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
FONTS   := $(VENV)/.fonts-checked
SYSTEM  := $(VENV)/.system-checked
PERIOD  ?=
YEAR    ?=
INPUTS  ?= inputs
OUTPUTS ?= outputs
NUMBER  ?=
DATE    ?=
HOST    ?= 127.0.0.1
PORT    ?= 8000
BASE_URL ?= http://$(HOST):$(PORT)
RENEW   ?=
DRAFT   ?=
ALLOW_CHANGED_INPUTS ?=
REPAIR  ?=
TRUST   ?=
SIGNER_CERT ?=
AGENCY_CERT ?=

YEAR_ARG = $(if $(strip $(YEAR)),--year "$(YEAR)")
DRAFT_ARG = $(if $(strip $(DRAFT)),--draft "$(DRAFT)")
ALLOW_ARG = $(if $(filter 1 yes true,$(ALLOW_CHANGED_INPUTS)),--allow-changed-inputs)
REPAIR_ARG = $(if $(filter 1 yes true,$(REPAIR)),--repair)
TRUST_ARG = $(if $(strip $(TRUST)),--trust "$(TRUST)")
# certificates only: passwords and PINs come from SIGNER_PASSWORD / AGENCY_PASSWORD or a prompt
SIGN_ARGS = $(if $(strip $(SIGNER_CERT)),--signer-cert "$(SIGNER_CERT)") $(if $(strip $(AGENCY_CERT)),--agency-cert "$(AGENCY_CERT)")
RG       = $(BIN)/reportgen

.PHONY: report forms archive check plan bench test verify-archive sample clean help office serve links

help:
	@echo "make report PERIOD=6m [YEAR=2024] [INPUTS=inputs] [OUTPUTS=outputs]"
	@echo "make forms PERIOD=q3 | make archive PERIOD=6m NUMBER=45 DATE=2024-06-12 | make plan YEAR=2024"
	@echo "make serve [HOST=0.0.0.0] [PORT=8000] | make links [BASE_URL=http://192.168.1.10:8000] [RENEW=QLDT]"
	@echo "make check PERIOD=6m [DRAFT=du-thao.docx] | make verify-archive [REPAIR=1] [TRUST=goc.pem]"
	@echo "make archive ... [DRAFT=du-thao.docx] [ALLOW_CHANGED_INPUTS=1]"
	@echo "make test | make bench"

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Cài đặt môi trường Python (.venv), chỉ lần đầu..."
	@$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $(STAMP)

$(FONTS): tools/ensure-fonts.sh tools/ensure-system.sh | $(STAMP)
	@bash tools/ensure-fonts.sh
	@touch $(FONTS)

# Everything the tests need from the system (LibreOffice, Chromium, SoftHSM,
# poppler, fonts, HarfBuzz): installed when missing and possible, else an error.
$(SYSTEM): tools/ensure-system.sh | $(STAMP)
	@bash tools/ensure-system.sh
	@touch $(SYSTEM)

define need
	@test -n "$($(1))" || { echo "LỖI: thiếu $(1)=... ($(2))" >&2; exit 2; }
endef

report: $(STAMP) $(FONTS)
	$(call need,PERIOD,q1 | 6m | q3 | year)
	@$(RG) report --period "$(PERIOD)" $(YEAR_ARG) --inputs "$(INPUTS)" --outputs "$(OUTPUTS)"

forms: $(STAMP)
	$(call need,PERIOD,q1 | 6m | q3 | year)
	@$(RG) forms --period "$(PERIOD)" $(YEAR_ARG) --inputs "$(INPUTS)" --outputs "$(OUTPUTS)"

# LibreOffice Writer for archive and check (installed through apt when possible).
office:
	@bash tools/ensure-libreoffice.sh

archive: $(STAMP) $(FONTS) office
	$(call need,PERIOD,q1 | 6m | q3 | year)
	$(call need,NUMBER,số văn bản, ví dụ NUMBER=45)
	$(call need,DATE,ngày ban hành YYYY-MM-DD, ví dụ DATE=2024-06-12)
	@$(RG) archive --period "$(PERIOD)" --number "$(NUMBER)" --date "$(DATE)" $(YEAR_ARG) $(DRAFT_ARG) $(ALLOW_ARG) $(SIGN_ARGS) --inputs "$(INPUTS)" --outputs "$(OUTPUTS)"

check: $(STAMP) $(FONTS) office
	$(call need,PERIOD,q1 | 6m | q3 | year)
	@$(RG) check --period "$(PERIOD)" $(YEAR_ARG) $(DRAFT_ARG) --inputs "$(INPUTS)" --outputs "$(OUTPUTS)"

verify-archive: $(STAMP)
	@$(RG) verify-archive $(REPAIR_ARG) $(TRUST_ARG) --outputs "$(OUTPUTS)"

plan: $(STAMP) $(FONTS)
	@$(RG) plan $(YEAR_ARG) --inputs "$(INPUTS)" --outputs "$(OUTPUTS)"

# The departments' collection page on the office network (HOST=0.0.0.0), until Ctrl-C.
serve: $(STAMP) $(FONTS)
	@$(RG) serve --host "$(HOST)" --port "$(PORT)" --inputs "$(INPUTS)" --outputs "$(OUTPUTS)"

# One link per department and one for the Văn phòng (printed once); RENEW=CODE makes one anew.
links: $(STAMP)
	@$(RG) links $(YEAR_ARG) --inputs "$(INPUTS)" --base-url "$(BASE_URL)" --renew "$(RENEW)"

bench: $(STAMP) $(FONTS)
	@$(RG) bench

test: $(STAMP) $(FONTS) $(SYSTEM)
	@$(BIN)/python -m pytest

# Regenerate the embedded sample inputs (seeded: the same files each time).
sample: $(STAMP)
	@$(BIN)/python tools/make_sample.py

clean:
	rm -rf $(OUTPUTS) .pytest_cache
