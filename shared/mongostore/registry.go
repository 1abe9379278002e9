package mongostore

import (
	"context"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/registry"
	"jinhui/shared/page"
)

// PutRegions upserts region nodes.
func (s *Store) PutRegions(ctx context.Context, rs []registry.Region) error {
	if len(rs) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(rs))
	for i := range rs {
		rs[i].Areas = registry.AreasOf(rs[i].Code)
		models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: rs[i].Code}}).SetReplacement(rs[i]).SetUpsert(true)
	}
	_, err := bulkWrite(ctx, s.DB.Collection(colRegions), models, true)
	return wrap("mongostore.PutRegions", err)
}

// InsertRegions stores new nodes in one batch (a first load).
func (s *Store) InsertRegions(ctx context.Context, rs []registry.Region) error {
	for i := range rs {
		rs[i].Areas = registry.AreasOf(rs[i].Code)
	}
	return insertMany(ctx, s.DB.Collection(colRegions), rs, ids(rs, func(r registry.Region) string { return r.Code }))
}

// Region returns one node.
func (s *Store) Region(ctx context.Context, code string) (registry.Region, error) {
	return get[registry.Region](ctx, s.DB.Collection(colRegions), code)
}

// ChildRegions returns a node's children ordered by code; the children of
// "" are the provinces (the top of the tree has no parent field).
func (s *Store) ChildRegions(ctx context.Context, parent string) ([]registry.Region, error) {
	f := bson.D{{Key: "parent", Value: parent}}
	if parent == "" {
		f = bson.D{{Key: "level", Value: registry.Province}}
	}
	cur, err := s.DB.Collection(colRegions).Find(ctx, f, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.ChildRegions", err)
	}
	out := []registry.Region{}
	return out, wrap("mongostore.ChildRegions", cur.All(ctx, &out))
}

// RegionFamily returns a node and its children (ordered by code) in one
// read; NotFound when the node is not there.
func (s *Store) RegionFamily(ctx context.Context, code string) (registry.Region, []registry.Region, error) {
	f := bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "_id", Value: code}}, bson.D{{Key: "parent", Value: code}}}}}
	cur, err := s.DB.Collection(colRegions).Find(ctx, f, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return registry.Region{}, nil, wrap("mongostore.RegionFamily", err)
	}
	var all []registry.Region
	if err := cur.All(ctx, &all); err != nil {
		return registry.Region{}, nil, wrap("mongostore.RegionFamily", err)
	}
	var node registry.Region
	kids := []registry.Region{}
	for _, r := range all {
		if r.Code == code {
			node = r
		} else {
			kids = append(kids, r)
		}
	}
	if node.Code == "" {
		return node, nil, wrap("mongostore.RegionFamily", mongo.ErrNoDocuments)
	}
	return node, kids, nil
}

