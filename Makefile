# naner — see README.md. Every target works on a fresh Debian 12 machine as root.
PREFIX ?= /usr/local
SWIFT ?= swift
# Release builds carry the Swift runtime inside the binary: it starts faster and runs
# on a machine with no Swift toolchain (only libgit2 is needed).
RELEASE_FLAGS ?= --static-swift-stdlib
# Debian packages: libgit2 to build; git as the tests' oracle; servers for the sync tests;
# hyperfine and GNU time for the bench; python3 for the test-home generator.
DEB_PACKAGES := libgit2-dev pkg-config git lighttpd apache2-utils openssh-server hyperfine time python3

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

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS)

test: build
	$(SWIFT) build --build-tests
	NANER_BIN="$$($(SWIFT) build --show-bin-path)/naner" $(SWIFT) test --skip-build --disable-swift-testing

demo: release
	Tests/tools/demo "$$($(SWIFT) build -c release $(RELEASE_FLAGS) --show-bin-path)/naner"

bench: release
	Tests/tools/bench "$$($(SWIFT) build -c release $(RELEASE_FLAGS) --show-bin-path)/naner"

install: release
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 "$$($(SWIFT) build -c release $(RELEASE_FLAGS) --show-bin-path)/naner" "$(DESTDIR)$(PREFIX)/bin/naner"

clean:
	rm -rf .build
