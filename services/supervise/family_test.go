package supervise_test

import (
	"sort"
	"strings"
	"testing"

	"jinhui/services/family"
	"jinhui/services/notify"
	"jinhui/services/supervise"
	"jinhui/services/visit"
)

func (w *world) textsTo(t *testing.T, phone string) []notify.Message {
	t.Helper()
	var out []notify.Message
	for _, m := range w.messages(t, "family") {
		if m.To == phone {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}

// TestFamilyCircle walks issue 18's family circle: nothing is sent before
// consent; consent asked by SMS takes effect on 同意; after a visit the
// consenting member is told who came and what was done (no health details
// without that scope); their 1 confirms the visit, any other text becomes
// a problem in the ledger, 退订 withdraws consent; organizers see figures
// and replies; another county reaches nothing; bad input names the field.
func TestFamilyCircle(t *testing.T) {
	w := setup(t)
	org := w.h.Login("szq")
	e0, e1 := w.elders[0], w.elders[1]
	const phone0, phone1 = "+8613912340000", "+8613912340009"

	if r := w.h.Do("POST", "/api/elders/"+e0.ID+"/family", org, map[string]any{"name": "王小明", "relation": "儿子", "phone": "123"}); r.Status != 400 || r.ErrorField(t) != "phone" {
		t.Fatalf("bad phone: %d %s", r.Status, r.Body)
	}
	var m0, m1 family.Member
	r := w.h.Do("POST", "/api/elders/"+e0.ID+"/family", org, map[string]any{"name": "王小明", "relation": "儿子", "phone": "13912340000"})
	r.JSON(t, &m0)
	if r.Status != 201 || strings.Contains(string(r.Body), "13912340000") || m0.Consent != family.ConsentNone {
		t.Fatalf("add member: %d %s", r.Status, r.Body)
	}
	w.h.Do("POST", "/api/elders/"+e1.ID+"/family", org, map[string]any{"name": "李芳", "relation": "女儿", "phone": "13912340009"}).JSON(t, &m1)

	// No consent: a visit texts nothing to the family.
	w.visit(t, 1, 50)
	if got := w.textsTo(t, phone1); len(got) != 0 {
		t.Fatalf("texted a family member without consent: %+v", got)
	}
	if r := w.h.Do("POST", "/api/family/"+m0.ID+"/consent", org, map[string]any{"how": "form", "scope": "basic", "givenBy": "王小明", "version": m0.Version}); r.Status != 400 || r.ErrorField(t) != "photo" {
		t.Fatalf("form consent without photo: %d %s", r.Status, r.Body)
	}
	r = w.h.Do("POST", "/api/family/"+m0.ID+"/consent", org, map[string]any{"how": "sms", "scope": "basic", "version": m0.Version})
	r.JSON(t, &m0)
	if r.Status != 200 || m0.Consent != family.ConsentRequested || len(w.textsTo(t, phone0)) != 1 || !strings.Contains(w.textsTo(t, phone0)[0].Body, "同意") {
		t.Fatalf("consent request: %d %s", r.Status, r.Body)
	}
	w.reply(t, "SMfam1", phone0, "同意")
	got, err := w.h.P.Store.FamilyMember(t.Context(), m0.ID)
	if err != nil || got.Consent != family.ConsentGiven || got.History[len(got.History)-1].How != family.HowSMS {
		t.Fatalf("consent by SMS reply: %+v %v", got, err)
	}

	// A visit: the family is told who came, which day, what was done.
	v0 := w.visit(t, 0, 60)
	texts := w.textsTo(t, phone0)
	if len(texts) != 2 {
		t.Fatalf("%d texts to the family, want consent request + visit", len(texts))
	}
	body := texts[1].Body
	if !strings.Contains(body, v0.VolunteerName) || !strings.Contains(body, "拉一次家常") || !strings.Contains(body, "月") || strings.Contains(body, "今天") {
		t.Fatalf("visit text: %s", body)
	}
	if strings.Contains(body, "状况") {
		t.Fatalf("health details without health consent: %s", body)
	}

	// 1 from the family confirms the visit; a text becomes a problem.
	w.reply(t, "SMfam2", phone0, "1")
	if a, err := w.h.P.Store.Answer(t.Context(), v0.ID); err != nil || a.Status != supervise.ConfirmConfirmed {
		t.Fatalf("family's 1 did not confirm the visit: %+v %v", a, err)
	}
	w.reply(t, "SMfam3", phone0, "我妈说屋顶漏雨了, 请帮忙看看")
	w.reply(t, "SMfam3", phone0, "我妈说屋顶漏雨了, 请帮忙看看") // Twilio retries
	p, err := w.h.P.Store.SupProblem(t.Context(), "family:SMfam3")
	if err != nil || p.Source != supervise.SourceFamily || !strings.Contains(p.Description, "屋顶漏雨") || p.Area != e0.Village {
		t.Fatalf("family concern not in the problem ledger: %+v %v", p, err)
	}
	var replies struct {
		Items []family.Reply
		Total int
	}
	w.h.Do("GET", "/api/family/replies?area="+countyA, org, nil).JSON(t, &replies)
	kinds := map[string]int{}
	for _, x := range replies.Items {
		kinds[x.Kind]++
		if x.Kind == family.ReplyConcern && x.Problem != p.ID {
			t.Fatalf("concern reply not linked to its problem: %+v", x)
		}
	}
	if kinds[family.ReplyConsent] != 1 || kinds[family.ReplyConfirm] != 1 || kinds[family.ReplyConcern] != 1 {
		t.Fatalf("replies: %+v", replies.Items)
	}
	var figs struct{ Items []family.FigureRow }
	w.h.Do("GET", "/api/family/figures?area="+countyA, org, nil).JSON(t, &figs)
	sum := family.FigureRow{}
	for _, f := range figs.Items {
		sum.Elders, sum.WithFamily, sum.Consented, sum.Concerns = sum.Elders+f.Elders, sum.WithFamily+f.WithFamily, sum.Consented+f.Consented, sum.Concerns+f.Concerns
	}
	if sum.WithFamily != 2 || sum.Consented != 1 || sum.Concerns != 1 || sum.Elders < len(w.elders) {
		t.Fatalf("figures: %+v", figs.Items)
	}

	// Monthly summary: once per member and month.
	admin := w.h.Login("admin")
	for range 2 {
		if r := w.h.Do("POST", "/api/family/summaries", admin, map[string]any{"month": w.month}); r.Status != 200 {
			t.Fatalf("summaries: %d %s", r.Status, r.Body)
		}
	}
	if texts := w.textsTo(t, phone0); len(texts) != 3 || !strings.Contains(texts[2].Body, "探访"+e0.Name+" 1 次") {
		t.Fatalf("monthly summary: %+v", texts)
	}
	if r := w.h.Do("POST", "/api/family/summaries", org, map[string]any{"month": w.month}); r.Status != 403 {
		t.Fatalf("a county organizer sent summaries: %d", r.Status)
	}

	// 退订 withdraws consent: nothing more is sent.
	w.reply(t, "SMfam4", phone0, "退订")
	if got, _ := w.h.P.Store.FamilyMember(t.Context(), m0.ID); got.Consent != family.ConsentWithdrawn {
		t.Fatalf("退订 did not withdraw consent: %+v", got)
	}
	if err := w.h.P.Family.AfterVisit(t.Context(), visit.Visit{ID: "later", Elder: e0.ID, ElderName: e0.Name, VolunteerName: "张三", Date: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	if n := len(w.textsTo(t, phone0)); n != 3 {
		t.Fatalf("texted after 退订: %d texts", n)
	}

	// Another county reaches nothing.
	lin := w.h.Login("linxian")
	if r := w.h.Do("GET", "/api/elders/"+e0.ID+"/family", lin, nil); r.Status != 404 {
		t.Fatalf("another county read the family: %d", r.Status)
	}
	if r := w.h.Do("POST", "/api/family/"+m1.ID+"/withdraw", lin, map[string]any{"reason": "越权", "version": 1}); r.Status != 404 {
		t.Fatalf("another county changed consent: %d", r.Status)
	}
}
