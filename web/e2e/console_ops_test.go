package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/shared/testenv"
)

// TestConsoleKeyVillageProposeCheck performs three operations that had no
// screen (issue 14): the county marks a key village (rule Q2) with a
// reason, generates a pairing proposal for elders chosen in the register
// (rule P1), and an admin runs the daily relay check (rule P2) and sees
// its result beside the overdue warnings.
func TestConsoleKeyVillageProposeCheck(t *testing.T) {
	t.Parallel()
	s := startFreshSite(t)
	ctx := browser(t)
	loginConsole(t, s, ctx, "szq")

	// Q2: a village of the county becomes a key village, with a reason.
	open(t, s, ctx, "/regions?parent=370101001000")
	village := eval[string](t, ctx, `document.querySelector('#regions tbody tr td:nth-child(2)').innerText.trim()`)
	must(t, ctx, clickJS(`#regions tbody tr .key-village`))
	answerBox(t, ctx, "去年抽查发现探访记录不实")
	must(t, ctx, waitVisible(`#flash`))
	if m := text(t, ctx, "#flash"); !strings.Contains(m, "已设为重点村") {
		t.Fatalf("flash after marking a key village: %q", m)
	}
	if !testenv.Eventually(10*time.Second, func() bool {
		r, err := s.p.Store.Region(context.Background(), village)
		return err == nil && r.KeyVillage
	}) {
		t.Fatalf("village %s is not marked as a key village", village)
	}

	// P1: a proposal for the two elders ticked in the register.
	open(t, s, ctx, "/elders?status=active")
	must(t, ctx, waitVisible(`#elders tbody tr .el-checkbox`))
	must(t, ctx, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#elders tbody tr .el-checkbox')].slice(0, 2).forEach((c) => c.click())`))
	must(t, ctx, unready(), clickJS(`#elders-propose`), waitReady())
	if !testenv.Eventually(60*time.Second, func() bool { return strings.Contains(eval[string](t, ctx, `location.hash`), "#/pairing/") }) {
		shot(t, ctx, "FAILED-"+safe(t.Name()))
		t.Fatalf("no proposal opened: %s %v", eval[string](t, ctx, `location.hash`), readText(t, ctx, ".el-message--error"))
	}
	waitReady()
	if body := text(t, ctx, "#main"); !strings.Contains(body, "结对方案") {
		t.Fatalf("proposal page: %.300s", body)
	}

	// P2: the county admin runs the daily check and reads what it did.
	admin := browser(t)
	loginConsole(t, s, admin, "szqadmin")
	open(t, s, admin, "/pairing/check")
	must(t, admin, clickJS(`#run-check`), waitVisible(`#check-result`))
	if r := text(t, admin, "#check-result"); !strings.Contains(r, "新进接力队列") {
		t.Fatalf("check result: %q", r)
	}
}
