package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
	"jinhui/shared/clock"
)

// TestCarerOfflineJourney: an organizer puts a villager on a carer's
// roster; the carer logs in, loses the connection, logs help in a few taps
// (person, kinds, minutes, note; the date is today); the log waits on the
// phone; when the connection returns it is sent and arrives once, and
// sending it again with the same key still leaves one log.
func TestCarerOfflineJourney(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	carer := s.set.Carers[0]
	today := time.Now().In(clock.Shanghai)
	month := today.Format("2006-01")

	var login struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "admin", "password": demo.Password}, &login)
	var a struct{ ID string }
	if st := s.api("POST", "/api/carer-roster", login.Token, map[string]any{"carer": carer.ID, "personName": "王秀兰",
		"startDate": today.AddDate(0, 0, -30).Format(time.DateOnly), "agreement": "每日送午饭, 每周陪同就医"}, &a); st != 200 || a.ID == "" {
		t.Fatalf("add to roster: %d", st)
	}
	logs := func() []struct{ ID, Carer, Date string } {
		var out struct {
			Items []struct{ ID, Carer, Date string }
		}
		if st := s.api("GET", "/api/carer-logs?month="+month+"&area="+carer.Village, login.Token, nil, &out); st != 200 {
			t.Fatalf("list carer logs: %d", st)
		}
		return out.Items
	}

	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(carer.Phone, "+86"), true)
	quick := `section.quick[data-assignment="` + a.ID + `"]`
	must(t, ctx, waitVisible(quick+` button[data-kind="助餐"]`))
	if d := eval[string](t, ctx, `document.querySelector('#log-date').value`); d != today.Format(time.DateOnly) {
		t.Fatalf("log date defaults to %q, want today %s", d, today.Format(time.DateOnly))
	}
	if av := text(t, ctx, quick+" .avatar"); av != "王" {
		t.Fatalf("the person cared for shows %q, want the initial 王", av)
	}
	if h := text(t, ctx, "header h1"); strings.Contains(h, "志愿者") {
		t.Fatalf("the carer's header says %q", h)
	}
	auditPage(t, ctx, "phone-carer")

	// Offline, one tap logs today's 助餐.
	setNetwork(t, ctx, true, 0, -1)
	must(t, ctx, waitVisible(`.offline`),
		clickOn(quick+` button[data-kind="助餐"]`),
		waitVisible(`#saved`),
		waitVisible(quick+` button[data-kind="助餐"][aria-pressed="true"]`))
	waitText(t, ctx, "#outbox-status", "有 1 条")
	if n := len(logs()); n != 0 {
		t.Fatalf("offline: the server holds %d logs", n)
	}
	entry := eval[string](t, ctx, `import('/lib/queue.js').then(async ({ Outbox }) => JSON.stringify((await new Outbox().pending())[0]))`)
	if !strings.Contains(entry, `"kinds":["助餐"]`) || !strings.Contains(entry, `"minutes":30`) {
		t.Fatalf("queued entry: %s", entry)
	}
	shot(t, ctx, "phone-carer-offline")

	// Back online: the outbox sends it on its own, and it arrives once.
	setNetwork(t, ctx, false, 0, -1)
	waitText(t, ctx, "#outbox-status", "都已上传")
	must(t, ctx, waitVisible(`#logs .log`))
	got := logs()
	if len(got) != 1 || got[0].Carer != carer.ID || got[0].Date != today.Format(time.DateOnly) {
		t.Fatalf("after reconnect the server holds %+v, want one log of the carer today", got)
	}
	// The answer may be lost and the phone send it again: same key, one log.
	st := eval[int](t, ctx, `import('/lib/queue.js').then(async ({ postEntry }) => (await postEntry(`+entry+`, localStorage.getItem('jinhui.phone'))).status)`)
	if st < 200 || st > 299 {
		t.Fatalf("resend answered %d", st)
	}
	if n := len(logs()); n != 1 {
		t.Fatalf("after a resend the server holds %d logs, want 1", n)
	}
	waitText(t, ctx, "#month-logs", "1 次")
	// The subsidy as the default rule will pay it (10 days → 300 元), not "0 元 (0 天)".
	waitText(t, ctx, "#to-go", "再帮扶 9 天, 可得 300 元")
	if n := eval[int](t, ctx, `document.querySelectorAll('#days span.on').length`); n != 1 {
		t.Fatalf("the month shows %d days with help, want 1", n)
	}
	shot(t, ctx, "phone-carer-synced")

	// The organizer computes the month's subsidy from the logs, approves
	// it and exports the payment list; the carer sees the status.
	org, user := tab(t, ctx), "admin"
	if strings.HasPrefix(carer.Village, "370101") {
		user = "szq"
	}
	loginConsole(t, s, org, user)
	open(t, s, org, "/carers/statements")
	if user == "admin" {
		setInput(t, org, `#st-county`, carer.Village[:6]+"000000")
	}
	must(t, org, unready(), clickOn(`#compute`), waitVisible(`#flash`), waitReady())
	approve := `span.approve[data-statement="` + carer.ID + `:` + month + `"] button`
	must(t, org, waitVisible(approve))
	shot(t, org, "console-carer-statements")
	must(t, org, unready(), clickOn(approve), waitVisible(`#flash`), waitReady())
	if m := text(t, org, "#flash"); !strings.Contains(m, "已审批") {
		t.Fatalf("approve: %s", m)
	}
	var sts struct {
		Items []struct {
			Carer, Status string
			Days, Amount  int
		}
	}
	s.api("GET", "/api/carer-statements?month="+month+"&area="+carer.Village, login.Token, nil, &sts)
	if len(sts.Items) != 1 || sts.Items[0].Status != "approved" || sts.Items[0].Days != 1 {
		t.Fatalf("statements after approval: %+v", sts.Items)
	}
	if st := s.api("GET", "/api/carer-statements/payments.xlsx?month="+month+"&area="+carer.Village, login.Token, nil, nil); st != 200 {
		t.Fatalf("payment list: %d", st)
	}
	must(t, org, clickOn(`#export-payments`))
	shot(t, org, "console-carer-statements-approved")
	must(t, ctx, unready(), chromedp.Reload(), waitReady(), waitVisible(`#subsidy[data-status="approved"]`))
	shot(t, ctx, "phone-carer-approved")
}
