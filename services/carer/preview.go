package carer

import (
	"context"
	"fmt"
	"sort"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

// Preview is a carer's month as the carer's phone shows it (rule C3): the
// days with logged help, and the subsidy as the county's rule will pay it
// once an organizer approves the statement; an approved statement's amount
// replaces the estimate.
type Preview struct {
	Month   string   `json:"month"`
	Dates   []string `json:"dates"` // days with logged help, ascending
	Days    int      `json:"days"`
	Logs    int      `json:"logs"`
	Minutes int      `json:"minutes"`
	Rule    Rule     `json:"rule"`
	// Amount is what the rule pays for Days (yuan); for an approved
	// statement, the approved amount.
	Amount int `json:"amount"`
	// DaysToGo is how many more days of help reach the fixed subsidy (0
	// when reached or when the rule pays per day).
	DaysToGo int `json:"daysToGo"`
	// Status is "none" (not computed yet), Draft or Approved.
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Preview returns the logged-in carer's month (current month when month
// is empty). Four reads, whatever the number of logs. Carers only.
func (s *Service) Preview(ctx context.Context, p access.Principal, month string) (Preview, error) {
	if err := access.Carer.Check(p); err != nil {
		return Preview{}, err
	}
	if month == "" {
		month = clock.Today(s.Now())[:7]
	}
	c, err := s.Store.Carer(ctx, p.ID)
	if err != nil {
		return Preview{}, fmt.Errorf("carer.Preview: %w", err)
	}
	county := registry.AncestorAt(c.Village, registry.County)
	rule, err := s.Store.CarerRule(ctx, county)
	if apperr.Is(err, apperr.NotFound) {
		rule, err = DefaultRule(county), nil
	}
	if err != nil {
		return Preview{}, fmt.Errorf("carer.Preview: %w", err)
	}
	logs, err := s.Store.CarerLogs(ctx, "", p.ID, month)
	if err != nil {
		return Preview{}, fmt.Errorf("carer.Preview: %w", err)
	}
	sts, err := s.Store.Statements(ctx, "", p.ID, month)
	if err != nil {
		return Preview{}, fmt.Errorf("carer.Preview: %w", err)
	}
	out := Preview{Month: month, Rule: rule, Status: "none", Dates: []string{}}
	seen := map[string]bool{}
	for _, l := range logs {
		out.Logs++
		out.Minutes += l.Minutes
		if !seen[l.Date] {
			seen[l.Date] = true
			out.Dates = append(out.Dates, l.Date)
		}
	}
	sort.Strings(out.Dates)
	out.Days = len(out.Dates)
	out.Amount = rule.Pay(out.Days)
	if rule.Mode != "daily" && out.Days < rule.MinDays {
		out.DaysToGo = rule.MinDays - out.Days
	}
	for _, st := range sts {
		if st.Status == Approved {
			// Frozen: what is paid is what was approved.
			out.Status, out.Amount, out.Reason, out.DaysToGo = Approved, st.Amount, st.Reason, 0
		} else if out.Status == "none" {
			out.Status = st.Status
		}
	}
	return out, nil
}
