package wish

import (
	"context"
	"fmt"
	"sort"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
)

// FigureRow is one area's wishes in one month (rule R3's figures): wishes
// published, claims made, claims that ran out, wishes delivered, and the
// estimated value published and delivered, in yuan.
type FigureRow struct {
	Area           string `json:"area"`
	AreaName       string `json:"areaName"`
	Month          string `json:"month"`
	Published      int    `json:"published"`
	PublishedValue int    `json:"publishedValue"`
	Claimed        int    `json:"claimed"`
	Expired        int    `json:"expired"`
	Delivered      int    `json:"delivered"`
	DeliveredValue int    `json:"deliveredValue"`
}

// Figures counts the steps of every wish inside root by the area one
// level below root (the village itself below a township) and by month
// (Asia/Shanghai), for months from..to ("YYYY-MM", either may be empty).
// The figures export calls it directly; it checks no principal.
func (s *Service) Figures(ctx context.Context, root, from, to string) ([]FigureRow, error) {
	lvl := area.LevelOf(root)
	if lvl < area.Village {
		lvl++
	}
	rows := map[[2]string]*FigureRow{}
	row := func(w Wish, month string) *FigureRow {
		a := area.AncestorAt(w.Village, lvl)
		k := [2]string{a, month}
		if rows[k] == nil {
			rows[k] = &FigureRow{Area: a, Month: month}
		}
		return rows[k]
	}
	err := s.Store.AllWishes(ctx, root, func(w Wish) error {
		for _, st := range w.Steps {
			m := st.At.In(clock.Shanghai).Format("2006-01")
			if (from != "" && m < from) || (to != "" && m > to) {
				continue
			}
			switch st.Kind {
			case StepApproved:
				r := row(w, m)
				r.Published++
				r.PublishedValue += w.Value
			case StepClaimed:
				row(w, m).Claimed++
			case StepExpired:
				row(w, m).Expired++
			case StepDelivered:
				r := row(w, m)
				r.Delivered++
				r.DeliveredValue += w.Value
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("wish.Figures: %w", err)
	}
	out := make([]FigureRow, 0, len(rows))
	names := map[string]string{}
	for _, r := range rows {
		if _, ok := names[r.Area]; !ok {
			if reg, err := s.Store.Region(ctx, r.Area); err == nil {
				names[r.Area] = reg.Name
			}
		}
		r.AreaName = names[r.Area]
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Month != out[j].Month {
			return out[i].Month < out[j].Month
		}
		return out[i].Area < out[j].Area
	})
	return out, nil
}

// FiguresFor is Figures for an organizer, inside their subtree.
func (s *Service) FiguresFor(ctx context.Context, p access.Principal, root, from, to string) ([]FigureRow, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, err
	}
	if root == "" {
		root = p.Region
	}
	c, err := area.NormalizeCode(root)
	if err != nil || !area.Within(c, p.Region) {
		return nil, apperr.Field("area", "该区划不在您的管辖范围内")
	}
	for f, m := range map[string]string{"from": from, "to": to} {
		if m != "" {
			if _, err := time.ParseInLocation("2006-01", m, clock.Shanghai); err != nil {
				return nil, apperr.Field(f, "月份格式应为 YYYY-MM")
			}
		}
	}
	return s.Figures(ctx, c, from, to)
}
