# Granary: `make run` starts it with embedded defaults, `make test` runs every test.
# Both check (and on Debian/Ubuntu, as root, install) their prerequisites first.

SHELL := /bin/bash
MVN := mvn -B
VERSION := $(shell sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)

.PHONY: all build test run bench package clean deps

all: build

## build: compile every module and lay out the runtime classpath (no tests)
build:
	@scripts/deps.sh build
	$(MVN) -q -DskipTests package

## deps: install or check what the tests need
deps:
	@scripts/deps.sh test

## test: every unit and integration test; fails if none ran (or, in CI, if any skipped)
test: deps
	@rm -rf */target/surefire-reports */target/failsafe-reports
	$(MVN) verify
	@scripts/check-test-reports.sh

## run: granaryd in the foreground with embedded defaults (data under ./var); Ctrl-C stops it
run:
	@scripts/deps.sh run
	@[[ -f appliance/target/granary-appliance-$(VERSION).jar ]] || $(MAKE) --no-print-directory build
	bin/granaryd

## bench: Granary side by side with its peers; prints the table kept in BENCHMARKS.md
bench:
	@scripts/deps.sh bench
	scripts/bench.sh

## package: a tarball of the runtime (deb and rpm arrive with the packaging issue)
package: build
	@scripts/deps.sh package
	asciidoctor -b manpage -D appliance/target/man appliance/target/man/*.adoc
	@mkdir -p dist
	tar -czf dist/granary-$(VERSION).tar.gz --transform 's,^,granary-$(VERSION)/,' \
	  README.md docs bin packaging/src/etc/granary.conf \
	  -C appliance/target granary-appliance-$(VERSION).jar lib man granary_completion
	@echo "built dist/granary-$(VERSION).tar.gz"

clean:
	$(MVN) -q clean
	rm -rf dist
