# shopswitch: one Makefile (GNU make), no generated build system.

VERSION	= 0.1.0
PREFIX	?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/libexec/shopswitch
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

CC	?= cc
CFLAGS	?= -std=c11 -O2 -g -Wall -Wextra
CPPFLAGS += -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -D_FILE_OFFSET_BITS=64 -DVERSION=\"$(VERSION)\"
PKGS	= jansson libcrypto libcurl libutf8proc xlsxwriter
# Backquotes, not $(shell): `make check` installs the packages first.
PKG_CFLAGS = `pkg-config --cflags $(PKGS)`
LDLIBS	+= -lcsv `pkg-config --libs $(PKGS)` -lm

BIN = \
	tools/order-dedupe \
	tools/orders-complete \
	tools/orders-export \
	tools/orders-push \
	tools/sku-diff \
	tools/stock-push \
	tools/stock-snapshot \
	tools/workbook

# A platform is its file in lib/connectors/ and its entry in conn.c.
CONNOBJ = $(patsubst %.c,%.o,$(sort $(wildcard lib/connectors/*.c)))

LIBOBJ = \
	lib/cfg.o \
	lib/conn.o \
	$(CONNOBJ) \
	lib/htab.o \
	lib/http.o \
	lib/jscan.o \
	lib/journal.o \
	lib/key.o \
	lib/mailguard.o \
	lib/money.o \
	lib/msg.o \
	lib/opts.o \
	lib/pace.o \
	lib/rd.o \
	lib/singer.o \
	lib/tz.o \
	lib/utf8.o \
	lib/util.o \
	lib/wr.o \
	lib/xlsx.o

HDR = \
	lib/cfg.h \
	lib/conn.h \
	lib/connector.h \
	lib/htab.h \
	lib/http.h \
	lib/jscan.h \
	lib/journal.h \
	lib/key.h \
	lib/mailguard.h \
	lib/money.h \
	lib/msg.h \
	lib/opts.h \
	lib/pace.h \
	lib/rd.h \
	lib/record.h \
	lib/singer.h \
	lib/tz.h \
	lib/utf8.h \
	lib/util.h \
	lib/wr.h \
	lib/xlsx.h

UNIT = \
	tests/unit/answers \
	tests/unit/conn \
	tests/unit/htab \
	tests/unit/jscan \
	tests/unit/key \
	tests/unit/money \
	tests/unit/pace \
	tests/unit/rd

MAN1 = \
	man/order-dedupe.1 \
	man/orders-complete.1 \
	man/orders-export.1 \
	man/orders-push.1 \
	man/sku-diff.1 \
	man/stock-push.1 \
	man/stock-snapshot.1 \
	man/workbook.1
MAN7 = \
	man/shopswitch-pipelines.7 \
	man/shopswitch.7

PIPELINES = \
	pipelines/close-old-orders \
	pipelines/cutover \
	pipelines/lib.sh \
	pipelines/missed-orders \
	pipelines/nightly \
	pipelines/preflight \
	pipelines/stock-push

LIB = lib/libshopswitch.a

# libFuzzer harnesses (tests/fuzz/README): clang only, not in all or check.
FUZZ = \
	tests/fuzz/cfg \
	tests/fuzz/csv \
	tests/fuzz/json \
	tests/fuzz/key \
	tests/fuzz/page
FUZZ_CC	= clang
# Empty: each harness its own time (tests/fuzz/run).
FUZZ_SECONDS =
FUZZ_CFLAGS = -std=c11 -O1 -g -Wall -Wextra -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.SUFFIXES:

all: $(BIN)

units: $(UNIT)

%.o: %.c $(HDR)
	$(CC) $(CPPFLAGS) -Ilib $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(BIN) $(UNIT): %: %.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS)

# The connectors on canned answers (tests/fuzz/wire.h): libcurl's transfer
# and util.c's clock replaced.
WIRE_WRAP = -Wl,--wrap=curl_easy_init -Wl,--wrap=curl_easy_cleanup \
	-Wl,--wrap=curl_easy_setopt -Wl,--wrap=curl_easy_perform \
	-Wl,--wrap=curl_easy_getinfo -Wl,--wrap=mono_now \
	-Wl,--wrap=sleep_secs
tests/unit/answers: tests/fuzz/wire.o
# override: tests/sanitize gives LDFLAGS on the command line.
tests/unit/answers: override LDFLAGS += $(WIRE_WRAP)
tests/fuzz/wire.o tests/unit/answers.o: tests/fuzz/wire.h

# Install the Debian packages the build and the tests need, when root.
deps:
	@sh tests/deps build

# And those only the tests need (LibreOffice reads -o xlsx back).
check-deps: deps
	@sh tests/deps check

check: check-deps
	@$(MAKE) -s all units
	@sh tests/run

# The whole suite again under AddressSanitizer and UBSan, built in a copy.
check-sanitize: check-deps
	@sh tests/sanitize

# The whole suite again with every tool under valgrind's memcheck: slow,
# so not in check or CI.
check-valgrind: check-deps
	@$(MAKE) -s all units
	@sh tests/valgrind

demo: deps
	@$(MAKE) -s all
	@sh examples/demo

bench: deps
	@sh tests/deps bench
	@$(MAKE) -s all bench/gen
	@bash bench/run

bench/gen: bench/gen.c
	$(CC) -O2 -std=c11 -Wall -Wextra -o $@ bench/gen.c

# Each harness with the lib sources it tests, built with clang's coverage
# and sanitizers; the reader with small buffers, so short inputs cross them.
tests/fuzz/cfg: tests/fuzz/cfg.c lib/cfg.c lib/util.c
tests/fuzz/csv: tests/fuzz/csv.c lib/rd.c lib/jscan.c lib/utf8.c lib/util.c
tests/fuzz/json: tests/fuzz/json.c lib/jscan.c lib/util.c
tests/fuzz/key: tests/fuzz/key.c lib/key.c lib/utf8.c lib/util.c
# The connectors as the tools link them, on the harness's answers
# (tests/fuzz/wire.h).
tests/fuzz/page: tests/fuzz/page.c tests/fuzz/wire.c $(CONNOBJ:.o=.c) \
	lib/cfg.c lib/conn.c lib/htab.c lib/http.c lib/money.c lib/pace.c \
	lib/tz.c lib/utf8.c lib/util.c tests/fuzz/wire.h
tests/fuzz/page: FUZZ_LDFLAGS = $(WIRE_WRAP)
$(FUZZ): $(HDR)
	$(FUZZ_CC) $(CPPFLAGS) -DRD_BUFSIZE=64 -DRD_SNIFFSIZE=256 -Ilib \
	    $(PKG_CFLAGS) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) \
	    $(FUZZ_LDFLAGS) $(LDLIBS)

# Run each harness FUZZ_SECONDS (by default long enough for ten million
# inputs on an idle core) from its corpus and the test data.
fuzz: deps
	@sh tests/deps fuzz
	@$(MAKE) -s $(FUZZ)
	@sh tests/fuzz/run $(FUZZ_SECONDS)

# Fold what the last make fuzz found into the kept corpora, minimised.
fuzz-merge:
	@sh tests/fuzz/run --merge

# House style: tabs, no trailing blanks, no // comments, 80 columns.
style:
	@sh tests/style lib/*.[ch] lib/connectors/*.c tools/*.c \
	    tests/unit/*.[ch] tests/fuzz/*.c bench/*.c

lint: style
	mandoc -Tlint -W warning $(MAN1) $(MAN7)
	shellcheck -S warning tests/run tests/bats tests/deps tests/sanitize \
	    tests/valgrind tests/style \
	    tests/stub-check tests/fuzz/run examples/demo bench/run bench/api \
	    bench/push bench/bulk bench/lib.sh \
	    tests/sandbox/selftest*.sh tests/sandbox/spawn.sh tests/sandbox/env.sh \
	    $(PIPELINES) tools/shopswitch.bash

# The pipelines go beside each other (they source lib.sh), not on the
# path: one of them is named as a tool is.
install: all install-completion
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(LIBEXECDIR)
	cp -f $(BIN) $(DESTDIR)$(PREFIX)/bin/
	cp -f $(PIPELINES) $(DESTDIR)$(LIBEXECDIR)/
	cp -f $(MAN1) $(DESTDIR)$(MANPREFIX)/man1/
	cp -f $(MAN7) $(DESTDIR)$(MANPREFIX)/man7/

# The bash completion where bash-completion loads it from, by a tool's
# name: the script once, knowing where the pipelines are, and each tool's
# name a link to it.
install-completion:
	mkdir -p $(DESTDIR)$(BASHCOMPDIR)
	sed 's|^_shopswitch_libexec=.*|_shopswitch_libexec=$(LIBEXECDIR)|' \
	    tools/shopswitch.bash >$(DESTDIR)$(BASHCOMPDIR)/shopswitch
	for b in $(BIN:tools/%=%); do \
	    ln -sf shopswitch $(DESTDIR)$(BASHCOMPDIR)/$$b; done

uninstall:
	for b in $(BIN:tools/%=%); do rm -f $(DESTDIR)$(PREFIX)/bin/$$b; done
	for m in $(MAN1:man/%=%); do \
	    rm -f $(DESTDIR)$(MANPREFIX)/man1/$$m; done
	for m in $(MAN7:man/%=%); do \
	    rm -f $(DESTDIR)$(MANPREFIX)/man7/$$m; done
	for p in $(PIPELINES:pipelines/%=%); do \
	    rm -f $(DESTDIR)$(LIBEXECDIR)/$$p; done
	-rmdir $(DESTDIR)$(LIBEXECDIR)
	for b in shopswitch $(BIN:tools/%=%); do \
	    rm -f $(DESTDIR)$(BASHCOMPDIR)/$$b; done

clean:
	rm -f $(BIN) $(BIN:=.o) $(LIBOBJ) $(LIB) $(UNIT) $(UNIT:=.o) bench/gen
	rm -f $(FUZZ) tests/fuzz/wire.o
	rm -rf .sanitize .fuzz .valgrind

.PHONY: all bench check check-deps check-sanitize check-valgrind clean demo \
	deps fuzz fuzz-merge install install-completion lint style uninstall \
	units
