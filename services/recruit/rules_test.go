package recruit

import (
	"testing"

	"jinhui/services/registry"
)

func TestEligibleForPairing(t *testing.T) {
	strict := registry.Region{Name: "市中区", RequireTraining: true}
	for _, tc := range []struct {
		name   string
		v      registry.Volunteer
		county registry.Region
		want   bool
	}{
		{"OK", registry.Volunteer{Status: registry.VolActive}, registry.Region{}, true},
		{"OKTrained", registry.Volunteer{Status: registry.VolActive, Training: TrainingAttended}, strict, true},
		{"ErrUntrained", registry.Volunteer{Status: registry.VolActive, Training: TrainingInvited}, strict, false},
		{"ErrPaused", registry.Volunteer{Status: registry.VolPaused, Training: TrainingAttended}, strict, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, why := EligibleForPairing(tc.v, tc.county); got != tc.want || (!got && why == "") {
				t.Fatalf("EligibleForPairing = %v %q, want %v", got, why, tc.want)
			}
		})
	}
}

func TestQuotas(t *testing.T) {
	withQuotas := Call{Region: "370101000000", Quotas: []Quota{{Area: "370101001000", Quota: 3}}}
	whole := Call{Region: "370101000000", Total: 5}
	open := Call{Region: "370101000000"}
	for _, tc := range []struct {
		name    string
		c       Call
		village string
		area    string
		quota   int
	}{
		{"Listed", withQuotas, "370101001002", "370101001000", 3},
		{"NotListed", withQuotas, "370101002001", "370101002000", 0},
		{"Total", whole, "370101002001", "370101000000", 5},
		{"Unlimited", open, "370101002001", "370101000000", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := quotaArea(tc.c, tc.village)
			if a != tc.area || quotaOf(tc.c, a) != tc.quota {
				t.Fatalf("quotaArea = %s (quota %d), want %s (%d)", a, quotaOf(tc.c, a), tc.area, tc.quota)
			}
		})
	}
	c := Call{Opens: "2026-11-01", Closes: "2026-11-30"}
	if !c.Open("2026-11-01") || !c.Open("2026-11-30") || c.Open("2026-12-01") || c.Open("2026-10-31") {
		t.Fatal("Open dates")
	}
	c.Closed = true
	if c.Open("2026-11-15") {
		t.Fatal("closed call open")
	}
}
