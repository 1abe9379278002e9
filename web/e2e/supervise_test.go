package e2e

import (
	"strings"
	"testing"
)

// TestSupervisionWorkspace: the county supervisor walks draws → tasks →
// results → problems → reports through the console: draws the month's
// sample, records one check as not true (the problem is registered by the
// platform), registers its rectification and makes the monthly report.
func TestSupervisionWorkspace(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	loginConsole(t, s, ctx, "szqdudao")
	if first := text(t, ctx, ".side-menu .el-sub-menu__title"); !strings.Contains(first, "督导") {
		t.Fatalf("supervisor's menu starts with %q, want 督导", first)
	}

	open(t, s, ctx, "/supervise/draws")
	must(t, ctx, clickOn(`#draw`), waitVisible(`#draw-form`),
		unready(), confirmForm(), waitVisible(`#draw-detail`), waitReady())
	if m := text(t, ctx, "#flash"); !strings.Contains(m, "已抽取") {
		t.Fatalf("draw: %s", m)
	}
	shot(t, ctx, "console-supervise-draw")

	open(t, s, ctx, "/supervise/tasks")
	must(t, ctx, waitVisible(`table tbody tr button.result`), clickJS(`table tbody tr button.result`),
		waitVisible(`#result-form`))
	pick(t, ctx, `#result-form .el-select`, "不属实")
	must(t, ctx, unready(), confirmForm(), waitVisible(`#flash`), waitReady())
	if m := text(t, ctx, "#flash"); !strings.Contains(m, "不属实") {
		t.Fatalf("check result: %s", m)
	}
	open(t, s, ctx, "/supervise/results")
	if r := text(t, ctx, "table tbody"); !strings.Contains(r, "不属实") {
		t.Fatalf("results: %s", r)
	}
	shot(t, ctx, "console-supervise-results")

	open(t, s, ctx, "/supervise/problems")
	must(t, ctx, waitVisible(`table tbody tr button.rectify`), unready(), clickJS(`table tbody tr button.rectify`))
	answerBox(t, ctx, "已补探访并核实")
	must(t, ctx, waitVisible(`#flash`), waitReady())
	if p := text(t, ctx, "table tbody"); !strings.Contains(p, "已整改待回查") {
		t.Fatalf("problem after rectify: %s", p)
	}
	shot(t, ctx, "console-supervise-problems")

	open(t, s, ctx, "/supervise/reports")
	must(t, ctx, clickOn(`#report-make`), waitVisible(`#report-form`),
		unready(), confirmForm(), waitVisible(`#report`), waitReady())
	if r := text(t, ctx, "#report"); !strings.Contains(r, "合计") {
		t.Fatalf("report: %s", r)
	}
	shot(t, ctx, "console-supervise-report")
}

// TestSMSSimulator: with no Twilio account, the admin answers a message of
// the outbox as its recipient; the reply goes through the inbound handling
// (退订 is recorded as an opt-out).
func TestSMSSimulator(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	if st := s.api("POST", "/api/auth/code", "", map[string]string{"phone": s.volunteer.Phone}, nil); st >= 300 {
		t.Fatalf("code request: %d", st)
	}
	loginConsole(t, s, ctx, "admin")
	open(t, s, ctx, "/admin/sms")
	must(t, ctx, waitVisible(`table tbody tr .sim-stop`), unready(),
		clickJS(`table tbody tr .sim-stop`), waitVisible(`#flash`), waitReady())
	if m := text(t, ctx, "#flash"); !strings.Contains(m, "退订") {
		t.Fatalf("simulated reply: %s", m)
	}
	shot(t, ctx, "console-sms-simulator")
	open(t, s, ctx, "/sms/inbound")
	if r := text(t, ctx, "table tbody"); !strings.Contains(r, "退订") || !strings.Contains(r, "是") {
		t.Fatalf("inbound replies: %s", r)
	}
	shot(t, ctx, "console-sms-inbound")
}
