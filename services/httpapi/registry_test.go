package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/pii"
)

func elderBody(village, idPrefix17 string) map[string]any {
	return map[string]any{"name": "孙奶奶", "idNumber": pii.CompleteResidentID(idPrefix17), "village": village, "poor": true, "leftBehind": true,
		"needs":    map[string]any{"health": []string{"血压测量"}, "psychological": []string{"聊天陪伴"}},
		"contacts": []map[string]any{{"name": "孙强", "relation": "儿子", "phone": "13700001111"}}}
}

func getElder(t *testing.T, h *platformtest.Harness, tok, id string) registry.Elder {
	t.Helper()
	var e registry.Elder
	r := h.Do("GET", "/api/elders/"+id, tok, nil)
	if r.Status != 200 {
		t.Fatalf("GET elder: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &e)
	return e
}

// TestIntake walks rule E4: the township proposes, the county approves
// within its quota, the village confirms; each step only by its level.
func TestIntake(t *testing.T) {
	h := platformtest.New(t)
	town, county, village, city := h.Login("cgz"), h.Login("szq"), h.Login("zjc"), h.Login("jinan")
	const vil = "370101001001"

	if r := h.Do("POST", "/api/elders", village, elderBody(vil, "37010119500301001")); r.Status != 403 {
		t.Fatalf("village proposing: %d %s", r.Status, r.Body)
	}
	r := h.Do("POST", "/api/elders", town, elderBody(vil, "37010119500301001"))
	if r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	var e registry.Elder
	r.JSON(t, &e)
	if e.Stage != registry.StageProposed || e.Status != registry.StatusPending || !e.Eligibility.Eligible {
		t.Fatalf("proposed elder: %+v", e)
	}
	if !strings.Contains(e.IDNumber, "****") || strings.Contains(string(r.Body), "13700001111") {
		t.Fatalf("answer not masked: %s", r.Body)
	}
	// The county's queue shows it; the township cannot approve, the village cannot yet confirm.
	var q registry.Page[registry.Elder]
	h.Do("GET", "/api/intake/queue?limit=500", county, nil).JSON(t, &q)
	if !containsID(q.Items, e.ID) {
		t.Fatalf("county queue lacks the proposal")
	}
	step := map[string]any{"version": e.Version}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/approve", town, step); r.Status != 403 {
		t.Fatalf("township approving: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/confirm", village, step); r.Status != 403 && r.Status != 409 {
		t.Fatalf("confirm before approval: %d %s", r.Status, r.Body)
	}
	// Quota: the city sets it to what is used; approval is refused; raised, it passes.
	used, err := h.P.Store.CountElders(context.Background(), registry.Filter{Area: "370101000000", Stage: []string{"approved", "confirmed"}, Status: []string{"pending", "active", "hospitalised"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := h.Do("PUT", "/api/regions/370101000000/quota", county, map[string]any{"quota": 999}); r.Status != 403 {
		t.Fatalf("county setting its own quota: %d %s", r.Status, r.Body)
	}
	if r := h.Do("PUT", "/api/regions/370101000000/quota", city, map[string]any{"quota": used}); r.Status != 200 {
		t.Fatalf("city sets quota: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/approve", county, step); r.Status != 409 || !strings.Contains(string(r.Body), "名额已满") {
		t.Fatalf("approval over quota: %d %s", r.Status, r.Body)
	}
	h.Do("PUT", "/api/regions/370101000000/quota", city, map[string]any{"quota": used + 1})
	if r := h.Do("POST", "/api/elders/"+e.ID+"/approve", county, step); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	e = getElder(t, h, county, e.ID)
	h.Do("GET", "/api/intake/queue?limit=500", village, nil).JSON(t, &q)
	if !containsID(q.Items, e.ID) {
		t.Fatalf("village queue lacks the approved elder")
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/confirm", village, map[string]any{"version": e.Version}); r.Status != 200 {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	e = getElder(t, h, county, e.ID)
	if e.Stage != registry.StageConfirmed || e.Status != registry.StatusActive || len(e.Intake) != 3 || e.Intake[2].ByName != "张家村组织者" {
		t.Fatalf("after confirmation: stage %s status %s intake %+v", e.Stage, e.Status, e.Intake)
	}
}

// TestEligibilityOverride: an elder failing rule E1 cannot be approved
// until an organizer records an override with a reason.
func TestEligibilityOverride(t *testing.T) {
	h := platformtest.New(t)
	town, county := h.Login("cgz"), h.Login("szq")
	young := elderBody("370101001002", "37010119700301002") // 56 years old
	r := h.Do("POST", "/api/elders", town, young)
	var e registry.Elder
	r.JSON(t, &e)
	if r.Status != 201 || e.Eligibility.Eligible || !strings.Contains(strings.Join(e.Eligibility.Reasons, ","), "不满 65") {
		t.Fatalf("young elder: %d %+v", r.Status, e.Eligibility)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/approve", county, map[string]any{"version": e.Version}); r.Status != 400 {
		t.Fatalf("approving ineligible: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/eligibility", county, map[string]any{"eligible": true, "version": e.Version}); r.Status != 400 || r.ErrorField(t) != "reason" {
		t.Fatalf("override without reason: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/elders/"+e.ID+"/eligibility", county, map[string]any{"eligible": true, "reason": "重度残疾且独居, 经县里研究纳入", "version": e.Version})
	r.JSON(t, &e)
	if r.Status != 200 || !e.Eligibility.Eligible || e.Eligibility.Override == nil || e.Eligibility.Override.ByName != "市中区组织者" {
		t.Fatalf("override: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/approve", county, map[string]any{"version": e.Version}); r.Status != 200 {
		t.Fatalf("approve after override: %d %s", r.Status, r.Body)
	}
}

// TestElderStatusHistory: rule E3 — changes recorded with date and reason,
// never deleted, impossible moves refused, stale versions refused.
func TestElderStatusHistory(t *testing.T) {
	h := platformtest.New(t)
	tok := h.Login("szq")
	var id string
	for _, e := range h.Set.Elders {
		if inCounty(e.Village, countyA) && e.Status == registry.StatusActive {
			id = e.ID
			break
		}
	}
	change := func(status string, version int) platformtest.Response {
		return h.Do("POST", "/api/elders/"+id+"/status", tok, map[string]any{"status": status, "date": "2026-10-01", "reason": "测试:" + status, "version": version})
	}
	e := getElder(t, h, tok, id)
	if r := change("hospitalised", e.Version); r.Status != 200 {
		t.Fatalf("hospitalised: %d %s", r.Status, r.Body)
	}
	if r := change("active", e.Version); r.Status != 409 {
		t.Fatalf("stale version: %d %s", r.Status, r.Body)
	}
	e = getElder(t, h, tok, id)
	for _, s := range []string{"active", "deceased"} {
		if r := change(s, e.Version); r.Status != 200 {
			t.Fatalf("%s: %d %s", s, r.Status, r.Body)
		}
		e = getElder(t, h, tok, id)
	}
	if r := change("active", e.Version); r.Status != 400 || r.ErrorField(t) != "status" {
		t.Fatalf("deceased → active: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+id+"/status", tok, map[string]any{"status": "left", "date": "2099-01-01", "reason": "x", "version": e.Version}); r.Status != 400 {
		t.Fatalf("future date: %d %s", r.Status, r.Body)
	}
	if len(e.History) != 3 || e.History[0].To != "hospitalised" || e.History[2].To != "deceased" || e.History[2].Reason != "测试:deceased" {
		t.Fatalf("history: %+v", e.History)
	}
	if r := h.Do("DELETE", "/api/elders/"+id, tok, nil); r.Status != 405 {
		t.Fatalf("DELETE exists: %d", r.Status)
	}
}

// TestBadInputStoresNothing: each refusal names the field and stores nothing.
func TestBadInputStoresNothing(t *testing.T) {
	h := platformtest.New(t)
	tok := h.Login("cgz")
	count := func() int {
		n, err := h.P.Store.CountElders(context.Background(), registry.Filter{Area: "370000000000"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	good := func() map[string]any { return elderBody("370101001001", "37010119480101005") }
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		field string
	}{
		{"ErrIDChecksum", func(m map[string]any) {
			s := m["idNumber"].(string)
			m["idNumber"] = s[:17] + map[bool]string{true: "1", false: "2"}[s[17] != '1']
		}, "idNumber"},
		{"ErrIDLength", func(m map[string]any) { m["idNumber"] = "37010119480101" }, "idNumber"},
		{"ErrIDBirth", func(m map[string]any) { m["idNumber"] = pii.CompleteResidentID("37010119481301005") }, "idNumber"},
		{"ErrPhone", func(m map[string]any) { m["phone"] = "12345" }, "phone"},
		{"ErrContactPhone", func(m map[string]any) {
			m["contacts"] = []map[string]any{{"name": "a", "relation": "儿子", "phone": "999"}}
		}, "contacts[0].phone"},
		{"ErrContactMissingName", func(m map[string]any) {
			m["contacts"] = []map[string]any{{"relation": "儿子", "phone": "13700001111"}}
		}, "contacts[0].name"},
		{"ErrVillageOutside", func(m map[string]any) { m["village"] = "370102001001" }, "village"},
		{"ErrVillageNotVillage", func(m map[string]any) { m["village"] = "370101001000" }, "village"},
		{"ErrVillageMissing", func(m map[string]any) { m["village"] = "370101001099" }, "village"},
		{"ErrNameMissing", func(m map[string]any) { delete(m, "name") }, "name"},
		{"ErrDisability", func(m map[string]any) { m["health"] = map[string]any{"disabilityLevel": 7} }, "health.disabilityLevel"},
		{"ErrSelfCare", func(m map[string]any) { m["health"] = map[string]any{"selfCare": "很好"} }, "health.selfCare"},
		{"ErrLatitude", func(m map[string]any) { m["lat"] = 123.0 }, "lat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := good()
			tt.edit(b)
			r := h.Do("POST", "/api/elders", tok, b)
			if r.Status != 400 || r.ErrorField(t) != tt.field {
				t.Fatalf("want 400 naming %s, got %d %s", tt.field, r.Status, r.Body)
			}
		})
	}
	if n := count(); n != before {
		t.Fatalf("refused requests stored %d elders", n-before)
	}
	if r := h.Do("POST", "/api/elders", tok, good()); r.Status != 201 {
		t.Fatalf("good body: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders", tok, good()); r.Status != 400 || r.ErrorField(t) != "idNumber" {
		t.Fatalf("duplicate ID: %d %s", r.Status, r.Body)
	}
	if n := count(); n != before+1 {
		t.Fatalf("want exactly one stored, got %d", n-before)
	}
}

func containsID(es []registry.Elder, id string) bool {
	for _, e := range es {
		if e.ID == id {
			return true
		}
	}
	return false
}

// TestCountyConfirmsForVillage (E4): a village without a working account
// would block its elders for good; the county organizer confirms on its
// behalf, but only with a reason, and the step says so.
func TestCountyConfirmsForVillage(t *testing.T) {
	h := platformtest.New(t)
	town, county, city := h.Login("cgz"), h.Login("szq"), h.Login("jinan")
	const vil = "370101001001"
	r := h.Do("POST", "/api/elders", town, elderBody(vil, "37010119500301002"))
	var e registry.Elder
	if r.JSON(t, &e); r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	used, err := h.P.Store.CountElders(context.Background(), registry.Filter{Area: "370101000000", Stage: []string{"approved", "confirmed"}, Status: []string{"pending", "active", "hospitalised"}})
	if err != nil {
		t.Fatal(err)
	}
	h.Do("PUT", "/api/regions/370101000000/quota", city, map[string]any{"quota": used + 1})
	if r := h.Do("POST", "/api/elders/"+e.ID+"/approve", county, map[string]any{"version": e.Version}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	e = getElder(t, h, county, e.ID)
	if r := h.Do("POST", "/api/elders/"+e.ID+"/confirm", county, map[string]any{"version": e.Version}); r.Status != 400 || r.ErrorField(t) != "note" {
		t.Fatalf("county confirming without a reason: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/confirm", town, map[string]any{"version": e.Version, "note": "代办"}); r.Status != 403 {
		t.Fatalf("township confirming: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/confirm", county, map[string]any{"version": e.Version, "note": "该村暂无组织者账号"}); r.Status != 200 {
		t.Fatalf("county confirming for the village: %d %s", r.Status, r.Body)
	}
	e = getElder(t, h, county, e.ID)
	last := e.Intake[len(e.Intake)-1]
	if e.Stage != registry.StageConfirmed || e.Status != registry.StatusActive || last.OnBehalfOf != vil || last.Note != "该村暂无组织者账号" ||
		!strings.Contains(e.History[len(e.History)-1].Reason, "县级代村确认") {
		t.Fatalf("after the county's confirmation: stage %s status %s intake %+v history %+v", e.Stage, e.Status, e.Intake, e.History)
	}
}
