package mongostore

import (
	"context"
	"errors"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/ledger"
	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

const (
	colVisitSettings = "visit_settings"
	colVisits        = "visits"
	colReminders     = "reminders"
	colVisitAlerts   = "visit_alerts"
	colLedger        = "ledger"
)

var visitIndexes = []index{
	{colVisits, bson.D{{Key: "areas", Value: 1}, {Key: "month", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVisits, bson.D{{Key: "areas", Value: 1}, {Key: "date", Value: 1}, {Key: "_id", Value: 1}}, false},
	// Visits held for review (the review queue), by date.
	{colVisits, bson.D{{Key: "areas", Value: 1}, {Key: "review.status", Value: 1}, {Key: "date", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVisits, bson.D{{Key: "people", Value: 1}, {Key: "date", Value: 1}, {Key: "_id", Value: 1}}, false},
	// the list's other sortable columns (visit.Sorts; date and month use the
	// indexes above): the column, then _id the same way
	{colVisits, bson.D{{Key: "areas", Value: 1}, {Key: "elderName", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVisits, bson.D{{Key: "areas", Value: 1}, {Key: "volunteerName", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVisits, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVisits, bson.D{{Key: "areas", Value: 1}, {Key: "minutes", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colReminders, bson.D{{Key: "status", Value: 1}, {Key: "due", Value: 1}}, false},
	{colReminders, bson.D{{Key: "visit", Value: 1}}, false},
	// alerts newest first, either way when sorted on at (visit.AlertSorts)
	{colVisitAlerts, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colLedger, bson.D{{Key: "areas", Value: 1}, {Key: "month", Value: 1}}, false},
	// ledger entries newest first, either way on date or minutes (ledger.Sorts)
	{colLedger, bson.D{{Key: "areas", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colLedger, bson.D{{Key: "areas", Value: 1}, {Key: "minutes", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colLedger, bson.D{{Key: "volunteer", Value: 1}, {Key: "month", Value: 1}}, false},
	{colLedger, bson.D{{Key: "volunteer", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colLedger, bson.D{{Key: "volunteer", Value: 1}, {Key: "minutes", Value: 1}, {Key: "_id", Value: 1}}, false},
}

// VisitSettings returns a county's saved visit settings (NotFound: none saved).
func (s *Store) VisitSettings(ctx context.Context, county string) (visit.Settings, error) {
	return get[visit.Settings](ctx, s.DB.Collection(colVisitSettings), county)
}

// PutVisitSettings saves a county's visit settings over the version the
// writer read (0: the defaults, nothing saved yet); a save over another
// one's is a Conflict, never a silent overwrite.
func (s *Store) PutVisitSettings(ctx context.Context, st *visit.Settings) error {
	read := st.Version
	st.Version++
	c := s.DB.Collection(colVisitSettings)
	if read == 0 {
		_, err := c.InsertOne(ctx, st)
		if err != nil {
			st.Version = read
			if mongo.IsDuplicateKeyError(err) {
				return apperr.New(apperr.Conflict, "探访设置已被他人修改, 请刷新后重试")
			}
		}
		return wrap("mongostore.PutVisitSettings", err)
	}
	if err := s.replaceVersioned(ctx, c, st.County, read, st); err != nil {
		st.Version = read
		return err
	}
	return nil
}

type pairRow struct {
	ID            string `bson:"_id"`
	Elder         string `bson:"elder"`
	Slot          int    `bson:"slot"`
	Volunteer     string `bson:"volunteer"`
	VolunteerName string `bson:"volunteerName"`
}

// PairedElders streams the active elders of a subtree that have active
// pairs, with their pairs in slot order and their volunteers' weekdays.
func (s *Store) PairedElders(ctx context.Context, area string, fn func(visit.ElderRef) error) error {
	pf := bson.D{{Key: "status", Value: pairing.PairActive}}
	ef := bson.D{{Key: "status", Value: registry.StatusActive}}
	if area != "" {
		pf = append(pf, bson.E{Key: "areas", Value: area})
		ef = append(ef, bson.E{Key: "areas", Value: area})
	}
	cur, err := s.DB.Collection(colPairs).Find(ctx, pf)
	if err != nil {
		return wrap("mongostore.PairedElders", err)
	}
	var pairs []pairRow
	if err := cur.All(ctx, &pairs); err != nil {
		return wrap("mongostore.PairedElders", err)
	}
	byElder := map[string][]pairRow{}
	vols := map[string]bool{}
	for _, p := range pairs {
		byElder[p.Elder] = append(byElder[p.Elder], p)
		vols[p.Volunteer] = true
	}
	days, err := s.volunteerDays(ctx, area, vols)
	if err != nil {
		return err
	}
	names, err := s.regionNames(ctx, area)
	if err != nil {
		return err
	}
	ecur, err := s.DB.Collection(colElders).Find(ctx, ef, options.Find().SetSort(byID))
	if err != nil {
		return wrap("mongostore.PairedElders", err)
	}
	defer ecur.Close(ctx)
	for ecur.Next(ctx) {
		var e registry.Elder
		if err := ecur.Decode(&e); err != nil {
			return wrap("mongostore.PairedElders", err)
		}
		ps := byElder[e.ID]
		if len(ps) == 0 {
			continue
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Slot < ps[j].Slot })
		ref := visit.ElderRef{ID: e.ID, Name: e.Name, Village: e.Village, VillageName: names[e.Village], County: registry.AncestorAt(e.Village, registry.County),
			Areas: e.Areas, Lat: e.Lat, Lon: e.Lon}
		for _, p := range ps {
			ref.Pairs = append(ref.Pairs, visit.PairRef{ID: p.ID, Elder: p.Elder, Slot: p.Slot, Volunteer: p.Volunteer, VolunteerName: p.VolunteerName, Days: days[p.Volunteer]})
		}
		if err := fn(ref); err != nil {
			return err
		}
	}
	return wrap("mongostore.PairedElders", ecur.Err())
}

// volunteerDays returns the available weekdays of the volunteers in ids.
// Many ids are read in one pass over the volunteers (the embedded FerretDB
// scans a collection for every query, so one pass beats many $in queries).
func (s *Store) volunteerDays(ctx context.Context, area string, ids map[string]bool) (map[string][]int, error) {
	out := map[string][]int{}
	if len(ids) > 500 {
		f := bson.D{}
		if area != "" {
			f = bson.D{{Key: "areas", Value: registry.AncestorAt(area, registry.County)}}
			if registry.LevelOf(area) < registry.County {
				f = bson.D{{Key: "areas", Value: area}}
			}
		}
		cur, err := s.DB.Collection(colVolunteers).Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "availability", Value: 1}}))
		if err != nil {
			return nil, wrap("mongostore.volunteerDays", err)
		}
		defer cur.Close(ctx)
		for cur.Next(ctx) {
			var v registry.Volunteer
			if err := cur.Decode(&v); err != nil {
				return nil, wrap("mongostore.volunteerDays", err)
			}
			if ids[v.ID] {
				for _, a := range v.Availability {
					out[v.ID] = append(out[v.ID], a.Day)
				}
				delete(ids, v.ID)
			}
		}
		if err := cur.Err(); err != nil {
			return nil, wrap("mongostore.volunteerDays", err)
		}
		if len(ids) == 0 {
			return out, nil
		}
		// Volunteers living outside the area: look them up by id below.
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	for i := 0; i < len(list); i += 1000 {
		cur, err := s.DB.Collection(colVolunteers).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: list[i:min(i+1000, len(list))]}}}},
			options.Find().SetProjection(bson.D{{Key: "availability", Value: 1}}))
		if err != nil {
			return nil, wrap("mongostore.volunteerDays", err)
		}
		var vs []registry.Volunteer
		if err := cur.All(ctx, &vs); err != nil {
			return nil, wrap("mongostore.volunteerDays", err)
		}
		for _, v := range vs {
			for _, a := range v.Availability {
				out[v.ID] = append(out[v.ID], a.Day)
			}
		}
	}
	return out, nil
}

func (s *Store) regionNames(ctx context.Context, area string) (map[string]string, error) {
	f := bson.D{{Key: "level", Value: registry.Village}}
	if area != "" {
		f = append(f, bson.E{Key: "areas", Value: area})
	}
	cur, err := s.DB.Collection(colRegions).Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.regionNames", err)
	}
	var rs []registry.Region
	if err := cur.All(ctx, &rs); err != nil {
		return nil, wrap("mongostore.regionNames", err)
	}
	out := make(map[string]string, len(rs))
	for _, r := range rs {
		out[r.Code] = r.Name
	}
	return out, nil
}

// insertNew inserts docs unordered and returns the indexes that were new;
// documents whose key exists already are skipped, not errors.
func insertNew[T any](ctx context.Context, c *mongo.Collection, docs []T) ([]int, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	_, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	failed := map[int]bool{}
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) {
			return nil, wrap("mongostore.insertNew "+c.Name(), err)
		}
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return nil, wrap("mongostore.insertNew "+c.Name(), err)
			}
			failed[we.Index] = true
		}
		if bwe.WriteConcernError != nil {
			return nil, wrap("mongostore.insertNew "+c.Name(), err)
		}
	}
	out := make([]int, 0, len(docs)-len(failed))
	for i := range docs {
		if !failed[i] {
			out = append(out, i)
		}
	}
	return out, nil
}

// InsertVisits stores new visits, skipping those already planned, and
// returns the ids it inserted.
func (s *Store) InsertVisits(ctx context.Context, vs []visit.Visit) ([]string, error) {
	idx, err := insertNew(ctx, s.DB.Collection(colVisits), vs)
	ids := make([]string, len(idx))
	for i, j := range idx {
		ids[i] = vs[j].ID
	}
	return ids, err
}

// VisitsByID returns the visits whose ids are given, in one query.
func (s *Store) VisitsByID(ctx context.Context, ids []string) ([]visit.Visit, error) {
	return byIDs[visit.Visit](ctx, s, s.DB.Collection(colVisits), ids, "mongostore.VisitsByID")
}

// Visit returns one visit.
func (s *Store) Visit(ctx context.Context, id string) (visit.Visit, error) {
	return get[visit.Visit](ctx, s.DB.Collection(colVisits), id)
}

// Visits returns a page of visits, by date unless f.Order names a column.
func (s *Store) Visits(ctx context.Context, f visit.Filter) ([]visit.Visit, int, error) {
	d := bson.D{}
	if f.Area != "" {
		d = append(d, bson.E{Key: "areas", Value: f.Area})
	}
	if f.Month != "" {
		d = append(d, bson.E{Key: "month", Value: f.Month})
	}
	if len(f.Status) > 0 {
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: f.Status}}})
	}
	if f.Volunteer != "" {
		d = append(d, bson.E{Key: "people", Value: f.Volunteer})
	}
	if f.Elder != "" {
		d = append(d, bson.E{Key: "elder", Value: f.Elder})
	}
	if f.Review != "" {
		d = append(d, bson.E{Key: "review.status", Value: f.Review})
	}
	return findPage[visit.Visit](ctx, s.DB.Collection(colVisits), d, orderOr(f.Order, bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}), f.Offset, f.Limit)
}

