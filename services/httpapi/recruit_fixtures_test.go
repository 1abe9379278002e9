package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
)

// recruitFixtures are county A's recruitment objects for the access walk,
// and a call of the sibling county for the public routes: a call's public
// page is public by design, so the walk reads it for a call that is not
// county A's and checks that nothing of county A comes with it.
type recruitFixtures struct {
	call, callB, app, partner, batch string
	version                          int
}

func newRecruitFixtures(t *testing.T, h *platformtest.Harness, village string) recruitFixtures {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	today := clock.Today(now)
	mk := func(region string) recruit.Call {
		return recruit.Call{ID: registry.NewID(), Region: region, RegionName: "县", Areas: area.AreasOf(region), Title: "倡议", Text: "正文",
			Kinds: []string{"neighbour"}, Quotas: []recruit.Quota{}, Opens: today, Closes: today, Version: 1, CreatedAt: now}
	}
	a, b := mk(countyA), mk("370102000000")
	app := recruit.Application{ID: registry.NewID(), CallID: a.ID, Name: "甲乙", IDNumber: pii.CompleteResidentID("37010120000101005"),
		Phone: "+8613712345670", Village: village, Areas: area.AreasOf(village), QuotaArea: countyA, Kind: "neighbour",
		SourceKind: "individual", Skills: []string{}, HoursPerMonth: 8, Motivation: "想帮助老人", Status: recruit.StatusPending,
		Decisions: []recruit.Decision{}, Version: 1, CreatedAt: now}
	pt := recruit.Partner{ID: registry.NewID(), Region: countyA, Areas: area.AreasOf(countyA), Name: "某大学", Kind: "university",
		ContactName: "王老师", ContactPhone: "+8613712345671", From: today, To: today, Promised: 10, Version: 1, CreatedAt: now}
	bt := recruit.Batch{ID: registry.NewID(), Region: countyA, Areas: area.AreasOf(countyA), Date: today, Place: "团县委", Topic: "入门",
		Trainer: "张老师", Capacity: 5, Version: 1, CreatedAt: now}
	st := h.P.Store
	for _, err := range []error{st.InsertCall(ctx, a), st.InsertCall(ctx, b), st.InsertApplication(ctx, app), st.InsertPartner(ctx, pt), st.InsertBatch(ctx, bt)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return recruitFixtures{call: a.ID, callB: b.ID, app: app.ID, partner: pt.ID, batch: bt.ID, version: 1}
}

// id names the object a recruitment path parameter stands for, or "".
func (rf recruitFixtures) id(path string, volunteer string) string {
	switch {
	case strings.HasPrefix(path, "/api/public/calls/{id}"):
		return rf.callB
	case strings.HasPrefix(path, "/api/recruit/calls/{id}"):
		return rf.call
	case strings.HasPrefix(path, "/api/recruit/applications/{id}"):
		return rf.app
	case strings.HasPrefix(path, "/api/recruit/partners/{id}"):
		return rf.partner
	case strings.HasPrefix(path, "/api/recruit/batches/{id}"):
		return rf.batch
	case strings.HasPrefix(path, "/api/recruit/volunteers/{id}"):
		return volunteer
	case strings.HasPrefix(path, "/api/recruit/regions/{code}"):
		return countyA
	}
	return ""
}

// body is a request body that would succeed inside county A.
func (rf recruitFixtures) body(method, path string, village, volunteer string) any {
	today := clock.Today(time.Now())
	call := map[string]any{"title": "倡议", "text": "正文", "kinds": []string{"neighbour"}, "opens": today, "closes": today}
	partner := map[string]any{"name": "另一大学", "kind": "university", "contactName": "李老师", "contactPhone": "13712345672", "from": today, "to": today, "promised": 3}
	switch method + " " + path {
	case "POST /api/recruit/calls":
		return call
	case "PUT /api/recruit/calls/{id}":
		call["version"] = rf.version
		return call
	case "POST /api/recruit/applications/{id}/review":
		return map[string]any{"version": rf.version, "decision": "reject", "note": "测试", "scores": map[string]int{"time": 1, "care": 1, "experience": 1, "standing": 1}}
	case "POST /api/recruit/partners":
		return partner
	case "PUT /api/recruit/partners/{id}":
		partner["version"] = rf.version
		return partner
	case "POST /api/recruit/batches":
		return map[string]any{"date": today, "place": "团县委", "topic": "入门", "trainer": "张老师", "capacity": 5}
	case "POST /api/recruit/batches/{id}/invite", "POST /api/recruit/batches/{id}/attendance":
		return map[string]any{"volunteerIds": []string{volunteer}}
	case "PUT /api/recruit/regions/{code}/require-training":
		return map[string]any{"require": true}
	case "POST /api/recruit/handbook/ack":
		return map[string]any{"version": recruit.CurrentHandbook.Version}
	case "POST /api/public/code":
		return map[string]any{"phone": "13712345673", "purpose": "apply", "call": rf.callB}
	case "POST /api/public/calls/{id}/apply":
		return map[string]any{"name": "甲乙", "idNumber": pii.CompleteResidentID("37010120000101005"), "phone": "13712345670", "code": "123456",
			"village": village, "kind": "neighbour", "sourceKind": "individual", "hoursPerMonth": 8, "motivation": "想帮助老人们",
			"consent": true, "consentVersion": recruit.ConsentVersion}
	}
	return nil
}
