package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jinhui/services/audit"
	"jinhui/services/demo"
	"jinhui/services/platform/platformtest"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/shared/clock"
	"jinhui/shared/dbcount"
	"jinhui/shared/page"
	"jinhui/shared/pii"
)

type funnelNums struct {
	Applied, Screened, Accepted, Rejected, Waitlisted, Trained, Paired int
}

// funnelOf reads the call's funnel total and checks each row adds up.
func funnelOf(t *testing.T, h *platformtest.Harness, tok, call string) funnelNums {
	t.Helper()
	r := h.Do("GET", "/api/recruit/funnel?call="+call, tok, nil)
	if r.Status != 200 {
		t.Fatalf("funnel: %d %s", r.Status, r.Body)
	}
	var f struct {
		Rows  []funnelNums
		Total funnelNums
	}
	r.JSON(t, &f)
	return f.Total
}

func wantFunnel(t *testing.T, step string, got funnelNums, want funnelNums) {
	t.Helper()
	if got != want {
		t.Fatalf("after %s: funnel %+v, want %+v", step, got, want)
	}
}

// newCall publishes a call of 市中区 through the API.
func newCall(t *testing.T, h *platformtest.Harness, tok string, quotas []map[string]any) string {
	t.Helper()
	today := time.Now().In(clock.Shanghai)
	r := h.Do("POST", "/api/recruit/calls", tok, map[string]any{
		"title": "市中区金晖助老志愿者招募", "text": "诚邀青年志愿者结对帮扶留守老人。", "kinds": []string{"neighbour", "urban"},
		"quotas": quotas, "opens": today.AddDate(0, 0, -1).Format(time.DateOnly), "closes": today.AddDate(0, 0, 30).Format(time.DateOnly),
	})
	if r.Status != 201 {
		t.Fatalf("create call: %d %s", r.Status, r.Body)
	}
	var c recruit.Call
	r.JSON(t, &c)
	if !strings.Contains(c.Link, "/apply.html?call="+c.ID) {
		t.Fatalf("call link %q", c.Link)
	}
	return c.ID
}

type applicant struct {
	name, id, phone, village string
}

func person(n int, village string) applicant {
	return applicant{name: "青年" + string([]rune("甲乙丙丁戊己庚辛")[n%8]), id: pii.CompleteResidentID(fmt.Sprintf("37010120000101%03d", 100+n)),
		phone: fmt.Sprintf("1370000%04d", n), village: village}
}

func (a applicant) form(code string) map[string]any {
	return map[string]any{"name": a.name, "idNumber": a.id, "phone": a.phone, "code": code, "village": a.village, "kind": "neighbour",
		"sourceKind": "individual", "skills": []string{"cooking", "repair"}, "hoursPerMonth": 8, "experience": "社区服务两年",
		"motivation": "想为家乡老人做点实事", "consent": true, "consentVersion": recruit.ConsentVersion}
}

// apply requests a code and submits the form, returning the response.
func apply(t *testing.T, h *platformtest.Harness, call string, a applicant) platformtest.Response {
	t.Helper()
	if r := h.Do("POST", "/api/public/code", "", map[string]any{"phone": a.phone, "purpose": "apply", "call": call}); r.Status != 200 {
		t.Fatalf("request code for %s: %d %s", a.phone, r.Status, r.Body)
	}
	return h.Do("POST", "/api/public/calls/"+call+"/apply", "", a.form(h.LastCode("+86"+a.phone)))
}

func appID(t *testing.T, r platformtest.Response) string {
	t.Helper()
	if r.Status != 201 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	return r.Map(t)["id"].(string)
}

func review(h *platformtest.Harness, tok, id string, body map[string]any) platformtest.Response {
	h.T.Helper()
	r := h.Do("GET", "/api/recruit/applications/"+id, tok, nil)
	if r.Status != 200 {
		h.T.Fatalf("get application: %d %s", r.Status, r.Body)
	}
	body["version"] = r.Map(h.T)["version"]
	return h.Do("POST", "/api/recruit/applications/"+id+"/review", tok, body)
}

var goodScores = map[string]int{"time": 4, "care": 5, "experience": 3, "standing": 5}

