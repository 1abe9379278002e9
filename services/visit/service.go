package visit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// Filter selects visits.
type Filter struct {
	Area      string
	Month     string
	Status    []string
	Volunteer string // assigned to, or partner of, this volunteer
	Elder     string
	// Review selects the visits whose hours await (pending) or got an
	// organizer's review (approved, rejected), optional.
	Review string
	// Order is a field of Sorts (empty: by date), for the list only.
	Order  page.Order
	Offset int
	Limit  int
}

// Sorts are the columns the visit list sorts on, on the server (each
// served by an index on the subtree, the column and _id).
var Sorts = []string{"date", "month", "elderName", "volunteerName", "status", "minutes"}

// Store is what visits need from the database. Insert* ignore records
// whose key exists already and return the ids they inserted.
type Store interface {
	VisitSettings(ctx context.Context, county string) (Settings, error)
	PutVisitSettings(ctx context.Context, s *Settings) error
	PairedElders(ctx context.Context, area string, fn func(ElderRef) error) error
	InsertVisits(ctx context.Context, vs []Visit) ([]string, error)
	// VisitsByID returns the visits whose ids are given, in one query.
	VisitsByID(ctx context.Context, ids []string) ([]Visit, error)
	Visit(ctx context.Context, id string) (Visit, error)
	Visits(ctx context.Context, f Filter) ([]Visit, int, error)
	ReplaceVisit(ctx context.Context, v *Visit) error
	InsertReminders(ctx context.Context, rs []Reminder) error
	Reminder(ctx context.Context, id string) (Reminder, error)
	DueReminders(ctx context.Context, before time.Time, limit int) ([]Reminder, error)
	SkipReminders(ctx context.Context, visit string) error
	// ReplanReminders makes rs the visit's pending reminders: its other
	// pending ones are skipped, those of rs skipped before are pending
	// again (same day, same ids) and the rest are inserted. Reminders done
	// already stay done.
	ReplanReminders(ctx context.Context, visit string, rs []Reminder) error
	SetReminderDone(ctx context.Context, id, status string, at time.Time) error
	InsertVisitAlert(ctx context.Context, a Alert) error
	VisitAlerts(ctx context.Context, area string, ord page.Order, offset, limit int) ([]Alert, int, error)
	SetLastVisit(ctx context.Context, pairID string, at time.Time) error
	RecordEntry(ctx context.Context, e ledger.Entry) error
	VolunteerPhone(ctx context.Context, id string) (string, error)
}

// Queue schedules the task that handles one reminder at a time.
type Queue interface {
	EnqueueReminder(ctx context.Context, id string, at time.Time) error
}

// SMS renders an admin-editable template and sends it under a business key.
type SMS interface {
	SendTemplate(ctx context.Context, key, to, template string, vars map[string]string, validUntil time.Time) error
}

// Service runs visits.
type Service struct {
	Store Store
	Queue Queue
	SMS   SMS
	Now   func() time.Time
	// OnDone are called after a successful check-out, in the order given
	// (the wiring registers them). A hook's error fails the check-out,
	// whose retry with the same key runs every hook again, so hooks must
	// be idempotent.
	OnDone []func(ctx context.Context, v Visit) error
	// OnHeld are called when a checked-out visit's hours are held for
	// review (see ReviewAfter), in the order given; idempotent.
	OnHeld []func(ctx context.Context, v Visit) error
	// Cards checks visit code card codes at check-out; may be nil.
	Cards CardChecker
}

// done runs every OnDone hook and returns their errors together.
func (s *Service) done(ctx context.Context, v Visit) error {
	var errs []error
	for _, f := range s.OnDone {
		if err := f(ctx, v); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("visit %s done, follow-up failed: %w", v.ID, err)
	}
	return nil
}

func (s *Service) settings(ctx context.Context, county string) (Settings, error) {
	st, err := s.Store.VisitSettings(ctx, county)
	if apperr.Is(err, apperr.NotFound) {
		return DefaultSettings(county), nil
	}
	return st, err
}

// PlanResult reports a planning run.
type PlanResult struct {
	Month     string `json:"month"`
	Elders    int    `json:"elders"`
	Planned   int    `json:"planned"`
	Existing  int    `json:"existing"`
	Reminders int    `json:"reminders"`
}

