package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
	"jinhui/services/visit"
)

// visitFixtures are county A's visit objects for the access walk: a visit
// planned for one of its elders with one of its volunteers.
type visitFixtures struct {
	visit visit.Visit
}

func newVisitFixtures(t *testing.T, h *platformtest.Harness, fx walkFixtures) visitFixtures {
	t.Helper()
	now := time.Now()
	v := visit.Visit{ID: fx.elder.ID + ":2099-01:1", Elder: fx.elder.ID, ElderName: fx.elder.Name, Village: fx.elder.Village, Areas: fx.elder.Areas,
		County: countyA, Month: "2099-01", N: 1, Date: "2099-01-10", Volunteer: fx.volunteer.ID, VolunteerName: fx.volunteer.Name,
		People: []string{fx.volunteer.ID}, Status: visit.StatusPlanned, Checklist: visit.FiveOnes, Changes: []visit.Change{}, Version: 1, CreatedAt: now, UpdatedAt: now}
	if _, err := h.P.Store.InsertVisits(context.Background(), []visit.Visit{v}); err != nil {
		t.Fatal(err)
	}
	return visitFixtures{visit: v}
}

func (f visitFixtures) id(path string) string {
	switch {
	case strings.HasPrefix(path, "/api/visits/settings/{county}"):
		return countyA
	case strings.HasPrefix(path, "/api/visits/{id}"):
		return f.visit.ID
	case strings.HasPrefix(path, "/api/sms/templates/{key}"):
		return "visit_d1"
	}
	return ""
}

func (f visitFixtures) body(method, path string) any {
	switch method + " " + path {
	case "POST /api/visits/plan":
		return map[string]any{"area": countyA, "month": "2099-01"}
	case "PUT /api/visits/settings/{county}":
		return visit.DefaultSettings(countyA)
	case "POST /api/visits/{id}/checkin":
		return map[string]any{"key": "walk-key-0001"}
	case "POST /api/visits/{id}/checkout":
		return map[string]any{"key": "walk-key-0002", "items": []string{"chat", "housework", "hygiene"}}
	case "POST /api/visits/{id}/date":
		return map[string]any{"date": "2099-01-12", "reason": "改期", "version": 1}
	case "POST /api/visits/{id}/swap":
		return map[string]any{"with": f.visit.ID, "version": 1}
	case "POST /api/visits/{id}/giveback", "POST /api/visits/{id}/take":
		return map[string]any{"reason": "有事", "version": 1}
	case "PUT /api/sms/templates/{key}":
		return map[string]any{"text": "【金晖助老】{volunteer}明天探访{elder}"}
	}
	return nil
}