// ReplaceVisit writes v at the version read, bumping it.
func (s *Store) ReplaceVisit(ctx context.Context, v *visit.Visit) error {
	v.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colVisits), v.ID, v.Version-1, v); err != nil {
		v.Version--
		return err
	}
	return nil
}

// InsertReminders stores reminders, skipping those that exist.
func (s *Store) InsertReminders(ctx context.Context, rs []visit.Reminder) error {
	_, err := insertNew(ctx, s.DB.Collection(colReminders), rs)
	return err
}

// Reminder returns one reminder.
func (s *Store) Reminder(ctx context.Context, id string) (visit.Reminder, error) {
	return get[visit.Reminder](ctx, s.DB.Collection(colReminders), id)
}

// DueReminders returns pending reminders due before t, earliest first.
func (s *Store) DueReminders(ctx context.Context, t time.Time, limit int) ([]visit.Reminder, error) {
	cur, err := s.DB.Collection(colReminders).Find(ctx, bson.D{{Key: "status", Value: visit.ReminderPending}, {Key: "due", Value: bson.D{{Key: "$lt", Value: t}}}},
		options.Find().SetSort(bson.D{{Key: "due", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, wrap("mongostore.DueReminders", err)
	}
	out := []visit.Reminder{}
	return out, wrap("mongostore.DueReminders", cur.All(ctx, &out))
}

// SkipReminders marks a visit's pending reminders skipped.
func (s *Store) SkipReminders(ctx context.Context, v string) error {
	_, err := s.DB.Collection(colReminders).UpdateMany(ctx, bson.D{{Key: "visit", Value: v}, {Key: "status", Value: visit.ReminderPending}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: visit.ReminderSkipped}}}})
	return wrap("mongostore.SkipReminders", err)
}

