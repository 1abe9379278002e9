package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
	"jinhui/services/ledger"
)

// TestConsoleCodeCardsAndCorrections: the county organizer makes an
// elder's visit code card from the code-card screen (its state shows in
// the list), and refuses a volunteer's correction request with a reason
// from the service-record screen; the volunteer's record shows the answer.
func TestConsoleCodeCardsAndCorrections(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	var org, vol struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "szq", "password": demo.Password}, &org)
	s.api("POST", "/api/auth/code", "", map[string]string{"phone": s.volunteer.Phone}, nil)
	if st := s.api("POST", "/api/auth/verify", "", map[string]string{"phone": s.volunteer.Phone, "code": s.lastCode(s.volunteer.Phone), "kind": "volunteer"}, &vol); st != 200 {
		t.Fatalf("volunteer login: %d", st)
	}
	if st := s.api("POST", "/api/me/record/corrections", vol.Token, map[string]string{"part": "basic", "text": "来源单位应为山东大学"}, nil); st != 201 {
		t.Fatalf("correction request: %d", st)
	}

	loginConsole(t, s, ctx, "szq")
	open(t, s, ctx, "/records")
	must(t, ctx, waitVisible(`#record-corrections button.correction-refuse`))
	shot(t, ctx, "console-record-corrections")
	must(t, ctx, clickJS(`#record-corrections button.correction-refuse`),
		waitVisible(`.el-dialog textarea[name=reason]`),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog textarea[name=reason]`), "报名表所填为个人报名"),
		unready(), confirmForm(), waitVisible("#flash"), waitReady())
	waitText(t, ctx, "#flash", "已答复")
	var rec struct {
		Corrections []struct{ Status, Reason string }
	}
	s.api("GET", "/api/me/record", vol.Token, nil, &rec)
	if len(rec.Corrections) != 1 || rec.Corrections[0].Status != "refused" || rec.Corrections[0].Reason != "报名表所填为个人报名" {
		t.Fatalf("the volunteer's record after the refusal: %+v", rec.Corrections)
	}

	// A certificate in its notice period, withdrawn from the same screen;
	// the public verification page then says so.
	if st := s.api("PUT", "/api/certificate-settings/"+s.volunteer.Village[:6]+"000000", org.Token, map[string]any{"issuer": "共青团济南市市中区委员会",
		"principal": "王书记", "handler": "李干事", "contact": "0531-12345678", "noticeDays": 7}, nil); st != 200 {
		t.Fatalf("certificate settings: %d", st)
	}
	var cert struct{ Code, StatusName string }
	s.api("POST", "/api/me/certificates", vol.Token, map[string]string{"from": "2026-01", "to": "2026-01"}, &cert)
	if cert.StatusName != "公示中" {
		t.Fatalf("new certificate: %+v", cert)
	}
	must(t, ctx, chromedp.Navigate(s.base+"/verify.html?code="+cert.Code))
	waitText(t, ctx, "#out", "公示中")
	open(t, s, ctx, "/records")
	must(t, ctx, clickJS(`#cert-withdraw`), waitVisible(`.el-dialog input[name=code]`),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog input[name=code]`), cert.Code),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog textarea[name=reason]`), "群众反映时长不实, 经核实属实"),
		unready(), confirmForm(), waitVisible("#flash"), waitReady())
	waitText(t, ctx, "#flash", "已撤销")
	must(t, ctx, chromedp.Navigate(s.base+"/verify.html?code="+cert.Code))
	waitText(t, ctx, "#out .bad", "该证明已撤销")
	shot(t, ctx, "verify-withdrawn")
	must(t, ctx, chromedp.Navigate(s.base+"/api/certificates/"+cert.Code+"/print"), waitVisible(".sheet .seal"))
	if !eval[bool](t, ctx, `document.querySelector('.qr img').naturalWidth > 0 && !!document.querySelector('[data-print]')`) {
		t.Fatal("the A4 page's QR code did not load")
	}
	shot(t, ctx, "certificate-a4")

	// The volunteer's record: the organizer adds an award from it.
	open(t, s, ctx, "/volunteers/"+s.volunteer.ID+"/record")
	must(t, ctx, waitVisible(`#record-basic`), clickJS(`#award-add`),
		waitVisible(`.el-dialog input[name=title]`),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog input[name=title]`), "优秀志愿者"),
		chromedp.SendKeys(chromedp.CSS(`.el-dialog input[name=grantor]`), "共青团市中区委"),
		unready(), confirmForm(), waitVisible("#flash"), waitReady())
	waitText(t, ctx, "#volunteer-record", "共青团市中区委")
	if basic := text(t, ctx, "#record-basic"); strings.Contains(basic, s.volunteer.IDNumber) || !strings.Contains(basic, ledger.VolunteerNo(s.volunteer.ID)) {
		t.Fatalf("basic information: %q", basic)
	}
	shot(t, ctx, "console-volunteer-record")

	open(t, s, ctx, "/codecards")
	must(t, ctx, waitVisible(`#codecards table tbody tr button.card-make`))
	if first := text(t, ctx, `#codecards table tbody tr`); !strings.Contains(first, "未制作") {
		t.Fatalf("first elder's card before making one: %q", first)
	}
	must(t, ctx, unready(), clickJS(`#codecards table tbody tr button.card-make`), waitVisible("#flash"), waitReady())
	waitText(t, ctx, "#flash", "探访码卡")
	waitText(t, ctx, `#codecards table tbody tr`, "使用中 · 第 1 版")
	shot(t, ctx, "console-codecards")
	// Print: the sheet the server renders goes to a new window (caught
	// here instead of opened): A4, the elder's name and twelve codes.
	eval[bool](t, ctx, `(window.open = () => ({ document: { open() {}, write(h) { window.printed = h; }, close() {} }, close() {} }), true)`)
	must(t, ctx, unready(), clickJS(`#codecards table tbody tr button.card-print`), waitReady())
	sheet := eval[string](t, ctx, `window.printed || ''`)
	if !strings.Contains(sheet, "size: A4") || !strings.Contains(sheet, "金晖助老 · 探访码卡") || strings.Count(sheet, `class="code"`) != 12 {
		t.Fatalf("printed sheet: %.600s", sheet)
	}
}

