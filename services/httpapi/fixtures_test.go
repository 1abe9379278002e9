package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jinhui/services/family"
	"jinhui/services/jobs"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/area"
	"jinhui/shared/pii"
)

// walkFixtures are county A's objects that the access walk aims at.
type walkFixtures struct {
	elder     registry.Elder
	volunteer registry.Volunteer
	carer     registry.Carer
	account   string
	village   string
	csv       []byte
	recruit   recruitFixtures
	pairing   pairingFixtures
	visits    visitFixtures
	ledger    ledgerFixtures
	supervise superviseFixtures
	wishes    wishFixtures
	record    recordFixtures
	// familyMember is a family member of elder, with no consent yet.
	familyMember string
	// job is a finished month plan of county A (issue 14).
	job string
}

func fixtures(t *testing.T, h *platformtest.Harness) walkFixtures {
	t.Helper()
	var fx walkFixtures
	for _, e := range h.Set.Elders {
		if inCounty(e.Village, countyA) {
			fx.elder, fx.village = e, e.Village
			break
		}
	}
	for _, v := range h.Set.Volunteers {
		if inCounty(v.Village, countyA) {
			fx.volunteer = v
			break
		}
	}
	for _, c := range h.Set.Carers {
		if inCounty(c.Village, countyA) {
			fx.carer = c
			break
		}
	}
	for _, a := range h.Set.Accounts {
		if a.Username == "szq" {
			fx.account = a.ID
		}
	}
	if fx.elder.ID == "" || fx.volunteer.ID == "" || fx.carer.ID == "" || fx.account == "" {
		t.Fatal("test data has no elder, volunteer, carer or account in county A")
	}
	fx.csv = []byte("姓名,身份证号,村代码,建档立卡,留守\n王大爷," + pii.CompleteResidentID("37010119500101001") + "," + fx.village + ",是,是\n")
	fx.recruit = newRecruitFixtures(t, h, fx.village)
	fx.pairing = newPairingFixtures(t, h)
	fx.visits = newVisitFixtures(t, h, fx)
	fx.ledger = newLedgerFixtures(t, h, fx)
	fx.supervise = newSuperviseFixtures(t, h, fx)
	fx.wishes = newWishFixtures(t, h, fx)
	fx.record = newRecordFixtures(t, h, fx)
	fx.familyMember = fx.elder.ID + ":1"
	fx.job = "walk-job-county-a"
	end := time.Now()
	if err := h.P.Store.InsertJob(context.Background(), jobs.Job{ID: fx.job, Kind: jobs.KindVisitPlan, Area: countyA, Month: "2099-01", Areas: area.AreasOf(countyA),
		Key: "walk", State: jobs.StateDone, Done: 1, Total: 1, CreatedAt: end, FinishedAt: &end}); err != nil {
		t.Fatal(err)
	}
	if err := h.P.Store.InsertFamilyMember(context.Background(), family.Member{ID: fx.familyMember, Elder: fx.elder.ID, ElderName: fx.elder.Name,
		Village: fx.elder.Village, Areas: fx.elder.Areas, Name: "王小明", Relation: "儿子", Phone: "+8613912340001", Consent: family.ConsentNone,
		History: []family.ConsentLog{}, Version: 1}); err != nil {
		t.Fatal(err)
	}
	return fx
}

// url fills the path parameters of an OpenAPI path with county A's
// objects. A new kind of parameter needs a line here: the walk refuses to
// guess.
func (fx walkFixtures) url(t *testing.T, path string) string {
	t.Helper()
	if !strings.Contains(path, "{") {
		return path
	}
	var id string
	switch {
	case strings.HasPrefix(path, "/api/elders/{id}"):
		id = fx.elder.ID
	case strings.HasPrefix(path, "/api/volunteers/{id}"):
		id = fx.volunteer.ID
	case strings.HasPrefix(path, "/api/carers/{id}"):
		id = fx.carer.ID
	case strings.HasPrefix(path, "/api/accounts/{id}"):
		id = fx.account
	case path == "/api/regions/{code}/key-village":
		id = fx.village
	case strings.HasPrefix(path, "/api/regions/{code}"):
		id = countyA
	case strings.HasPrefix(path, "/api/family/{id}"):
		id = fx.familyMember
	case path == "/api/jobs/{id}":
		id = fx.job
	case fx.recruit.id(path, fx.volunteer.ID) != "":
		id = fx.recruit.id(path, fx.volunteer.ID)
	case fx.pairing.id(path) != "":
		id = fx.pairing.id(path)
	case fx.visits.id(path) != "":
		id = fx.visits.id(path)
	case fx.ledger.id(path) != "":
		id = fx.ledger.id(path)
	case fx.supervise.id(path) != "":
		id = fx.supervise.id(path)
	case fx.wishes.id(path) != "":
		id = fx.wishes.id(path)
	case fx.record.id(path) != "":
		id = fx.record.id(path)
	default:
		t.Fatalf("access walk: no county-A fixture for %s — add one in fixtures_test.go", path)
	}
	i, j := strings.Index(path, "{"), strings.Index(path, "}")
	return path[:i] + id + path[j+1:]
}

