package visit_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"jinhui/services/notify"
	"jinhui/services/visit"
)

// TestVolunteerChanges: a volunteer moves a visit within its month (the
// reminders follow the new date), swaps with the partner, gives one back;
// every change is recorded with who and why.
func TestVolunteerChanges(t *testing.T) {
	w := setup(t, day("2026-11-25", 10))
	h := w.h
	org := h.Login("szq")
	// Two visits a month, so that the partners each have one to swap.
	st := visit.DefaultSettings("370101000000")
	st.PerMonth = 2
	if r := h.Do("PUT", "/api/visits/settings/370101000000", org, st); r.Status != 200 {
		t.Fatalf("settings: %d %s", r.Status, r.Body)
	}
	h.Do("POST", "/api/visits/plan", org, map[string]string{"area": "370101000000", "month": "2026-12"})
	var list struct{ Items []visit.Visit }
	h.Do("GET", "/api/visits?month=2026-12&elder="+w.elders[0].ID, org, nil).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].Volunteer == list.Items[1].Volunteer {
		t.Fatalf("two visits in rotation: %+v", list.Items)
	}
	a, b := list.Items[0], list.Items[1]
	va, vb := w.vols[a.Volunteer], w.vols[b.Volunteer]
	ta, tb := h.PhoneLogin(va.Phone, "volunteer"), h.PhoneLogin(vb.Phone, "volunteer")

	// Move to another day: refused outside the month or in the past.
	for _, bad := range []string{"2027-01-02", "2026-11-20"} {
		if r := h.Do("POST", "/api/visits/"+a.ID+"/date", ta, map[string]any{"date": bad, "reason": "有事", "version": a.Version}); r.Status != 400 || r.ErrorField(t) != "date" {
			t.Fatalf("date %s: %d %s", bad, r.Status, r.Body)
		}
	}
	if r := h.Do("POST", "/api/visits/"+a.ID+"/date", tb, map[string]any{"date": "2026-12-15", "reason": "x", "version": a.Version}); r.Status != 403 {
		t.Fatalf("partner moves a visit not theirs: %d", r.Status)
	}
	var v visit.Visit
	r := h.Do("POST", "/api/visits/"+a.ID+"/date", ta, map[string]any{"date": "2026-12-15", "reason": "考试周", "version": a.Version})
	r.JSON(t, &v)
	if r.Status != 200 || v.Date != "2026-12-15" || v.Changes[0].Kind != "date" || v.Changes[0].From != a.Date || v.Changes[0].ByName != va.Name {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	// The reminders follow: the old day's are skipped, the new day's pending.
	var pending []string
	for _, rm := range allReminders(t, h) {
		if rm.Visit == a.ID && rm.Status == "pending" {
			pending = append(pending, rm.ID)
		}
	}
	sort.Strings(pending)
	if len(pending) != 5 || !strings.HasSuffix(pending[0], "2026-12-15") {
		t.Fatalf("reminders after the move: %v", pending)
	}

	// The schedule lists the partner's planned visit apart: the one a swap
	// can be made with.
	var mine struct{ Items, PartnerVisits []visit.Visit }
	h.Do("GET", "/api/me/visits", ta, nil).JSON(t, &mine)
	if len(mine.PartnerVisits) != 1 || mine.PartnerVisits[0].ID != b.ID {
		t.Fatalf("partner visits offered for a swap: %+v", mine.PartnerVisits)
	}

	// Swap with the partner's visit to the same elder: each has the other's.
	a = v
	r = h.Do("POST", "/api/visits/"+a.ID+"/swap", ta, map[string]any{"with": b.ID, "version": a.Version})
	r.JSON(t, &v)
	if r.Status != 200 || v.Volunteer != vb.ID || v.Partners[0].ID != va.ID {
		t.Fatalf("swap: %d %s", r.Status, r.Body)
	}
	var b2 visit.Visit
	h.Do("GET", "/api/visits/"+b.ID, org, nil).JSON(t, &b2)
	if b2.Volunteer != va.ID {
		t.Fatalf("the other visit after the swap: %+v", b2)
	}
	if ms := w.messages(t, "visit_swap"); len(ms) != 1 || ms[0].To != vb.Phone {
		t.Fatalf("swap text: %+v", ms)
	}

	// Give one back: the partner is told and may take it.
	r = h.Do("POST", "/api/visits/"+b2.ID+"/giveback", ta, map[string]any{"reason": "生病", "version": b2.Version})
	r.JSON(t, &v)
	if r.Status != 200 || v.Status != visit.StatusOffered {
		t.Fatalf("give back: %d %s", r.Status, r.Body)
	}
	if ms := w.messages(t, "visit_offer"); len(ms) != 1 || ms[0].To != vb.Phone {
		t.Fatalf("offer text: %+v", ms)
	}
	var sched struct{ Items []visit.Visit }
	h.Do("GET", "/api/me/visits", tb, nil).JSON(t, &sched)
	if len(sched.Items) != 2 {
		t.Fatalf("partner's schedule shows %d visits, want their own and the offered one", len(sched.Items))
	}
	r = h.Do("POST", "/api/visits/"+v.ID+"/take", tb, map[string]any{"reason": "我来", "version": v.Version})
	r.JSON(t, &v)
	if r.Status != 200 || v.Volunteer != vb.ID {
		t.Fatalf("take: %d %s", r.Status, r.Body)
	}
	kinds := []string{}
	for _, c := range v.Changes {
		kinds = append(kinds, c.Kind)
	}
	if strings.Join(kinds, ",") != "swap,giveback,take" {
		t.Fatalf("changes recorded: %v", kinds)
	}
	// Issue 12: a taken visit, and a visit moved and moved back, end with
	// their pending reminders (a replan re-inserting the old ids left none).
	pendingOf := func(id string) []string {
		var out []string
		for _, rm := range allReminders(t, h) {
			if rm.Visit == id && rm.Status == "pending" {
				out = append(out, rm.ID)
			}
		}
		sort.Strings(out)
		return out
	}
	if p := pendingOf(v.ID); len(p) != 5 {
		t.Fatalf("the taken visit has %d pending reminders, want 5: %v", len(p), p)
	}
	orig := v.Date
	r = h.Do("POST", "/api/visits/"+v.ID+"/date", tb, map[string]any{"date": "2026-12-16", "reason": "有事", "version": v.Version})
	r.JSON(t, &v)
	if r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/visits/"+v.ID+"/date", tb, map[string]any{"date": orig, "reason": "改回", "version": v.Version})
	r.JSON(t, &v)
	if r.Status != 200 {
		t.Fatalf("move back: %d %s", r.Status, r.Body)
	}
	if p := pendingOf(v.ID); len(p) != 5 || !strings.HasSuffix(p[0], orig) {
		t.Fatalf("moved and back: pending reminders %v, want 5 for %s", p, orig)
	}
}

