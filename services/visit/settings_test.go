package visit_test

import (
	"testing"

	"jinhui/services/platform/platformtest"
	"jinhui/services/visit"
)

// TestSettingsVersion: two organizers read the county's visit settings;
// the first save wins, the second (over the version it read) is refused
// with 409 and changes nothing; after reading again it saves.
func TestSettingsVersion(t *testing.T) {
	h := platformtest.New(t)
	org := h.Login("szq")
	const path = "/api/visits/settings/370101000000"
	var a, b visit.Settings
	h.Do("GET", path, org, nil).JSON(t, &a)
	h.Do("GET", path, org, nil).JSON(t, &b)
	if a.Version != 0 {
		t.Fatalf("defaults read as version %d", a.Version)
	}
	a.PerMonth = 2
	var saved visit.Settings
	if r := h.Do("PUT", path, org, a); r.Status != 200 {
		t.Fatalf("first save: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &saved)
	}
	b.FarKm = 5
	if r := h.Do("PUT", path, org, b); r.Status != 409 {
		t.Fatalf("second save over a stale read: %d %s, want 409", r.Status, r.Body)
	}
	var now visit.Settings
	h.Do("GET", path, org, nil).JSON(t, &now)
	if now.PerMonth != 2 || now.FarKm != 2 || now.Version != saved.Version {
		t.Fatalf("after the refused save: %+v", now)
	}
	now.FarKm = 5
	if r := h.Do("PUT", path, org, now); r.Status != 200 {
		t.Fatalf("save after reading again: %d %s", r.Status, r.Body)
	}
	h.Do("GET", path, org, nil).JSON(t, &now)
	if now.PerMonth != 2 || now.FarKm != 5 || now.Version != saved.Version+1 {
		t.Fatalf("after the second save: %+v", now)
	}
}
