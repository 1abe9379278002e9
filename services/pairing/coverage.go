package pairing

import (
	"context"
	"fmt"
	"slices"
	"time"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

// queueOpenSlots puts every open slot of an active elder that is not in the
// relay queue into it, and closes queue entries whose slot is filled: after
// it, the elder satisfies the invariant (every slot filled or queued). It
// returns how many slots it queued.
func (s *Service) queueOpenSlots(ctx context.Context, e registry.Elder, kind, text string) (int, error) {
	if e.Status != registry.StatusActive {
		return 0, nil
	}
	st, err := s.settings(ctx, countyOf(e.Village))
	if err != nil {
		return 0, err
	}
	pairs, err := s.Store.Pairs(ctx, PairFilter{Elder: e.ID})
	if err != nil {
		return 0, fmt.Errorf("pairing.queueOpenSlots: %w", err)
	}
	relays, err := s.Store.Relays(ctx, RelayFilter{Elder: e.ID, Status: RelayOpen})
	if err != nil {
		return 0, fmt.Errorf("pairing.queueOpenSlots: %w", err)
	}
	return s.queueSlots(ctx, e, st, pairs, relays, kind, text)
}

// queueSlots is queueOpenSlots given the elder's pairs (all of them) and
// open relays.
func (s *Service) queueSlots(ctx context.Context, e registry.Elder, st Settings, pairs []Pair, relays []Relay, kind, text string) (int, error) {
	slots := st.Policy.Expand()
	filled, seq := map[int]Pair{}, map[int]int{}
	for _, p := range pairs {
		seq[p.Slot] = max(seq[p.Slot], p.Seq)
		if p.Status == PairActive {
			filled[p.Slot] = p
		}
	}
	queued := map[int]bool{}
	for _, r := range relays {
		if p, ok := filled[r.Slot]; ok {
			now := s.Now()
			r.Status, r.Successor, r.ClosedAt = RelayFilled, p.ID, &now
			if err := s.Store.ReplaceRelay(ctx, &r); err != nil && !isConflict(err) {
				return 0, fmt.Errorf("pairing.queueOpenSlots: %w", err)
			}
			continue
		}
		queued[r.Slot] = true
	}
	n := 0
	for k, rule := range slots {
		if _, ok := filled[k]; ok || queued[k] {
			continue
		}
		kk, tt := kind, text
		if seq[k] == 0 && kind != ReasonUnpaired {
			kk, tt = ReasonUnpaired, ReasonName[ReasonUnpaired]
		}
		if _, err := s.queue(ctx, e.ID, e.Name, e.Village, e.Areas, k, seq[k]+1, rule.Role, kk, tt, nil); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// CoverageRow counts one region's active elders (rule P1, "结对全覆盖").
type CoverageRow struct {
	Region           string `json:"region"`
	Name             string `json:"name"`
	Elders           int    `json:"elders"`
	FullyPaired      int    `json:"fullyPaired"`
	InRelay          int    `json:"inRelay"`
	Uncovered        int    `json:"uncovered"`
	Pairs            int    `json:"pairs"`
	LongestRelayDays int    `json:"longestRelayDays"`
	OverLimit        int    `json:"overLimit"`
}

// RelayAge is an open relay with how long it has been open.
type RelayAge struct {
	Relay      string `json:"relay"`
	Elder      string `json:"elder"`
	ElderName  string `json:"elderName"`
	Village    string `json:"village"`
	Slot       int    `json:"slot"`
	Reason     string `json:"reason"`
	OpenedDate string `json:"openedDate"`
	Days       int    `json:"days"`
	Limit      int    `json:"limit"`
}

// Coverage is the coverage report of a region: totals, one row per child
// region, the open relays oldest first, and the elders that break the
// invariant (an open slot not in the relay queue).
type Coverage struct {
	Region    string        `json:"region"`
	Total     CoverageRow   `json:"total"`
	Rows      []CoverageRow `json:"rows"`
	Relays    []RelayAge    `json:"relays"`
	Uncovered []string      `json:"uncovered"`
	At        time.Time     `json:"at"`
}

func days(from, to time.Time) int { return int(to.Sub(from).Hours() / 24) }

// Coverage reports on a region in p's subtree.
func (s *Service) Coverage(ctx context.Context, p access.Principal, region string) (Coverage, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Coverage{}, err
	}
	a, err := regionFor(p, region, "region")
	if err != nil {
		return Coverage{}, err
	}
	return s.coverage(ctx, a)
}

// coverage returns the saved report of region a while the registers have
// not changed since it was made today, else counts it afresh and saves it
// (one read by _id when nothing changed; issue 16).
func (s *Service) coverage(ctx context.Context, a string) (Coverage, error) {
	key := "coverage|" + a + "|" + s.Now().In(clock.Shanghai).Format("2006-01-02")
	var cv Coverage
	gen, ok, err := s.Store.SavedReport(ctx, key, &cv)
	if err != nil {
		return Coverage{}, fmt.Errorf("pairing.Coverage: %w", err)
	}
	if ok {
		return cv, nil
	}
	cv, err = s.countCoverage(ctx, a)
	if err != nil {
		return cv, err
	}
	if err := s.Store.SaveReport(ctx, key, gen, cv); err != nil {
		return cv, fmt.Errorf("pairing.Coverage: %w", err)
	}
	return cv, nil
}

func (s *Service) countCoverage(ctx context.Context, a string) (Coverage, error) {
	now := s.Now()
	cv := Coverage{Region: a, Rows: []CoverageRow{}, Relays: []RelayAge{}, Uncovered: []string{}, At: now}
	self, err := s.Store.Region(ctx, a)
	if err != nil {
		return cv, fmt.Errorf("pairing.Coverage: %w", err)
	}
	cv.Total = CoverageRow{Region: a, Name: self.Name}
	lv := registry.LevelOf(a)
	rows := map[string]*CoverageRow{}
	if lv < registry.Village {
		kids, err := s.Store.ChildRegions(ctx, a)
		if err != nil {
			return cv, fmt.Errorf("pairing.Coverage: %w", err)
		}
		for _, k := range kids {
			cv.Rows = append(cv.Rows, CoverageRow{Region: k.Code, Name: k.Name})
		}
		for i := range cv.Rows {
			rows[cv.Rows[i].Region] = &cv.Rows[i]
		}
	}
	sets := map[string]Settings{}
	settingsOf := func(county string) (Settings, error) {
		if st, ok := sets[county]; ok {
			return st, nil
		}
		st, err := s.settings(ctx, county)
		sets[county] = st
		return st, err
	}
	pairs, err := s.Store.Pairs(ctx, PairFilter{Area: a, Status: PairActive})
	if err != nil {
		return cv, fmt.Errorf("pairing.Coverage: %w", err)
	}
	filled := map[string]map[int]bool{}
	for _, p := range pairs {
		if filled[p.Elder] == nil {
			filled[p.Elder] = map[int]bool{}
		}
		filled[p.Elder][p.Slot] = true
	}
	relays, err := s.Store.Relays(ctx, RelayFilter{Area: a, Status: RelayOpen})
	if err != nil {
		return cv, fmt.Errorf("pairing.Coverage: %w", err)
	}
	oldest := map[string]RelayAge{}
	for _, r := range relays {
		st, err := settingsOf(r.County)
		if err != nil {
			return cv, err
		}
		ra := RelayAge{Relay: r.ID, Elder: r.Elder, ElderName: r.ElderName, Village: r.Village, Slot: r.Slot, Reason: r.ReasonText,
			OpenedDate: r.OpenedDate, Days: days(r.OpenedAt, now), Limit: st.RelayLimitDays}
		cv.Relays = append(cv.Relays, ra)
		if o, ok := oldest[r.Elder]; !ok || ra.Days > o.Days {
			oldest[r.Elder] = ra
		}
	}
	slices.SortFunc(cv.Relays, func(x, y RelayAge) int { return y.Days - x.Days })
	if len(cv.Relays) > 200 {
		cv.Relays = cv.Relays[:200]
	}
	err = s.Store.AllElders(ctx, a, func(e registry.Elder) error {
		if e.Status != registry.StatusActive {
			return nil
		}
		st, err := settingsOf(countyOf(e.Village))
		if err != nil {
			return err
		}
		n, have := len(st.Policy.Expand()), 0
		for k := range filled[e.ID] {
			if k < n {
				have++
			}
		}
		add := func(r *CoverageRow) {
			r.Elders++
			r.Pairs += len(filled[e.ID])
			ra, queued := oldest[e.ID]
			switch {
			case have >= n:
				r.FullyPaired++
			case queued:
				r.InRelay++
				r.LongestRelayDays = max(r.LongestRelayDays, ra.Days)
				if ra.Days > ra.Limit {
					r.OverLimit++
				}
			default:
				r.Uncovered++
			}
		}
		add(&cv.Total)
		if r := rows[registry.AncestorAt(e.Village, lv+1)]; r != nil {
			add(r)
		}
		if _, queued := oldest[e.ID]; have < n && !queued && len(cv.Uncovered) < 200 {
			cv.Uncovered = append(cv.Uncovered, e.ID)
		}
		return nil
	})
	if err != nil {
		return cv, fmt.Errorf("pairing.Coverage: %w", err)
	}
	return cv, nil
}

// CheckResult says what a daily check did.
type CheckResult struct {
	Reopened int `json:"reopened"`
	Silent   int `json:"silent"`
	Queued   int `json:"queued"`
	Alerts   int `json:"alerts"`
	Synced   int `json:"synced"`
}

// DailyCheck is the daily relay check (rule P2). It opens the slots of
// pairs whose volunteer is no longer active (a hook that failed) or silent
// (no completed visit for the county's SilentDays; the pair's start date
// counts until a first visit); queues every other open slot of an active
// elder, so the invariant holds; and records an alert for each relay open
// longer than the county's limit. Every step is idempotent.
func (s *Service) DailyCheck(ctx context.Context) (CheckResult, error) {
	var res CheckResult
	now := s.Now()
	pairs, err := s.Store.Pairs(ctx, PairFilter{Status: PairActive})
	if err != nil {
		return res, fmt.Errorf("pairing.DailyCheck: %w", err)
	}
	// The volunteers of every active pair in one read, not one per pair (issue 16).
	vols, err := s.volunteersOf(ctx, pairs)
	if err != nil {
		return res, err
	}
	sets := map[string]Settings{}
	var silent []Pair
	for _, p := range pairs {
		v := vols[p.Volunteer]
		if v.Status == registry.VolPaused || v.Status == registry.VolLeft || v.ID == "" {
			kind := map[string]string{registry.VolPaused: ReasonVolunteerPaused}[v.Status]
			if kind == "" {
				kind = ReasonVolunteerLeft
			}
			if _, err := s.openSlot(ctx, system, p, kind, ""); err != nil {
				return res, err
			}
			res.Reopened++
			continue
		}
		st, ok := sets[p.County]
		if !ok {
			if st, err = s.settings(ctx, p.County); err != nil {
				return res, err
			}
			sets[p.County] = st
		}
		last, _ := clock.ParseDate(p.StartDate)
		if p.LastVisitAt != nil {
			last = *p.LastVisitAt
		}
		if days(last, now) > st.SilentDays {
			silent = append(silent, p)
		}
	}
	if len(silent) > 0 {
		elders, err := s.eldersOf(ctx, silent)
		if err != nil {
			return res, err
		}
		for _, p := range silent {
			// A hospitalised elder cannot be visited: silence does not count.
			if e, ok := elders[p.Elder]; !ok || e.Status != registry.StatusActive {
				continue
			}
			st := sets[p.County]
			if _, err := s.openSlot(ctx, system, p, ReasonSilent, fmt.Sprintf("超过 %d 天未完成探访", st.SilentDays)); err != nil {
				return res, err
			}
			res.Silent++
		}
	}
	// One read of pairs and open relays for all elders: filters are not
	// pushed down on the embedded store, so per-elder queries would each scan.
	all, err := s.Store.Pairs(ctx, PairFilter{})
	if err != nil {
		return res, fmt.Errorf("pairing.DailyCheck: %w", err)
	}
	open, err := s.Store.Relays(ctx, RelayFilter{Status: RelayOpen})
	if err != nil {
		return res, fmt.Errorf("pairing.DailyCheck: %w", err)
	}
	pairsOf, relaysOf, want := map[string][]Pair{}, map[string][]Relay{}, map[string][]string{}
	for _, p := range all {
		pairsOf[p.Elder] = append(pairsOf[p.Elder], p)
		if p.Status == PairActive {
			want[p.Elder] = append(want[p.Elder], p.Volunteer)
		}
	}
	var drift []string
	for _, r := range open {
		relaysOf[r.Elder] = append(relaysOf[r.Elder], r)
	}
	err = s.Store.ActiveElders(ctx, func(e registry.Elder) error {
		county := countyOf(e.Village)
		st, ok := sets[county]
		if !ok {
			var err error
			if st, err = s.settings(ctx, county); err != nil {
				return err
			}
			sets[county] = st
		}
		if !sameSet(e.Volunteers, want[e.ID]) {
			drift = append(drift, e.ID)
		}
		n, err := s.queueSlots(ctx, e, st, pairsOf[e.ID], relaysOf[e.ID], ReasonUnpaired, ReasonName[ReasonUnpaired])
		res.Queued += n
		return err
	})
	if err != nil {
		return res, fmt.Errorf("pairing.DailyCheck: %w", err)
	}
	// An elder whose access list differs from their active pairs (a
	// confirmation or an ending stopped half-way) is put right.
	for _, id := range drift {
		if err := s.syncElder(ctx, id); err != nil {
			return res, err
		}
		res.Synced++
	}
	relays, err := s.Store.Relays(ctx, RelayFilter{Status: RelayOpen})
	if err != nil {
		return res, fmt.Errorf("pairing.DailyCheck: %w", err)
	}
	var names map[string]string
	for _, r := range relays {
		st, ok := sets[r.County]
		if !ok {
			if st, err = s.settings(ctx, r.County); err != nil {
				return res, err
			}
			sets[r.County] = st
		}
		d := days(r.OpenedAt, now)
		if d <= st.RelayLimitDays {
			continue
		}
		if names == nil {
			if names, err = s.villageNames(ctx, relays); err != nil {
				return res, err
			}
		}
		a := Alert{ID: r.ID, Relay: r.ID, Elder: r.Elder, ElderName: r.ElderName, Village: r.Village, Areas: r.Areas, County: r.County,
			Days: d, Limit: st.RelayLimitDays, At: now,
			Message: fmt.Sprintf("%s(%s)的第 %d 个结对岗位已在接力队列 %d 天, 超过本县时限 %d 天", r.ElderName, names[r.Village], r.Slot+1, d, st.RelayLimitDays)}
		switch err := s.Store.InsertAlert(ctx, a); {
		case err == nil:
			res.Alerts++
		case !isConflict(err):
			return res, fmt.Errorf("pairing.DailyCheck: %w", err)
		}
	}
	return res, nil
}

// volunteersOf reads the volunteers of pairs in one query; a volunteer
// no longer on the register is left out (zero value).
func (s *Service) volunteersOf(ctx context.Context, pairs []Pair) (map[string]registry.Volunteer, error) {
	ids := make([]string, 0, len(pairs))
	for _, p := range pairs {
		ids = append(ids, p.Volunteer)
	}
	slices.Sort(ids)
	vs, err := s.bulk().VolunteersByID(ctx, slices.Compact(ids))
	if err != nil {
		return nil, fmt.Errorf("pairing.volunteersOf: %w", err)
	}
	out := make(map[string]registry.Volunteer, len(vs))
	for _, v := range vs {
		out[v.ID] = v
	}
	return out, nil
}

// eldersOf reads the elders of pairs in one query.
func (s *Service) eldersOf(ctx context.Context, pairs []Pair) (map[string]registry.Elder, error) {
	ids := make([]string, 0, len(pairs))
	for _, p := range pairs {
		ids = append(ids, p.Elder)
	}
	slices.Sort(ids)
	es, err := s.bulk().EldersByID(ctx, slices.Compact(ids))
	if err != nil {
		return nil, fmt.Errorf("pairing.eldersOf: %w", err)
	}
	out := make(map[string]registry.Elder, len(es))
	for _, e := range es {
		out[e.ID] = e
	}
	return out, nil
}

// villageNames names the villages of relays in one query (the code stands
// for a village not found).
func (s *Service) villageNames(ctx context.Context, relays []Relay) (map[string]string, error) {
	var codes []string
	for _, r := range relays {
		codes = append(codes, r.Village)
	}
	names := map[string]string{}
	if len(codes) == 0 {
		return names, nil
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	rs, err := s.bulk().RegionsByCode(ctx, codes)
	if err != nil {
		return nil, fmt.Errorf("pairing.villageNames: %w", err)
	}
	for _, c := range codes {
		names[c] = c
	}
	for _, r := range rs {
		names[r.Code] = r.Name
	}
	return names, nil
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// ListAlerts lists relay alerts in p's subtree, newest first.
func (s *Service) ListAlerts(ctx context.Context, p access.Principal, area string, offset, limit int) ([]Alert, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	a, err := regionFor(p, area, "area")
	if err != nil {
		return nil, 0, err
	}
	as, n, err := s.Store.Alerts(ctx, a, offset, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("pairing.ListAlerts: %w", err)
	}
	return as, n, nil
}

// VisitCompleted records a completed visit on the volunteer's active pair
// with the elder, which resets the silence count (for the visits feature).
func (s *Service) VisitCompleted(ctx context.Context, elder, volunteer string, at time.Time) error {
	ps, err := s.Store.Pairs(ctx, PairFilter{Elder: elder, Volunteer: volunteer, Status: PairActive})
	if err != nil {
		return fmt.Errorf("pairing.VisitCompleted: %w", err)
	}
	if len(ps) == 0 {
		return apperr.NotFoundf("该志愿者与老人没有进行中的结对")
	}
	for _, p := range ps {
		if p.LastVisitAt == nil || at.After(*p.LastVisitAt) {
			if err := s.Store.SetLastVisit(ctx, p.ID, at); err != nil {
				return fmt.Errorf("pairing.VisitCompleted: %w", err)
			}
		}
	}
	return nil
}
