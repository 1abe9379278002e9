# Jinhui — the two commands a newcomer needs are `make run` and `make test`.
GO ?= go

.PHONY: run test vet bench bench-load bench-pairing build

## run: start the whole platform on embedded defaults (add JINHUI_DEMO=1 for the demo)
run:
	$(GO) run ./services/cmd/jinhui

## test: vet and run every test (uses REDIS_URL when set, embedded miniredis otherwise)
test: vet
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

build:
	$(GO) build -o bin/jinhui ./services/cmd/jinhui

## bench-load: load the full-scale demo (10,288 elders, 21,087 volunteers) into a fresh embedded store
bench-load:
	$(GO) run ./services/demo/cmd/demoload -scale full

## bench-pairing: OR-Library and province instances through the optimiser
bench-pairing:
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchtime 1x ./services/pairing/solver/

bench: bench-load bench-pairing