// ReplanReminders makes rs the visit's pending reminders in three
// commands: the visit's other pending reminders are skipped, the ones of
// rs skipped before become pending again, and the others are inserted.
func (s *Store) ReplanReminders(ctx context.Context, v string, rs []visit.Reminder) error {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	c := s.DB.Collection(colReminders)
	_, err := c.UpdateMany(ctx, bson.D{{Key: "visit", Value: v}, {Key: "status", Value: visit.ReminderPending}, {Key: "_id", Value: bson.D{{Key: "$nin", Value: ids}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: visit.ReminderSkipped}}}})
	if err != nil {
		return wrap("mongostore.ReplanReminders", err)
	}
	if len(rs) == 0 {
		return nil
	}
	_, err = c.UpdateMany(ctx, bson.D{{Key: "visit", Value: v}, {Key: "status", Value: visit.ReminderSkipped}, {Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: visit.ReminderPending}}}})
	if err != nil {
		return wrap("mongostore.ReplanReminders", err)
	}
	_, err = insertNew(ctx, c, rs)
	return err
}

// SetReminderDone closes a reminder.
func (s *Store) SetReminderDone(ctx context.Context, id, status string, at time.Time) error {
	_, err := s.DB.Collection(colReminders).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: status}, {Key: "doneAt", Value: at}}}})
	return wrap("mongostore.SetReminderDone", err)
}

