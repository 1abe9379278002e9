package ledger

import (
	"context"
	"fmt"
	"time"

	"jinhui/services/registry"
	"jinhui/shared/clock"
)

// CensusRows are the register rows the census counts, as the store reads
// them (only the fields counted): the active pairs, the active elders,
// every volunteer, the active carers and the active entries of the carer
// roster of a subtree.
type CensusRows struct {
	Pairs      []CensusPair
	Elders     []CensusElder
	Volunteers []CensusVolunteer
	Carers     [][]string // each active carer's areas
	Roster     [][]string // each active roster entry's areas
}

// CensusPair is an active pair: its elder and areas.
type CensusPair struct {
	Elder string
	Areas []string
}

// CensusElder is an active elder: the village, the areas and how many
// volunteers the elder's record lists.
type CensusElder struct {
	ID         string
	Village    string
	Areas      []string
	Volunteers int
}

// CensusVolunteer is a volunteer of any status, with the month of
// registration.
type CensusVolunteer struct {
	Areas     []string
	Status    string
	CreatedAt time.Time
}

// Census is the register figures of every area of a subtree and the
// volunteers recruited by area and month, as counted at At.
type Census struct {
	Register  map[string]Register
	Recruited map[string]map[string]int
	At        time.Time
}

// CountCensus counts the registers (rule R1): an elder is covered when an
// active pair serves the elder or the elder's record lists a volunteer; a
// village takes part when it has a covered elder; volunteers count while
// active; recruits count by the month (Asia/Shanghai) they registered.
func CountCensus(rows CensusRows) (map[string]Register, map[string]map[string]int) {
	reg := map[string]Register{}
	bump := func(areas []string, f func(*Register)) {
		for _, a := range areas {
			r := reg[a]
			f(&r)
			reg[a] = r
		}
	}
	paired := map[string]bool{}
	for _, p := range rows.Pairs {
		bump(p.Areas, func(g *Register) { g.Pairs++ })
		paired[p.Elder] = true
	}
	villages := map[string]bool{}
	for _, e := range rows.Elders {
		covered := paired[e.ID] || e.Volunteers > 0
		bump(e.Areas, func(g *Register) {
			g.Elders++
			if covered {
				g.Covered++
			}
		})
		if covered && e.Village != "" {
			villages[e.Village] = true
		}
	}
	for v := range villages {
		bump(registry.AreasOf(v), func(g *Register) { g.Villages++ })
	}
	recruited := map[string]map[string]int{}
	for _, v := range rows.Volunteers {
		if v.Status == registry.VolActive {
			bump(v.Areas, func(g *Register) { g.Volunteers++ })
		}
		if v.CreatedAt.IsZero() {
			continue
		}
		m := v.CreatedAt.In(clock.Shanghai).Format("2006-01")
		for _, a := range v.Areas {
			if recruited[a] == nil {
				recruited[a] = map[string]int{}
			}
			recruited[a][m]++
		}
	}
	for _, as := range rows.Carers {
		bump(as, func(g *Register) { g.Carers++ })
	}
	for _, as := range rows.Roster {
		bump(as, func(g *Register) { g.CaredFor++ })
	}
	return reg, recruited
}

// CensusStore keeps the census current: the registers carry a generation
// that every write to them advances, and a saved census is served while
// it was counted at the present generation (one read by _id), so figures
// cost no scan of the registers until they change.
type CensusStore interface {
	// CensusRows reads the rows of the subtree of scope ("": everything).
	CensusRows(ctx context.Context, scope string) (CensusRows, error)
	// SavedCensus returns the saved census of codes and the registers'
	// present generation; ok is false unless every code was saved at
	// that generation.
	SavedCensus(ctx context.Context, codes []string) (c Census, gen int64, ok bool, err error)
	// SaveCensus saves the census of codes, counted at generation gen.
	SaveCensus(ctx context.Context, gen int64, codes []string, c Census) error
}

// ReadCensus returns the census of codes: the saved one while the
// registers have not changed since it was counted, else a recount of the
// subtree that holds the codes, saved for the next read.
func ReadCensus(ctx context.Context, st CensusStore, now time.Time, codes []string) (Census, error) {
	if len(codes) == 0 {
		return Census{Register: map[string]Register{}, Recruited: map[string]map[string]int{}, At: now}, nil
	}
	saved, gen, ok, err := st.SavedCensus(ctx, codes)
	if err != nil {
		return Census{}, fmt.Errorf("ledger.ReadCensus: %w", err)
	}
	if ok {
		return saved, nil
	}
	scope := codes[0]
	for _, c := range codes {
		if !registry.Within(c, scope) {
			scope = ""
		}
	}
	rows, err := st.CensusRows(ctx, scope)
	if err != nil {
		return Census{}, fmt.Errorf("ledger.ReadCensus: %w", err)
	}
	reg, recruited := CountCensus(rows)
	c := Census{Register: reg, Recruited: recruited, At: now}
	if err := st.SaveCensus(ctx, gen, codes, c); err != nil {
		return Census{}, fmt.Errorf("ledger.ReadCensus: %w", err)
	}
	return c, nil
}

// WithCensus sets the register figures and the recruits by month of each
// of codes in totals from c.
func WithCensus(totals map[string]AreaTotals, codes []string, c Census) {
	for _, code := range codes {
		t := totals[code]
		if t.Months == nil {
			t.Months = map[string]Sums{}
		}
		t.ID = code
		t.Register, t.CensusAt = c.Register[code], c.At
		for m, sm := range t.Months {
			sm.Recruited = 0
			t.Months[m] = sm
		}
		for m, n := range c.Recruited[code] {
			sm := t.Months[m]
			sm.Recruited = n
			t.Months[m] = sm
		}
		totals[code] = t
	}
}