// PlanMonth plans a month's visits for every paired active elder in area
// (rule S1). It is safe to run again: visits and reminders have business
// keys, so a second run adds only what is missing (a run stopped half-way
// is completed: every visit still planned gets its reminders), and in a
// month that has begun nothing is planned before today. It costs a few
// database commands per batch of 2,000 visits, none per elder (issue 16).
func (s *Service) PlanMonth(ctx context.Context, areaCode string, month time.Time) (PlanResult, error) {
	return s.PlanMonthProgress(ctx, areaCode, month, nil)
}

// PairedCounter is a store that counts the paired elders a plan walks
// (the total of its progress).
type PairedCounter interface {
	CountPairedElders(ctx context.Context, area string) (int, error)
}

// PlanMonthProgress is PlanMonth telling progress (may be nil) in elders
// planned of the paired elders in the area, after each batch written.
func (s *Service) PlanMonthProgress(ctx context.Context, areaCode string, month time.Time, progress func(done, total int)) (PlanResult, error) {
	track := progress != nil
	if !track {
		progress = func(int, int) {}
	}
	now := s.Now()
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, clock.Shanghai)
	today := time.Date(now.In(clock.Shanghai).Year(), now.In(clock.Shanghai).Month(), now.In(clock.Shanghai).Day(), 0, 0, 0, 0, clock.Shanghai)
	res := PlanResult{Month: first.Format("2006-01")}
	if first.AddDate(0, 1, 0).Before(today) || first.AddDate(0, 1, 0).Equal(today) {
		return res, apperr.Field("month", "不能为已经过去的月份制定计划")
	}
	cache := map[string]Settings{}
	var batch []Visit
	total, flushed := 0, 0
	if pc, ok := s.Store.(PairedCounter); ok && track {
		n, err := pc.CountPairedElders(ctx, areaCode)
		if err != nil {
			return res, fmt.Errorf("visit.PlanMonth: %w", err)
		}
		total = n
	}
	progress(0, total)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ids, err := s.Store.InsertVisits(ctx, batch)
		if err != nil {
			return err
		}
		res.Planned += len(ids)
		res.Existing += len(batch) - len(ids)
		fresh := map[string]bool{}
		for _, id := range ids {
			fresh[id] = true
		}
		var rs []Reminder
		var old []string
		for _, v := range batch {
			if fresh[v.ID] {
				rs = append(rs, Reminders(v, now)...)
			} else {
				old = append(old, v.ID)
			}
		}
		res.Reminders += len(rs)
		// Visits planned before keep their reminders, but a run that
		// stopped between the two inserts left some without: give every
		// visit still planned its reminders again, for its current date
		// and volunteer (the insert skips those that exist).
		if len(old) > 0 {
			vs, err := s.Store.VisitsByID(ctx, old)
			if err != nil {
				return err
			}
			for _, v := range vs {
				if v.Status == StatusPlanned {
					rs = append(rs, Reminders(v, now)...)
				}
			}
		}
		if err := s.Store.InsertReminders(ctx, rs); err != nil {
			return err
		}
		batch = batch[:0]
		flushed = res.Elders
		total = max(total, flushed)
		progress(flushed, total)
		return nil
	}
	err := s.Store.PairedElders(ctx, areaCode, func(e ElderRef) error {
		st, ok := cache[e.County]
		if !ok {
			var err error
			if st, err = s.settings(ctx, e.County); err != nil {
				return err
			}
			cache[e.County] = st
		}
		res.Elders++
		batch = append(batch, Plan(e, first, st.PerMonth, st.Checklist, today, now)...)
		if len(batch) >= 2000 || total > 0 && res.Elders-flushed >= max(total/10, 50) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return res, fmt.Errorf("visit.PlanMonth: %w", err)
	}
	return res, nil
}

// PlanFor is PlanMonth for an organizer, inside their subtree.
func (s *Service) PlanFor(ctx context.Context, p access.Principal, areaCode, month string) (PlanResult, error) {
	c, m, err := PlanScope(p, areaCode, month)
	if err != nil {
		return PlanResult{}, err
	}
	return s.PlanMonth(ctx, c, m)
}

// PlanScope checks an organizer's plan request: the area in their subtree
// ("" is their region) and the month; it returns the area and the month.
func PlanScope(p access.Principal, areaCode, month string) (string, time.Time, error) {
	if err := p.RequireWriter(); err != nil {
		return "", time.Time{}, err
	}
	c, err := p.Subtree(areaCode, "area")
	if err != nil {
		return "", time.Time{}, err
	}
	m, err := time.ParseInLocation("2006-01", month, clock.Shanghai)
	if err != nil {
		return "", time.Time{}, apperr.Field("month", "月份格式应为 YYYY-MM")
	}
	return c, m, nil
}

