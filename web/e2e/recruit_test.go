package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRecruitmentPages: a county organizer publishes a call from the
// console and finds it in the list, the screening queue, the funnel,
// training and partners pages. (The applicant's own journey runs on the
// recruitment issue's /apply.html.)
func TestRecruitmentPages(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	loginConsole(t, s, ctx, "szq")
	open(t, s, ctx, "/recruit/calls")
	must(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#call-form input[name=title]`), "市中区金晖助老志愿者招募"),
		chromedp.SendKeys(chromedp.CSS(`#call-form textarea[name=text]`), "诚邀热心人士加入金晖助老, 陪伴身边的老人。"),
		clickOn(`#call-form .k-neighbour`),
		clickOn(`#call-form .k-urban`))
	setInput(t, ctx, `#call-form input[name=closes]`, "2099-12-31")
	must(t, ctx,
		unready(),
		clickOn(`#call-form button[type=submit]`),
		waitVisible(`#flash`),
		waitReady())
	// The list reloads after the success message.
	must(t, ctx, waitVisible(`table a[href*="qr.png"]`))
	if list := text(t, ctx, "table tbody"); !strings.Contains(list, "市中区金晖助老志愿者招募") {
		t.Fatalf("published call not listed: %s", list)
	}
	shot(t, ctx, "console-recruit-calls")
	open(t, s, ctx, "/recruit/applications")
	shot(t, ctx, "console-recruit-applications")
	open(t, s, ctx, "/recruit/funnel")
	if f := text(t, ctx, "#funnel"); !strings.Contains(f, "合计") {
		t.Fatalf("funnel: %s", f)
	}
	shot(t, ctx, "console-recruit-funnel")
	open(t, s, ctx, "/recruit/batches")
	shot(t, ctx, "console-recruit-batches")
	open(t, s, ctx, "/recruit/partners")
	shot(t, ctx, "console-recruit-partners")
}
