package pairing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"jinhui/services/access"
	"jinhui/services/notify"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

// ClaimKey is the unique key of one volunteer on one elder, held by a pair.
type ClaimKey struct {
	Elder, Volunteer, Pair string
}

// BulkStore is what confirming many items at once needs: every method is
// one database command whatever the number of items (issue 16).
type BulkStore interface {
	EldersByID(ctx context.Context, ids []string) ([]registry.Elder, error)
	VolunteersByID(ctx context.Context, ids []string) ([]registry.Volunteer, error)
	RegionsByCode(ctx context.Context, codes []string) ([]registry.Region, error)
	// PairsTouching returns every pair of the elders and the active pairs of the volunteers.
	PairsTouching(ctx context.Context, elders, volunteers []string) ([]Pair, error)
	ActiveRulesOf(ctx context.Context, elders []string) ([]Rule, error)
	// PairClaims maps each claimed key (Pair left empty) to the pair holding it.
	PairClaims(ctx context.Context, keys []ClaimKey) (map[ClaimKey]string, error)
	// ClaimPairKeys inserts the claims and returns the indexes of keys taken already.
	ClaimPairKeys(ctx context.Context, keys []ClaimKey) ([]int, error)
	ReleasePairKeys(ctx context.Context, keys []ClaimKey) error
	// InsertPairs inserts the pairs and returns the indexes of keys taken already.
	InsertPairs(ctx context.Context, ps []Pair) ([]int, error)
	// FillRelays marks the open relays of these ids filled by the pair of the same id.
	FillRelays(ctx context.Context, ids []string, at time.Time) error
	// AddElderVolunteers adds volunteers to elders' access lists.
	AddElderVolunteers(ctx context.Context, add map[string][]string) error
}

// bulk is the store's bulk half.
func (s *Service) bulk() BulkStore { return s.Store }

// confirmBatch turns the items sel of pr into pairs with a fixed number of
// database commands (rule P1): everything is read in one query per
// collection, checked in memory as createPair and checkVolunteer do, and
// written in bulk. The writes are ordered so that a crash at any point is
// completed by running it again: claims, then pairs (both with unique
// keys), then the relays they fill, the elders' access lists and the
// texts, all idempotent. A pair already made for an item by an earlier,
// interrupted run is taken as the item's. It returns per item the pair
// made, or the person-facing error that stopped it.
func (s *Service) confirmBatch(ctx context.Context, by access.Principal, pr *Proposal, sel []int) ([]Pair, []error, error) {
	made, errs, err := s.confirmMany(ctx, by, []*Proposal{pr}, [][]int{sel})
	if err != nil {
		return nil, nil, err
	}
	return made[0], errs[0], nil
}

// itemRef is one selected item: proposal k's item i.
type itemRef struct{ k, i int }

// confirmMany is confirmBatch over the selected items of several
// proposals at once (a whole province's counties, say): still one read
// per collection and one write per step for all of them, plus the
// settings of each county.
func (s *Service) confirmMany(ctx context.Context, by access.Principal, prs []*Proposal, sels [][]int) ([][]Pair, [][]error, error) {
	var refs []itemRef
	for k, sel := range sels {
		for _, i := range sel {
			refs = append(refs, itemRef{k, i})
		}
	}
	flatPairs, flatErrs, err := s.confirmFlat(ctx, by, prs, refs)
	if err != nil {
		return nil, nil, err
	}
	made, errs := make([][]Pair, len(prs)), make([][]error, len(prs))
	n := 0
	for k, sel := range sels {
		made[k], errs[k] = flatPairs[n:n+len(sel)], flatErrs[n:n+len(sel)]
		n += len(sel)
	}
	return made, errs, nil
}

