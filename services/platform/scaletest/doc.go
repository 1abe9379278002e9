// Package scaletest runs the platform the way a province does: the built
// binary as separate processes (migrate, 2 api, 2 worker, schedulers)
// against a FerretDB server of its own and the machine's Redis. It runs
// with `make test-scale` (TEST_SCALE=1), which CI calls after `make test`.
//
// FerretDB loses concurrent updates of one document, so no step here has
// two processes write one document; correctness under concurrent writers
// rests on the append-only, unique-key design (README, "A province").
//
// Its tests carry the build tag "scale" (`make test-scale` sets it), so that
// `make test` does not link a test binary it would only skip (issue 19).
package scaletest