// TestRecruitmentWholePath walks a recruitment round through the API:
// publish a call → apply with an SMS code → screen → accept → the
// volunteer exists → invited to training → attendance → eligible for
// pairing in a county that requires training, checking the funnel at each
// step.
func TestRecruitmentWholePath(t *testing.T) {
	h := platformtest.New(t)
	szq := h.Login("szq")
	call := newCall(t, h, szq, []map[string]any{{"area": "370101001000", "quota": 2}, {"area": "370101002000", "quota": 2}})

	pub := h.Do("GET", "/api/public/calls/"+call, "", nil)
	if pub.Status != 200 || !strings.Contains(string(pub.Body), `"open":true`) || !strings.Contains(string(pub.Body), recruit.ConsentVersion) {
		t.Fatalf("public call: %d %s", pub.Status, pub.Body)
	}
	if r := h.Do("GET", "/api/public/calls/"+call+"/regions?parent=370101001000", "", nil); r.Status != 200 || !strings.Contains(string(r.Body), "370101001001") {
		t.Fatalf("public regions: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/public/calls/"+call+"/qr.png", "", nil); r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("\x89PNG")) {
		t.Fatalf("qr: %d %.20q", r.Status, r.Body)
	}
	// The open calls of an area (apply.html with no call chosen): the
	// county's call reaches its villages, not a sibling county's.
	for _, tc := range []struct {
		name, area string
		status     int
		has        bool
	}{{"OKVillage", "370101001001", 200, true}, {"OKAll", "", 200, true}, {"OKSibling", "370102000000", 200, false}, {"ErrArea", "37a", 400, false}} {
		r := h.Do("GET", "/api/public/calls?area="+tc.area, "", nil)
		if r.Status != tc.status || strings.Contains(string(r.Body), call) != tc.has {
			t.Fatalf("%s: open calls of %q: %d %s", tc.name, tc.area, r.Status, r.Body)
		}
	}
	wantFunnel(t, "publish", funnelOf(t, h, szq, call), funnelNums{})

	a := person(1, "370101001001")
	id := appID(t, apply(t, h, call, a))
	wantFunnel(t, "apply", funnelOf(t, h, szq, call), funnelNums{Applied: 1})

	// The queue, filtered by area, kind and status, shows it masked.
	r := h.Do("GET", "/api/recruit/applications?call="+call+"&area=370101001000&kind=neighbour&status=pending", szq, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), id) || strings.Contains(string(r.Body), a.id) || strings.Contains(string(r.Body), a.phone) {
		t.Fatalf("queue: %d %s", r.Status, r.Body)
	}
	// The township organizer below the call's region screens too.
	cgz := h.Login("cgz")
	if r := review(h, cgz, id, map[string]any{"scores": goodScores, "note": "面谈良好"}); r.Status != 200 {
		t.Fatalf("score: %d %s", r.Status, r.Body)
	}
	wantFunnel(t, "screen", funnelOf(t, h, szq, call), funnelNums{Applied: 1, Screened: 1})

	r = review(h, szq, id, map[string]any{"decision": "accept"})
	if r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	var app recruit.Application
	r.JSON(t, &app)
	if app.Status != recruit.StatusAccepted || app.VolunteerID == "" || len(app.Decisions) != 2 || app.Decisions[1].ByName == "" {
		t.Fatalf("accepted application: %+v", app)
	}
	wantFunnel(t, "accept", funnelOf(t, h, szq, call), funnelNums{Applied: 1, Screened: 1, Accepted: 1})

	// The volunteer record exists, active, linked to the application.
	r = h.Do("GET", "/api/volunteers/"+app.VolunteerID, szq, nil)
	var v registry.Volunteer
	r.JSON(t, &v)
	if r.Status != 200 || v.Status != registry.VolActive || v.ApplicationID != id || v.Type != "neighbour" || v.Village != a.village {
		t.Fatalf("volunteer: %d %s", r.Status, r.Body)
	}
	ctx := context.Background()
	if m, err := h.P.Store.Message(ctx, "apply-accepted:"+id); err != nil || m.To != "+86"+a.phone || !strings.Contains(m.Body, "恭喜") {
		t.Fatalf("outcome SMS: %+v %v", m, err)
	}

	// The county requires training before pairing: not yet eligible.
	if r := h.Do("PUT", "/api/recruit/regions/370101000000/require-training", szq, map[string]any{"require": true}); r.Status != 200 {
		t.Fatalf("require training: %d %s", r.Status, r.Body)
	}
	var st recruit.TrainingState
	h.Do("GET", "/api/recruit/volunteers/"+v.ID+"/training", szq, nil).JSON(t, &st)
	if st.Eligible || !st.RequireTraining {
		t.Fatalf("untrained volunteer eligible: %+v", st)
	}

	r = h.Do("POST", "/api/recruit/batches", szq, map[string]any{"date": clock.Today(time.Now()), "place": "市中区团委会议室", "topic": "助老服务入门", "trainer": "王老师", "capacity": 30})
	if r.Status != 201 {
		t.Fatalf("batch: %d %s", r.Status, r.Body)
	}
	batch := r.Map(t)["id"].(string)
	if r := h.Do("POST", "/api/recruit/batches/"+batch+"/invite", szq, map[string]any{"volunteerIds": []string{v.ID}}); r.Status != 200 {
		t.Fatalf("invite: %d %s", r.Status, r.Body)
	}
	h.Do("GET", "/api/recruit/volunteers/"+v.ID+"/training", szq, nil).JSON(t, &st)
	if st.Training != recruit.TrainingInvited || st.Eligible || len(st.Invites) != 1 {
		t.Fatalf("after invite: %+v", st)
	}
	wantFunnel(t, "invite", funnelOf(t, h, szq, call), funnelNums{Applied: 1, Screened: 1, Accepted: 1})

	if r := h.Do("POST", "/api/recruit/batches/"+batch+"/attendance", szq, map[string]any{"volunteerIds": []string{v.ID}}); r.Status != 200 {
		t.Fatalf("attendance: %d %s", r.Status, r.Body)
	}
	h.Do("GET", "/api/recruit/volunteers/"+v.ID+"/training", szq, nil).JSON(t, &st)
	if st.Training != recruit.TrainingAttended || !st.Eligible {
		t.Fatalf("after attendance: %+v", st)
	}
	wantFunnel(t, "attendance", funnelOf(t, h, szq, call), funnelNums{Applied: 1, Screened: 1, Accepted: 1, Trained: 1})

	// The volunteer logs in with their phone and acknowledges the handbook.
	vtok := h.PhoneLogin("+86"+a.phone, "volunteer")
	if r := h.Do("GET", "/api/recruit/volunteers/"+v.ID+"/training", vtok, nil); r.Status != 200 {
		t.Fatalf("own training state: %d %s", r.Status, r.Body)
	}
	h.Do("POST", "/api/recruit/handbook/ack", vtok, map[string]any{"version": recruit.CurrentHandbook.Version}).JSON(t, &st)
	if st.HandbookAckAt == nil {
		t.Fatalf("handbook not acknowledged: %+v", st)
	}

	// Pairing (another service) puts the volunteer on an elder's list.
	var elder registry.Elder
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, "370101000000") && e.Status == registry.StatusActive {
			elder = e
			break
		}
	}
	elder.Volunteers = append(elder.Volunteers, v.ID)
	if err := h.P.Store.ReplaceElder(ctx, &elder); err != nil {
		t.Fatal(err)
	}
	wantFunnel(t, "pairing", funnelOf(t, h, szq, call), funnelNums{Applied: 1, Screened: 1, Accepted: 1, Trained: 1, Paired: 1})

	// The applicant sees their status with phone and code.
	if r := h.Do("POST", "/api/public/code", "", map[string]any{"phone": a.phone, "purpose": "status"}); r.Status != 200 {
		t.Fatalf("status code: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/public/applications/status", "", map[string]any{"phone": a.phone, "code": h.LastCode("+86" + a.phone)})
	if r.Status != 200 || !strings.Contains(string(r.Body), `"status":"accepted"`) || !strings.Contains(string(r.Body), `"training":"attended"`) {
		t.Fatalf("applicant status: %d %s", r.Status, r.Body)
	}

	// Full personal data only through an audited reveal.
	r = h.Do("POST", "/api/recruit/applications/"+id+"/reveal", szq, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), a.id) {
		t.Fatalf("reveal: %d %s", r.Status, r.Body)
	}
	entries, _, _ := h.P.Store.AuditLog(ctx, "370101000000", page.Order{}, 0, 50)
	if !containsEntry(entries, "application", id) {
		t.Fatalf("reveal not audited: %+v", entries)
	}

	r = h.Do("GET", "/api/recruit/funnel.xlsx?call="+call, szq, nil)
	if r.Status != 200 || !bytes.HasPrefix(r.Body, []byte("PK")) {
		t.Fatalf("funnel xlsx: %d", r.Status)
	}
	// Per area: the township's funnel has the applicant in its village row.
	r = h.Do("GET", "/api/recruit/funnel?area=370101001000", cgz, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"area":"370101001001","name"`) || !strings.Contains(string(r.Body), `"paired":1`) {
		t.Fatalf("area funnel: %d %s", r.Status, r.Body)
	}
}

func containsEntry(es []audit.Entry, typ, id string) bool {
	for _, e := range es {
		if e.ObjectType == typ && e.ObjectID == id && e.Action == audit.ActionReveal {
			return true
		}
	}
	return false
}

// TestInviteCapacity (V5): a training invite that does not fit the batch
// invites nobody — before, the first people in the list were invited and
// texted and the rest refused.
func TestInviteCapacity(t *testing.T) {
	h := platformtest.New(t)
	szq := h.Login("szq")
	var ids []string
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, "370101000000") && v.Status == registry.VolActive && len(ids) < 3 {
			ids = append(ids, v.ID)
		}
	}
	r := h.Do("POST", "/api/recruit/batches", szq, map[string]any{"date": clock.Today(time.Now()), "place": "市中区团委会议室", "topic": "助老服务入门", "trainer": "王老师", "capacity": 2})
	if r.Status != 201 {
		t.Fatalf("batch: %d %s", r.Status, r.Body)
	}
	batch := r.Map(t)["id"].(string)
	invited := func() int {
		var d recruit.BatchDetail
		h.Do("GET", "/api/recruit/batches/"+batch, szq, nil).JSON(t, &d)
		return len(d.Invites)
	}
	if r := h.Do("POST", "/api/recruit/batches/"+batch+"/invite", szq, map[string]any{"volunteerIds": ids}); r.Status != 400 || r.ErrorField(t) != "volunteerIds" {
		t.Fatalf("three into two places: %d %s", r.Status, r.Body)
	}
	if n := invited(); n != 0 {
		t.Fatalf("a refused invite left %d people invited", n)
	}
	if r := h.Do("POST", "/api/recruit/batches/"+batch+"/invite", szq, map[string]any{"volunteerIds": ids[:2]}); r.Status != 200 {
		t.Fatalf("two into two places: %d %s", r.Status, r.Body)
	}
	// Inviting the same two again is harmless; a third is refused.
	if r := h.Do("POST", "/api/recruit/batches/"+batch+"/invite", szq, map[string]any{"volunteerIds": ids[:2]}); r.Status != 200 {
		t.Fatalf("the same two again: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/recruit/batches/"+batch+"/invite", szq, map[string]any{"volunteerIds": ids[2:]}); r.Status != 400 {
		t.Fatalf("a third into a full batch: %d %s", r.Status, r.Body)
	}
	if n := invited(); n != 2 {
		t.Fatalf("%d invited, want 2", n)
	}
}

// TestInviteIsBulk: a training invite costs the same number of database
// commands for 40 volunteers as for 4 (issue 16; one at a time, a
// 200-person invite took long enough to be cut by a shutdown, issue 12),
// and everyone invited is marked and texted.
func TestInviteIsBulk(t *testing.T) {
	c := dbcount.New(false)
	h := platformtest.NewScaled(t, demo.Scale{TownshipsPerCounty: 2, VillagesPerTown: 2, Elders: 10, Volunteers: 60, Carers: 2, PopulatedCounties: 1, CountiesPerCity: 2}, c.Monitor())
	szq := h.Login("szq")
	var ids []string
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, "370101000000") && v.Status == registry.VolActive && v.Training == "" {
			ids = append(ids, v.ID)
		}
	}
	if len(ids) < 44 {
		t.Fatalf("only %d volunteers to invite", len(ids))
	}
	invite := func(vols []string) (int, string) {
		r := h.Do("POST", "/api/recruit/batches", szq, map[string]any{"date": clock.Today(time.Now()), "place": "市中区团委会议室", "topic": "助老服务入门", "trainer": "王老师", "capacity": 100})
		if r.Status != 201 {
			t.Fatalf("batch: %d %s", r.Status, r.Body)
		}
		batch := r.Map(t)["id"].(string)
		c.Reset()
		if r := h.Do("POST", "/api/recruit/batches/"+batch+"/invite", szq, map[string]any{"volunteerIds": vols}); r.Status != 200 {
			t.Fatalf("invite %d: %d %s", len(vols), r.Status, r.Body)
		}
		return c.Total(), batch
	}
	few, _ := invite(ids[:4])
	many, batch := invite(ids[4:44])
	if many != few {
		t.Errorf("inviting 40 costs %d commands, inviting 4 costs %d: the cost grows with the list", many, few)
	}
	for _, id := range []string{ids[4], ids[43]} {
		v, err := h.P.Store.Volunteer(context.Background(), id)
		if err != nil || v.Training != recruit.TrainingInvited {
			t.Errorf("volunteer %s after the invite: training %q (%v)", id, v.Training, err)
		}
		if m, err := h.P.Store.Recorded(context.Background(), "training:"+batch+"|"+id); err != nil || !strings.Contains(m.Body, "培训") {
			t.Errorf("no training text for %s: %v", id, err)
		}
	}
	t.Logf("invite of 4: %d commands; of 40: %d", few, many)
}
