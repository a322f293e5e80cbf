# candor: the three entry points. `make demo`, `make test`, `make bench`.
JOBS ?= 2
RELEASE := build/release
ASAN := build/asan
CMAKE_COMMON := -G Ninja -DCANDOR_WERROR=ON

.PHONY: demo test bench bootstrap release asan format tidy clean

bootstrap:
	@scripts/bootstrap

$(RELEASE)/build.ninja: | bootstrap
	@cmake -S . -B $(RELEASE) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release >/dev/null

$(ASAN)/build.ninja: | bootstrap
	@cmake -S . -B $(ASAN) $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DCANDOR_SANITIZE=ON >/dev/null

release: bootstrap $(RELEASE)/build.ninja
	@cmake --build $(RELEASE) -j $(JOBS)

asan: bootstrap $(ASAN)/build.ninja
	@cmake --build $(ASAN) -j $(JOBS)

demo: release
	$(RELEASE)/candor demo

# Both builds, always -Werror; every suite through ctest. The sanitizer build runs
# the unit tests (label "unit"); the Release build runs everything.
test: release asan
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest -L unit --output-on-failure -j $(JOBS)
	cd $(RELEASE) && ctest --output-on-failure -j $(JOBS)

bench: bootstrap
	@scripts/bootstrap --bench
	@cmake -S . -B build/bench $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DCANDOR_BUILD_TESTS=OFF -DCANDOR_BUILD_BENCH=ON >/dev/null
	@cmake --build build/bench -j $(JOBS)
	bench/run

format:
	@find src tests bench -name '*.cc' -o -name '*.h' -o -name '*.cpp' | xargs clang-format -i

tidy:
	@run-clang-tidy -p $(RELEASE) -quiet src/

clean:
	rm -rf build
