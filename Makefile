# nnart - build, test and install.
#
#   make            the nnart binary, libnnart.a and the unpacked MNIST data
#   make test       unit and command-line tests, on a normal and an ASan + UBSan
#                   build (CI=true: a check skipped for want of a tool fails)
#   make demo       train the default model on MNIST and evaluate it
#   make install    nnart, libnnart.a, headers, data, man pages, pkg-config file and
#                   bash completion under PREFIX (/usr/local), staged in DESTDIR
#   make uninstall  remove what make install put there
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (60) seconds, one per core at a time (needs clang)
#   make fuzz-smoke the same for 12 seconds each
#   make bench      time training and evaluation, against PyTorch if installed

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wpedantic
CPPFLAGS += -Iinclude -Isrc
LDLIBS   = -lm -lpthread
BUILD   ?= build
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL ?= install
BINDIR   = $(PREFIX)/bin
LIBDIR   = $(PREFIX)/lib
INCDIR   = $(PREFIX)/include
DATADIR  = $(PREFIX)/share/nnart
MANDIR   = $(PREFIX)/share/man
COMPDIR  = $(PREFIX)/share/bash-completion/completions
PCDIR    = $(LIBDIR)/pkgconfig
VERSION := $(shell sed -n 's/^\#define NNART_VERSION "\(.*\)"/\1/p' include/nnart.h)

# The library: the network, running it, files and pictures; the command on top.
LIB_DIRS := src/nn src/run src/files src/pictures src/page
LIB_SRC  := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
HEADERS  := $(wildcard include/*.h src/*.h src/*/*.h)
TEST_SRC := $(sort $(wildcard tests/test_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/page_assets.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:%.c=$(BUILD)/%)

MNIST := data/train-images-idx3-ubyte data/train-labels-idx1-ubyte \
         data/t10k-images-idx3-ubyte data/t10k-labels-idx1-ubyte

.PHONY: all data test check-build check-build-normal check-build-san check-aarch64 demo clean install uninstall FORCE fuzz fuzz-smoke bench
.DELETE_ON_ERROR:

all: nnart data

nnart: $(BUILD)/nnart
	cp $< $@

$(BUILD)/nnart: $(CLI_OBJ) $(BUILD)/libnnart.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libnnart.a $(LDLIBS)

$(BUILD)/libnnart.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

# The page nnart export --html writes: its markup, style sheet and script
# (src/page/digit.*) become byte arrays of a generated C file, made by a small
# tool built for the machine that runs the build (HOSTCC).
HOSTCC      ?= cc
PAGE_ASSETS := src/page/digit.html src/page/digit.css src/page/digit.js

%/tools/embed: src/page/embed/embed.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(WARN) -O2 -o $@ $<

%/gen/page_assets.c: %/tools/embed $(PAGE_ASSETS)
	@mkdir -p $(dir $@)
	$*/tools/embed $@ nni_page_html=src/page/digit.html nni_page_css=src/page/digit.css \
	    nni_page_js=src/page/digit.js

# Kept between runs: make would otherwise remove them as intermediate files.
.PRECIOUS: %/gen/page_assets.c %/tools/embed

$(BUILD)/gen/page_assets.o: $(BUILD)/gen/page_assets.c src/page/assets.h src/internal.h
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c tests/test.h tests/golden.h tests/variants.h $(BUILD)/libnnart.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $< $(BUILD)/libnnart.a $(LDLIBS)

# The bundled MNIST ships gzip-compressed; unpack it once and check the sums.
data: $(MNIST)

data/%-ubyte: data/%-ubyte.gz data/SHA256SUMS
	gzip -dc $< > $@.tmp
	cd data && echo "$$(grep ' $*-ubyte$$' SHA256SUMS | cut -d' ' -f1)  $*-ubyte.tmp" | sha256sum --quiet -c -
	mv $@.tmp $@

# Everything the tests need, in one build directory (the README's example
# program too; tests/cli_install.sh builds it again against installed files).
check-build: $(BUILD)/nnart $(TEST_BIN) $(BUILD)/tests/example

# make test builds the two configurations side by side (two jobs unless -j
# says otherwise), then runs the suite against each.  A check whose optional
# tool is missing is skipped; with CI=true a skip is a failure.
TEST_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j2)

test: data
	@$(MAKE) --no-print-directory $(TEST_JOBS) check-build-normal check-build-san
	@sh tests/run.sh build build/san

check-build-normal:
	@$(MAKE) --no-print-directory check-build BUILD=build

check-build-san:
	@$(MAKE) --no-print-directory check-build BUILD=build/san CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)"

# The portable code on another CPU: a cross build for aarch64 (no AVX
# kernels there) whose unit tests run under qemu-user, two at a time.
# Needs Debian's gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user.
AARCH64_CC ?= aarch64-linux-gnu-gcc
check-aarch64:
	$(MAKE) --no-print-directory check-build BUILD=build/aarch64 CC=$(AARCH64_CC)
	@QEMU_LD_PREFIX=/usr/aarch64-linux-gnu EXEC=qemu-aarch64 UNITS_ONLY=1 LANES=2 sh tests/run.sh build/aarch64

