package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/pairing"
	"jinhui/services/registry"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/shared/area"
	"jinhui/shared/page"
)

// Households returns the active elders of a subtree, each with their
// latest completed visit of the month (rule Q2's population).
func (s *Store) SupHouseholds(ctx context.Context, region, month string) ([]supervise.Household, error) {
	cur, err := s.DB.Collection(colElders).Find(ctx, bson.D{{Key: "areas", Value: region}, {Key: "status", Value: registry.StatusActive}},
		options.Find().SetProjection(bson.D{{Key: "name", Value: 1}, {Key: "village", Value: 1}, {Key: "areas", Value: 1}, {Key: "poor", Value: 1}, {Key: "keyVillage", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.Households", err)
	}
	var es []registry.Elder
	if err := cur.All(ctx, &es); err != nil {
		return nil, wrap("mongostore.Households", err)
	}
	vs, err := s.SupDoneVisits(ctx, region, month)
	if err != nil {
		return nil, err
	}
	latest := map[string]visit.Visit{}
	for _, v := range vs {
		if l, ok := latest[v.Elder]; !ok || v.Date > l.Date || (v.Date == l.Date && v.ID > l.ID) {
			latest[v.Elder] = v
		}
	}
	out := make([]supervise.Household, len(es))
	for i, e := range es {
		v := latest[e.ID]
		out[i] = supervise.Household{Elder: e.ID, ElderName: e.Name, Village: e.Village, Township: area.AncestorAt(e.Village, area.Township),
			Areas: e.Areas, Poor: e.Poor, Key: e.KeyVillage, Visit: v.ID, Volunteer: v.Volunteer, VolunteerName: v.VolunteerName}
	}
	return out, nil
}

// DoneVisits returns a subtree's completed visits of a month.
func (s *Store) SupDoneVisits(ctx context.Context, region, month string) ([]visit.Visit, error) {
	cur, err := s.DB.Collection(colVisits).Find(ctx, bson.D{{Key: "areas", Value: region}, {Key: "month", Value: month}, {Key: "status", Value: visit.StatusDone}},
		options.Find().SetSort(byID))
	if err != nil {
		return nil, wrap("mongostore.DoneVisits", err)
	}
	out := []visit.Visit{}
	return out, wrap("mongostore.DoneVisits", cur.All(ctx, &out))
}

// CheckedVolunteers returns the volunteers named by a check task with a result.
func (s *Store) CheckedVolunteers(ctx context.Context) (map[string]bool, error) {
	cur, err := s.DB.Collection(colSupTasks).Find(ctx, bson.D{{Key: "status", Value: supervise.TaskDone}},
		options.Find().SetProjection(bson.D{{Key: "volunteer", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.CheckedVolunteers", err)
	}
	var ts []supervise.Task
	if err := cur.All(ctx, &ts); err != nil {
		return nil, wrap("mongostore.CheckedVolunteers", err)
	}
	out := map[string]bool{}
	for _, t := range ts {
		if t.Volunteer != "" {
			out[t.Volunteer] = true
		}
	}
	return out, nil
}

// InsertDraw claims a draw's key; an existing one is a Conflict.
func (s *Store) InsertCheckDraw(ctx context.Context, d supervise.Draw) error {
	_, err := s.DB.Collection(colSupDraws).InsertOne(ctx, d)
	return wrap("mongostore.InsertDraw", err)
}

// Draw returns one draw.
func (s *Store) CheckDraw(ctx context.Context, id string) (supervise.Draw, error) {
	return get[supervise.Draw](ctx, s.DB.Collection(colSupDraws), id)
}

// Draws lists the draws of a subtree (and month, if given), newest first.
func (s *Store) CheckDraws(ctx context.Context, region, month string, ord page.Order, offset, limit int) ([]supervise.Draw, int, error) {
	f := bson.D{{Key: "areas", Value: region}}
	if month != "" {
		f = append(f, bson.E{Key: "month", Value: month})
	}
	return findPage[supervise.Draw](ctx, s.DB.Collection(colSupDraws), f, orderOr(ord, bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: 1}}), offset, limit)
}

// InsertTasks stores check tasks, skipping those that exist.
func (s *Store) InsertCheckTasks(ctx context.Context, ts []supervise.Task) error {
	_, err := insertNew(ctx, s.DB.Collection(colSupTasks), ts)
	return err
}

// Task returns one check task.
func (s *Store) CheckTask(ctx context.Context, id string) (supervise.Task, error) {
	return get[supervise.Task](ctx, s.DB.Collection(colSupTasks), id)
}

// Tasks returns a page of check tasks, by id unless f.Order names a column.
func (s *Store) CheckTasks(ctx context.Context, f supervise.TaskFilter) ([]supervise.Task, int, error) {
	d := bson.D{{Key: "areas", Value: f.Area}}
	for _, kv := range [][2]string{{"month", f.Month}, {"draw", f.Draw}, {"status", f.Status}, {"assignee", f.Assignee}} {
		if kv[1] != "" {
			d = append(d, bson.E{Key: kv[0], Value: kv[1]})
		}
	}
	return findPage[supervise.Task](ctx, s.DB.Collection(colSupTasks), d, sortOf(f.Order), f.Offset, f.Limit)
}

// ReplaceTask writes t at the version read, bumping it.
func (s *Store) ReplaceCheckTask(ctx context.Context, t *supervise.Task) error {
	t.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colSupTasks), t.ID, t.Version-1, t); err != nil {
		t.Version--
		return err
	}
	return nil
}

// InsertConfirmation stores a confirmation request; an existing one is a Conflict.
func (s *Store) InsertConfirmation(ctx context.Context, c supervise.Confirmation) error {
	_, err := s.DB.Collection(colSupConfirms).InsertOne(ctx, c)
	return wrap("mongostore.InsertConfirmation", err)
}

// Confirmation returns one confirmation request.
func (s *Store) Confirmation(ctx context.Context, id string) (supervise.Confirmation, error) {
	return get[supervise.Confirmation](ctx, s.DB.Collection(colSupConfirms), id)
}

type phoneDoc struct {
	ID   string           `bson:"_id"`
	Sent []supervise.Sent `bson:"sent"`
}

// AddSent appends a request to its phone's list (one document per phone).
func (s *Store) AddSent(ctx context.Context, phone string, sent supervise.Sent) error {
	_, err := s.DB.Collection(colSupPhones).UpdateOne(ctx, bson.D{{Key: "_id", Value: phone}},
		bson.D{{Key: "$push", Value: bson.D{{Key: "sent", Value: sent}}}}, options.UpdateOne().SetUpsert(true))
	return wrap("mongostore.AddSent", err)
}

// SentTo returns the requests sent to a phone.
func (s *Store) SentTo(ctx context.Context, phone string) ([]supervise.Sent, error) {
	d, err := get[phoneDoc](ctx, s.DB.Collection(colSupPhones), phone)
	if isNotFound(err) {
		return nil, nil
	}
	return d.Sent, err
}

// InsertAnswer records the answer to a request; answered already is a Conflict.
func (s *Store) InsertAnswer(ctx context.Context, a supervise.Answer) error {
	_, err := s.DB.Collection(colSupAnswers).InsertOne(ctx, a)
	return wrap("mongostore.InsertAnswer", err)
}

// Answer returns the answer to a request.
func (s *Store) Answer(ctx context.Context, id string) (supervise.Answer, error) {
	return get[supervise.Answer](ctx, s.DB.Collection(colSupAnswers), id)
}

// ClaimReply records that an inbound SMS was handled; again is a Conflict.
func (s *Store) ClaimReply(ctx context.Context, sid string) error {
	_, err := s.DB.Collection(colSupReplies).InsertOne(ctx, bson.D{{Key: "_id", Value: sid}, {Key: "at", Value: time.Now()}})
	return wrap("mongostore.ClaimReply", err)
}

// UnclaimReply forgets a claim whose handling failed, so a retry may handle it.
func (s *Store) UnclaimReply(ctx context.Context, sid string) error {
	_, err := s.DB.Collection(colSupReplies).DeleteOne(ctx, bson.D{{Key: "_id", Value: sid}})
	return wrap("mongostore.UnclaimReply", err)
}

// InsertProblem files a problem; an existing key is a Conflict.
func (s *Store) InsertSupProblem(ctx context.Context, p supervise.Problem) error {
	_, err := s.DB.Collection(colSupProblems).InsertOne(ctx, p)
	return wrap("mongostore.InsertProblem", err)
}

// Problem returns one problem.
func (s *Store) SupProblem(ctx context.Context, id string) (supervise.Problem, error) {
	return get[supervise.Problem](ctx, s.DB.Collection(colSupProblems), id)
}

// Problems returns a page of problems, earliest deadline first unless
// f.Order says otherwise.
func (s *Store) SupProblems(ctx context.Context, f supervise.ProblemFilter) ([]supervise.Problem, int, error) {
	d := bson.D{}
	if f.Area != "" {
		d = append(d, bson.E{Key: "areas", Value: f.Area})
	}
	switch {
	case f.Overdue != "":
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$ne", Value: supervise.ProblemClosed}}},
			bson.E{Key: "deadline", Value: bson.D{{Key: "$lt", Value: f.Overdue}}})
	case f.Status == "unclosed":
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$ne", Value: supervise.ProblemClosed}}})
	case f.Status != "":
		d = append(d, bson.E{Key: "status", Value: f.Status})
	}
	return findPage[supervise.Problem](ctx, s.DB.Collection(colSupProblems), d, orderOr(f.Order, bson.D{{Key: "deadline", Value: 1}, {Key: "_id", Value: 1}}), f.Offset, f.Limit)
}

// ReplaceProblem writes p at the version read, bumping it.
func (s *Store) ReplaceSupProblem(ctx context.Context, p *supervise.Problem) error {
	p.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colSupProblems), p.ID, p.Version-1, p); err != nil {
		p.Version--
		return err
	}
	return nil
}

