package httpapi_test

import (
	"strings"
	"testing"

	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/pii"
)

// TestVolunteerRegister: profile, unique phone (the login), status changes
// with history, and the carer register beside it.
func TestVolunteerRegister(t *testing.T) {
	h := platformtest.New(t)
	tok := h.Login("cgz")
	body := map[string]any{"name": "周青", "idNumber": pii.CompleteResidentID("37010120010203004"), "phone": "+86 139-1234-0001", "type": "doctor",
		"village": "370101001002", "skills": []string{"medical", "massage"}, "capacity": 2, "sourceKind": "university", "sourceOrg": "山东大学",
		"availability": []map[string]any{{"day": 6, "from": "09:00", "to": "12:00"}}}
	r := h.Do("POST", "/api/volunteers", tok, body)
	var v registry.Volunteer
	r.JSON(t, &v)
	if r.Status != 201 || v.Phone != "+86139****0001" || v.Status != "active" || v.Lat == 0 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/volunteers", tok, body); r.Status != 400 || r.ErrorField(t) != "phone" {
		t.Fatalf("same phone again: %d %s", r.Status, r.Body)
	}
	bad := map[string]any{}
	for k, x := range body {
		bad[k] = x
	}
	bad["phone"], bad["availability"] = "13912340002", []map[string]any{{"day": 8, "from": "09:00", "to": "12:00"}}
	if r := h.Do("POST", "/api/volunteers", tok, bad); r.Status != 400 || r.ErrorField(t) != "availability[0].day" {
		t.Fatalf("day 8: %d %s", r.Status, r.Body)
	}
	bad["availability"], bad["skills"] = nil, []string{"juggling"}
	if r := h.Do("POST", "/api/volunteers", tok, bad); r.Status != 400 || r.ErrorField(t) != "skills[0]" {
		t.Fatalf("unknown skill: %d %s", r.Status, r.Body)
	}
	// V2: the public form's age rule applies to the organizer's form too:
	// an 11-year-old is refused, naming the ID number and the range.
	bad["skills"] = nil
	bad["idNumber"] = pii.CompleteResidentID("370101" + h.P.Registry.Now().AddDate(-11, 0, 0).Format("20060102") + "004")
	if r := h.Do("POST", "/api/volunteers", tok, bad); r.Status != 400 || r.ErrorField(t) != "idNumber" || !strings.Contains(string(r.Body), "16 到 70") {
		t.Fatalf("an 11-year-old volunteer: %d %s", r.Status, r.Body)
	}
	st := func(status string, version int) platformtest.Response {
		return h.Do("POST", "/api/volunteers/"+v.ID+"/status", tok, map[string]any{"status": status, "date": "2026-11-01", "reason": "外出务工", "version": version})
	}
	if r := st("paused", v.Version); r.Status != 200 {
		t.Fatalf("pause: %d %s", r.Status, r.Body)
	}
	r = h.Do("GET", "/api/volunteers/"+v.ID, tok, nil)
	r.JSON(t, &v)
	if v.Status != "paused" || len(v.History) != 1 || v.History[0].Reason != "外出务工" || v.History[0].ByName != "城关镇组织者" {
		t.Fatalf("after pause: %+v", v)
	}
	if r := st("retired", v.Version); r.Status != 400 || r.ErrorField(t) != "status" {
		t.Fatalf("unknown status: %d %s", r.Status, r.Body)
	}
	var page registry.Page[registry.Volunteer]
	h.Do("GET", "/api/volunteers?status=paused&type=doctor", tok, nil).JSON(t, &page)
	if page.Total != 1 || page.Items[0].ID != v.ID {
		t.Fatalf("filtered list: %+v", page)
	}
	full := h.Do("POST", "/api/volunteers/"+v.ID+"/reveal", tok, nil)
	if full.Status != 200 || !strings.Contains(string(full.Body), "+8613912340001") {
		t.Fatalf("reveal: %d %s", full.Status, full.Body)
	}

	c := map[string]any{"name": "邻里护理员", "idNumber": pii.CompleteResidentID("37010119750101005"), "phone": "13912340009", "village": "370101001001", "startDate": "2026-09-01"}
	if r := h.Do("POST", "/api/carers", tok, c); r.Status != 201 {
		t.Fatalf("carer: %d %s", r.Status, r.Body)
	}
	// The carer logs in with a code and sees only themself.
	ctok := h.PhoneLogin("+8613912340009", "carer")
	var cr registry.Carer
	h.Do("GET", "/api/me", ctok, nil).JSON(t, &cr)
	if r := h.Do("GET", "/api/carers/"+cr.ID, ctok, nil); r.Status != 200 {
		t.Fatalf("carer reads self: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/carers", ctok, nil); r.Status != 403 {
		t.Fatalf("carer lists carers: %d", r.Status)
	}
	if r := h.Do("GET", "/api/elders", ctok, nil); r.Status != 403 {
		t.Fatalf("carer lists elders: %d", r.Status)
	}
}

// TestRegionImport: an admin loads new villages from CSV (6-digit county
// codes accepted); nodes outside the subtree or without a parent are refused.
func TestRegionImport(t *testing.T) {
	h := platformtest.New(t)
	admin := h.Login("szqadmin")
	csv := "code,name,lat,lon\n370101009000,新城街道,36.6,117.0\n370101009001,幸福社区,36.61,117.01\n"
	r := h.Upload("/api/regions/import", admin, "regions.csv", []byte(csv))
	if r.Status != 200 || !strings.Contains(string(r.Body), `"stored":2`) {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var reg registry.Region
	h.Do("GET", "/api/regions/370101009001", admin, nil).JSON(t, &reg)
	if reg.Name != "幸福社区" || reg.Level != registry.Village || reg.Parent != "370101009000" {
		t.Fatalf("imported village: %+v", reg)
	}
	for name, bad := range map[string]string{
		"outside":   "code,name\n370102009000,别县街道\n",
		"orphan":    "code,name\n370101077001,孤村\n",
		"badcode":   "code,name\n3701XX,错码\n",
		"emptyname": "code,name\n370101008000,\n",
	} {
		if r := h.Upload("/api/regions/import", admin, "r.csv", []byte(bad)); r.Status != 400 {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if r := h.Upload("/api/regions/import", h.Login("szq"), "r.csv", []byte(csv)); r.Status != 403 {
		t.Fatalf("non-admin import: %d", r.Status)
	}
	var kids struct{ Items []registry.Region }
	h.Do("GET", "/api/regions?parent=370101000000", h.Login("szq"), nil).JSON(t, &kids)
	if len(kids.Items) != 3 {
		t.Fatalf("county children: %d", len(kids.Items))
	}
}
