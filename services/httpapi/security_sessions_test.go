package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jinhui/services/platform/platformtest"
	"jinhui/services/visit"
	"jinhui/shared/clock"
)

// TestDepartedPeopleReachNothing: a volunteer set to "left" and a carer
// set to "left" lose their open sessions at once (finding 3): their old
// tokens get 401 on every operation of the OpenAPI document, and the
// volunteer's planned visit is offered to the partners.
func TestDepartedPeopleReachNothing(t *testing.T) {
	h := platformtest.New(t)
	fx := fixtures(t, h)
	vol, carer := fx.volunteer, fx.carer
	volTok := h.PhoneLogin(vol.Phone, "volunteer")
	carerTok := h.PhoneLogin(carer.Phone, "carer")
	if r := h.Do("GET", "/api/visits/"+fx.visits.visit.ID, volTok, nil); r.Status != 200 {
		t.Fatalf("volunteer reads their visit before leaving: %d %s", r.Status, r.Body)
	}
	org := h.Login("szq")
	var cur struct{ Version int }
	h.Do("GET", "/api/volunteers/"+vol.ID, org, nil).JSON(t, &cur)
	leave := map[string]any{"status": "left", "date": clock.Today(time.Now()), "reason": "外出务工", "version": cur.Version}
	if r := h.Do("POST", "/api/volunteers/"+vol.ID+"/status", org, leave); r.Status != 200 {
		t.Fatalf("volunteer leaves: %d %s", r.Status, r.Body)
	}
	h.Do("GET", "/api/carers/"+carer.ID, org, nil).JSON(t, &cur)
	leave["version"] = cur.Version
	if r := h.Do("POST", "/api/carers/"+carer.ID+"/status", org, leave); r.Status != 200 {
		t.Fatalf("carer leaves: %d %s", r.Status, r.Body)
	}

	doc, err := h.P.API.Spec()
	if err != nil {
		t.Fatal(err)
	}
	walked := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if isPublic(path) {
				continue
			}
			url := fx.url(t, path)
			for who, tok := range map[string]string{"volunteer who left": volTok, "carer who left": carerTok} {
				var r platformtest.Response
				switch {
				case op.RequestBody != nil && op.RequestBody.Value.Content.Get("multipart/form-data") != nil:
					r = h.Upload(url, tok, "a.csv", fx.csv)
				case op.RequestBody != nil:
					r = h.Do(method, url, tok, fx.body(method, path))
				default:
					r = h.Do(method, url, tok, nil)
				}
				walked++
				if r.Status != 401 {
					t.Errorf("%s: %s %s answered %d: %.200s", who, method, url, r.Status, r.Body)
				}
			}
		}
	}
	if walked < 200 {
		t.Fatalf("walked only %d requests", walked)
	}
	v, err := h.P.Store.Visit(context.Background(), fx.visits.visit.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != visit.StatusOffered || len(v.Changes) == 0 || v.Changes[len(v.Changes)-1].Kind != "withdraw" {
		t.Fatalf("the departed volunteer's planned visit: status %s, changes %+v", v.Status, v.Changes)
	}
}

// isPublic reports whether a route needs no login (the walk of departed
// people skips them: they answer anyone).
func isPublic(path string) bool {
	return strings.HasPrefix(path, "/api/public/") || strings.HasPrefix(path, "/api/certificates/") || path == "/healthz" ||
		path == "/readyz" || path == "/api/openapi.json" || strings.HasPrefix(path, "/api/auth/") && path != "/api/auth/logout" ||
		strings.HasPrefix(path, "/api/sms/twilio/")
}

// TestDisabledAccountSessionsStayDead: an organizer's session opened
// before the account was disabled does not work again after re-enabling
// (finding 9): disabling deletes it.
func TestDisabledAccountSessionsStayDead(t *testing.T) {
	h := platformtest.New(t)
	fx := fixtures(t, h)
	old := h.Login("szq")
	admin := h.Login("szqadmin")
	for _, d := range []bool{true, false} {
		if r := h.Do("PUT", "/api/accounts/"+fx.account+"/disabled", admin, map[string]bool{"disabled": d}); r.Status != 200 {
			t.Fatalf("disabled=%v: %d %s", d, r.Status, r.Body)
		}
	}
	if r := h.Do("GET", "/api/me", old, nil); r.Status != 401 {
		t.Fatalf("old session after re-enabling: %d %s", r.Status, r.Body)
	}
}
