package pairing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
)

// ProposeCounties makes one pairing proposal for each county, as Propose
// does for a county (rules P1–P4), but reads the registers once for all of
// them: the elders, volunteers, active pairs and rules of the smallest
// area holding every county are read in one query each and split by
// county, so that pairing a province's hundred counties costs a handful
// of queries, not hundreds (issue 16: on the embedded store every such
// query reads the whole collection).
func (s *Service) ProposeCounties(ctx context.Context, p access.Principal, counties []string) ([]Proposal, error) {
	if err := p.RequireWriter(); err != nil {
		return nil, err
	}
	want := map[string]bool{}
	var cs []string
	for i, c := range counties {
		code, err := p.Subtree(c, fmt.Sprintf("counties[%d]", i))
		if err != nil {
			return nil, err
		}
		if registry.LevelOf(code) != registry.County {
			return nil, apperr.Field(fmt.Sprintf("counties[%d]", i), "应为县(市、区)的区划代码")
		}
		if !want[code] {
			want[code] = true
			cs = append(cs, code)
		}
	}
	if len(cs) == 0 {
		return []Proposal{}, nil
	}
	slices.Sort(cs)
	root := commonArea(cs)
	elders := map[string][]registry.Elder{}
	if err := s.Store.AllElders(ctx, root, func(e registry.Elder) error {
		c := countyOf(e.Village)
		if want[c] && e.Status == registry.StatusActive {
			elders[c] = append(elders[c], e)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("pairing.ProposeCounties: %w", err)
	}
	vols := map[string][]registry.Volunteer{}
	if err := s.Store.AllVolunteers(ctx, root, func(v registry.Volunteer) error {
		if c := countyOf(v.Village); want[c] {
			vols[c] = append(vols[c], v)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("pairing.ProposeCounties: %w", err)
	}
	active, err := s.Store.Pairs(ctx, PairFilter{Area: root, Status: PairActive})
	if err != nil {
		return nil, fmt.Errorf("pairing.ProposeCounties: %w", err)
	}
	pairsOf := map[string][]Pair{}
	for _, pr := range active {
		pairsOf[pr.County] = append(pairsOf[pr.County], pr)
	}
	rules, err := s.Store.Rules(ctx, RuleFilter{Area: root, ActiveOnly: true})
	if err != nil {
		return nil, fmt.Errorf("pairing.ProposeCounties: %w", err)
	}
	rulesOf := map[string][]Rule{}
	for _, r := range rules {
		rulesOf[r.County] = append(rulesOf[r.County], r)
	}
	out := make([]Proposal, 0, len(cs))
	for _, c := range cs {
		st, err := s.settings(ctx, c)
		if err != nil {
			return nil, err
		}
		sc := newScope(c, st, vols[c], pairsOf[c], rulesOf[c])
		start := time.Now()
		pl, err := sc.solve(elders[c], false)
		if err != nil {
			return nil, err
		}
		pr := s.newProposal(p, c, c, ProposeInput{Region: c}, sc, pl, len(elders[c]), time.Since(start))
		if err := s.Store.InsertProposal(ctx, pr); err != nil {
			return nil, fmt.Errorf("pairing.ProposeCounties: %w", err)
		}
		out = append(out, pr)
	}
	return out, nil
}

// ConfirmProposals confirms every proposed item of several proposals (not
// repairs) at once, as Confirm does for one: the registers are read once
// for all their items and the pairs written in bulk. It returns each
// proposal's result, in order.
func (s *Service) ConfirmProposals(ctx context.Context, p access.Principal, prs []Proposal) ([]ConfirmResult, error) {
	if err := p.RequireWriter(); err != nil {
		return nil, err
	}
	ptrs := make([]*Proposal, len(prs))
	sels := make([][]int, len(prs))
	for k := range prs {
		pr := &prs[k]
		if !p.Sees(pr.Areas) {
			return nil, apperr.NotFoundf("结对方案不存在")
		}
		if pr.Repair {
			return nil, apperr.Field(fmt.Sprintf("proposals[%d]", k), "重新结对方案请逐个确认")
		}
		for i, it := range pr.Items {
			if it.State == ItemProposed && it.Volunteer != "" {
				sels[k] = append(sels[k], i)
			}
		}
		ptrs[k] = pr
	}
	made, errs, err := s.confirmMany(ctx, p, ptrs, sels)
	if err != nil {
		return nil, err
	}
	out := make([]ConfirmResult, len(prs))
	for k := range prs {
		if out[k], err = s.settle(ctx, prs[k], sels[k], made[k], errs[k]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// commonArea is the smallest area holding every one of the codes.
func commonArea(codes []string) string {
	for l := registry.County; l >= registry.Province; l-- {
		a := registry.AncestorAt(codes[0], l)
		all := true
		for _, c := range codes[1:] {
			if registry.AncestorAt(c, l) != a {
				all = false
				break
			}
		}
		if all {
			return a
		}
	}
	return registry.AncestorAt(codes[0], registry.Province)
}
