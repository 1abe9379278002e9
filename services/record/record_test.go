package record_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/services/platform/platformtest"
	"jinhui/services/record"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

const (
	countyA = "370101000000"
	countyB = "370102000000"
)

var (
	orgA = access.Principal{Kind: access.KindOrganizer, ID: "org-a", Name: "市中区组织者", Role: access.RoleOrganizer, Region: countyA, Level: 3}
	orgB = access.Principal{Kind: access.KindOrganizer, ID: "org-b", Name: "邻县组织者", Role: access.RoleOrganizer, Region: countyB, Level: 3}
	supA = access.Principal{Kind: access.KindOrganizer, ID: "sup-a", Name: "督导员", Role: access.RoleSupervisor, Region: countyA, Level: 3}
)

// setup starts a platform and gives a county-A volunteer two honour
// entries of 90 and 60 minutes in January 2026.
func setup(t *testing.T) (*platformtest.Harness, registry.Volunteer, access.Principal) {
	t.Helper()
	h := platformtest.New(t)
	var v registry.Volunteer
	for _, x := range h.Set.Volunteers {
		if registry.Within(x.Village, countyA) {
			v = x
			break
		}
	}
	ctx := context.Background()
	for _, in := range []ledger.HonourInput{
		{Key: "rec-test-0001", Volunteer: v.ID, Date: "2026-01-05", Minutes: 90, Reason: "平台上线前的探访", Approver: "张主任"},
		{Key: "rec-test-0002", Volunteer: v.ID, Date: "2026-01-12", Minutes: 60, Reason: "忘记签退", Approver: "张主任"},
	} {
		if _, err := h.P.Ledger.AddHonour(ctx, orgA, in); err != nil {
			t.Fatal(err)
		}
	}
	return h, v, access.Principal{Kind: access.KindVolunteer, ID: v.ID, Name: v.Name}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	ae := apperr.As(err)
	if ae == nil || ae.Field != field {
		t.Fatalf("error %v, want one naming %q", err, field)
	}
}

