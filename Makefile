# The two commands a newcomer needs (see README):
#   make run    install what batuta needs, build it (Release) with the web app, start it
#   make test   install what tests need, build the ASan+UBSan test configuration, run everything
.PHONY: run test build web release debug lint bench clean

JOBS ?= $(shell nproc)

run: release
	./build/release/app/batuta serve

test:
	scripts/test

web:
	scripts/setup
	cd web && npm run build

release: web
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

debug:
	cmake --preset debug
	cmake --build --preset debug -j $(JOBS)

lint: debug
	cmake --build build/debug --target lint

bench: release
	scripts/setup --bench
	bench/http_bench.sh build/release/app/batuta
	build/release/bench/router_bench
	build/release/bench/engine_bench
	build/release/bench/schedule_bench
	bench/sse_bench.sh build/release/app/batuta build/release/bench/sse_client
	bench/export_bench.sh build/release/bench/export_bench
	bench/data_api_bench.sh build/release/app/batuta

clean:
	rm -rf build web/dist
