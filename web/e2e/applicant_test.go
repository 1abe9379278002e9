package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jinhui/services/demo"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
)

// TestApplicantJourney: an organizer publishes a call; an applicant opens
// its link (/apply.html?call=…) on a phone, asks for the SMS code, fills in
// the form, chooses their village, agrees to the data notice, submits and
// sees the confirmation; the application exists once.
func TestApplicantJourney(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	s := startSite(t)
	var login struct{ Token string }
	s.api("POST", "/api/auth/login", "", map[string]string{"username": "szq", "password": demo.Password}, &login)
	today := time.Now().In(clock.Shanghai)
	var call struct{ ID, Link string }
	if st := s.api("POST", "/api/recruit/calls", login.Token, map[string]any{
		"title": "市中区金晖助老志愿者招募", "text": "诚邀热心人士结对帮扶身边的老人。", "kinds": []string{"neighbour", "urban"},
		"quotas": []any{}, "opens": today.AddDate(0, 0, -1).Format(time.DateOnly), "closes": today.AddDate(0, 0, 30).Format(time.DateOnly),
	}, &call); st != 201 || call.ID == "" {
		t.Fatalf("create call: %d", st)
	}
	phoneNo := "13700009901"

	phone(t, ctx)
	must(t, ctx, chromedp.Navigate(s.base+"/apply.html?call="+call.ID), waitVisible(`#form`),
		waitVisible(`#regions select`))
	if title := text(t, ctx, "#c-title"); title != "市中区金晖助老志愿者招募" {
		t.Fatalf("call title %q", title)
	}
	shot(t, ctx, "apply-form")
	must(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "李青年"),
		chromedp.SendKeys(chromedp.CSS(`input[name=idNumber]`), pii.CompleteResidentID("37010120000101123")),
		chromedp.SendKeys(chromedp.CSS(`input[name=phone]`), phoneNo),
		clickOn(`#send`),
		waitVisible(`#send[disabled]`))
	code := s.lastCode("+86" + phoneNo)
	must(t, ctx, chromedp.SendKeys(chromedp.CSS(`input[name=code]`), code))
	// Down the region selects, first choice each time, to a village.
	for depth := 1; depth <= 3; depth++ {
		done := eval[bool](t, ctx, `(() => {
			const sel = document.querySelector('#regions select:last-of-type');
			sel.value = sel.options[1].value;
			sel.dispatchEvent(new Event('change'));
			return sel.value.slice(9) !== '000';
		})()`)
		if done {
			break
		}
		must(t, ctx, waitVisible(fmt.Sprintf(`#regions select:nth-of-type(%d)`, depth+1)))
	}
	must(t, ctx,
		chromedp.SetValue(chromedp.CSS(`#kind`), "neighbour"),
		chromedp.SetValue(chromedp.CSS(`#source`), "individual"),
		chromedp.SendKeys(chromedp.CSS(`input[name=hoursPerMonth]`), "8"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=motivation]`), "想为家乡的老人做点实事"),
		clickOn(`input[name=consent]`))
	shot(t, ctx, "apply-form-filled")
	must(t, ctx, clickOn(`#submit`), waitVisible(`#done`))
	if d := text(t, ctx, "#done"); !strings.Contains(d, "报名成功") {
		t.Fatalf("confirmation: %s", d)
	}
	shot(t, ctx, "apply-done")

	var apps struct {
		Items []struct{ ID string }
		Total int
	}
	if st := s.api("GET", "/api/recruit/applications?call="+call.ID, login.Token, nil, &apps); st != 200 || apps.Total != 1 || len(apps.Items) != 1 {
		t.Fatalf("applications of the call: %d, total %d, items %d; want one", st, apps.Total, len(apps.Items))
	}
}