// InsertVisitAlert records an alert once; a repeated key is a Conflict.
func (s *Store) InsertVisitAlert(ctx context.Context, a visit.Alert) error {
	_, err := s.DB.Collection(colVisitAlerts).InsertOne(ctx, a)
	return wrap("mongostore.InsertVisitAlert", err)
}

// VisitAlerts lists a subtree's visit alerts, newest first.
func (s *Store) VisitAlerts(ctx context.Context, area string, ord page.Order, offset, limit int) ([]visit.Alert, int, error) {
	return findPage[visit.Alert](ctx, s.DB.Collection(colVisitAlerts), bson.D{{Key: "areas", Value: area}}, orderOr(ord, newestAt), offset, limit)
}

// RecordEntry appends a ledger entry; its key already there is a Conflict.
func (s *Store) RecordEntry(ctx context.Context, e ledger.Entry) error {
	_, err := s.DB.Collection(colLedger).InsertOne(ctx, e)
	return wrap("mongostore.RecordEntry", err)
}

// LedgerEntry returns one ledger entry.
func (s *Store) LedgerEntry(ctx context.Context, id string) (ledger.Entry, error) {
	return get[ledger.Entry](ctx, s.DB.Collection(colLedger), id)
}

// VolunteerPhone returns a volunteer's phone, for texts to them.
func (s *Store) VolunteerPhone(ctx context.Context, id string) (string, error) {
	v, err := s.Volunteer(ctx, id)
	if err != nil {
		return "", err
	}
	if v.Status != registry.VolActive {
		return "", apperr.New(apperr.NotFound, "志愿者未在服务中")
	}
	return v.Phone, nil
}

// CountPairedElders counts the elders with an active pair in the area (the
// total a plan's progress counts towards; elders no longer active are
// skipped by the plan, which then ends short of it).
func (s *Store) CountPairedElders(ctx context.Context, area string) (int, error) {
	pf := bson.D{{Key: "status", Value: pairing.PairActive}}
	if area != "" {
		pf = append(pf, bson.E{Key: "areas", Value: area})
	}
	cur, err := s.DB.Collection(colPairs).Find(ctx, pf, options.Find().SetProjection(bson.D{{Key: "elder", Value: 1}}))
	if err != nil {
		return 0, wrap("mongostore.CountPairedElders", err)
	}
	var rows []struct {
		Elder string `bson:"elder"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return 0, wrap("mongostore.CountPairedElders", err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Elder] = true
	}
	return len(seen), nil
}
