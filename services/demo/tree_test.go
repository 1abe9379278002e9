package demo

import (
	"testing"
	"time"

	"jinhui/services/registry"
)

// TestCountiesPerCityKeepsThePeople: a tree cut to the first counties of
// each city (the tests' data set) holds the same elders, volunteers and
// carers, in the same villages, as the whole tree from the same seed.
func TestCountiesPerCityKeepsThePeople(t *testing.T) {
	whole := Scale{TownshipsPerCounty: 2, VillagesPerTown: 2, Elders: 24, Volunteers: 24, Carers: 4, PopulatedCounties: 2}
	cut := whole
	cut.CountiesPerCity = 2
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	a, err := Generate(whole, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(cut, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	counties := func(rs []registry.Region) int {
		n := 0
		for _, r := range rs {
			if r.Level == registry.County {
				n++
			}
		}
		return n
	}
	if counties(a.Regions) != 100 || counties(b.Regions) != 32 { // 16 cities × 2
		t.Fatalf("counties: whole %d, cut %d", counties(a.Regions), counties(b.Regions))
	}
	if len(a.Elders) != len(b.Elders) || len(a.Volunteers) != len(b.Volunteers) || len(a.Carers) != len(b.Carers) {
		t.Fatalf("people: %d/%d/%d against %d/%d/%d", len(a.Elders), len(a.Volunteers), len(a.Carers), len(b.Elders), len(b.Volunteers), len(b.Carers))
	}
	for i := range a.Elders {
		x, y := a.Elders[i], b.Elders[i]
		if x.Name != y.Name || x.Village != y.Village || x.IDNumber != y.IDNumber || x.Lat != y.Lat || x.Lon != y.Lon {
			t.Errorf("elder %d: %s %s against %s %s", i, x.Name, x.Village, y.Name, y.Village)
		}
	}
	for i := range a.Volunteers {
		if x, y := a.Volunteers[i], b.Volunteers[i]; x.Name != y.Name || x.Phone != y.Phone || x.Village != y.Village {
			t.Errorf("volunteer %d: %s %s against %s %s", i, x.Name, x.Village, y.Name, y.Village)
		}
	}
	for i := range a.Carers {
		if x, y := a.Carers[i], b.Carers[i]; x.Name != y.Name || x.Village != y.Village {
			t.Errorf("carer %d: %s %s against %s %s", i, x.Name, x.Village, y.Name, y.Village)
		}
	}
}