// InsertAlert records a supervision alert once; a repeated key is a Conflict.
func (s *Store) InsertSupAlert(ctx context.Context, a supervise.Alert) error {
	_, err := s.DB.Collection(colSupAlerts).InsertOne(ctx, a)
	return wrap("mongostore.InsertAlert", err)
}

// Alerts lists a subtree's supervision alerts, newest first.
func (s *Store) SupAlerts(ctx context.Context, areaCode string, ord page.Order, offset, limit int) ([]supervise.Alert, int, error) {
	return findPage[supervise.Alert](ctx, s.DB.Collection(colSupAlerts), bson.D{{Key: "areas", Value: areaCode}}, orderOr(ord, newestAt), offset, limit)
}

type areaRow struct {
	ID     string   `bson:"_id"`
	Areas  []string `bson:"areas"`
	Status string   `bson:"status"`
	Result string   `bson:"result"`
	Elder  string   `bson:"elder"`
	Opened string   `bson:"openedDate"`
}

func (s *Store) areaRows(ctx context.Context, coll string, f bson.D, fields ...string) ([]areaRow, error) {
	proj := bson.D{{Key: "areas", Value: 1}}
	for _, k := range fields {
		proj = append(proj, bson.E{Key: k, Value: 1})
	}
	cur, err := s.DB.Collection(coll).Find(ctx, f, options.Find().SetProjection(proj))
	if err != nil {
		return nil, wrap("mongostore.Figures "+coll, err)
	}
	out := []areaRow{}
	return out, wrap("mongostore.Figures "+coll, cur.All(ctx, &out))
}

