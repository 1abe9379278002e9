package httpapi_test

import (
	"testing"

	"jinhui/services/platform/platformtest"
)

// wishFixtures are county A's wish objects for the access walk.
type wishFixtures struct{}

func newWishFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) wishFixtures {
	return wishFixtures{}
}

func (f wishFixtures) id(path string) string { return "" }

func (f wishFixtures) body(method, path string) any { return nil }
