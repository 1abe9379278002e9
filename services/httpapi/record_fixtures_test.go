package httpapi_test

import (
	"context"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
	"jinhui/services/record"
)

// recordFixtures are county A's service-record objects for the access
// walk: a pending correction request of the county's volunteer.
type recordFixtures struct {
	correction string
}

func newRecordFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) recordFixtures {
	t.Helper()
	it := record.Item{ID: "walk-correction-1", Kind: record.KindCorrection, Volunteer: fx.volunteer.ID, Name: fx.volunteer.Name, Areas: fx.volunteer.Areas,
		Title: "基本信息", Part: record.PartBasic, Text: "姓名有误", Status: record.StatusPending, By: fx.volunteer.ID, ByName: fx.volunteer.Name, At: time.Now(), Version: 1}
	if err := h.P.Store.InsertRecordItem(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	return recordFixtures{correction: it.ID}
}

func (f recordFixtures) id(path string) string {
	switch path {
	case "/api/record-corrections/{id}/accept", "/api/record-corrections/{id}/refuse":
		return f.correction
	case "/api/certificate-settings/{county}":
		return countyA
	}
	return ""
}

func (f recordFixtures) body(method, path string) any {
	switch method + " " + path {
	case "POST /api/me/record/corrections":
		return map[string]any{"part": "basic", "text": "来源单位有误"}
	case "POST /api/volunteers/{id}/awards":
		return map[string]any{"date": "2026-01-05", "title": "优秀志愿者", "grantor": "团区委"}
	case "POST /api/volunteers/{id}/evaluations":
		return map[string]any{"date": "2026-01-05", "period": "2025", "title": "优秀", "grantor": "团区委"}
	case "POST /api/record-corrections/{id}/accept":
		return map[string]any{"version": 1, "reason": "已核实", "text": "姓名更正"}
	case "POST /api/record-corrections/{id}/refuse":
		return map[string]any{"version": 1, "reason": "不属实"}
	case "PUT /api/certificate-settings/{county}":
		return map[string]any{"issuer": "团区委", "principal": "王", "handler": "李", "contact": "0531-1", "noticeDays": 7}
	case "POST /api/certificates/{code}/withdraw":
		return map[string]any{"reason": "有异议"}
	}
	return nil
}
