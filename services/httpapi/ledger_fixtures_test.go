package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jinhui/services/carer"
	"jinhui/services/ledger"
	"jinhui/services/platform/platformtest"
	"jinhui/shared/clock"
)

// ledgerFixtures are county A's ledger objects for the access walk: an
// honour entry, a certificate, a carer roster line and a statement.
type ledgerFixtures struct {
	entry, cert, assignment, statement, volunteer, carer string
}

func newLedgerFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) ledgerFixtures {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	e := ledger.Entry{ID: "honour:walk-fixture-1", Kind: ledger.KindHonour, Volunteer: fx.volunteer.ID, Areas: fx.volunteer.Areas, Village: fx.volunteer.Village,
		Date: "2026-01-05", Month: "2026-01", Minutes: 90, Source: "organizer", SourceID: "walk", Reason: "补记", By: "x", ByName: "x", Approver: "y", At: now}
	if err := h.P.Ledger.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	cert := ledger.Certificate{Code: "WALKFIXTURE2", Volunteer: fx.volunteer.ID, Areas: fx.volunteer.Areas, Name: fx.volunteer.Name, From: "2026-01", To: "2026-01",
		CreditMinutes: 0, HonourMinutes: 90, HonourHours: 1.5, Issuer: "金晖助老志愿服务项目", IssuedAt: now}
	if err := h.P.Store.InsertCertificate(ctx, cert); err != nil {
		t.Fatal(err)
	}
	a := carer.Assignment{ID: "walk-assignment-1", Carer: fx.carer.ID, CarerName: fx.carer.Name, Person: "p:walk", PersonName: "王奶奶", Village: fx.carer.Village,
		Areas: fx.carer.Areas, StartDate: "2026-01-01", Agreement: "自愿", Status: carer.Active, Version: 1, CreatedAt: now}
	if err := h.P.Store.InsertAssignment(ctx, a); err != nil {
		t.Fatal(err)
	}
	st := carer.Statement{ID: fx.carer.ID + ":2026-01", Carer: fx.carer.ID, CarerName: fx.carer.Name, Village: fx.carer.Village, Areas: fx.carer.Areas,
		County: countyA, Month: "2026-01", Rule: carer.DefaultRule(countyA), Status: carer.Draft, Version: 1, UpdatedAt: now}
	if err := h.P.Store.PutStatement(ctx, &st, 0); err != nil {
		t.Fatal(err)
	}
	return ledgerFixtures{volunteer: fx.volunteer.ID, carer: fx.carer.ID, entry: e.ID, cert: cert.Code, assignment: a.ID, statement: st.ID}
}

func (f ledgerFixtures) id(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/ledger/entries/{id}"):
		return f.entry
	case strings.HasPrefix(path, "/api/certificates/{code}"):
		return f.cert
	case strings.HasPrefix(path, "/api/carer-roster/{id}"):
		return f.assignment
	case strings.HasPrefix(path, "/api/carer-rules/{county}"):
		return countyA
	case strings.HasPrefix(path, "/api/carer-statements/{id}"):
		return f.statement
	}
	return ""
}

func (f ledgerFixtures) body(method, path string) any {
	today := clock.Today(time.Now())
	switch method + " " + path {
	case "POST /api/ledger/honour":
		return map[string]any{"key": "walk-honour-2", "volunteer": f.volunteer, "date": "2026-01-06", "minutes": 60, "reason": "忘记签退", "approver": "张主任"}
	case "POST /api/ledger/entries/{id}/correct":
		return map[string]any{"minutes": 30, "reason": "更正"}
	case "POST /api/me/certificates":
		return map[string]any{"from": "2026-01", "to": "2026-12"}
	case "POST /api/carer-roster":
		return map[string]any{"carer": f.carer, "personName": "李奶奶", "startDate": "2026-01-01", "agreement": "自愿结对"}
	case "POST /api/carer-roster/{id}/leave":
		return map[string]any{"date": today, "reason": "转集中供养", "centralised": true, "version": 1}
	case "POST /api/carer-logs":
		return map[string]any{"key": "walk-log-0001", "assignment": f.assignment, "date": today, "kinds": []string{"助餐"}, "minutes": 30}
	case "PUT /api/carer-rules/{county}":
		return map[string]any{"mode": "daily", "rate": 20, "cap": 400}
	case "POST /api/carer-statements/compute":
		return map[string]any{"county": countyA, "month": "2026-01"}
	case "POST /api/carer-statements/{id}/approve":
		return map[string]any{"version": 1}
	}
	return nil
}
