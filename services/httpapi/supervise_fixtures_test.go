package httpapi_test

import (
	"testing"

	"jinhui/services/platform/platformtest"
)

// superviseFixtures are county A's supervise objects for the access walk.
type superviseFixtures struct{}

func newSuperviseFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) superviseFixtures {
	return superviseFixtures{}
}

func (f superviseFixtures) id(path string) string { return "" }

func (f superviseFixtures) body(method, path string) any { return nil }
