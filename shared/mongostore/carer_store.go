package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/carer"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

func findAll[T any](ctx context.Context, c *mongo.Collection, filter, sort bson.D) ([]T, error) {
	opts := options.Find()
	if sort != nil {
		opts.SetSort(sort)
	}
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, wrap("mongostore.find "+c.Name(), err)
	}
	out := []T{}
	return out, wrap("mongostore.find "+c.Name(), cur.All(ctx, &out))
}

// CarersIn returns every carer of an area.
func (s *Store) CarersIn(ctx context.Context, area string) ([]registry.Carer, error) {
	return findAll[registry.Carer](ctx, s.DB.Collection(colCarers), bson.D{{Key: "areas", Value: area}}, byID)
}

// InsertAssignment adds a carer–person pair to the roster.
func (s *Store) InsertAssignment(ctx context.Context, a carer.Assignment) error {
	c := s.DB.Collection(colCarerRoster)
	_, err := c.InsertOne(ctx, a)
	touched(ctx, c)
	return wrap("mongostore.InsertAssignment", err)
}

// Assignment returns one roster line.
func (s *Store) Assignment(ctx context.Context, id string) (carer.Assignment, error) {
	return get[carer.Assignment](ctx, s.DB.Collection(colCarerRoster), id)
}

// Assignments returns one page of the roster of an area or of one carer
// (of one status when status is set) and its number of lines.
func (s *Store) Assignments(ctx context.Context, area, c, status string, pg page.Params) ([]carer.Assignment, int, error) {
	return pageOf[carer.Assignment](ctx, s.DB.Collection(colCarerRoster), carerFilter(area, c, status, ""), byID, pg)
}

// carerFilter selects by area, carer, status and month, each when set.
func carerFilter(area, c, status, month string) bson.D {
	d := bson.D{}
	for _, kv := range [][2]string{{"areas", area}, {"carer", c}, {"status", status}, {"month", month}} {
		if kv[1] != "" {
			d = append(d, bson.E{Key: kv[0], Value: kv[1]})
		}
	}
	return d
}

// ReplaceAssignment writes a roster line at the version read, bumping it.
func (s *Store) ReplaceAssignment(ctx context.Context, a *carer.Assignment) error {
	a.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colCarerRoster), a.ID, a.Version-1, a); err != nil {
		a.Version--
		return err
	}
	return nil
}

// InsertCarerLog stores a log; its key already there is a Conflict.
func (s *Store) InsertCarerLog(ctx context.Context, l carer.Log) error {
	_, err := s.DB.Collection(colCarerLogs).InsertOne(ctx, l)
	return wrap("mongostore.InsertCarerLog", err)
}

// CarerLog returns one log.
func (s *Store) CarerLog(ctx context.Context, id string) (carer.Log, error) {
	return get[carer.Log](ctx, s.DB.Collection(colCarerLogs), id)
}

// CarerLogs lists logs of an area or a carer, optionally of one month.
func (s *Store) CarerLogs(ctx context.Context, area, c, month string) ([]carer.Log, error) {
	return findAll[carer.Log](ctx, s.DB.Collection(colCarerLogs), carerFilter(area, c, "", month), byDateDesc)
}

// CarerLogPage returns one page of CarerLogs and the number of logs.
func (s *Store) CarerLogPage(ctx context.Context, area, c, month string, pg page.Params) ([]carer.Log, int, error) {
	return pageOf[carer.Log](ctx, s.DB.Collection(colCarerLogs), carerFilter(area, c, "", month), byDateDesc, pg)
}

var (
	byDateDesc  = bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}
	byMonthDesc = bson.D{{Key: "month", Value: -1}, {Key: "_id", Value: 1}}
)

// CarerRule returns a county's subsidy rule (NotFound: none set).
func (s *Store) CarerRule(ctx context.Context, county string) (carer.Rule, error) {
	return get[carer.Rule](ctx, s.DB.Collection(colCarerRules), county)
}

// PutCarerRule saves a county's rule at the version read, bumping it.
func (s *Store) PutCarerRule(ctx context.Context, r *carer.Rule) error {
	r.Version++
	if r.Version == 1 {
		_, err := s.DB.Collection(colCarerRules).InsertOne(ctx, r)
		return wrap("mongostore.PutCarerRule", err)
	}
	return s.replaceVersioned(ctx, s.DB.Collection(colCarerRules), r.County, r.Version-1, r)
}

// Statement returns one statement.
func (s *Store) Statement(ctx context.Context, id string) (carer.Statement, error) {
	return get[carer.Statement](ctx, s.DB.Collection(colStatements), id)
}

// Statements lists statements of an area or a carer, optionally of a month.
func (s *Store) Statements(ctx context.Context, area, c, month string) ([]carer.Statement, error) {
	return findAll[carer.Statement](ctx, s.DB.Collection(colStatements), carerFilter(area, c, "", month), byMonthDesc)
}

// StatementPage returns one page of Statements and the number of statements.
func (s *Store) StatementPage(ctx context.Context, area, c, month string, pg page.Params) ([]carer.Statement, int, error) {
	return pageOf[carer.Statement](ctx, s.DB.Collection(colStatements), carerFilter(area, c, "", month), byMonthDesc, pg)
}

// PutStatement inserts a new statement (readVersion 0) or replaces one at
// the version read; a lost race is a Conflict.
func (s *Store) PutStatement(ctx context.Context, st *carer.Statement, readVersion int) error {
	if readVersion == 0 {
		_, err := s.DB.Collection(colStatements).InsertOne(ctx, st)
		if mongo.IsDuplicateKeyError(err) {
			return apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
		}
		return wrap("mongostore.PutStatement", err)
	}
	return s.replaceVersioned(ctx, s.DB.Collection(colStatements), st.ID, readVersion, st)
}
