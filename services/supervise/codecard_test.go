package supervise_test

import (
	"strings"
	"testing"

	"jinhui/services/codecard"
	"jinhui/services/registry"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/shared/page"
)

// card issues elder i's visit code card as szq and returns this month's code.
func (w *world) card(t *testing.T, i int) (tok, code string) {
	t.Helper()
	tok = w.h.Login("szq")
	e := w.elders[i]
	if r := w.h.Do("POST", "/api/elders/"+e.ID+"/codecard", tok, map[string]any{}); r.Status != 201 {
		t.Fatalf("issue card: %d %s", r.Status, r.Body)
	}
	c, err := w.h.P.Store.CodeCard(t.Context(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tok, codecard.Code(c.Secret, e.ID, w.month)
}

func (w *world) volunteerOf(t *testing.T, i int) (visit.Visit, string) {
	t.Helper()
	v := w.visits[w.elders[i].ID]
	for _, x := range w.vols {
		if x.ID == v.Volunteer {
			return v, w.h.PhoneLogin(x.Phone, "volunteer")
		}
	}
	t.Fatal("no volunteer")
	return v, ""
}

// checkout checks visit v in and out with the card fields given.
func (w *world) checkout(t *testing.T, v visit.Visit, tok string, card map[string]any) visit.Visit {
	t.Helper()
	if r := w.h.Do("POST", "/api/visits/"+v.ID+"/checkin", tok, map[string]any{"key": "in-" + v.ID}); r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	body := map[string]any{"key": "out-" + v.ID, "items": []string{"chat", "housework", "hygiene"}}
	for k, x := range card {
		body[k] = x
	}
	r := w.h.Do("POST", "/api/visits/"+v.ID+"/checkout", tok, body)
	if r.Status != 200 {
		t.Fatalf("check-out: %d %s", r.Status, r.Body)
	}
	var out visit.Visit
	r.JSON(t, &out)
	return out
}

// TestCodeCardConfirmsVisit: the month's code from the card, typed at
// check-out, counts as the elder's confirmation: no SMS question, the
// visit answered; the phone's offline hash matches only that code; the
// printed sheet carries the codes and the card view does not.
func TestCodeCardConfirmsVisit(t *testing.T) {
	w := setup(t)
	org, code := w.card(t, 0)
	e := w.elders[0]

	r := w.h.Do("GET", "/api/elders/"+e.ID+"/codecard", org, nil)
	if r.Status != 200 || strings.Contains(string(r.Body), code) || !strings.Contains(string(r.Body), "使用中") {
		t.Fatalf("card view: %d %s", r.Status, r.Body)
	}
	r = w.h.Do("POST", "/api/codecards/print", org, map[string]any{"elders": []string{e.ID}})
	if r.Status != 200 || !strings.Contains(string(r.Body), code[:3]+" "+code[3:]) || !strings.Contains(string(r.Body), e.Name) {
		t.Fatalf("printed sheet lacks the code: %d", r.Status)
	}
	if !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
		t.Fatal("printed codes may be cached")
	}

	v, vol := w.volunteerOf(t, 0)
	var off codecard.Offline
	r = w.h.Do("GET", "/api/visits/"+v.ID+"/codecard", vol, nil)
	r.JSON(t, &off)
	if r.Status != 200 || !off.HasCard || off.WrongLeft != codecard.MaxWrong || strings.Contains(string(r.Body), code) {
		t.Fatalf("offline check: %d %s", r.Status, r.Body)
	}
	if codecard.Hash(code, off.Salt) != off.Hash || codecard.Hash("000000", off.Salt) == off.Hash && code != "000000" {
		t.Fatal("the offline hash does not tell the right code from a wrong one")
	}

	done := w.checkout(t, v, vol, map[string]any{"cardCode": code})
	if done.Card == nil || !done.Card.Confirmed || done.Card.Flagged {
		t.Fatalf("card at check-out: %+v", done.Card)
	}
	if a, err := w.h.P.Store.Answer(t.Context(), v.ID); err != nil || a.Status != supervise.ConfirmConfirmed {
		t.Fatalf("visit not confirmed by the card: %+v %v", a, err)
	}
	for _, m := range w.messages(t, "confirm") {
		if strings.Contains(m.Body, v.VolunteerName) {
			t.Fatalf("a card-confirmed visit still texts the question: %s", m.Body)
		}
	}
}

// TestCodeCardWrongThriceFlags: three wrong codes (online or counted
// offline) flag the visit; the right code after that confirms nothing; the
// flagged visit raises an alert and weighs more in the risk sample.
func TestCodeCardWrongThriceFlags(t *testing.T) {
	w := setup(t)
	_, code := w.card(t, 1)
	wrong := "000000"
	if wrong == code {
		wrong = "000001"
	}
	v, vol := w.volunteerOf(t, 1)
	var res codecard.TryResult
	for i := range 2 {
		r := w.h.Do("POST", "/api/visits/"+v.ID+"/codecard", vol, map[string]any{"code": wrong})
		r.JSON(t, &res)
		if r.Status != 200 || res.Right || res.WrongLeft != codecard.MaxWrong-1-i {
			t.Fatalf("wrong try %d: %d %s", i, r.Status, r.Body)
		}
	}
	// The third wrong code was refused offline; the phone counts it.
	done := w.checkout(t, v, vol, map[string]any{"cardCode": code, "cardWrong": 1})
	if done.Card == nil || done.Card.Confirmed || !done.Card.Flagged || done.Card.Wrong != 3 {
		t.Fatalf("card after three wrong codes: %+v", done.Card)
	}
	alerts, _, err := w.h.P.Store.SupAlerts(t.Context(), countyA, page.Order{}, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range alerts {
		found = found || (a.Kind == supervise.AlertCard && strings.Contains(a.Message, "错误 3 次"))
	}
	if !found {
		t.Fatalf("no supervision alert for the flagged visit: %+v", alerts)
	}
	flagged, why := supervise.Weight(supervise.VisitRisk{Minutes: 60, CardFlagged: true})
	plain, _ := supervise.Weight(supervise.VisitRisk{Minutes: 60})
	confirmed, _ := supervise.Weight(supervise.VisitRisk{Minutes: 60, CardConfirmed: true})
	if flagged <= plain || confirmed >= plain || confirmed <= 0 || !strings.Contains(strings.Join(why, ","), "探访码卡") {
		t.Fatalf("risk weights: flagged %v plain %v confirmed %v", flagged, plain, confirmed)
	}
}

// TestCodeCardReprintRevokeAndAccess: reprinting needs a reason and
// changes the codes; a revoked card confirms nothing; another county's
// organizer and another volunteer reach nothing; bad input names the field.
func TestCodeCardReprintRevokeAndAccess(t *testing.T) {
	w := setup(t)
	org, old := w.card(t, 2)
	e := w.elders[2]
	r := w.h.Do("POST", "/api/elders/"+e.ID+"/codecard", org, map[string]any{})
	if r.Status != 400 || r.ErrorField(t) != "reason" {
		t.Fatalf("reprint without reason: %d %s", r.Status, r.Body)
	}
	r = w.h.Do("POST", "/api/elders/"+e.ID+"/codecard", org, map[string]any{"reason": "卡片被拍照"})
	var c codecard.Card
	r.JSON(t, &c)
	if r.Status != 201 || c.Generation != 2 {
		t.Fatalf("reprint: %d %s", r.Status, r.Body)
	}
	if r := w.h.Do("POST", "/api/elders/"+e.ID+"/codecard", org, map[string]any{"from": "2026-13", "reason": "x"}); r.Status != 400 || r.ErrorField(t) != "from" {
		t.Fatalf("bad month: %d %s", r.Status, r.Body)
	}
	v, vol := w.volunteerOf(t, 2)
	var res codecard.TryResult
	w.h.Do("POST", "/api/visits/"+v.ID+"/codecard", vol, map[string]any{"code": old}).JSON(t, &res)
	fresh, _ := w.h.P.Store.CodeCard(t.Context(), e.ID)
	if res.Right && old != codecard.Code(fresh.Secret, e.ID, w.month) {
		t.Fatal("the old card's code still confirms after a reprint")
	}
	if r := w.h.Do("POST", "/api/visits/"+v.ID+"/codecard", vol, map[string]any{"code": "12ab56"}); r.Status != 400 || r.ErrorField(t) != "code" {
		t.Fatalf("non-numeric code: %d %s", r.Status, r.Body)
	}

	// Another county's organizer, and a volunteer not on the visit.
	lin := w.h.Login("linxian")
	for _, req := range []struct{ method, path string }{
		{"GET", "/api/elders/" + e.ID + "/codecard"}, {"POST", "/api/elders/" + e.ID + "/codecard"}, {"POST", "/api/elders/" + e.ID + "/codecard/revoke"},
	} {
		if r := w.h.Do(req.method, req.path, lin, map[string]any{"reason": "越权"}); r.Status != 404 {
			t.Fatalf("%s %s as another county: %d %s", req.method, req.path, r.Status, r.Body)
		}
	}
	if r := w.h.Do("POST", "/api/codecards/print", lin, map[string]any{"elders": []string{e.ID}}); r.Status != 404 {
		t.Fatalf("another county printed the card: %d", r.Status)
	}
	var other registry.Volunteer
	for _, x := range w.vols {
		if x.ID != v.Volunteer {
			other = x
			break
		}
	}
	if r := w.h.Do("GET", "/api/visits/"+v.ID+"/codecard", w.h.PhoneLogin(other.Phone, "volunteer"), nil); r.Status != 403 && r.Status != 404 {
		t.Fatalf("another volunteer read the offline check: %d %s", r.Status, r.Body)
	}

	// Revoked: the current code confirms nothing.
	if r := w.h.Do("POST", "/api/elders/"+e.ID+"/codecard/revoke", org, map[string]any{"reason": "老人入住养老院"}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if r := w.h.Do("POST", "/api/visits/"+v.ID+"/codecard", vol, map[string]any{"code": codecard.Code(fresh.Secret, e.ID, w.month)}); r.Status != 409 {
		t.Fatalf("a revoked card still checks codes: %d %s", r.Status, r.Body)
	}
	done := w.checkout(t, v, vol, map[string]any{"cardCode": codecard.Code(fresh.Secret, e.ID, w.month)})
	if done.Card != nil {
		t.Fatalf("a revoked card confirmed the visit: %+v", done.Card)
	}
}
