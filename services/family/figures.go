package family

import (
	"context"
	"fmt"
	"sort"

	"jinhui/services/access"
	"jinhui/shared/area"
	"jinhui/shared/page"
)

// scope returns code (default: the caller's region) if it lies in p's subtree.
func scope(p access.Principal, code string) (string, error) {
	if err := p.RequireOrganizer(); err != nil {
		return "", err
	}
	return p.Subtree(code, "area")
}

// ReplySorts are the columns the reply list sorts on, on the server.
var ReplySorts = []string{"at"}

// Replies lists family members' SMS replies in an area, newest first.
func (s *Service) Replies(ctx context.Context, p access.Principal, areaCode string, ord page.Order, offset, limit int) ([]Reply, int, error) {
	c, err := scope(p, areaCode)
	if err != nil {
		return nil, 0, err
	}
	rs, total, err := s.Store.FamilyReplies(ctx, c, ord, offset, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("family.Replies: %w", err)
	}
	for i := range rs {
		rs[i].KindName = ReplyName[rs[i].Kind]
	}
	return rs, total, nil
}

// Figures counts, per child area of areaCode, the active elders, those
// with a family member recorded and those with one who consented, and the
// family's replies and concerns.
func (s *Service) Figures(ctx context.Context, p access.Principal, areaCode string) ([]FigureRow, error) {
	c, err := scope(p, areaCode)
	if err != nil {
		return nil, err
	}
	lv := area.LevelOf(c)
	child := func(areas []string) string {
		if int(lv) < len(areas) {
			return areas[lv] // areas are top first: index lv is the next level down
		}
		return c
	}
	elders, members, replies, err := s.Store.FamilyFigureRows(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("family.Figures: %w", err)
	}
	rows := map[string]*FigureRow{}
	row := func(a string) *FigureRow {
		if rows[a] == nil {
			rows[a] = &FigureRow{Area: a}
		}
		return rows[a]
	}
	with, consented := map[string]bool{}, map[string]bool{}
	for _, m := range members {
		with[m.Elder] = true
		consented[m.Elder] = consented[m.Elder] || m.Active()
	}
	for _, e := range elders {
		r := row(child(e.Areas))
		r.Elders++
		if with[e.ID] {
			r.WithFamily++
		}
		if consented[e.ID] {
			r.Consented++
		}
	}
	for _, x := range replies {
		r := row(child(x.Areas))
		r.Replies++
		if x.Kind == ReplyConcern {
			r.Concerns++
		}
	}
	out := make([]FigureRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Area < out[j].Area })
	return out, nil
}
