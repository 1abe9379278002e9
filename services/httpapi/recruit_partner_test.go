package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/shared/clock"
)

// TestPartnersAndReactivation counts a partner university's volunteers
// against its agreement, and shows that accepting a former volunteer
// reactivates their record instead of creating a second one.
func TestPartnersAndReactivation(t *testing.T) {
	h := platformtest.New(t)
	szq := h.Login("szq")
	today := time.Now().In(clock.Shanghai)
	r := h.Do("POST", "/api/recruit/partners", szq, map[string]any{"name": "山东大学", "kind": "university", "contactName": "王老师",
		"contactPhone": "13712340000", "from": today.AddDate(0, -1, 0).Format(time.DateOnly), "to": today.AddDate(1, 0, 0).Format(time.DateOnly), "promised": 150})
	if r.Status != 201 {
		t.Fatalf("partner: %d %s", r.Status, r.Body)
	}
	partner := r.Map(t)["id"].(string)
	call := newCall(t, h, szq, nil)
	if r := h.Do("GET", "/api/public/calls/"+call, "", nil); !strings.Contains(string(r.Body), "山东大学") {
		t.Fatalf("public call lists no partner: %s", r.Body)
	}

	student := person(1, "370101001001")
	form := func(code string) map[string]any {
		m := student.form(code)
		m["sourceKind"], m["partnerId"] = "university", partner
		return m
	}
	h.Do("POST", "/api/public/code", "", map[string]any{"phone": student.phone, "purpose": "apply", "call": call})
	r = h.Do("POST", "/api/public/calls/"+call+"/apply", "", form(h.LastCode("+86"+student.phone)))
	id := appID(t, r)
	if r := review(h, szq, id, map[string]any{"scores": goodScores, "decision": "accept"}); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	var pt recruit.Partner
	h.Do("GET", "/api/recruit/partners/"+partner, szq, nil).JSON(t, &pt)
	if pt.Applied != 1 || pt.Accepted != 1 || pt.Promised != 150 {
		t.Fatalf("partner counts: %+v", pt)
	}
	// The console lists the contact phone masked, so an update that leaves
	// the phone out keeps the saved one.
	if r := h.Do("PUT", "/api/recruit/partners/"+partner, szq, map[string]any{"version": pt.Version, "name": "山东大学", "kind": "university",
		"contactName": "王老师", "from": pt.From, "to": pt.To, "promised": 160, "note": "协议续签"}); r.Status != 200 {
		t.Fatalf("update without the phone: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/recruit/partners/"+partner+"/reveal", szq, nil); !strings.Contains(string(r.Body), "13712340000") {
		t.Fatalf("the phone after an update without it: %s", r.Body)
	}

	// A volunteer of county A who left applies again and is accepted.
	var former registry.Volunteer
	for _, v := range h.Set.Volunteers {
		if registry.Within(v.Village, countyA) {
			former = v
			break
		}
	}
	if r := h.Do("POST", "/api/volunteers/"+former.ID+"/status", szq, map[string]any{"status": "left", "date": clock.Today(time.Now()), "reason": "外出务工", "version": former.Version}); r.Status != 200 {
		t.Fatalf("leave: %d %s", r.Status, r.Body)
	}
	back := person(2, "370101001001")
	back.phone = strings.TrimPrefix(former.Phone, "+86")
	id2 := appID(t, apply(t, h, call, back))
	r = review(h, szq, id2, map[string]any{"scores": goodScores, "decision": "accept"})
	var app recruit.Application
	r.JSON(t, &app)
	if r.Status != 200 || app.VolunteerID != former.ID {
		t.Fatalf("reactivation: %d %s", r.Status, r.Body)
	}
	var v registry.Volunteer
	h.Do("GET", "/api/volunteers/"+former.ID, szq, nil).JSON(t, &v)
	if v.Status != registry.VolActive || v.ApplicationID != id2 || len(v.History) != 2 {
		t.Fatalf("reactivated volunteer: %+v", v)
	}
	// The sibling county cannot take over county A's volunteer by accepting them.
	lx := h.Login("linxian")
	lcall := newCall(t, h, lx, nil)
	other := person(3, "370102001001")
	other.phone = strings.TrimPrefix(former.Phone, "+86")
	h.P.Redis.Del(t.Context(), "otp-resend:{apply:"+former.Phone+"}")
	id3 := appID(t, apply(t, h, lcall, other))
	wantRefusal(t, "accept another county's volunteer", review(h, lx, id3, map[string]any{"scores": goodScores, "decision": "accept"}), 409, "")
}
