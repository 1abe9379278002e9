package recruit

import (
	"context"
	"fmt"
	"io"

	"jinhui/shared/xlsx"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
)

// FunnelRow counts one area's applications at each stage. Trained and
// Paired count accepted applicants whose volunteer record is trained, and
// who appear in an elder's volunteer list.
type FunnelRow struct {
	Area       string `json:"area"`
	Name       string `json:"name"`
	Quota      *int   `json:"quota,omitempty"`
	Applied    int    `json:"applied"`
	Screened   int    `json:"screened"`
	Accepted   int    `json:"accepted"`
	Rejected   int    `json:"rejected"`
	Waitlisted int    `json:"waitlisted"`
	Trained    int    `json:"trained"`
	Paired     int    `json:"paired"`
}

// Funnel is the recruitment funnel of one call or of all calls, in an
// area, broken down by the area's child regions.
type Funnel struct {
	CallID    string      `json:"callId,omitempty"`
	CallTitle string      `json:"callTitle,omitempty"`
	Area      string      `json:"area"`
	AreaName  string      `json:"areaName"`
	Rows      []FunnelRow `json:"rows"`
	Total     FunnelRow   `json:"total"`
}

// Funnel counts applied, screened, accepted, rejected, wait-listed,
// trained and paired applicants of a call (all calls when callID is
// empty) in an area of p's subtree (the call's region, or p's, when
// empty), by child region.
func (s *Service) Funnel(ctx context.Context, p access.Principal, callID, areaCode string) (Funnel, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Funnel{}, err
	}
	var c Call
	if callID != "" {
		var err error
		if c, err = s.callFor(ctx, p, callID); err != nil {
			return Funnel{}, err
		}
		if areaCode == "" && area.Within(c.Region, p.Region) {
			areaCode = c.Region
		}
	}
	if err := narrow(p, &areaCode); err != nil {
		return Funnel{}, err
	}
	root, err := s.Store.Region(ctx, areaCode)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return Funnel{}, apperr.Field("area", "区划不存在")
		}
		return Funnel{}, fmt.Errorf("recruit.Funnel: %w", err)
	}
	f := Funnel{CallID: c.ID, CallTitle: c.Title, Area: root.Code, AreaName: root.Name, Total: FunnelRow{Area: root.Code, Name: "合计"}}
	rows := map[string]*FunnelRow{}
	var order []string
	if root.Level < area.Village {
		kids, err := s.Store.ChildRegions(ctx, root.Code)
		if err != nil {
			return Funnel{}, fmt.Errorf("recruit.Funnel: %w", err)
		}
		for _, k := range kids {
			rows[k.Code] = &FunnelRow{Area: k.Code, Name: k.Name}
			order = append(order, k.Code)
		}
	} else {
		rows[root.Code] = &FunnelRow{Area: root.Code, Name: root.Name}
		order = append(order, root.Code)
	}
	if c.ID != "" && root.Code == c.Region {
		sum := 0
		for _, q := range c.Quotas {
			if r := rows[q.Area]; r != nil {
				n := q.Quota
				r.Quota, sum = &n, sum+n
			}
		}
		if len(c.Quotas) == 0 {
			sum = c.Total
		}
		if sum > 0 {
			f.Total.Quota = &sum
		}
	}
	vols := map[string]string{} // volunteer id → row
	err = s.Store.AllApplications(ctx, AppFilter{Area: root.Code, CallID: c.ID}, func(a Application) error {
		key := root.Code
		if root.Level < area.Village {
			key = area.AncestorAt(a.Village, root.Level+1)
		}
		r := rows[key]
		if r == nil {
			r = &FunnelRow{Area: key, Name: key}
			rows[key] = r
			order = append(order, key)
		}
		r.Applied++
		if a.Screened {
			r.Screened++
		}
		switch a.Status {
		case StatusAccepted:
			r.Accepted++
			if a.VolunteerID != "" {
				vols[a.VolunteerID] = key
			}
		case StatusRejected:
			r.Rejected++
		case StatusWaitlisted:
			r.Waitlisted++
		}
		return nil
	})
	if err != nil {
		return Funnel{}, fmt.Errorf("recruit.Funnel: %w", err)
	}
	ids := make([]string, 0, len(vols))
	for id, key := range vols {
		ids = append(ids, id)
		if v, err := s.Store.Volunteer(ctx, id); err == nil && v.Training == TrainingAttended {
			rows[key].Trained++
		}
	}
	paired, err := s.Store.PairedVolunteers(ctx, ids)
	if err != nil {
		return Funnel{}, fmt.Errorf("recruit.Funnel: %w", err)
	}
	for id := range paired {
		if key, ok := vols[id]; ok {
			rows[key].Paired++
		}
	}
	for _, k := range order {
		r := *rows[k]
		f.Rows = append(f.Rows, r)
		t := &f.Total
		t.Applied += r.Applied
		t.Screened += r.Screened
		t.Accepted += r.Accepted
		t.Rejected += r.Rejected
		t.Waitlisted += r.Waitlisted
		t.Trained += r.Trained
		t.Paired += r.Paired
	}
	return f, nil
}

// WriteXLSX writes the funnel as a spreadsheet, one row per area and a
// total row.
func (f Funnel) WriteXLSX(w io.Writer) error {
	title := "志愿者招募漏斗 · " + f.AreaName
	if f.CallTitle != "" {
		title += " · " + f.CallTitle
	}
	book := xlsx.New()
	sh, err := book.Sheet("招募漏斗", title, []string{"区划代码", "区划", "名额", "报名", "已审核", "录用", "未录用", "候补", "已培训", "已结对"}, 15, 18)
	if err != nil {
		return fmt.Errorf("recruit.WriteXLSX: %w", err)
	}
	put := func(r FunnelRow) error {
		var q any = ""
		if r.Quota != nil {
			q = *r.Quota
		}
		return sh.Row(r.Area, r.Name, q, r.Applied, r.Screened, r.Accepted, r.Rejected, r.Waitlisted, r.Trained, r.Paired)
	}
	for _, r := range append(append([]FunnelRow{}, f.Rows...), f.Total) {
		if err := put(r); err != nil {
			return fmt.Errorf("recruit.WriteXLSX: %w", err)
		}
	}
	if _, err := book.WriteTo(w); err != nil {
		return fmt.Errorf("recruit.WriteXLSX: %w", err)
	}
	return nil
}