func sign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := u
	for _, k := range keys {
		s += k + form.Get(k)
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestTwilioWebhooks: status callbacks and replies are accepted only with
// Twilio's signature over the configured public URL; STOP opts out.
func TestTwilioWebhooks(t *testing.T) {
	w := setup(t, time.Now())
	h := w.h
	h.P.API.TwilioToken, h.P.API.PublicURL = "webhooktoken", "https://jinhui.example.cn"
	post := func(path string, form url.Values, sig string) int {
		req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		resp, err := h.P.API.App.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	form := url.Values{"MessageSid": {"SMreply1"}, "From": {"+8613800000009"}, "Body": {"退订"}}
	if st := post("/api/sms/twilio/inbound", form, "forged"); st != 403 {
		t.Fatalf("forged signature: %d", st)
	}
	if st := post("/api/sms/twilio/inbound", form, sign("webhooktoken", "http://example.com/api/sms/twilio/inbound", form)); st != 403 {
		t.Fatalf("signature over another host: %d", st)
	}
	if st := post("/api/sms/twilio/inbound", form, sign("webhooktoken", "https://jinhui.example.cn/api/sms/twilio/inbound", form)); st != 200 {
		t.Fatalf("signed reply: %d", st)
	}
	out, _ := h.P.Store.OptedOut(t.Context(), "+8613800000009")
	if !out {
		t.Fatal("退订 did not opt the number out")
	}
	admin := h.Login("admin")
	r := h.Do("GET", "/api/sms/inbound", admin, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "退订") || strings.Contains(string(r.Body), "13800000009") {
		t.Fatalf("inbound list: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/sms/inbound", h.Login("szqadmin"), nil); r.Status != 403 {
		t.Fatalf("county admin reads the province's replies: %d", r.Status)
	}
	// A status callback for a sent message moves it forward.
	_ = h.P.Store.InsertMessage(t.Context(), notify.Message{ID: "m1", To: "+8613800000001", Body: "x", Status: notify.StatusSending, SID: "SMabc", CreatedAt: time.Now()})
	_ = h.P.Store.SetMessageStatus(t.Context(), "m1", notify.StatusSending, "SMabc", "", time.Now())
	st := url.Values{"MessageSid": {"SMabc"}, "MessageStatus": {"delivered"}}
	if code := post("/api/sms/twilio/status", st, sign("webhooktoken", "https://jinhui.example.cn/api/sms/twilio/status", st)); code != 204 {
		t.Fatalf("status callback: %d", code)
	}
	if m, _ := h.P.Store.Message(t.Context(), "m1"); m.Status != notify.StatusDelivered {
		t.Fatalf("status after callback: %s", m.Status)
	}
}
