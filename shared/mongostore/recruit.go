package mongostore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/recruit"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/page"
)

// Recruitment collections.
const (
	colCalls        = "recruit_calls"
	colApplications = "recruit_applications"
	colClaims       = "recruit_claims"
	colSlots        = "recruit_slots"
	colPartners     = "recruit_partners"
	colBatches      = "recruit_batches"
	colInvites      = "recruit_invites"
	colHandbookAcks = "recruit_handbook_acks"
)

// recruitIndexes are the recruitment collections' indexes.
var recruitIndexes = []index{
	{colCalls, bson.D{{Key: "areas", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colCalls, bson.D{{Key: "region", Value: 1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colCalls, bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false},
	// a subtree's calls sorted on opening day (recruit.CallSorts)
	{colCalls, bson.D{{Key: "areas", Value: 1}, {Key: "opens", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colCalls, bson.D{{Key: "region", Value: 1}, {Key: "opens", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colApplications, bson.D{{Key: "areas", Value: 1}, {Key: "callId", Value: 1}, {Key: "status", Value: 1}}, false},
	{colApplications, bson.D{{Key: "phone", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colApplications, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colApplications, bson.D{{Key: "callId", Value: 1}, {Key: "_id", Value: 1}}, false},
	// the list's sortable columns (recruit.AppSorts), then _id the same way
	{colApplications, bson.D{{Key: "areas", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colApplications, bson.D{{Key: "areas", Value: 1}, {Key: "kind", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colApplications, bson.D{{Key: "areas", Value: 1}, {Key: "hoursPerMonth", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colApplications, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	// A page of partners' counts (partnerId in the page's ids).
	{colApplications, bson.D{{Key: "partnerId", Value: 1}, {Key: "areas", Value: 1}}, false},
	{colSlots, bson.D{{Key: "scope", Value: 1}}, false},
	// partners by name, either way (recruit.PartnerSorts)
	{colPartners, bson.D{{Key: "areas", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colPartners, bson.D{{Key: "region", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
	// batches newest first, either way on date or capacity (recruit.BatchSorts)
	{colBatches, bson.D{{Key: "areas", Value: 1}, {Key: "date", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colBatches, bson.D{{Key: "areas", Value: 1}, {Key: "capacity", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colInvites, bson.D{{Key: "batchId", Value: 1}, {Key: "invitedAt", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colInvites, bson.D{{Key: "volunteerId", Value: 1}, {Key: "invitedAt", Value: 1}, {Key: "_id", Value: 1}}, false},
}

var newestFirst = bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}

// reach selects records of root's subtree and of root's ancestors.
func reach(root string) bson.D {
	if root == "" {
		return bson.D{} // every call (the public list of open calls, no area given)
	}
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "areas", Value: root}},
		bson.D{{Key: "region", Value: bson.D{{Key: "$in", Value: area.AreasOf(root)}}}},
	}}}
}

// InsertCall stores a new call.
func (s *Store) InsertCall(ctx context.Context, c recruit.Call) error {
	_, err := s.DB.Collection(colCalls).InsertOne(ctx, c)
	return wrap("mongostore.InsertCall", err)
}

// Call returns one call.
func (s *Store) Call(ctx context.Context, id string) (recruit.Call, error) {
	return get[recruit.Call](ctx, s.DB.Collection(colCalls), id)
}

// ReplaceCall writes c at the version read, bumping it.
func (s *Store) ReplaceCall(ctx context.Context, c *recruit.Call) error {
	c.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colCalls), c.ID, c.Version-1, c); err != nil {
		c.Version--
		return err
	}
	return nil
}

// Calls lists the calls reaching root, newest first.
func (s *Store) Calls(ctx context.Context, root string, ord page.Order, offset, limit int) ([]recruit.Call, int, error) {
	return findPage[recruit.Call](ctx, s.DB.Collection(colCalls), reach(root), orderOr(ord, newestFirst), offset, limit)
}

// OpenCallsOn returns up to limit calls reaching root (every call when
// root is "") that are open on day (not closed, opens ≤ day ≤ closes),
// newest first: the filter is in the query, so older open calls are not
// crowded out by newer ended ones.
func (s *Store) OpenCallsOn(ctx context.Context, root, day string, limit int) ([]recruit.Call, error) {
	f := append(reach(root),
		bson.E{Key: "closed", Value: bson.D{{Key: "$ne", Value: true}}},
		bson.E{Key: "opens", Value: bson.D{{Key: "$lte", Value: day}}},
		bson.E{Key: "closes", Value: bson.D{{Key: "$gte", Value: day}}})
	return findMany[recruit.Call](ctx, s.DB.Collection(colCalls), "mongostore.OpenCallsOn", f, options.Find().SetSort(newestFirst).SetLimit(int64(limit)))
}

// ClaimKey inserts a unique claim for holder; a taken key is a Conflict.
func (s *Store) ClaimKey(ctx context.Context, key, holder string) error {
	_, err := s.DB.Collection(colClaims).InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "holder", Value: holder}, {Key: "at", Value: time.Now()}})
	return wrap("mongostore.ClaimKey", err)
}

// ReleaseKey removes holder's claim of key.
func (s *Store) ReleaseKey(ctx context.Context, key, holder string) error {
	_, err := s.DB.Collection(colClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "holder", Value: holder}})
	return wrap("mongostore.ReleaseKey", err)
}

type slotDoc struct {
	ID     string    `bson:"_id"`
	Scope  string    `bson:"scope"`
	Holder string    `bson:"holder"`
	At     time.Time `bson:"at"`
}

// ClaimSlot takes a free numbered place scope|n (1 ≤ n ≤ limit) for holder
// by inserting it; the unique _id makes two claimants of one place
// impossible on FerretDB and MongoDB alike. A holder already placed keeps
// its place.
func (s *Store) ClaimSlot(ctx context.Context, scope string, limit int, holder string) (bool, error) {
	col := s.DB.Collection(colSlots)
	cur, err := col.Find(ctx, bson.D{{Key: "scope", Value: scope}})
	if err != nil {
		return false, wrap("mongostore.ClaimSlot", err)
	}
	var taken []slotDoc
	if err := cur.All(ctx, &taken); err != nil {
		return false, wrap("mongostore.ClaimSlot", err)
	}
	used := map[string]bool{}
	for _, d := range taken {
		if d.Holder == holder {
			return true, nil
		}
		used[d.ID] = true
	}
	for n := 1; n <= limit; n++ {
		id := scope + "|" + strconv.Itoa(n)
		if used[id] {
			continue
		}
		_, err := col.InsertOne(ctx, slotDoc{ID: id, Scope: scope, Holder: holder, At: time.Now()})
		if err == nil {
			return true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, wrap("mongostore.ClaimSlot", err)
		}
	}
	return false, nil
}

// ClaimSlots takes a place in scope for every holder without one, all or
// none, in one read of the scope and one unordered insert: false (nothing
// taken) when the free places do not suffice; a Conflict when another
// claimer took a place meanwhile (this call's places are given back).
func (s *Store) ClaimSlots(ctx context.Context, scope string, limit int, holders []string) (bool, error) {
	col := s.DB.Collection(colSlots)
	var taken []slotDoc
	cur, err := col.Find(ctx, bson.D{{Key: "scope", Value: scope}})
	if err == nil {
		err = cur.All(ctx, &taken)
	}
	if err != nil {
		return false, wrap("mongostore.ClaimSlots", err)
	}
	used, placed := map[string]bool{}, map[string]bool{}
	for _, d := range taken {
		used[d.ID], placed[d.Holder] = true, true
	}
	var docs []slotDoc
	n, now := 1, time.Now()
	for _, h := range holders {
		if placed[h] {
			continue
		}
		placed[h] = true
		for n <= limit && used[scope+"|"+strconv.Itoa(n)] {
			n++
		}
		if n > limit {
			return false, nil
		}
		docs = append(docs, slotDoc{ID: scope + "|" + strconv.Itoa(n), Scope: scope, Holder: h, At: now})
		n++
	}
	if len(docs) == 0 {
		return true, nil
	}
	if _, err := col.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false)); err != nil {
		mine := make([]string, len(docs))
		for i, d := range docs {
			mine[i] = d.Holder
		}
		_, _ = col.DeleteMany(context.WithoutCancel(ctx), bson.D{{Key: "scope", Value: scope}, {Key: "holder", Value: bson.D{{Key: "$in", Value: mine}}}, {Key: "at", Value: now}})
		if mongo.IsDuplicateKeyError(err) {
			return false, fmt.Errorf("mongostore.ClaimSlots: %w", apperr.New(apperr.Conflict, "名额被他人同时占用, 请重试"))
		}
		return false, wrap("mongostore.ClaimSlots", err)
	}
	return true, nil
}

// ReleaseSlot frees holder's place in scope.
func (s *Store) ReleaseSlot(ctx context.Context, scope, holder string) error {
	_, err := s.DB.Collection(colSlots).DeleteMany(ctx, bson.D{{Key: "scope", Value: scope}, {Key: "holder", Value: holder}})
	return wrap("mongostore.ReleaseSlot", err)
}

// CountSlots counts the places taken in scope.
func (s *Store) CountSlots(ctx context.Context, scope string) (int, error) {
	n, err := s.DB.Collection(colSlots).CountDocuments(ctx, bson.D{{Key: "scope", Value: scope}})
	return int(n), wrap("mongostore.CountSlots", err)
}

// InsertApplication stores a new application.
func (s *Store) InsertApplication(ctx context.Context, a recruit.Application) error {
	_, err := s.DB.Collection(colApplications).InsertOne(ctx, a)
	return wrap("mongostore.InsertApplication", err)
}

// Application returns one application.
func (s *Store) Application(ctx context.Context, id string) (recruit.Application, error) {
	return get[recruit.Application](ctx, s.DB.Collection(colApplications), id)
}

// ReplaceApplication writes a at the version read, bumping it.
func (s *Store) ReplaceApplication(ctx context.Context, a *recruit.Application) error {
	a.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colApplications), a.ID, a.Version-1, a); err != nil {
		a.Version--
		return err
	}
	return nil
}

func appFilter(f recruit.AppFilter) bson.D {
	d := bson.D{}
	if f.Area != "" {
		d = append(d, bson.E{Key: "areas", Value: f.Area})
	}
	if f.CallID != "" {
		d = append(d, bson.E{Key: "callId", Value: f.CallID})
	}
	if f.Kind != "" {
		d = append(d, bson.E{Key: "kind", Value: f.Kind})
	}
	if len(f.Status) > 0 {
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: f.Status}}})
	}
	if f.Phone != "" {
		d = append(d, bson.E{Key: "phone", Value: f.Phone})
	}
	return d
}

// Applications returns a page of applications, oldest first (the queue's
// order) unless f.Order names a column.
func (s *Store) Applications(ctx context.Context, f recruit.AppFilter) ([]recruit.Application, int, error) {
	return findPage[recruit.Application](ctx, s.DB.Collection(colApplications), appFilter(f), sortOf(f.Order), f.Offset, f.Limit)
}

// AllApplications streams every application matching f to fn.
func (s *Store) AllApplications(ctx context.Context, f recruit.AppFilter, fn func(recruit.Application) error) error {
	cur, err := s.DB.Collection(colApplications).Find(ctx, appFilter(f), options.Find().SetSort(byID))
	if err != nil {
		return wrap("mongostore.AllApplications", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var a recruit.Application
		if err := cur.Decode(&a); err != nil {
			return wrap("mongostore.AllApplications", err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return wrap("mongostore.AllApplications", cur.Err())
}

// InsertPartner stores a new partner organisation.
func (s *Store) InsertPartner(ctx context.Context, p recruit.Partner) error {
	_, err := s.DB.Collection(colPartners).InsertOne(ctx, p)
	return wrap("mongostore.InsertPartner", err)
}

// Partner returns one partner organisation.
func (s *Store) Partner(ctx context.Context, id string) (recruit.Partner, error) {
	return get[recruit.Partner](ctx, s.DB.Collection(colPartners), id)
}

// ReplacePartner writes p at the version read, bumping it.
func (s *Store) ReplacePartner(ctx context.Context, p *recruit.Partner) error {
	p.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colPartners), p.ID, p.Version-1, p); err != nil {
		p.Version--
		return err
	}
	return nil
}

// Partners lists the partners reaching root, by name.
func (s *Store) Partners(ctx context.Context, root string) ([]recruit.Partner, error) {
	cur, err := s.DB.Collection(colPartners).Find(ctx, reach(root), options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.Partners", err)
	}
	out := []recruit.Partner{}
	return out, wrap("mongostore.Partners", cur.All(ctx, &out))
}

// InsertBatch stores a new training batch.
func (s *Store) InsertBatch(ctx context.Context, b recruit.Batch) error {
	_, err := s.DB.Collection(colBatches).InsertOne(ctx, b)
	return wrap("mongostore.InsertBatch", err)
}

// Batch returns one training batch.
func (s *Store) Batch(ctx context.Context, id string) (recruit.Batch, error) {
	return get[recruit.Batch](ctx, s.DB.Collection(colBatches), id)
}

// Batches lists the batches of root's subtree, newest first.
func (s *Store) Batches(ctx context.Context, root string, ord page.Order, offset, limit int) ([]recruit.Batch, int, error) {
	return findPage[recruit.Batch](ctx, s.DB.Collection(colBatches), bson.D{{Key: "areas", Value: root}}, orderOr(ord, bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}), offset, limit)
}

// InsertInvite stores an invitation; a second one of the same volunteer
// to the same batch is a Conflict.
func (s *Store) InsertInvite(ctx context.Context, in recruit.Invite) error {
	_, err := s.DB.Collection(colInvites).InsertOne(ctx, in)
	return wrap("mongostore.InsertInvite", err)
}

// InsertInvites stores invitations in one unordered insert; those stored
// before are left as they are.
func (s *Store) InsertInvites(ctx context.Context, ins []recruit.Invite) error {
	_, err := insertTaken(ctx, s.DB.Collection(colInvites), ins)
	return err
}

// MarkInvited sets the training state of those of ids not yet in training
// to state, bumping their versions, in one update.
func (s *Store) MarkInvited(ctx context.Context, ids []string, state string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	c := s.DB.Collection(colVolunteers)
	unlock := s.versionLock()
	_, err := c.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "training", Value: bson.D{{Key: "$in", Value: bson.A{"", nil}}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "training", Value: state}, {Key: "updatedAt", Value: at}}}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	unlock()
	touched(ctx, c)
	return wrap("mongostore.MarkInvited", err)
}

// ReplaceInvite writes an invitation (attendance is set by one organizer
// of the batch; the last mark wins).
func (s *Store) ReplaceInvite(ctx context.Context, in recruit.Invite) error {
	r, err := s.DB.Collection(colInvites).ReplaceOne(ctx, bson.D{{Key: "_id", Value: in.ID}}, in)
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	return wrap("mongostore.ReplaceInvite", err)
}

func (s *Store) invites(ctx context.Context, key, value string) ([]recruit.Invite, error) {
	cur, err := s.DB.Collection(colInvites).Find(ctx, bson.D{{Key: key, Value: value}}, options.Find().SetSort(bson.D{{Key: "invitedAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.Invites", err)
	}
	out := []recruit.Invite{}
	return out, wrap("mongostore.Invites", cur.All(ctx, &out))
}

// Invites lists a batch's invitations.
func (s *Store) Invites(ctx context.Context, batchID string) ([]recruit.Invite, error) {
	return s.invites(ctx, "batchId", batchID)
}

// InvitesOf lists a volunteer's invitations.
func (s *Store) InvitesOf(ctx context.Context, volunteerID string) ([]recruit.Invite, error) {
	return s.invites(ctx, "volunteerId", volunteerID)
}

// InsertHandbookAck records a handbook acknowledgement; a repeat is a Conflict.
func (s *Store) InsertHandbookAck(ctx context.Context, a recruit.HandbookAck) error {
	_, err := s.DB.Collection(colHandbookAcks).InsertOne(ctx, a)
	return wrap("mongostore.InsertHandbookAck", err)
}

// SetRequireTraining sets a county's training-before-pairing rule.
func (s *Store) SetRequireTraining(ctx context.Context, code string, require bool) error {
	r, err := s.DB.Collection(colRegions).UpdateOne(ctx, bson.D{{Key: "_id", Value: code}}, bson.D{{Key: "$set", Value: bson.D{{Key: "requireTraining", Value: require}}}})
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	return wrap("mongostore.SetRequireTraining", err)
}

// PairedVolunteers returns which of ids appear in some elder's volunteer list.
func (s *Store) PairedVolunteers(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for chunk := range slices.Chunk(ids, 1000) {
		cur, err := s.DB.Collection(colElders).Find(ctx, bson.D{{Key: "volunteers", Value: bson.D{{Key: "$in", Value: chunk}}}},
			options.Find().SetProjection(bson.D{{Key: "volunteers", Value: 1}}))
		if err != nil {
			return nil, wrap("mongostore.PairedVolunteers", err)
		}
		var es []struct {
			Volunteers []string `bson:"volunteers"`
		}
		if err := cur.All(ctx, &es); err != nil {
			return nil, wrap("mongostore.PairedVolunteers", err)
		}
		want := map[string]bool{}
		for _, id := range chunk {
			want[id] = true
		}
		for _, e := range es {
			for _, v := range e.Volunteers {
				if want[v] {
					out[v] = true
				}
			}
		}
	}
	return out, nil
}

// The store implements recruitment's Storer.
var _ recruit.Storer = (*Store)(nil)

// PartnerPage returns one page of the partners of root's subtree and of
// root's ancestors, by name, and their number.
func (s *Store) PartnerPage(ctx context.Context, root string, pg page.Params) ([]recruit.Partner, int, error) {
	return pageOf[recruit.Partner](ctx, s.DB.Collection(colPartners), reach(root), bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}, pg)
}

// PartnerCounts counts the applications of root's subtree naming each
// partner of ids, and those accepted: one read of their partner and status.
func (s *Store) PartnerCounts(ctx context.Context, root string, ids []string) (map[string]int, map[string]int, error) {
	applied, accepted := map[string]int{}, map[string]int{}
	if len(ids) == 0 {
		return applied, accepted, nil
	}
	f := bson.D{{Key: "partnerId", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "areas", Value: root}}
	err := scanAll(ctx, s.DB.Collection(colApplications), f, bson.D{{Key: "partnerId", Value: 1}, {Key: "status", Value: 1}}, func(r bson.Raw) error {
		id, _ := r.Lookup("partnerId").StringValueOK()
		applied[id]++
		if st, _ := r.Lookup("status").StringValueOK(); st == recruit.StatusAccepted {
			accepted[id]++
		}
		return nil
	})
	return applied, accepted, err
}
