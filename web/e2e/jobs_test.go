package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// jobFinished waits until the page's background job (issue 14) shows
// 已完成 with its count complete (已完成 N/N) and returns N.
func jobFinished(t *testing.T, ctx context.Context) int {
	t.Helper()
	must(t, ctx, waitVisible(`.job-progress[data-state="done"]`))
	if st := text(t, ctx, "#job-state"); st != "已完成" {
		t.Fatalf("job state %q", st)
	}
	c := text(t, ctx, "#job-count")
	var done, total int
	if _, err := fmt.Sscanf(strings.TrimPrefix(c, "已完成 "), "%d/%d", &done, &total); err != nil || done != total || total == 0 {
		t.Fatalf("job count %q: want 已完成 N/N", c)
	}
	if p := eval[string](t, ctx, `document.querySelector('#job-progress').getAttribute('aria-valuenow')`); p != "100" {
		t.Fatalf("job progress bar at %q, want 100", p)
	}
	return done
}

// jobInURL returns the job id the page keeps in its address.
func jobInURL(t *testing.T, ctx context.Context) string {
	t.Helper()
	h := eval[string](t, ctx, `location.hash`)
	i := strings.Index(h, "job=")
	if i < 0 {
		t.Fatalf("no job id in the address %q", h)
	}
	id := h[i+4:]
	if j := strings.IndexByte(id, '&'); j >= 0 {
		id = id[:j]
	}
	return id
}