// Figures reads what a monthly report counts in one pass over each
// collection (projected: the embedded FerretDB scans for every query).
func (s *Store) SupFigures(ctx context.Context, areaCode, month string) (supervise.Figures, error) {
	var f supervise.Figures
	in := bson.E{Key: "areas", Value: areaCode}
	pairs, err := s.areaRows(ctx, colPairs, bson.D{in, {Key: "status", Value: pairing.PairActive}}, "elder")
	if err != nil {
		return f, err
	}
	paired := map[string]bool{}
	for _, p := range pairs {
		paired[p.Elder] = true
	}
	elders, err := s.areaRows(ctx, colElders, bson.D{in, {Key: "status", Value: registry.StatusActive}})
	if err != nil {
		return f, err
	}
	for _, e := range elders {
		f.Elders = append(f.Elders, supervise.ElderRow{Areas: e.Areas, Paired: paired[e.ID]})
	}
	visits, err := s.areaRows(ctx, colVisits, bson.D{in, {Key: "month", Value: month}}, "status")
	if err != nil {
		return f, err
	}
	for _, v := range visits {
		f.Visits = append(f.Visits, supervise.StatusRow{Areas: v.Areas, Status: v.Status})
	}
	tasks, err := s.areaRows(ctx, colSupTasks, bson.D{in, {Key: "month", Value: month}}, "result")
	if err != nil {
		return f, err
	}
	for _, t := range tasks {
		f.Tasks = append(f.Tasks, supervise.StatusRow{Areas: t.Areas, Status: t.Result})
	}
	cur, err := s.DB.Collection(colSupProblems).Find(ctx, bson.D{in, {Key: "status", Value: bson.D{{Key: "$ne", Value: supervise.ProblemClosed}}}})
	if err != nil {
		return f, wrap("mongostore.Figures", err)
	}
	if err := cur.All(ctx, &f.Problems); err != nil {
		return f, wrap("mongostore.Figures", err)
	}
	relays, err := s.areaRows(ctx, colRelays, bson.D{in, {Key: "status", Value: pairing.RelayOpen}}, "openedDate")
	if err != nil {
		return f, err
	}
	for _, r := range relays {
		f.Relays = append(f.Relays, supervise.RelayRow{Areas: r.Areas, Opened: r.Opened})
	}
	return f, nil
}

// InsertReport keeps a report; an existing key is a Conflict.
func (s *Store) InsertSupReport(ctx context.Context, r supervise.Report) error {
	_, err := s.DB.Collection(colSupReports).InsertOne(ctx, r)
	return wrap("mongostore.InsertReport", err)
}

// Report returns one kept report.
func (s *Store) SupReport(ctx context.Context, id string) (supervise.Report, error) {
	return get[supervise.Report](ctx, s.DB.Collection(colSupReports), id)
}

// Reports lists kept reports of a subtree (and month, if given), newest first.
func (s *Store) SupReports(ctx context.Context, areaCode, month string, ord page.Order, offset, limit int) ([]supervise.Report, int, error) {
	f := bson.D{{Key: "areas", Value: areaCode}}
	if month != "" {
		f = append(f, bson.E{Key: "month", Value: month})
	}
	return findPage[supervise.Report](ctx, s.DB.Collection(colSupReports), f, orderOr(ord, newestAt), offset, limit)
}

var _ supervise.Store = (*Store)(nil)
