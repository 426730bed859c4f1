# Granary: `make run` starts it with embedded defaults, `make test` runs every test.
# Both check (and on Debian/Ubuntu, as root, install) their prerequisites first.

SHELL := /bin/bash
MVN := mvn -B
VERSION := $(shell sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)

.PHONY: all build test run bench torture fuzz package package-test clean deps format

all: build

## build: compile every module and lay out the runtime classpath (no tests)
build:
	@scripts/deps.sh build
	$(MVN) -q -DskipTests package

## format: rewrite every Java source in the project's style (google-java-format); every build
## checks it (spotless:check at validate) and fails on a file that differs
format:
	$(MVN) -q spotless:apply

## deps: install or check what the tests need
deps:
	@scripts/deps.sh test

## test: every unit and integration test; fails if none ran (or, in CI, if any skipped)
test: deps
	@rm -rf */target/surefire-reports */target/failsafe-reports
	$(MVN) verify
	@scripts/check-test-reports.sh

## fuzz: the NBD decoders under Jazzer, FUZZ_SECONDS per fuzz test (docs/fuzzing.md); fails on
## any finding, which it leaves next to the seeds for the regression tests
FUZZ_SECONDS ?= 300
fuzz:
	@scripts/deps.sh fuzz
	scripts/fuzz.sh $(FUZZ_SECONDS)

## run: granaryd in the foreground with embedded defaults (data under ./var); Ctrl-C stops it
run:
	@scripts/deps.sh run
	@[[ -f appliance/target/granary-appliance-$(VERSION).jar ]] || $(MAKE) --no-print-directory build
	bin/granaryd

## bench: Granary side by side with its peers; prints the table kept in BENCHMARKS.md
bench:
	@scripts/deps.sh bench
	scripts/bench.sh

## torture: kill -9 granaryd under writers, snapshots, clones and gc, CYCLES times (default 50),
## on a local pool and on one in a bucket (s3proxy killed and restarted too), checking every
## acknowledged byte and a clean scrub after each restart; prints a summary
CYCLES ?= 50
torture: deps
	$(MVN) -q verify -pl appliance -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dit.test=TortureIT -Dfailsafe.failIfNoSpecifiedTests=false -Dgranary.torture.cycles=$(CYCLES)

## package: dist/granary_VERSION_all.deb and dist/granary-VERSION-RELEASE.noarch.rpm (jdeb and
## rpm-maven-plugin in the packaging module's "packages" profile)
package:
	@scripts/deps.sh package
	rm -rf packaging/target dist
	$(MVN) -q -DskipTests -Ppackages package
	@mkdir -p dist
	cp packaging/target/granary_*_all.deb packaging/target/rpm/granary/RPMS/noarch/granary-*.noarch.rpm dist/
	@ls -l dist

## package-test: checks the packages: contents, lintian, the rpm in a scratch root, the systemd
## unit, and the deb installed, run and purged in a Debian 12 chroot (scripts/package-test.sh)
package-test: package
	@scripts/deps.sh package-test
	scripts/package-test.sh

clean:
	$(MVN) -q clean
	rm -rf dist