// TestRecordFiveParts: the record shows basic information with the ID
// masked, training, awards and evaluations; service lines carry date,
// place, content, hours and who recorded them; another county sees nothing.
func TestRecordFiveParts(t *testing.T) {
	h, v, me := setup(t)
	ctx := context.Background()
	rs := h.P.Record
	if _, err := rs.AddAward(ctx, orgA, v.ID, record.AwardInput{Date: "2026-02-01", Title: "优秀志愿者", Grantor: "共青团济南市市中区委"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.AddEvaluation(ctx, orgA, v.ID, record.EvaluationInput{Date: "2026-02-02", Period: "2026 上半年", Title: "优秀", Grantor: "城关镇团委"}); err != nil {
		t.Fatal(err)
	}
	b, err := h.P.Recruit.CreateBatch(ctx, orgA, recruit.BatchInput{Date: "2026-01-03", Place: "区团委会议室", Topic: "入户探访安全", Trainer: "刘老师", Capacity: 30})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.P.Recruit.Invite(ctx, orgA, b.ID, recruit.VolunteersInput{VolunteerIDs: []string{v.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.P.Recruit.Attendance(ctx, orgA, b.ID, recruit.VolunteersInput{VolunteerIDs: []string{v.ID}}); err != nil {
		t.Fatal(err)
	}
	r, err := rs.Get(ctx, me, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Training) != 1 || r.Training[0].Topic != "入户探访安全" || r.Training[0].Date != "2026-01-03" || !r.Training[0].Attended {
		t.Errorf("training: %+v", r.Training)
	}
	if r.Basic.Name != v.Name || r.Basic.VolunteerNo != ledger.VolunteerNo(v.ID) || r.Basic.IDType != "居民身份证" || r.Basic.IDNumber == v.IDNumber || !strings.Contains(r.Basic.IDNumber, "*") {
		t.Errorf("basic information: %+v", r.Basic)
	}
	if r.Basic.VillageName == "" || r.Basic.CountyName != "市中区" {
		t.Errorf("basic information names the village %q and county %q", r.Basic.VillageName, r.Basic.CountyName)
	}
	if len(r.Awards) != 1 || r.Awards[0].Title != "优秀志愿者" || len(r.Evaluations) != 1 || r.Evaluations[0].Title != "优秀" {
		t.Errorf("awards %+v, evaluations %+v", r.Awards, r.Evaluations)
	}
	lines, total, err := rs.ServiceLines(ctx, me, v.ID, page.Params{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(lines) != 2 {
		t.Fatalf("%d service lines of %d, want 2", len(lines), total)
	}
	l := lines[0] // newest first
	if l.Date != "2026-01-12" || l.Hours != 1 || l.RecordedBy != orgA.Name || l.Place == "" || l.Place == v.Village || !strings.Contains(l.Content, "忘记签退") {
		t.Errorf("service line: %+v", l)
	}
	if _, err := rs.Get(ctx, orgB, v.ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("sibling county reads the record: %v", err)
	}
	if _, _, err := rs.ServiceLines(ctx, orgB, v.ID, page.Params{}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("sibling county reads the service lines: %v", err)
	}
	other := access.Principal{Kind: access.KindVolunteer, ID: "someone-else"}
	if _, err := rs.Get(ctx, other, v.ID); err == nil {
		t.Error("another volunteer reads the record")
	}
	// Organizer entries: writers only, valid dates, grades from the list.
	if _, err := rs.AddAward(ctx, supA, v.ID, record.AwardInput{Date: "2026-02-01", Title: "x", Grantor: "y"}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a supervisor adds an award: %v", err)
	}
	if _, err := rs.AddAward(ctx, orgB, v.ID, record.AwardInput{Date: "2026-02-01", Title: "x", Grantor: "y"}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("sibling county adds an award: %v", err)
	}
	future := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	_, err = rs.AddAward(ctx, orgA, v.ID, record.AwardInput{Date: future, Title: "x", Grantor: "y"})
	wantField(t, err, "date")
}

// TestCorrectionAccepted: a volunteer asks to correct a service line; the
// organizer accepts with new minutes. The original line stays, a reversal
// and the corrected line are appended, the record shows the amendment, and
// a second decision is refused.
func TestCorrectionAccepted(t *testing.T) {
	h, v, me := setup(t)
	ctx := context.Background()
	rs := h.P.Record
	_, err := rs.RequestCorrection(ctx, me, record.CorrectionInput{Part: record.PartService, Text: "那天只服务了半小时"})
	wantField(t, err, "ref")
	_, err = rs.RequestCorrection(ctx, me, record.CorrectionInput{Part: record.PartService, Ref: "honour:nope", Text: "x"})
	wantField(t, err, "ref")
	ref := "honour:rec-test-0002"
	c, err := rs.RequestCorrection(ctx, me, record.CorrectionInput{Part: record.PartService, Ref: ref, Text: "那天只服务了半小时"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != record.StatusPending || c.StatusName != "待处理" {
		t.Fatalf("new request: %+v", c)
	}
	list, n, err := rs.Corrections(ctx, orgA, "", record.StatusPending, page.Params{})
	if err != nil || n != 1 || list[0].ID != c.ID {
		t.Fatalf("pending list: %v %d %v", list, n, err)
	}
	if _, n, _ := rs.Corrections(ctx, orgB, "", "", page.Params{}); n != 0 {
		t.Errorf("sibling county lists %d requests", n)
	}
	_, _, err = rs.Corrections(ctx, orgB, countyA, "", page.Params{})
	wantField(t, err, "area")
	if _, err := rs.Accept(ctx, orgB, c.ID, record.DecisionInput{Version: 1, Reason: "核实", Text: "x"}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("sibling county accepts: %v", err)
	}
	_, err = rs.Accept(ctx, orgA, c.ID, record.DecisionInput{Version: 1, Reason: "已核实"})
	wantField(t, err, "text")
	thirty := 30
	got, err := rs.Accept(ctx, orgA, c.ID, record.DecisionInput{Version: 1, Reason: "已向老人核实", Text: "服务时长更正为 0.5 小时", Minutes: &thirty})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != record.StatusAccepted || got.Reason != "已向老人核实" || got.DecidedBy != orgA.Name || got.DecidedAt == nil {
		t.Errorf("accepted request: %+v", got)
	}
	if _, err := rs.Refuse(ctx, orgA, c.ID, record.DecisionInput{Version: got.Version, Reason: "再议"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("deciding twice: %v", err)
	}
	r, err := rs.Get(ctx, me, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Amendments) != 1 || r.Amendments[0].Text != "服务时长更正为 0.5 小时" || r.Amendments[0].Correction != c.ID {
		t.Errorf("amendments: %+v", r.Amendments)
	}
	if len(r.Corrections) != 1 || r.Corrections[0].Status != record.StatusAccepted {
		t.Errorf("corrections: %+v", r.Corrections)
	}
	lines, total, err := rs.ServiceLines(ctx, me, v.ID, page.Params{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, l := range lines {
		kinds[l.Kind] += l.Minutes
	}
	if total != 4 || kinds["reversal"] != -60 || kinds["correction"] != 30 || kinds[ledger.KindHonour] != 150 {
		t.Errorf("service lines after the correction: %d lines, minutes by kind %v (want the 60 kept, -60 and +30 appended)", total, kinds)
	}
	// The original line was corrected already: correcting its hours again
	// is refused naming the minutes (the corrected line is the one to
	// correct), and the request stays pending.
	again, err := rs.RequestCorrection(ctx, me, record.CorrectionInput{Part: record.PartService, Ref: ref, Text: "还是不对"})
	if err != nil {
		t.Fatal(err)
	}
	twenty := 20
	_, err = rs.Accept(ctx, orgA, again.ID, record.DecisionInput{Version: 1, Reason: "核实", Text: "更正为 20 分钟", Minutes: &twenty})
	wantField(t, err, "minutes")
	if it, _ := h.P.Store.RecordItem(ctx, again.ID); it.Status != record.StatusPending {
		t.Errorf("request after a refused hours correction: %s", it.Status)
	}
	hrs, err := h.P.Ledger.VolunteerHours(ctx, me, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if hrs.Total.Honour != 120 {
		t.Errorf("honour minutes after the correction: %d, want 120", hrs.Total.Honour)
	}
}

// TestCorrectionRefused: a refusal needs a reason, leaves the record as it
// was (no amendment) and the volunteer sees the reason; the version read
// guards against a decision on a stale screen.
func TestCorrectionRefused(t *testing.T) {
	h, v, me := setup(t)
	ctx := context.Background()
	rs := h.P.Record
	if _, err := rs.RequestCorrection(ctx, orgA, record.CorrectionInput{Part: record.PartBasic, Text: "x"}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("an organizer files a correction: %v", err)
	}
	c, err := rs.RequestCorrection(ctx, me, record.CorrectionInput{Part: record.PartBasic, Text: "我的来源单位应为山东大学"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = rs.Refuse(ctx, orgA, c.ID, record.DecisionInput{Version: 1, Reason: "  "})
	wantField(t, err, "reason")
	if _, err := rs.Refuse(ctx, orgA, c.ID, record.DecisionInput{Version: 7, Reason: "x"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("stale version: %v", err)
	}
	if _, err := rs.Refuse(ctx, supA, c.ID, record.DecisionInput{Version: 1, Reason: "x"}); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a supervisor decides: %v", err)
	}
	got, err := rs.Refuse(ctx, orgA, c.ID, record.DecisionInput{Version: 1, Reason: "报名表所填单位为个人"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != record.StatusRefused || got.StatusName != "未采纳" {
		t.Errorf("refused: %+v", got)
	}
	r, err := rs.Get(ctx, me, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Amendments) != 0 || len(r.Corrections) != 1 || r.Corrections[0].Reason != "报名表所填单位为个人" {
		t.Errorf("after a refusal: amendments %+v, corrections %+v", r.Amendments, r.Corrections)
	}
	if list, n, _ := rs.Corrections(ctx, orgA, "", record.StatusPending, page.Params{}); n != 0 {
		t.Errorf("still pending: %+v", list)
	}
	// At most MaxPending open requests at once.
	for i := range record.MaxPending {
		if _, err := rs.RequestCorrection(ctx, me, record.CorrectionInput{Part: record.PartTraining, Text: "培训 " + string(rune('A'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rs.RequestCorrection(ctx, me, record.CorrectionInput{Part: record.PartTraining, Text: "再一条"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("request over the open limit: %v", err)
	}
}

// TestCertificateNotice: a county's settings fill the certificate's
// issuer, person in charge, handler and contact; with a notice period the
// certificate is 公示中 until it ends, then 已生效; one withdrawn during
// the notice shows 已撤销.
func TestCertificateNotice(t *testing.T) {
	h, v, me := setup(t)
	ctx := context.Background()
	ls := h.P.Ledger
	_, err := ls.PutSettings(ctx, orgA, countyA, ledger.CertSettings{Issuer: "共青团济南市市中区委员会", Principal: "王书记", Handler: "李干事", Contact: "0531-12345678", NoticeDays: 31})
	wantField(t, err, "noticeDays")
	_, err = ls.PutSettings(ctx, orgA, countyA, ledger.CertSettings{Issuer: "共青团济南市市中区委员会", Principal: "王书记", Handler: " ", Contact: "0531-12345678", NoticeDays: 7})
	wantField(t, err, "handler")
	if _, err := ls.PutSettings(ctx, orgB, countyA, ledger.CertSettings{Issuer: "x", Principal: "x", Handler: "x", Contact: "x"}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("sibling county sets A's settings: %v", err)
	}
	if _, err := ls.PutSettings(ctx, orgA, countyA, ledger.CertSettings{Issuer: "共青团济南市市中区委员会", Principal: "王书记", Handler: "李干事", Contact: "0531-12345678", NoticeDays: 7}); err != nil {
		t.Fatal(err)
	}
	c, err := ls.Issue(ctx, me, v.ID, ledger.CertificateInput{From: "2026-01", To: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != v.Name || c.IDType != "居民身份证" || c.IDNumber == v.IDNumber || !strings.Contains(c.IDNumber, "*") || c.VolunteerNo != ledger.VolunteerNo(v.ID) ||
		c.TotalHours != 2.5 || !strings.Contains(c.Content, "金晖助老") || c.Issuer != "共青团济南市市中区委员会" || c.Principal != "王书记" ||
		c.Handler != "李干事" || c.Contact != "0531-12345678" || len(c.Code) != 12 || c.IssuedAt.IsZero() {
		t.Errorf("certificate fields: %+v", c)
	}
	if c.Status != ledger.CertNotice || c.StatusName != "公示中" || c.NoticeUntil == nil || c.NoticeUntil.Sub(c.IssuedAt) != 7*24*time.Hour {
		t.Errorf("certificate in notice: %s %s until %v", c.Status, c.StatusName, c.NoticeUntil)
	}
	if got, _ := ls.Verify(ctx, c.Code); got.StatusName != "公示中" {
		t.Errorf("verification during the notice: %s", got.StatusName)
	}
	page, err := ledger.CertificatePage(c, "http://x/verify.html?code="+c.Code, []byte{1})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"志愿服务证明", v.Name, c.IDNumber, "王书记", "李干事", "0531-12345678", "盖章", "公示中", "@page { size: A4"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("print page lacks %q", want)
		}
	}
	now := ls.Now
	ls.Now = func() time.Time { return now().AddDate(0, 0, 8) }
	if got, _ := ls.Verify(ctx, c.Code); got.Status != ledger.CertEffective || got.StatusName != "已生效" {
		t.Errorf("verification after the notice: %s", got.StatusName)
	}
	if _, err := ls.Withdraw(ctx, orgA, c.Code, ledger.WithdrawInput{Reason: "有异议"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("withdrawing an effective certificate: %v", err)
	}
	ls.Now = now
	c2, err := ls.Issue(ctx, me, v.ID, ledger.CertificateInput{From: "2026-01", To: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ls.Withdraw(ctx, orgB, c2.Code, ledger.WithdrawInput{Reason: "有异议"}); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("sibling county withdraws: %v", err)
	}
	if _, err := ls.Withdraw(ctx, orgA, c2.Code, ledger.WithdrawInput{Reason: "群众反映时长不实, 经核实属实"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ls.Verify(ctx, c2.Code); got.Status != ledger.CertWithdrawn || got.WithdrawCause == "" {
		t.Errorf("verification after withdrawal: %+v", got)
	}
	if _, err := ls.Withdraw(ctx, orgA, c2.Code, ledger.WithdrawInput{Reason: "再次"}); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("withdrawing twice: %v", err)
	}
	// A county with no settings: the programme issues, in effect at once.
	cs, err := ls.Settings(ctx, orgB, countyB)
	if err != nil || cs.NoticeDays != 0 || !strings.Contains(cs.Issuer, "金晖助老") {
		t.Errorf("default settings: %+v %v", cs, err)
	}
}

// TestExportByAreaAndPeriod: one row per service line of the area and
// period, the unified columns, ID numbers masked; another county's area
// and a bad month are refused naming the field.
func TestExportByAreaAndPeriod(t *testing.T) {
	h, v, _ := setup(t)
	ctx := context.Background()
	rs := h.P.Record
	var buf bytes.Buffer
	n, err := rs.Export(ctx, orgA, record.ExportInput{Area: countyA, From: "2026-01", To: "2026-01"}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("%d rows, want 2", n)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("志愿服务记录")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[1], ",") != strings.Join(record.ExportHeader, ",") {
		t.Fatalf("sheet rows: %v", rows)
	}
	first := rows[2]
	if first[1] != ledger.VolunteerNo(v.ID) || first[2] != v.Name || first[3] != "居民身份证" || first[4] == v.IDNumber || first[7] != "2026-01-05" || first[10] != "1.5" || first[12] != orgA.Name {
		t.Errorf("first row: %v", first)
	}
	buf.Reset()
	if n, err := rs.Export(ctx, orgA, record.ExportInput{Area: countyA, From: "2026-02", To: "2026-03"}, &buf); err != nil || n != 0 {
		t.Errorf("another period: %d rows, %v", n, err)
	}
	_, err = rs.Export(ctx, orgB, record.ExportInput{Area: countyA, From: "2026-01", To: "2026-01"}, &buf)
	wantField(t, err, "area")
	_, err = rs.Export(ctx, orgA, record.ExportInput{Area: countyA, From: "2026-13", To: "2026-01"}, &buf)
	wantField(t, err, "from")
	_, err = rs.Export(ctx, orgA, record.ExportInput{Area: countyA, From: "2026-03", To: "2026-01"}, &buf)
	wantField(t, err, "to")
}