// TestPhoneServiceRecord: a volunteer opens their service record from the
// hours page, sees a service line with who recorded it, and asks for a
// correction of that line; the request shows as 待处理 on the page.
func TestPhoneServiceRecord(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	var org struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "szq", "password": demo.Password}, &org)
	if st := s.api("POST", "/api/ledger/honour", org.Token, map[string]any{"key": "e2e-record-1", "volunteer": s.volunteer.ID, "date": "2026-01-05",
		"minutes": 90, "reason": "平台上线前的探访", "approver": "张主任"}, nil); st != 200 {
		t.Fatalf("honour: %d", st)
	}
	phone(t, ctx)
	loginPhone(t, s, ctx, strings.TrimPrefix(s.volunteer.Phone, "+86"), false)
	must(t, ctx, unready(), chromedp.Navigate(s.base+"/m/hours.html"), waitReady(), waitVisible("#to-record"),
		unready(), clickJS("#to-record"), waitReady(), waitVisible(`#lines .line`))
	if l := text(t, ctx, "#lines .line"); !strings.Contains(l, "2026-01-05") || !strings.Contains(l, "1.5 小时") || !strings.Contains(l, "市中区组织者") {
		t.Fatalf("service line: %q", l)
	}
	if eval[bool](t, ctx, `getComputedStyle(document.querySelector('#more-lines')).display !== 'none'`) {
		t.Fatal("one service line, yet the page offers more")
	}
	if b := text(t, ctx, "#basic"); strings.Contains(b, s.volunteer.IDNumber) {
		t.Fatalf("basic information shows the full ID number: %q", b)
	}
	auditPage(t, ctx, "phone-record")
	must(t, ctx, clickJS(`#lines .line button.ask`), waitVisible(`#correction-form textarea`),
		chromedp.SendKeys(chromedp.CSS(`#correction-form textarea`), "那天只服务了一小时"),
		clickJS(`#correction-send`), waitVisible(`#correction-sent`))
	waitText(t, ctx, `#corrections .correction[data-status="pending"]`, "待处理")
	shot(t, ctx, "phone-service-record")
}
