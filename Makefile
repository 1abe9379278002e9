# Jinhui — the two commands a newcomer needs are `make run` and `make test`.
GO ?= go

.PHONY: run test test-scale vet bench bench-load bench-pairing bench-county build test-web browser screenshots docs-screenshots console

## run: start the whole platform on embedded defaults (add JINHUI_DEMO=1 for the demo)
run:
	$(GO) run ./services/cmd/jinhui

# The browser tests' binary spends its time waiting for Chromium (a process
# of its own), so make test runs one package more at once than the machine
# has cores: on 2 cores, 97-100 s where -p 2 took 106-112 (issue 19).
TEST_P ?= $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2) + 1 )))

## test: vet and run every test (uses REDIS_URL when set, embedded miniredis otherwise). The
## runner (services/cmd/testrun) keeps the test binaries in bin/test and relinks only those whose
## code changed, where go test relinked all 37 each run (about 40 CPU-s on 2 cores); it runs them
## as go test -count=1 would, the browser tests first. One package: go test -count=1 ./services/visit/
test: vet
	$(GO) run ./services/cmd/testrun -go $(GO) -p $(TEST_P) -parallel 4 -timeout 25m ./web/e2e/ ./...

## test-scale: the province on several processes: builds the binary, starts a FerretDB server, migrate,
## 2 api, 2 worker, 2 schedulers and two demo loaders against REDIS_URL (or an embedded Redis); about a minute
test-scale:
	TEST_SCALE=1 $(GO) test -tags scale -count=1 -v -run TestScale ./services/platform/scaletest/

vet:
	$(GO) vet ./...
	$(GO) vet -tags scale ./services/platform/scaletest/

## test-web: the web app's tests: asset server, then the browser journeys in headless Chromium (skipped without it)
test-web:
	$(GO) test -count=1 ./web/...

## console: rebuild the organizer console (Vue 3 + Element Plus, sources in web/console) into web/static/console; commit the result
console:
	cd web/console && npm ci && npm run build

## browser: install Debian's Chromium headless shell and a Chinese font for the browser tests (root; CI does this in .ci/run)
browser:
	@command -v chromium-headless-shell >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || \
	  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell fonts-wqy-microhei >/dev/null; }

## screenshots: the browser tests, saving a screenshot of every page they pass through in artifacts/screenshots
## (make test saves only failures')
screenshots:
	JINHUI_SCREENSHOTS=1 $(GO) test -count=1 ./web/e2e/

## docs-screenshots: refresh the README's screenshots in web/docs
docs-screenshots:
	JINHUI_DOCS_SCREENSHOTS=1 $(GO) test -count=1 -run 'TestOrganizerJourney|TestVolunteerJourney|TestPairAndVisitJourney' ./web/e2e/

build:
	$(GO) build -o bin/jinhui ./services/cmd/jinhui

## bench-load: load the full-scale demo (10,288 elders, 21,087 volunteers) into a fresh embedded store
bench-load:
	$(GO) run ./services/cmd/demoload -scale full

## bench-pairing: OR-Library and province instances through the optimiser
bench-pairing:
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchtime 1x ./services/pairing/solver/

## bench-county: issue 16's figures on the embedded default (demo pair+plan, confirm 108, import check, list pages, SMS rate)
bench-county:
	$(GO) run ./services/cmd/benchcounty $(BENCH_FLAGS)
	$(GO) run ./services/cmd/visitbench -n 1000 -rate 50 send

bench: bench-load bench-pairing