demo: all
	./nnart train
	./nnart evaluate

# Installing.  The installed nnart finds the bundled MNIST in $(DATADIR),
# where the .gz files go as shipped: its command-line objects are compiled
# again with NNART_DATADIR set (build/inst/), and rebuilt whenever the
# directories change (build/inst/dirs holds the last ones).
INST_OBJ := $(CLI_SRC:%.c=$(BUILD)/inst/%.o)
INST_DIRS = $(PREFIX) $(LIBDIR) $(INCDIR) $(DATADIR) $(VERSION)

$(BUILD)/inst/dirs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(INST_DIRS)' | cmp -s - $@ || echo '$(INST_DIRS)' > $@

$(BUILD)/inst/%.o: %.c $(HEADERS) $(BUILD)/inst/dirs
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DNNART_DATADIR='"$(DATADIR)"' $(WARN) $(CFLAGS) -c -o $@ $<

$(BUILD)/inst/nnart: $(INST_OBJ) $(BUILD)/libnnart.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(INST_OBJ) $(BUILD)/libnnart.a $(LDLIBS)

$(BUILD)/inst/nnart.pc: src/cli/nnart.pc.in $(BUILD)/inst/dirs
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' src/cli/nnart.pc.in > $@

install: $(BUILD)/inst/nnart $(BUILD)/libnnart.a $(BUILD)/inst/nnart.pc
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR) \
	    $(DESTDIR)$(INCDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(COMPDIR)
	$(INSTALL) -m 755 $(BUILD)/inst/nnart $(DESTDIR)$(BINDIR)/nnart
	$(INSTALL) -m 644 $(BUILD)/libnnart.a $(DESTDIR)$(LIBDIR)/libnnart.a
	$(INSTALL) -m 644 $(BUILD)/inst/nnart.pc $(DESTDIR)$(PCDIR)/nnart.pc
	$(INSTALL) -m 644 include/nn*.h $(DESTDIR)$(INCDIR)/
	$(INSTALL) -m 644 $(MNIST:=.gz) data/README.md data/SHA256SUMS $(DESTDIR)$(DATADIR)/
	$(INSTALL) -m 644 src/cli/nnart.1 $(DESTDIR)$(MANDIR)/man1/nnart.1
	$(INSTALL) -m 644 src/cli/nnart-model.5 $(DESTDIR)$(MANDIR)/man5/nnart-model.5
	$(INSTALL) -m 644 src/cli/nnart.bash $(DESTDIR)$(COMPDIR)/nnart

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nnart $(DESTDIR)$(LIBDIR)/libnnart.a $(DESTDIR)$(PCDIR)/nnart.pc \
	    $(DESTDIR)$(MANDIR)/man1/nnart.1 $(DESTDIR)$(MANDIR)/man5/nnart-model.5 \
	    $(DESTDIR)$(COMPDIR)/nnart \
	    $(addprefix $(DESTDIR)$(INCDIR)/,$(notdir $(wildcard include/nn*.h))) \
	    $(addprefix $(DESTDIR)$(DATADIR)/,$(notdir $(MNIST:=.gz)) README.md SHA256SUMS)
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

# Benchmark (tests/bench.sh): the helpers build like the test programs.
BENCH_BIN := $(BUILD)/tests/bench_run $(BUILD)/tests/bench_peak $(BUILD)/tests/bench_kernels \
             $(BUILD)/tests/bench_gzip $(BUILD)/tests/bench_deflate

bench: data $(BUILD)/nnart $(BENCH_BIN)
	@sh tests/bench.sh $(BUILD)

# Fuzzing: each tests/fuzz/fuzz_*.c is a libFuzzer target built with clang
# against the library (and the option parser), all under ASan + UBSan; the
# library objects are compiled once for all targets.
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN      = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ     := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/gen/page_assets.o

$(FUZZ_BUILD)/src/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

# The SIMD kernels read no outside data, and clang's AddressSanitizer takes
# minutes over their inlined intrinsics: the fuzz build compiles them without
# instrumentation (make test runs them under the sanitizers).
$(FUZZ_BUILD)/src/nn/kernels_%.o: src/nn/kernels_%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) -O1 -g -c -o $@ $<

$(FUZZ_BUILD)/gen/page_assets.o: $(FUZZ_BUILD)/gen/page_assets.c src/page/assets.h src/internal.h
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

.SECONDARY: $(FUZZ_OBJ) $(FUZZ_BUILD)/src/cli/args.o

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ) $(FUZZ_BUILD)/src/cli/args.o
	$(FUZZ_CC) $(CPPFLAGS) -Isrc $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) \
		$(if $(filter %/fuzz_args,$@),$(FUZZ_BUILD)/src/cli/args.o) $(LDLIBS)

fuzz: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD) $(FUZZ_BIN)

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=12

clean:
	rm -rf build nnart $(MNIST) $(MNIST:=.tmp)