// body returns a request body that would succeed inside county A, so that
// a refusal comes from the access check and not from validation.
func (fx walkFixtures) body(method, path string) any {
	elder := map[string]any{"name": "王大爷", "idNumber": pii.CompleteResidentID("37010119500101002"), "village": fx.village, "poor": true, "leftBehind": true}
	vol := map[string]any{"name": "李青", "idNumber": pii.CompleteResidentID("37010120000101003"), "phone": "13912345678", "type": "urban",
		"village": fx.village, "capacity": 2, "sourceKind": "individual"}
	withVersion := func(m map[string]any, v int) map[string]any {
		out := map[string]any{"version": v}
		for k, x := range m {
			out[k] = x
		}
		return out
	}
	switch method + " " + path {
	case "POST /api/elders":
		return elder
	case "PUT /api/elders/{id}":
		return withVersion(elder, fx.elder.Version)
	case "POST /api/volunteers":
		return vol
	case "PUT /api/volunteers/{id}":
		return withVersion(vol, fx.volunteer.Version)
	case "POST /api/carers":
		return map[string]any{"name": "赵护理", "idNumber": pii.CompleteResidentID("37010119700101004"), "phone": "13912345679", "village": fx.village, "startDate": "2026-01-01"}
	case "POST /api/elders/{id}/status":
		return map[string]any{"status": "hospitalised", "date": "2026-11-01", "reason": "住院", "version": fx.elder.Version}
	case "POST /api/volunteers/{id}/status":
		return map[string]any{"status": "paused", "date": "2026-11-01", "reason": "外出", "version": fx.volunteer.Version}
	case "POST /api/elders/{id}/eligibility":
		return map[string]any{"eligible": false, "reason": "测试人工认定", "version": fx.elder.Version}
	case "POST /api/elders/{id}/approve", "POST /api/elders/{id}/reject", "POST /api/elders/{id}/confirm":
		return map[string]any{"note": "同意", "version": fx.elder.Version}
	case "POST /api/elders/{id}/family":
		return map[string]any{"name": "王小明", "relation": "儿子", "phone": "13912340000"}
	case "POST /api/family/{id}/consent":
		return map[string]any{"how": "form", "scope": "basic", "givenBy": "王小明", "photo": "consent-form", "version": 1}
	case "POST /api/family/{id}/withdraw":
		return map[string]any{"reason": "家属要求", "version": 1}
	case "POST /api/family/summaries":
		return map[string]any{"month": "2099-01"}
	case "POST /api/elders/{id}/codecard":
		return map[string]any{"reason": "重新制作"}
	case "POST /api/elders/{id}/codecard/revoke":
		return map[string]any{"reason": "遗失"}
	case "POST /api/codecards/print":
		return map[string]any{"elders": []string{fx.elder.ID}}
	case "POST /api/visits/{id}/codecard":
		return map[string]any{"code": "123456"}
	case "PUT /api/regions/{code}/quota":
		return map[string]any{"quota": 1}
	case "PUT /api/regions/{code}/key-village":
		return map[string]any{"keyVillage": true, "reason": "上月督导发现问题较多"}
	case "POST /api/accounts":
		return map[string]any{"username": "intruder", "name": "x", "password": "longenoughpw", "region": countyA, "role": "admin"}
	case "PUT /api/accounts/{id}/disabled":
		return map[string]any{"disabled": true}
	}
	if b := fx.recruit.body(method, path, fx.village, fx.volunteer.ID); b != nil {
		return b
	}
	if b := fx.pairing.body(method, path, fx.volunteer.ID); b != nil {
		return b
	}
	if b := fx.visits.body(method, path); b != nil {
		return b
	}
	if b := fx.ledger.body(method, path); b != nil {
		return b
	}
	if b := fx.supervise.body(method, path); b != nil {
		return b
	}
	if b := fx.wishes.body(method, path); b != nil {
		return b
	}
	if b := fx.record.body(method, path); b != nil {
		return b
	}
	return map[string]any{}
}
