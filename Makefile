# naner — see README.md. Every target works on a fresh Debian 12 machine as root.
PREFIX ?= /usr/local
SWIFT ?= swift
# Release builds carry the Swift runtime inside the binary: it starts faster and runs
# on a machine with no Swift toolchain (only libgit2 is needed). With no Swift library
# beside it to find, it carries no $ORIGIN run path either: the loader would look for
# each system library in the binary's folder first, 20 failed opens a start.
# Every module, swift-crypto's too, gets a concrete generic type's metadata from an
# accessor rather than by demangling its name (Package.swift says so for naner's own;
# a flag given here reaches the dependencies): swift-crypto's SHA-1 demangled its
# digest type at each first hash, 200,000 instructions of a diff.
# -function-sections: a section per function and global, which the release link orders
# (Package.swift, Linker/make-symbol-order).
# -static-libgcc: the unwinder the Swift runtime calls (for backtraces) is linked in, so
# libgcc_s.so is not loaded at each start: loading it, and its constructor's CPU probe
# (each CPUID a trap to the hypervisor on a virtual machine), was 0.17 ms of --version.
RELEASE_FLAGS ?= --static-swift-stdlib --disable-local-rpath \
	-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
	-Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xswiftc -Xclang-linker -Xswiftc -static-libgcc
# What `make install` builds; the tests install a debug build into a scratch folder.
# A release install drops the DWARF line tables (a third of the binary, never loaded when
# it runs); the symbol table stays, so a crash's backtrace still names its functions.
INSTALL_CONFIG ?= release
# Debian packages: libgit2 and zlib to build; git as the tests' oracle; unzip to read naner's
# zips in BackupArchiveTests; servers for the sync tests;
# lighttpd-mod-openssl and tinyproxy for the HTTPS tests (TLS, a CA of their own, a proxy);
# gnupg, openssh-client (ssh-keygen) and systemd (systemd-analyze) for signing and schedule tests;
# hyperfine and GNU time for the bench; python3 for the test-home generator; python3-venv
# for detect-secrets, the secret-corpus tests' oracle (Debian's pip refuses system installs);
# age, the reference tool naner's age files must interoperate with (AgeInteropTests); faketime
# to date the backups of Tests/tools/make-history (the prune tests and the bench's years of history).
DEB_PACKAGES := libgit2-dev zlib1g-dev pkg-config git unzip lighttpd lighttpd-mod-openssl tinyproxy openssl apache2-utils openssh-server openssh-client gnupg systemd hyperfine time python3 python3-venv age faketime
# Yelp's detect-secrets from PyPI, pinned, in a venv of its own (SecretCorpusCLITests runs it).
DETECT_SECRETS_VERSION := 1.5.0
DETECT_SECRETS := .build/tools/detect-secrets

.PHONY: all deps build release test demo bench install clean

all: build

deps:
	@missing=""; \
	for package in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@if [ "$$($(DETECT_SECRETS)/bin/detect-secrets --version 2>/dev/null)" != "$(DETECT_SECRETS_VERSION)" ]; then \
		echo "installing: detect-secrets $(DETECT_SECRETS_VERSION) into $(DETECT_SECRETS)"; \
		rm -rf $(DETECT_SECRETS) && /usr/bin/python3 -m venv $(DETECT_SECRETS) && \
		$(DETECT_SECRETS)/bin/pip install --quiet --disable-pip-version-check --no-input \
			"detect-secrets==$(DETECT_SECRETS_VERSION)"; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS)

test: build
	$(SWIFT) build --build-tests
	NANER_BIN="$$($(SWIFT) build --show-bin-path)/naner" $(SWIFT) test --skip-build --disable-swift-testing
	Tests/tools/check-install

demo: release
	Tests/tools/demo "$$($(SWIFT) build -c release $(RELEASE_FLAGS) --show-bin-path)/naner"

# The 20,000-file home, the same with 20 varying files (BENCH_VARIANTS=0 skips it), then years of daily backups
# (BENCH_HISTORY=0 skips those, BENCH_HISTORY=only runs them alone).
bench: release
	bin="$$($(SWIFT) build -c release $(RELEASE_FLAGS) --show-bin-path)/naner"; \
	if [ "$${BENCH_HISTORY:-1}" != only ]; then Tests/tools/bench "$$bin" || exit 1; fi; \
	if [ "$${BENCH_HISTORY:-1}" != only ] && [ "$${BENCH_VARIANTS:-1}" != 0 ]; then Tests/tools/bench-variants "$$bin" || exit 1; fi; \
	if [ "$${BENCH_HISTORY:-1}" != 0 ]; then Tests/tools/bench-history "$$bin"; fi

install: deps
	$(SWIFT) build -c $(INSTALL_CONFIG) $(if $(filter release,$(INSTALL_CONFIG)),$(RELEASE_FLAGS))
	bin="$$($(SWIFT) build -c $(INSTALL_CONFIG) $(if $(filter release,$(INSTALL_CONFIG)),$(RELEASE_FLAGS)) --show-bin-path)/naner"; \
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d" && \
	install -m 0755 "$$bin" "$(DESTDIR)$(PREFIX)/bin/naner" && \
	if [ "$(INSTALL_CONFIG)" = release ]; then strip --strip-debug "$(DESTDIR)$(PREFIX)/bin/naner"; fi && \
	"$$bin" --generate-completion-script bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/naner" && \
	"$$bin" --generate-completion-script zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_naner" && \
	"$$bin" --generate-completion-script fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/naner.fish"
	# The man page comes from the command definitions (swift-argument-parser's generate-manual plugin).
	$(SWIFT) package generate-manual --configuration $(INSTALL_CONFIG) > /dev/null
	install -m 0644 .build/plugins/GenerateManual/outputs/naner/naner.1 "$(DESTDIR)$(PREFIX)/share/man/man1/naner.1"

clean:
	rm -rf .build