// Regions returns every node of a subtree (for the demo and exports).
func (s *Store) Regions(ctx context.Context, root string) ([]registry.Region, error) {
	cur, err := s.DB.Collection(colRegions).Find(ctx, bson.D{{Key: "areas", Value: root}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.Regions", err)
	}
	out := []registry.Region{}
	return out, wrap("mongostore.Regions", cur.All(ctx, &out))
}

// SetElderQuota sets a county's quota.
func (s *Store) SetElderQuota(ctx context.Context, code string, quota int) error {
	r, err := s.DB.Collection(colRegions).UpdateOne(ctx, bson.D{{Key: "_id", Value: code}}, bson.D{{Key: "$set", Value: bson.D{{Key: "elderQuota", Value: quota}}}})
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	return wrap("mongostore.SetElderQuota", err)
}

// SetKeyVillage marks a village (or lifts the mark) and copies the mark
// onto its elders, whom the supervision draw reads (one update each; the
// elders are found through the areas index).
func (s *Store) SetKeyVillage(ctx context.Context, code string, key bool) error {
	r, err := s.DB.Collection(colRegions).UpdateOne(ctx, bson.D{{Key: "_id", Value: code}}, bson.D{{Key: "$set", Value: bson.D{{Key: "keyVillage", Value: key}}}})
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	if err != nil {
		return wrap("mongostore.SetKeyVillage", err)
	}
	_, err = s.DB.Collection(colElders).UpdateMany(ctx, bson.D{{Key: "areas", Value: code}}, bson.D{{Key: "$set", Value: bson.D{{Key: "keyVillage", Value: key}}}})
	return wrap("mongostore.SetKeyVillage", err)
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// InsertElders stores new elders, all or none.
func (s *Store) InsertElders(ctx context.Context, es []registry.Elder) error {
	return insertMany(ctx, s.DB.Collection(colElders), es, ids(es, func(e registry.Elder) string { return e.ID }))
}

// Elder returns one elder.
func (s *Store) Elder(ctx context.Context, id string) (registry.Elder, error) {
	return get[registry.Elder](ctx, s.DB.Collection(colElders), id)
}

// ElderByIDNumber finds an elder by resident ID number.
func (s *Store) ElderByIDNumber(ctx context.Context, n string) (registry.Elder, error) {
	var e registry.Elder
	err := s.DB.Collection(colElders).FindOne(ctx, bson.D{{Key: "idNumber", Value: n}}).Decode(&e)
	return e, wrap("mongostore.ElderByIDNumber", err)
}

func filter(f registry.Filter) bson.D {
	d := bson.D{}
	if f.Area != "" {
		d = append(d, bson.E{Key: "areas", Value: f.Area})
	}
	if len(f.Status) > 0 {
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: f.Status}}})
	}
	if len(f.Stage) > 0 {
		d = append(d, bson.E{Key: "stage", Value: bson.D{{Key: "$in", Value: f.Stage}}})
	}
	if f.Type != "" {
		d = append(d, bson.E{Key: "type", Value: f.Type})
	}
	if f.Name != "" {
		d = append(d, bson.E{Key: "name", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(f.Name)}}})
	}
	if len(f.IDs) > 0 {
		d = append(d, bson.E{Key: "_id", Value: bson.D{{Key: "$in", Value: f.IDs}}})
	}
	if f.Volunteer != "" {
		d = append(d, bson.E{Key: "volunteers", Value: f.Volunteer})
	}
	return d
}

var byID = bson.D{{Key: "_id", Value: 1}}

// sortOf is the sort of a list: o's field then _id, both in o's direction;
// by _id when o is empty.
func sortOf(o page.Order) bson.D {
	if o.Field == "" {
		return byID
	}
	dir := 1
	if o.Desc {
		dir = -1
	}
	return bson.D{{Key: o.Field, Value: dir}, {Key: "_id", Value: dir}}
}

// newestAt is the newest-first order of the lists of events, ties broken
// on _id the same way, so an index {…, at: -1, _id: -1} serves it and a
// sort on at either way.
var newestAt = bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}

// orderOr is o's sort (sortOf), or dflt when o names no field.
func orderOr(o page.Order, dflt bson.D) bson.D {
	if o.Field == "" {
		return dflt
	}
	return sortOf(o)
}

// Elders returns a page of elders.
func (s *Store) Elders(ctx context.Context, f registry.Filter) (registry.Page[registry.Elder], error) {
	items, total, err := findPage[registry.Elder](ctx, s.DB.Collection(colElders), filter(f), sortOf(f.Order), f.Offset, f.Limit)
	return registry.Page[registry.Elder]{Items: items, Total: total}, err
}

// CountElders counts elders matching f.
func (s *Store) CountElders(ctx context.Context, f registry.Filter) (int, error) {
	n, err := s.DB.Collection(colElders).CountDocuments(ctx, filter(f))
	return int(n), wrap("mongostore.CountElders", err)
}