func (s *Service) confirmFlat(ctx context.Context, by access.Principal, prs []*Proposal, sel []itemRef) ([]Pair, []error, error) {
	bs := s.bulk()
	pairsOut, errs := make([]Pair, len(sel)), make([]error, len(sel))
	if len(sel) == 0 {
		return pairsOut, errs, nil
	}
	var eids, vids []string
	for _, r := range sel {
		eids = append(eids, prs[r.k].Items[r.i].Elder)
		vids = append(vids, prs[r.k].Items[r.i].Volunteer)
	}
	slices.Sort(eids)
	eids = slices.Compact(eids)
	slices.Sort(vids)
	vids = slices.Compact(vids)
	elders, err := bs.EldersByID(ctx, eids)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	vols, err := bs.VolunteersByID(ctx, vids)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	touching, err := bs.PairsTouching(ctx, eids, vids)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	rules, err := bs.ActiveRulesOf(ctx, eids)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	sts, slotsOf := map[string]Settings{}, map[string][]SlotRule{}
	for _, pr := range prs {
		if _, ok := sts[pr.County]; ok {
			continue
		}
		st, err := s.settings(ctx, pr.County)
		if err != nil {
			return nil, nil, err
		}
		sts[pr.County], slotsOf[pr.County] = st, st.Policy.Expand()
	}
	keys := make([]ClaimKey, len(sel))
	for j, r := range sel {
		keys[j] = ClaimKey{Elder: prs[r.k].Items[r.i].Elder, Volunteer: prs[r.k].Items[r.i].Volunteer}
	}
	held, err := bs.PairClaims(ctx, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}

	eby := make(map[string]*registry.Elder, len(elders))
	for i := range elders {
		eby[elders[i].ID] = &elders[i]
	}
	vby := make(map[string]*registry.Volunteer, len(vols))
	for i := range vols {
		vby[vols[i].ID] = &vols[i]
	}
	byElder, load, seen := map[string][]Pair{}, map[string]int{}, map[string]bool{}
	for _, p := range touching {
		if seen[p.ID] {
			continue
		}
		seen[p.ID] = true
		if _, ok := slices.BinarySearch(eids, p.Elder); ok {
			byElder[p.Elder] = append(byElder[p.Elder], p)
		}
		if p.Status == PairActive {
			load[p.Volunteer]++
		}
	}
	forbidden := map[[2]string]string{}
	for _, r := range rules {
		if r.Kind == RuleForbid && r.Active {
			forbidden[[2]string{r.Elder, r.Volunteer}] = r.Reason
		}
	}
	now := s.Now()

	// Decide each item in memory; newly made pairs count towards the
	// slots and capacities of the items after them.
	type plan struct {
		j     int
		pair  Pair
		fresh bool // to insert (else made by an earlier run)
		claim bool // its claim is to insert
	}
	var plans []plan
	var stale []ClaimKey
	for j, r := range sel {
		pr := prs[r.k]
		it := &pr.Items[r.i]
		st, slots := sts[pr.County], slotsOf[pr.County]
		e, v := eby[it.Elder], vby[it.Volunteer]
		if e == nil {
			errs[j] = apperr.NotFoundf("老人不存在")
			continue
		}
		if v == nil {
			errs[j] = apperr.Field("volunteer", "志愿者不存在")
			continue
		}
		var done *Pair
		seq := 1
		for k, p := range byElder[e.ID] {
			if p.Slot == it.Slot {
				seq = max(seq, p.Seq+1)
			}
			if p.SourceID == pr.ID && p.Slot == it.Slot && p.Volunteer == v.ID && p.Status == PairActive {
				done = &byElder[e.ID][k]
			}
		}
		if done != nil {
			// Made by an interrupted run: finish its follow-ups below.
			pl := plan{j: j, pair: *done}
			if held[ClaimKey{Elder: e.ID, Volunteer: v.ID}] != done.ID {
				pl.claim = true
				stale = append(stale, ClaimKey{Elder: e.ID, Volunteer: v.ID})
			}
			plans = append(plans, pl)
			continue
		}
		if err := s.checkItem(e, v, it.Slot, byElder[e.ID], slots, st, forbidden, load[v.ID]); err != nil {
			errs[j] = err
			continue
		}
		_, x := explain(e, v, st.Weights)
		x.Pinned = it.Explanation.Pinned
		x.Text = x.summary()
		src, reason := "proposal", ""
		if it.Override != nil {
			src, reason = "override", it.Override.Reason
		} else if x.Pinned != "" {
			src, reason = "pin", x.Pinned
		}
		p := Pair{ID: pairID(e.ID, it.Slot, seq), Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas, County: countyOf(e.Village),
			Slot: it.Slot, Seq: seq, Role: it.Role, Volunteer: v.ID, VolunteerName: v.Name, Status: PairActive,
			StartDate: clock.Today(now), Source: src, SourceID: pr.ID, Reason: reason, Explanation: x,
			By: by.ID, ByName: by.Name, At: now}
		pl := plan{j: j, pair: p, fresh: true, claim: true}
		if h, ok := held[ClaimKey{Elder: e.ID, Volunteer: v.ID}]; ok {
			// The volunteer is not active on the elder (checked above), so
			// the claim is stale: a crash between ending a pair and
			// releasing it, or between claiming and inserting this pair.
			if h == p.ID {
				pl.claim = false
			} else {
				stale = append(stale, ClaimKey{Elder: e.ID, Volunteer: v.ID})
			}
		}
		byElder[e.ID] = append(byElder[e.ID], p)
		load[v.ID]++
		plans = append(plans, pl)
	}

	if err := bs.ReleasePairKeys(ctx, stale); err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	var claims []ClaimKey
	var claimOf []int
	for k, pl := range plans {
		if pl.claim {
			claims = append(claims, ClaimKey{Elder: pl.pair.Elder, Volunteer: pl.pair.Volunteer, Pair: pl.pair.ID})
			claimOf = append(claimOf, k)
		}
	}
	taken, err := bs.ClaimPairKeys(ctx, claims)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	lost := map[int]bool{}
	for _, c := range taken {
		k := claimOf[c]
		lost[k] = true
		errs[plans[k].j] = apperr.New(apperr.Conflict, "该志愿者刚与这位老人结对, 请刷新后重试")
	}
	var fresh []Pair
	var freshOf []int
	for k, pl := range plans {
		if pl.fresh && !lost[k] {
			fresh = append(fresh, pl.pair)
			freshOf = append(freshOf, k)
		}
	}
	dup, err := bs.InsertPairs(ctx, fresh)
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	var release []ClaimKey
	for _, d := range dup {
		k := freshOf[d]
		lost[k] = true
		errs[plans[k].j] = apperr.New(apperr.Conflict, "该岗位刚被他人结对, 请刷新后重试")
		release = append(release, ClaimKey{Elder: plans[k].pair.Elder, Volunteer: plans[k].pair.Volunteer})
	}
	if err := bs.ReleasePairKeys(context.WithoutCancel(ctx), release); err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}

	var made []Pair
	for k, pl := range plans {
		if !lost[k] {
			made = append(made, pl.pair)
			pairsOut[pl.j] = pl.pair
		}
	}
	if len(made) == 0 {
		return pairsOut, errs, nil
	}
	ids := make([]string, len(made))
	add := map[string][]string{}
	villages := []string{}
	for k, p := range made {
		ids[k] = p.ID
		add[p.Elder] = append(add[p.Elder], p.Volunteer)
		villages = append(villages, p.Village)
	}
	if err := bs.FillRelays(ctx, ids, now); err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	if err := bs.AddElderVolunteers(ctx, add); err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	if s.SMS == nil {
		return pairsOut, errs, nil
	}
	slices.Sort(villages)
	regions, err := bs.RegionsByCode(ctx, slices.Compact(villages))
	if err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	names := map[string]string{}
	for _, r := range regions {
		names[r.Code] = r.Name
	}
	var texts []notify.Text
	for _, p := range made {
		v := vby[p.Volunteer]
		if v.Phone == "" {
			continue
		}
		vil := names[p.Village]
		if vil == "" {
			vil = p.Village
		}
		texts = append(texts, notify.Text{Key: "pair:" + p.ID, To: v.Phone, Kind: "pairing", Body: pairText(v, vil, eby[p.Elder], nil, now)})
	}
	if err := notify.SendAll(ctx, s.SMS, texts); err != nil {
		return nil, nil, fmt.Errorf("pairing.confirmBatch: %w", err)
	}
	return pairsOut, errs, nil
}