// VisitFor returns a visit the principal may see: an organizer's subtree,
// or a volunteer serving the elder.
func (s *Service) VisitFor(ctx context.Context, p access.Principal, id string) (Visit, error) {
	v, err := s.Store.Visit(ctx, id)
	if err != nil {
		return Visit{}, err
	}
	if p.Sees(v.Areas) || (p.Kind == access.KindVolunteer && slices.Contains(v.People, p.ID)) {
		return v, nil
	}
	return Visit{}, apperr.NotFoundf("探访不存在")
}

// List lists visits in an organizer's subtree.
func (s *Service) List(ctx context.Context, p access.Principal, f Filter) ([]Visit, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	c, err := p.Subtree(f.Area, "area")
	if err != nil {
		return nil, 0, err
	}
	f.Area = c
	return s.Store.Visits(ctx, f)
}

// Schedule returns a volunteer's upcoming and open visits: their own, and
// those their partners gave back to them, from today on and any not yet
// done; their own visits done this month (a finished visit stays on the
// phone, marked done with its length); and, apart, their partners' planned
// visits to the same elders, the ones a swap can be made with. Two
// queries: the open visits, and the month's done ones (done visits of past
// months never crowd the open ones out of the page).
func (s *Service) Schedule(ctx context.Context, p access.Principal) (own, partners []Visit, err error) {
	if err := access.Volunteer.Check(p); err != nil {
		return nil, nil, err
	}
	open, _, err := s.Store.Visits(ctx, Filter{Volunteer: p.ID, Status: []string{StatusPlanned, StatusOffered, StatusCheckedIn, StatusMissed}, Limit: 200})
	if err != nil {
		return nil, nil, fmt.Errorf("visit.Schedule: %w", err)
	}
	month := s.today()[:7]
	done, _, err := s.Store.Visits(ctx, Filter{Volunteer: p.ID, Month: month, Status: []string{StatusDone}, Limit: 100})
	if err != nil {
		return nil, nil, fmt.Errorf("visit.Schedule: %w", err)
	}
	own, partners = []Visit{}, []Visit{}
	for _, v := range open {
		switch {
		case v.Volunteer == p.ID || v.Status == StatusOffered:
			own = append(own, v)
		case v.Status == StatusPlanned && v.Month >= month:
			partners = append(partners, v)
		}
	}
	for _, v := range done {
		if v.Volunteer == p.ID {
			own = append(own, v)
		}
	}
	return own, partners, nil
}

// Settings returns a county's visit settings.
func (s *Service) Settings(ctx context.Context, p access.Principal, county string) (Settings, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Settings{}, err
	}
	c, err := area.NormalizeCode(county)
	if err != nil || area.LevelOf(c) != area.County || !(area.Within(c, p.Region) || area.Within(p.Region, c)) {
		return Settings{}, apperr.NotFoundf("县级区划不存在")
	}
	return s.settings(ctx, c)
}

// PutSettings saves a county's visit settings; organizers at or above the county.
func (s *Service) PutSettings(ctx context.Context, p access.Principal, county string, st Settings) (Settings, error) {
	if err := valid.Struct(st); err != nil {
		return Settings{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Settings{}, err
	}
	c, err := area.NormalizeCode(county)
	if err != nil || area.LevelOf(c) != area.County || !area.Within(c, p.Region) {
		return Settings{}, apperr.NotFoundf("县级区划不存在")
	}
	seen := map[string]bool{}
	for i, it := range st.Checklist {
		if it.Code == "" || it.Name == "" || seen[it.Code] {
			return Settings{}, apperr.Field(fmt.Sprintf("checklist[%d].code", i), "项目代码和名称不能为空且不能重复")
		}
		seen[it.Code] = true
		st.Checklist[i].Done = false
	}
	st.County = c
	if err := s.Store.PutVisitSettings(ctx, &st); err != nil {
		return Settings{}, err
	}
	return st, nil
}

// AlertSorts are the columns the alert list sorts on, on the server.
var AlertSorts = []string{"at"}

// Alerts lists the visit alerts of an organizer's subtree.
func (s *Service) Alerts(ctx context.Context, p access.Principal, ord page.Order, offset, limit int) ([]Alert, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	return s.Store.VisitAlerts(ctx, p.Region, ord, offset, limit)
}