// AllElders streams every elder of a subtree to fn (exports, compares).
func (s *Store) AllElders(ctx context.Context, area string, fn func(registry.Elder) error) error {
	cur, err := s.DB.Collection(colElders).Find(ctx, bson.D{{Key: "areas", Value: area}}, options.Find().SetSort(byID).SetBatchSize(scanBatch))
	if err != nil {
		return wrap("mongostore.AllElders", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var e registry.Elder
		if err := cur.Decode(&e); err != nil {
			return wrap("mongostore.AllElders", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return wrap("mongostore.AllElders", cur.Err())
}

// ReplaceElder writes e if nobody changed it since it was read, and bumps
// its version.
func (s *Store) ReplaceElder(ctx context.Context, e *registry.Elder) error {
	e.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colElders), e.ID, e.Version-1, e); err != nil {
		e.Version--
		return err
	}
	return nil
}

// ReplaceElders writes the elders, each over the version it was read at,
// in one unordered bulk write; the ones changed meanwhile are read back
// (one query) and returned as stale: written means the stored version
// and update time are the ones this call wrote.
func (s *Store) ReplaceElders(ctx context.Context, es []registry.Elder) ([]string, error) {
	if len(es) == 0 {
		return nil, nil
	}
	models := make([]mongo.WriteModel, len(es))
	ids := make([]string, len(es))
	for i := range es {
		e := es[i]
		ids[i] = e.ID
		e.Version++
		models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: e.ID}, {Key: "version", Value: e.Version - 1}}).SetReplacement(e)
	}
	unlock := s.versionLock()
	r, err := bulkWrite(ctx, s.DB.Collection(colElders), models, false)
	unlock()
	if err != nil {
		return nil, wrap("mongostore.ReplaceElders", err)
	}
	if int(r.MatchedCount) == len(es) {
		return nil, nil
	}
	cur, err := s.DB.Collection(colElders).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, options.Find().SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "updatedAt", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.ReplaceElders", err)
	}
	var got []struct {
		ID        string    `bson:"_id"`
		Version   int       `bson:"version"`
		UpdatedAt time.Time `bson:"updatedAt"`
	}
	if err := cur.All(ctx, &got); err != nil {
		return nil, wrap("mongostore.ReplaceElders", err)
	}
	type mark struct {
		v  int
		at int64
	}
	now := map[string]mark{}
	for _, g := range got {
		now[g.ID] = mark{g.Version, g.UpdatedAt.UnixMilli()}
	}
	var stale []string
	for _, e := range es {
		if now[e.ID] != (mark{e.Version + 1, e.UpdatedAt.UnixMilli()}) {
			stale = append(stale, e.ID)
		}
	}
	return stale, nil
}

// InsertVolunteers stores new volunteers, all or none.
func (s *Store) InsertVolunteers(ctx context.Context, vs []registry.Volunteer) error {
	return insertMany(ctx, s.DB.Collection(colVolunteers), vs, ids(vs, func(v registry.Volunteer) string { return v.ID }))
}

// Volunteer returns one volunteer.
func (s *Store) Volunteer(ctx context.Context, id string) (registry.Volunteer, error) {
	return get[registry.Volunteer](ctx, s.DB.Collection(colVolunteers), id)
}

// VolunteerByPhone finds a volunteer by E.164 phone (login).
func (s *Store) VolunteerByPhone(ctx context.Context, phone string) (registry.Volunteer, error) {
	var v registry.Volunteer
	err := s.DB.Collection(colVolunteers).FindOne(ctx, bson.D{{Key: "phone", Value: phone}}).Decode(&v)
	return v, wrap("mongostore.VolunteerByPhone", err)
}

// Volunteers returns a page of volunteers.
func (s *Store) Volunteers(ctx context.Context, f registry.Filter) (registry.Page[registry.Volunteer], error) {
	items, total, err := findPage[registry.Volunteer](ctx, s.DB.Collection(colVolunteers), filter(f), sortOf(f.Order), f.Offset, f.Limit)
	return registry.Page[registry.Volunteer]{Items: items, Total: total}, err
}

// ReplaceVolunteer writes v at the version read, bumping it.
func (s *Store) ReplaceVolunteer(ctx context.Context, v *registry.Volunteer) error {
	v.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colVolunteers), v.ID, v.Version-1, v); err != nil {
		v.Version--
		return err
	}
	return nil
}

// InsertCarers stores new carers, all or none.
func (s *Store) InsertCarers(ctx context.Context, cs []registry.Carer) error {
	return insertMany(ctx, s.DB.Collection(colCarers), cs, ids(cs, func(c registry.Carer) string { return c.ID }))
}

// Carer returns one carer.
func (s *Store) Carer(ctx context.Context, id string) (registry.Carer, error) {
	return get[registry.Carer](ctx, s.DB.Collection(colCarers), id)
}

// CarerByPhone finds a carer by E.164 phone (login).
func (s *Store) CarerByPhone(ctx context.Context, phone string) (registry.Carer, error) {
	var c registry.Carer
	err := s.DB.Collection(colCarers).FindOne(ctx, bson.D{{Key: "phone", Value: phone}}).Decode(&c)
	return c, wrap("mongostore.CarerByPhone", err)
}

// Carers returns a page of carers, by id unless f.Order names a column.
func (s *Store) Carers(ctx context.Context, f registry.Filter) (registry.Page[registry.Carer], error) {
	items, total, err := findPage[registry.Carer](ctx, s.DB.Collection(colCarers), filter(f), sortOf(f.Order), f.Offset, f.Limit)
	return registry.Page[registry.Carer]{Items: items, Total: total}, err
}