// checkItem is checkVolunteer and createPair's checks on values read
// already: the slot is in the county's rule (P3) and free, the volunteer
// usable, fitting, not forbidden, not on the elder yet and with capacity.
func (s *Service) checkItem(e *registry.Elder, v *registry.Volunteer, slot int, pairs []Pair, slots []SlotRule, st Settings, forbidden map[[2]string]string, load int) error {
	if slot >= len(slots) {
		return apperr.Field("slot", "该岗位已不在本县结对规则内")
	}
	if why := usable(v, st.RequireTraining); why != "" {
		return apperr.Field("volunteer", why)
	}
	if !fits(slots[slot], e, v) {
		return apperr.Field("volunteer", "该志愿者不符合本岗位的结对规则("+slotLabel(slots[slot])+")")
	}
	if r, ok := forbidden[[2]string{e.ID, v.ID}]; ok {
		return apperr.Field("volunteer", "该志愿者与这位老人被禁止结对: "+r)
	}
	if load >= v.Capacity {
		return apperr.Field("volunteer", fmt.Sprintf("志愿者%s的结对名额已满(%d)", v.Name, v.Capacity))
	}
	for _, p := range pairs {
		if p.Status != PairActive {
			continue
		}
		if p.Slot == slot {
			return apperr.Errorf(apperr.Conflict, "%s的第 %d 个结对岗位已有志愿者", e.Name, slot+1)
		}
		if p.Volunteer == v.ID {
			return apperr.Field("volunteer", "该志愿者已与这位老人结对")
		}
	}
	if e.Status != registry.StatusActive {
		return apperr.Errorf(apperr.Conflict, "老人当前状态为「%s」, 不能结对", registry.StatusName[e.Status])
	}
	return nil
}
