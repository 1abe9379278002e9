package httpapi_test

import (
	"fmt"
	"os"
	"testing"

	"jinhui/services/platform/platformtest"
	"jinhui/shared/dbcount"
	"jinhui/shared/mongostore"
)

// TestMain records every database command the suite sends and fails it
// when one is not served by a declared index (shared/mongostore/INDEXES.md).
func TestMain(m *testing.M) {
	platformtest.Commands = dbcount.New(true)
	code := m.Run()
	if code == 0 {
		if bad := mongostore.Unserved(platformtest.Commands.Commands()); len(bad) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: %d query shapes are not served by a declared index (add one to shared/mongostore and INDEXES.md):\n", len(bad))
			for _, b := range bad {
				fmt.Fprintln(os.Stderr, "  "+b)
			}
			code = 1
		}
	}
	os.Exit(code)
}
