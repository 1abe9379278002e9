package httpapi_test

import (
	"testing"

	"jinhui/services/platform/platformtest"
)

// ledgerFixtures are county A's ledger objects for the access walk.
type ledgerFixtures struct{}

func newLedgerFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) ledgerFixtures {
	return ledgerFixtures{}
}

func (f ledgerFixtures) id(path string) string { return "" }

func (f ledgerFixtures) body(method, path string) any { return nil }
