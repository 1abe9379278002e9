package pairing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// ProposeInput asks for proposals for a region at or below a county, or
// for selected elders in it.
type ProposeInput struct {
	Region string   `json:"region" validate:"required,max=12"`
	Elders []string `json:"elders,omitempty" validate:"max=1000,dive,required,max=64"`
	Repair bool     `json:"repair"`
}

// Propose runs the optimiser (rules P1–P4) over the active elders of a
// region (or the selected ones), keeping existing pairs unless Repair, and
// stores the result for review. Nothing is paired until confirmed.
func (s *Service) Propose(ctx context.Context, p access.Principal, in ProposeInput) (Proposal, error) {
	if err := valid.Struct(in); err != nil {
		return Proposal{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Proposal{}, err
	}
	region, err := regionFor(p, in.Region, "region")
	if err != nil {
		return Proposal{}, err
	}
	if registry.LevelOf(region) < registry.County {
		return Proposal{}, apperr.Field("region", "请选择一个县(市、区)或其下的乡镇、村: 结对在县内进行")
	}
	county := countyOf(region)
	want := map[string]int{}
	for i, id := range in.Elders {
		want[id] = i
	}
	var elders []registry.Elder
	selected := len(want) > 0
	err = s.Store.AllElders(ctx, region, func(e registry.Elder) error {
		if _, ok := want[e.ID]; selected && !ok {
			return nil
		}
		delete(want, e.ID)
		if e.Status == registry.StatusActive {
			elders = append(elders, e)
		}
		return nil
	})
	if err != nil {
		return Proposal{}, fmt.Errorf("pairing.Propose: %w", err)
	}
	for _, i := range want {
		return Proposal{}, apperr.Field(fmt.Sprintf("elders[%d]", i), "老人不存在或不在所选区划内")
	}
	sc, err := s.loadScope(ctx, county)
	if err != nil {
		return Proposal{}, err
	}
	start := time.Now()
	pl, err := sc.solve(elders, in.Repair)
	if err != nil {
		return Proposal{}, err
	}
	pr := s.newProposal(p, region, county, in, sc, pl, len(elders), time.Since(start))
	if err := s.Store.InsertProposal(ctx, pr); err != nil {
		return Proposal{}, fmt.Errorf("pairing.Propose: %w", err)
	}
	return pr, nil
}

// newProposal is the proposal a solved plan makes.
func (s *Service) newProposal(p access.Principal, region, county string, in ProposeInput, sc *scope, pl plan, elders int, took time.Duration) Proposal {
	pr := Proposal{ID: registry.NewID(), Region: region, County: county, Areas: registry.AreasOf(region), Elders: in.Elders, Repair: in.Repair,
		Policy: sc.set.Policy.Label, Items: pl.items, Filled: pl.filled, Unfilled: pl.unfilled, Cost: pl.cost, Warnings: pl.warnings,
		Millis: took.Milliseconds(), By: p.ID, ByName: p.Name, At: s.Now(), Version: 1}
	if pr.Items == nil {
		pr.Items = []Item{}
	}
	if pr.Warnings == nil {
		pr.Warnings = []string{}
	}
	if elders == 0 {
		pr.Warnings = append(pr.Warnings, "所选范围内没有在册老人")
	}
	return pr
}

func (s *Service) proposalFor(ctx context.Context, p access.Principal, id string) (Proposal, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Proposal{}, err
	}
	pr, err := s.Store.Proposal(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return Proposal{}, apperr.NotFoundf("结对方案不存在")
		}
		return Proposal{}, err
	}
	if !p.Sees(pr.Areas) {
		return Proposal{}, apperr.NotFoundf("结对方案不存在")
	}
	return pr, nil
}

// GetProposal returns a stored proposal inside p's subtree.
func (s *Service) GetProposal(ctx context.Context, p access.Principal, id string) (Proposal, error) {
	return s.proposalFor(ctx, p, id)
}

// ProposalSorts, HandoverSorts and RuleSorts are the columns the proposal,
// handover and rule lists sort on, on the server (each served by an index
// on the subtree, the column and _id).
var (
	ProposalSorts = []string{"at", "unfilled"}
	HandoverSorts = []string{"at"}
	RuleSorts     = []string{"at"}
)

// ListProposals lists proposals in p's subtree, newest first, without items.
func (s *Service) ListProposals(ctx context.Context, p access.Principal, area string, ord page.Order, offset, limit int) ([]Proposal, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	a, err := regionFor(p, area, "area")
	if err != nil {
		return nil, 0, err
	}
	ps, n, err := s.Store.Proposals(ctx, a, ord, offset, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("pairing.ListProposals: %w", err)
	}
	for i := range ps {
		ps[i].Items = nil
	}
	return ps, n, nil
}

