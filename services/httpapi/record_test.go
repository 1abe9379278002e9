package httpapi_test

import (
	"strings"
	"testing"

	"jinhui/services/ledger"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
)

// TestServiceRecordFlows walks the national service record over HTTP: the
// volunteer reads the record and asks for corrections (bad input refused
// naming the field), the county organizer refuses one and accepts another
// (an amendment appended, a ledger correction for the hours), sets the
// county's certificate settings with a notice period, the certificate is
// 公示中 on verification and on its printable page, and the area's
// records export as a spreadsheet.
func TestServiceRecordFlows(t *testing.T) {
	h := platformtest.New(t)
	var vol registry.Volunteer
	for _, v := range h.Set.Volunteers {
		if inCounty(v.Village, countyA) {
			vol = v
			break
		}
	}
	org, me := h.Login("szq"), h.PhoneLogin(vol.Phone, "volunteer")
	if r := h.Do("POST", "/api/ledger/honour", org, map[string]any{"key": "http-rec-01", "volunteer": vol.ID, "date": "2026-01-05", "minutes": 120,
		"reason": "忘记签退", "approver": "张主任"}); r.Status != 200 {
		t.Fatalf("honour: %d %s", r.Status, r.Body)
	}
	var rec struct {
		Basic struct{ Name, IDNumber, VolunteerNo string }
	}
	h.Do("GET", "/api/me/record", me, nil).JSON(t, &rec)
	if rec.Basic.Name != vol.Name || rec.Basic.VolunteerNo != ledger.VolunteerNo(vol.ID) || rec.Basic.IDNumber == vol.IDNumber {
		t.Errorf("my record: %+v", rec.Basic)
	}
	var lines struct {
		Items []struct{ ID, Date, Place, Content, RecordedBy string }
		Total int
	}
	h.Do("GET", "/api/me/record/service?limit=5", me, nil).JSON(t, &lines)
	if lines.Total != 1 || lines.Items[0].RecordedBy != "市中区组织者" || lines.Items[0].Place == "" {
		t.Fatalf("my service lines: %+v", lines)
	}
	entry := lines.Items[0].ID

	bad := []struct {
		name, method, path, token string
		body                      any
		field                     string
	}{
		{"ErrPartUnknown", "POST", "/api/me/record/corrections", me, map[string]any{"part": "salary", "text": "x"}, "part"},
		{"ErrTextMissing", "POST", "/api/me/record/corrections", me, map[string]any{"part": "basic"}, "text"},
		{"ErrServiceWithoutRef", "POST", "/api/me/record/corrections", me, map[string]any{"part": "service", "text": "时长不对"}, "ref"},
		{"ErrAwardDate", "POST", "/api/volunteers/" + vol.ID + "/awards", org, map[string]any{"date": "2026-13-01", "title": "优秀", "grantor": "团区委"}, "date"},
		{"ErrGrade", "POST", "/api/volunteers/" + vol.ID + "/evaluations", org, map[string]any{"date": "2026-01-01", "period": "2025", "title": "很好", "grantor": "团区委"}, "title"},
		{"ErrNoticeDays", "PUT", "/api/certificate-settings/" + countyA, org, map[string]any{"issuer": "团区委", "principal": "王", "handler": "李", "contact": "1", "noticeDays": 60}, "noticeDays"},
		{"ErrSettingsCounty", "PUT", "/api/certificate-settings/370101001000", org, map[string]any{"issuer": "团区委", "principal": "王", "handler": "李", "contact": "1"}, "county"},
		{"ErrExportMonth", "GET", "/api/records/export.xlsx?from=2026-1&to=2026-02", org, nil, "from"},
	}
	for _, c := range bad {
		r := h.Do(c.method, c.path, c.token, c.body)
		if r.Status != 400 || r.ErrorField(t) != c.field {
			t.Errorf("%s: %d %s, want 400 naming %s", c.name, r.Status, r.Body, c.field)
		}
	}

	// One request refused, one accepted with new minutes.
	var refused, accepted struct {
		ID      string
		Version int
		Status  string
		Reason  string
	}
	h.Do("POST", "/api/me/record/corrections", me, map[string]any{"part": "basic", "text": "来源单位有误"}).JSON(t, &refused)
	h.Do("POST", "/api/me/record/corrections", me, map[string]any{"part": "service", "ref": entry, "text": "那天服务了一小时"}).JSON(t, &accepted)
	var pending struct{ Total int }
	h.Do("GET", "/api/record-corrections?status=pending", org, nil).JSON(t, &pending)
	if pending.Total != 2 {
		t.Errorf("%d pending requests, want 2", pending.Total)
	}
	if r := h.Do("POST", "/api/record-corrections/"+refused.ID+"/refuse", org, map[string]any{"version": refused.Version}); r.Status != 400 || r.ErrorField(t) != "reason" {
		t.Errorf("refusal without a reason: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/record-corrections/"+refused.ID+"/refuse", h.Login("linxian"), map[string]any{"version": 1, "reason": "x"}); r.Status != 404 {
		t.Errorf("sibling county refuses: %d", r.Status)
	}
	h.Do("POST", "/api/record-corrections/"+refused.ID+"/refuse", org, map[string]any{"version": refused.Version, "reason": "与报名表一致"}).JSON(t, &refused)
	h.Do("POST", "/api/record-corrections/"+accepted.ID+"/accept", org, map[string]any{"version": accepted.Version, "reason": "已核实",
		"text": "服务时长更正为 1 小时", "minutes": 60}).JSON(t, &accepted)
	if refused.Status != "refused" || refused.Reason != "与报名表一致" || accepted.Status != "accepted" {
		t.Errorf("decisions: refused %+v, accepted %+v", refused, accepted)
	}
	var after struct {
		Amendments []struct{ Text string }
	}
	h.Do("GET", "/api/volunteers/"+vol.ID+"/record", org, nil).JSON(t, &after)
	h.Do("GET", "/api/me/record/service", me, nil).JSON(t, &lines)
	if len(after.Amendments) != 1 || lines.Total != 3 {
		t.Errorf("after acceptance: %d amendments, %d service lines (want 1 and 3: the original, its reversal, the corrected line)", len(after.Amendments), lines.Total)
	}

	// Certificate with the county's settings and a notice period.
	if r := h.Do("PUT", "/api/certificate-settings/"+countyA, org, map[string]any{"issuer": "共青团济南市市中区委员会", "principal": "王书记",
		"handler": "李干事", "contact": "0531-12345678", "noticeDays": 7}); r.Status != 200 {
		t.Fatalf("settings: %d %s", r.Status, r.Body)
	}
	var cert struct{ Code, Status, StatusName, Handler, IDNumber string }
	h.Do("POST", "/api/me/certificates", me, map[string]any{"from": "2026-01", "to": "2026-01"}).JSON(t, &cert)
	if cert.StatusName != "公示中" || cert.Handler != "李干事" || cert.IDNumber == vol.IDNumber {
		t.Errorf("certificate: %+v", cert)
	}
	var pub struct{ StatusName string }
	h.Do("GET", "/api/certificates/"+cert.Code, "", nil).JSON(t, &pub)
	if pub.StatusName != "公示中" {
		t.Errorf("public verification: %q", pub.StatusName)
	}
	r := h.Do("GET", "/api/certificates/"+cert.Code+"/print", "", nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("print page: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	for _, want := range []string{"志愿服务证明", vol.Name, "王书记", "0531-12345678", "公示中", "盖章", cert.Code} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("print page lacks %q", want)
		}
	}
	for _, secret := range []string{vol.IDNumber, vol.ID, vol.Phone, "370101"} {
		if strings.Contains(string(r.Body), secret) {
			t.Errorf("the public print page shows %q", secret)
		}
	}

	r = h.Do("GET", "/api/records/export.xlsx?area="+countyA+"&from=2026-01&to=2026-01", org, nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != xlsxContentType || len(r.Body) < 1000 {
		t.Errorf("export: %d %s %d bytes", r.Status, r.Header.Get("Content-Type"), len(r.Body))
	}
	if r := h.Do("GET", "/api/records/export.xlsx?area="+countyA+"&from=2026-01&to=2026-01", h.Login("linxian"), nil); r.Status != 400 || r.ErrorField(t) != "area" {
		t.Errorf("sibling county exports county A: %d %s", r.Status, r.Body)
	}

	// An honour entry corrected from the console, which sends its id
	// ("honour:<volunteer>/<key>") as one path segment, the slash encoded.
	var hon struct{ ID string }
	h.Do("POST", "/api/ledger/honour", org, map[string]any{"key": "http-rec-02", "volunteer": vol.ID, "date": "2026-01-07", "minutes": 90,
		"reason": "平台上线前的探访", "approver": "张主任"}).JSON(t, &hon)
	if r := h.Do("POST", "/api/ledger/entries/"+strings.ReplaceAll(hon.ID, "/", "%2F")+"/correct", org, map[string]any{"minutes": 60, "reason": "实际 1 小时"}); r.Status != 200 {
		t.Errorf("correct honour entry %s: %d %s", hon.ID, r.Status, r.Body)
	}
}

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
