package ledger

import (
	"context"
	"fmt"
	"time"
)

// RebuildResult says what a rebuild counted.
type RebuildResult struct {
	Entries   int           `json:"entries"`
	Subsidies int           `json:"subsidies"`
	Areas     int           `json:"areas"`
	People    int           `json:"people"`
	Took      time.Duration `json:"tookNs"`
	Count     time.Duration `json:"countNs"` // reading the ledger, subsidies and registers
	Write     time.Duration `json:"writeNs"` // replacing the totals
}

// Recount computes every totals document from the ledger, the approved
// subsidies and the registers, in Go (FerretDB's $group computes only its
// first accumulator).
func (s *Service) Recount(ctx context.Context) ([]AreaTotals, []PersonTotals, []string, RebuildResult, error) {
	var res RebuildResult
	areas := map[string]*AreaTotals{}
	people := map[string]*PersonTotals{}
	var applied []string
	add := func(key string, as, ps []string, month string, d Sums) {
		applied = append(applied, key)
		for _, a := range as {
			t := areas[a]
			if t == nil {
				t = &AreaTotals{ID: a, Months: map[string]Sums{}}
				areas[a] = t
			}
			t.Months[month] = t.Months[month].Add(d)
		}
		for _, p := range ps {
			t := people[p]
			if t == nil {
				t = &PersonTotals{ID: p, Months: map[string]Sums{}}
				people[p] = t
			}
			t.Months[month] = t.Months[month].Add(d)
		}
	}
	err := s.Store.EachEntry(ctx, func(e Entry) error {
		res.Entries++
		var ps []string
		if e.Volunteer != "" {
			ps = append(ps, "v:"+e.Volunteer)
		}
		if e.Elder != "" {
			ps = append(ps, "e:"+e.Elder)
		}
		if e.Carer != "" {
			ps = append(ps, "c:"+e.Carer)
		}
		add(e.ID, e.Areas, ps, e.Month, e.Delta())
		return nil
	})
	if err != nil {
		return nil, nil, nil, res, fmt.Errorf("ledger.Recount: %w", err)
	}
	err = s.Store.EachSubsidy(ctx, func(sb Subsidy) error {
		res.Subsidies++
		add("subsidy:"+sb.ID, sb.Areas, []string{"c:" + sb.Carer}, sb.Month, Sums{Subsidy: sb.Amount})
		return nil
	})
	if err != nil {
		return nil, nil, nil, res, fmt.Errorf("ledger.Recount: %w", err)
	}
	reg, recruited, err := s.Store.RegisterCensus(ctx)
	if err != nil {
		return nil, nil, nil, res, fmt.Errorf("ledger.Recount: %w", err)
	}
	now := s.Now()
	for code, r := range reg {
		t := areas[code]
		if t == nil {
			t = &AreaTotals{ID: code, Months: map[string]Sums{}}
			areas[code] = t
		}
		t.Register = r
	}
	for code, ms := range recruited {
		t := areas[code]
		if t == nil {
			t = &AreaTotals{ID: code, Months: map[string]Sums{}}
			areas[code] = t
		}
		for m, n := range ms {
			sm := t.Months[m]
			sm.Recruited += n
			t.Months[m] = sm
		}
	}
	outA := make([]AreaTotals, 0, len(areas))
	for _, t := range areas {
		t.CensusAt = now
		outA = append(outA, *t)
	}
	outP := make([]PersonTotals, 0, len(people))
	for _, t := range people {
		outP = append(outP, *t)
	}
	res.Areas, res.People = len(outA), len(outP)
	return outA, outP, applied, res, nil
}

// Rebuild recomputes all totals from the ledger and replaces them (the
// command and the nightly task). Run twice, it gives the same totals; an
// entry appended while it runs is counted by the next rebuild at the
// latest.
func (s *Service) Rebuild(ctx context.Context) (RebuildResult, error) {
	start := time.Now()
	a, p, applied, res, err := s.Recount(ctx)
	if err != nil {
		return res, err
	}
	res.Count = time.Since(start)
	if err := s.Store.ReplaceTotals(ctx, a, p, applied); err != nil {
		return res, fmt.Errorf("ledger.Rebuild: %w", err)
	}
	res.Took = time.Since(start)
	res.Write = res.Took - res.Count
	return res, nil
}