// OverrideInput replaces the volunteer of one proposed slot by hand.
type OverrideInput struct {
	Item      int    `json:"item" validate:"min=0"`
	Volunteer string `json:"volunteer" validate:"required,max=64"`
	Reason    string `json:"reason" validate:"required,min=2,max=500"`
	Version   int    `json:"version" validate:"required"`
}

// Override puts a volunteer of the organizer's choice on one slot of a
// proposal, with a reason. The volunteer must fit the county's rule, be
// usable, have capacity and not be forbidden with or already on the elder.
func (s *Service) Override(ctx context.Context, p access.Principal, id string, in OverrideInput) (Proposal, error) {
	if err := valid.Struct(in); err != nil {
		return Proposal{}, err
	}
	n := in.Item
	if err := p.RequireWriter(); err != nil {
		return Proposal{}, err
	}
	pr, err := s.proposalFor(ctx, p, id)
	if err != nil {
		return Proposal{}, err
	}
	if pr.Version != in.Version {
		return Proposal{}, apperr.New(apperr.Conflict, "方案已被他人修改, 请刷新后重试")
	}
	if n < 0 || n >= len(pr.Items) {
		return Proposal{}, apperr.Field("item", "方案中没有这一项")
	}
	it := &pr.Items[n]
	if it.State == ItemConfirmed || it.State == ItemKept {
		return Proposal{}, apperr.Field("item", "该项已确认或为保留的现有结对")
	}
	e, err := s.Store.Elder(ctx, it.Elder)
	if err != nil {
		return Proposal{}, fmt.Errorf("pairing.Override: %w", err)
	}
	v, cost, x, err := s.checkVolunteer(ctx, &e, it.Slot, in.Volunteer)
	if err != nil {
		return Proposal{}, err
	}
	for j, o := range pr.Items {
		if j != n && o.Elder == it.Elder && o.Volunteer == v.ID && o.State != ItemFailed {
			return Proposal{}, apperr.Field("volunteer", "该志愿者在本方案中已结对这位老人")
		}
	}
	it.Override = &Override{Previous: it.Volunteer, Reason: strings.TrimSpace(in.Reason), By: p.ID, ByName: p.Name, At: s.Now()}
	it.Volunteer, it.VolunteerName, it.VolunteerType = v.ID, v.Name, v.Type
	it.Cost, it.Explanation, it.State, it.Error = cost, x, ItemProposed, ""
	if err := s.Store.ReplaceProposal(ctx, &pr); err != nil {
		return Proposal{}, fmt.Errorf("pairing.Override: %w", err)
	}
	return pr, nil
}

// checkVolunteer loads a volunteer an organizer names for slot of e and
// checks the county's rule (P3), status, training, capacity and forbids.
func (s *Service) checkVolunteer(ctx context.Context, e *registry.Elder, slot int, id string) (registry.Volunteer, int64, Explanation, error) {
	v, err := s.Store.Volunteer(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return v, 0, Explanation{}, apperr.Field("volunteer", "志愿者不存在")
		}
		return v, 0, Explanation{}, err
	}
	st, err := s.settings(ctx, countyOf(e.Village))
	if err != nil {
		return v, 0, Explanation{}, err
	}
	slots := st.Policy.Expand()
	if slot >= len(slots) {
		return v, 0, Explanation{}, apperr.Field("slot", "该岗位已不在本县结对规则内")
	}
	if why := usable(&v, st.RequireTraining); why != "" {
		return v, 0, Explanation{}, apperr.Field("volunteer", why)
	}
	if !fits(slots[slot], e, &v) {
		return v, 0, Explanation{}, apperr.Field("volunteer", "该志愿者不符合本岗位的结对规则("+slotLabel(slots[slot])+")")
	}
	rules, err := s.Store.Rules(ctx, RuleFilter{Elder: e.ID, Volunteer: v.ID, ActiveOnly: true})
	if err != nil {
		return v, 0, Explanation{}, err
	}
	for _, r := range rules {
		if r.Kind == RuleForbid {
			return v, 0, Explanation{}, apperr.Field("volunteer", "该志愿者与这位老人被禁止结对: "+r.Reason)
		}
	}
	load, err := s.Store.Pairs(ctx, PairFilter{Volunteer: v.ID, Status: PairActive})
	if err != nil {
		return v, 0, Explanation{}, err
	}
	if len(load) >= v.Capacity {
		return v, 0, Explanation{}, apperr.Field("volunteer", fmt.Sprintf("志愿者%s的结对名额已满(%d)", v.Name, v.Capacity))
	}
	cost, x := explain(e, &v, st.Weights)
	return v, cost, x, nil
}

func slotLabel(r SlotRule) string {
	if r.Label != "" {
		return r.Label
	}
	if r.Role == RoleAny {
		return "任意志愿者"
	}
	return registry.VolunteerTypeName[r.Role]
}

// ConfirmInput confirms all proposed items of a proposal, or the listed ones.
type ConfirmInput struct {
	Items   []int `json:"items,omitempty" validate:"max=5000,dive,min=0"`
	Version int   `json:"version" validate:"required"`
}

// ConfirmResult says what a confirmation did, item by item.
type ConfirmResult struct {
	Proposal  Proposal `json:"proposal"`
	Confirmed int      `json:"confirmed"`
	Failed    int      `json:"failed"`
}

// Confirm turns proposed items into pairs, recorded with who and when, and
// texts each volunteer the elder's village and first-visit window. Each
// item is checked again against the current state and stands alone: one
// that can no longer be made is marked failed with the reason, the others
// go ahead. With a re-pair proposal, the pair an item replaces ends first.
func (s *Service) Confirm(ctx context.Context, p access.Principal, id string, in ConfirmInput) (ConfirmResult, error) {
	if err := valid.Struct(in); err != nil {
		return ConfirmResult{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return ConfirmResult{}, err
	}
	pr, err := s.proposalFor(ctx, p, id)
	if err != nil {
		return ConfirmResult{}, err
	}
	if pr.Version != in.Version {
		return ConfirmResult{}, apperr.New(apperr.Conflict, "方案已被他人修改, 请刷新后重试")
	}
	sel := in.Items
	if len(sel) == 0 {
		for i, it := range pr.Items {
			if it.State == ItemProposed {
				sel = append(sel, i)
			}
		}
	}
	for j, i := range sel {
		if i >= len(pr.Items) {
			return ConfirmResult{}, apperr.Field(fmt.Sprintf("items[%d]", j), "方案中没有这一项")
		}
		if st := pr.Items[i].State; st != ItemProposed && st != ItemFailed {
			return ConfirmResult{}, apperr.Field(fmt.Sprintf("items[%d]", j), "该项不是待确认的新结对")
		}
		if pr.Items[i].Volunteer == "" {
			return ConfirmResult{}, apperr.Field(fmt.Sprintf("items[%d]", j), "该岗位没有建议的志愿者")
		}
	}
	slices.Sort(sel)
	sel = slices.Compact(sel)
	var res ConfirmResult
	if pr.Repair {
		for _, i := range sel {
			it := pr.Items[i]
			if it.Current == "" || it.Current == it.Volunteer {
				continue
			}
			old, err := s.Store.Pairs(ctx, PairFilter{Elder: it.Elder, Volunteer: it.Current, Status: PairActive})
			if err != nil {
				return res, fmt.Errorf("pairing.Confirm: %w", err)
			}
			for _, o := range old {
				if o.Slot == it.Slot {
					if err := s.endPair(ctx, p, o, ReasonRepair, "组织者确认重新结对"); err != nil {
						return res, err
					}
				}
			}
		}
	}
	made, errs, err := s.confirmBatch(ctx, p, &pr, sel)
	if err != nil {
		return res, err
	}
	return s.settle(ctx, pr, sel, made, errs)
}

// settle records on the proposal what confirming its items sel did, and
// queues again the slot of a replaced pair whose successor failed.
func (s *Service) settle(ctx context.Context, pr Proposal, sel []int, made []Pair, errs []error) (ConfirmResult, error) {
	var res ConfirmResult
	for j, i := range sel {
		it := &pr.Items[i]
		if err := errs[j]; err != nil {
			if apperr.As(err) == nil {
				return res, err
			}
			it.State, it.Error = ItemFailed, apperr.As(err).Message
			res.Failed++
			if pr.Repair && it.Current != "" && it.Current != it.Volunteer {
				// The replaced pair has ended: its slot goes to the relay queue.
				if e, err := s.Store.Elder(ctx, it.Elder); err == nil {
					if _, err := s.queueOpenSlots(ctx, e, ReasonRepair, "重新结对未成功"); err != nil {
						return res, err
					}
				}
			}
			continue
		}
		it.State, it.Pair, it.Error = ItemConfirmed, made[j].ID, ""
		res.Confirmed++
	}
	if err := s.Store.ReplaceProposal(ctx, &pr); err != nil {
		return res, fmt.Errorf("pairing.Confirm: %w", err)
	}
	res.Proposal = pr
	return res, nil
}
