package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/pairing"
	"jinhui/services/registry"
)

// Bulk reads and writes for confirming a proposal (issue 16): each is one
// command whatever the number of items, so a confirmation costs a fixed
// number of round trips.

// byIDs reads the documents whose _id is in ids, in one query.
func byIDs[T any](ctx context.Context, s *Store, c *mongo.Collection, ids []string, op string) ([]T, error) {
	out := []T{}
	if len(ids) == 0 {
		return out, nil
	}
	if s.embedded && len(ids) > wholeReadAbove {
		return wholeByIDs[T](ctx, c, ids, op)
	}
	cur, err := c.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, wrap(op, err)
	}
	return out, wrap(op, cur.All(ctx, &out))
}

// wholeReadAbove is the number of ids above which the embedded store reads
// the whole collection and picks the documents here: FerretDB reads every
// document for an $in anyway and then compares each with every id, which
// for a province's 20,000 volunteers took longer than the whole read.
const wholeReadAbove = 1000

// wholeByIDs is byIDs by reading the whole collection, for the embedded
// store and many ids.
func wholeByIDs[T any](ctx context.Context, c *mongo.Collection, ids []string, op string) ([]T, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	cur, err := c.Find(ctx, bson.D{}, options.Find().SetBatchSize(scanBatch))
	if err != nil {
		return nil, wrap(op, err)
	}
	defer cur.Close(ctx)
	out := make([]T, 0, len(ids))
	for cur.Next(ctx) {
		if id, ok := cur.Current.Lookup("_id").StringValueOK(); !ok || !want[id] {
			continue
		}
		var t T
		if err := cur.Decode(&t); err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, t)
	}
	return out, wrap(op, cur.Err())
}

// EldersByID returns the elders whose ids are given (missing ones are left out).
func (s *Store) EldersByID(ctx context.Context, ids []string) ([]registry.Elder, error) {
	return byIDs[registry.Elder](ctx, s, s.DB.Collection(colElders), ids, "mongostore.EldersByID")
}

// VolunteersByID returns the volunteers whose ids are given (missing ones are left out).
func (s *Store) VolunteersByID(ctx context.Context, ids []string) ([]registry.Volunteer, error) {
	return byIDs[registry.Volunteer](ctx, s, s.DB.Collection(colVolunteers), ids, "mongostore.VolunteersByID")
}

// RegionsByCode returns the regions whose codes are given.
func (s *Store) RegionsByCode(ctx context.Context, codes []string) ([]registry.Region, error) {
	return byIDs[registry.Region](ctx, s, s.DB.Collection(colRegions), codes, "mongostore.RegionsByCode")
}

// PairsTouching returns every pair of the elders and the active pairs of
// the volunteers, in one query.
func (s *Store) PairsTouching(ctx context.Context, elders, volunteers []string) ([]pairing.Pair, error) {
	f := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "elder", Value: bson.D{{Key: "$in", Value: elders}}}},
		bson.D{{Key: "volunteer", Value: bson.D{{Key: "$in", Value: volunteers}}}, {Key: "status", Value: pairing.PairActive}},
	}}}
	return pairingAll[pairing.Pair](ctx, s.DB.Collection(colPairs), f, byID, "mongostore.PairsTouching")
}

// ActiveRulesOf returns the active pins and forbids on the elders.
func (s *Store) ActiveRulesOf(ctx context.Context, elders []string) ([]pairing.Rule, error) {
	f := bson.D{{Key: "elder", Value: bson.D{{Key: "$in", Value: elders}}}, {Key: "active", Value: true}}
	return pairingAll[pairing.Rule](ctx, s.DB.Collection(colPairRules), f, byID, "mongostore.ActiveRulesOf")
}

func claimKey(c pairing.ClaimKey) string { return c.Elder + "|" + c.Volunteer }

// PairClaims returns, for each elder+volunteer key claimed, the pair holding it.
func (s *Store) PairClaims(ctx context.Context, keys []pairing.ClaimKey) (map[pairing.ClaimKey]string, error) {
	ids := make([]string, len(keys))
	at := map[string]pairing.ClaimKey{}
	for i, k := range keys {
		ids[i] = claimKey(k)
		at[ids[i]] = pairing.ClaimKey{Elder: k.Elder, Volunteer: k.Volunteer}
	}
	cs, err := byIDs[pairClaim](ctx, s, s.DB.Collection(colPairClaims), ids, "mongostore.PairClaims")
	if err != nil {
		return nil, err
	}
	out := map[pairing.ClaimKey]string{}
	for _, c := range cs {
		out[at[c.ID]] = c.Pair
	}
	return out, nil
}

// ClaimPairKeys claims each elder+volunteer key for its pair in one
// unordered insert and returns the indexes of the keys claimed already.
func (s *Store) ClaimPairKeys(ctx context.Context, keys []pairing.ClaimKey) ([]int, error) {
	docs := make([]pairClaim, len(keys))
	for i, k := range keys {
		docs[i] = pairClaim{ID: claimKey(k), Pair: k.Pair}
	}
	return insertTaken(ctx, s.DB.Collection(colPairClaims), docs)
}

// ReleasePairKeys frees elder+volunteer keys.
func (s *Store) ReleasePairKeys(ctx context.Context, keys []pairing.ClaimKey) error {
	if len(keys) == 0 {
		return nil
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = claimKey(k)
	}
	_, err := s.DB.Collection(colPairClaims).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return wrap("mongostore.ReleasePairKeys", err)
}

// InsertPairs stores new pairs in one unordered insert and returns the
// indexes of those whose key was taken already.
func (s *Store) InsertPairs(ctx context.Context, ps []pairing.Pair) ([]int, error) {
	return insertTaken(ctx, s.DB.Collection(colPairs), ps)
}

// FillRelays marks the open relays with the given ids filled by the pair of
// the same id (a pair and the relay it fills share their key). The open
// ones are found first, so that most confirmations (no relay open) write
// nothing, and each update filters on _id alone, which the embedded
// FerretDB serves without a scan.
func (s *Store) FillRelays(ctx context.Context, ids []string, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	c := s.DB.Collection(colRelays)
	cur, err := c.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "status", Value: pairing.RelayOpen}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return wrap("mongostore.FillRelays", err)
	}
	var open []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &open); err != nil {
		return wrap("mongostore.FillRelays", err)
	}
	if len(open) == 0 {
		return nil
	}
	ms := make([]mongo.WriteModel, len(open))
	for i, r := range open {
		ms[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: r.ID}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: pairing.RelayFilled}, {Key: "successor", Value: r.ID}, {Key: "closedAt", Value: at}}},
				{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	}
	unlock := s.versionLock()
	_, err = bulkWrite(ctx, c, ms, false)
	unlock()
	touched(ctx, c)
	return wrap("mongostore.FillRelays", err)
}

// AddElderVolunteers adds volunteers to elders' access lists, elder by
// elder, and bumps each elder's version so that an edit made from an
// older read cannot drop them.
func (s *Store) AddElderVolunteers(ctx context.Context, add map[string][]string) error {
	if len(add) == 0 {
		return nil
	}
	ms := make([]mongo.WriteModel, 0, len(add))
	for e, vs := range add {
		ms = append(ms, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: e}}).
			SetUpdate(bson.D{{Key: "$addToSet", Value: bson.D{{Key: "volunteers", Value: bson.D{{Key: "$each", Value: vs}}}}},
				{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}))
	}
	c := s.DB.Collection(colElders)
	defer s.versionLock()()
	_, err := bulkWrite(ctx, c, ms, false)
	touched(ctx, c)
	return wrap("mongostore.AddElderVolunteers", err)
}

// insertTaken inserts docs unordered and returns the indexes of those whose
// key exists already.
func insertTaken[T any](ctx context.Context, c *mongo.Collection, docs []T) ([]int, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	fresh, err := insertNew(ctx, c, docs)
	touched(ctx, c)
	if err != nil {
		return nil, err
	}
	isNew := make([]bool, len(docs))
	for _, i := range fresh {
		isNew[i] = true
	}
	var taken []int
	for i, ok := range isNew {
		if !ok {
			taken = append(taken, i)
		}
	}
	return taken, nil
}

// ElderIDNumbers returns which of the resident ID numbers the register
// holds, one query per 1,000 numbers (an import checks every row at once).
func (s *Store) ElderIDNumbers(ctx context.Context, numbers []string) ([]string, error) {
	out := []string{}
	for i := 0; i < len(numbers); i += 1000 {
		cur, err := s.DB.Collection(colElders).Find(ctx, bson.D{{Key: "idNumber", Value: bson.D{{Key: "$in", Value: numbers[i:min(i+1000, len(numbers))]}}}},
			options.Find().SetProjection(bson.D{{Key: "idNumber", Value: 1}}))
		if err != nil {
			return nil, wrap("mongostore.ElderIDNumbers", err)
		}
		var es []struct {
			IDNumber string `bson:"idNumber"`
		}
		if err := cur.All(ctx, &es); err != nil {
			return nil, wrap("mongostore.ElderIDNumbers", err)
		}
		for _, e := range es {
			out = append(out, e.IDNumber)
		}
	}
	return out, nil
}

// bulkChunk is the most writes one bulk command carries. FerretDB v1.24
// keeps the read behind each update of a command open until the whole
// command ends, one SQLite connection each, from a pool of 100: a command
// of more than about 100 updates waits for a connection forever (measured:
// confirming a province's pairs hung until the client's time limit). On
// MongoDB the driver would split at 100,000; smaller commands cost little.
const bulkChunk = 64

// bulkWrite is BulkWrite in commands of at most bulkChunk writes, with
// the counts added up. Unordered writes go on past a failed chunk and
// report the errors together; ordered writes stop at the first.
func bulkWrite(ctx context.Context, c *mongo.Collection, ms []mongo.WriteModel, ordered bool) (*mongo.BulkWriteResult, error) {
	sum := &mongo.BulkWriteResult{}
	var errs []error
	for i := 0; i < len(ms); i += bulkChunk {
		r, err := c.BulkWrite(ctx, ms[i:min(i+bulkChunk, len(ms))], options.BulkWrite().SetOrdered(ordered))
		if r != nil {
			sum.InsertedCount += r.InsertedCount
			sum.MatchedCount += r.MatchedCount
			sum.ModifiedCount += r.ModifiedCount
			sum.DeletedCount += r.DeletedCount
			sum.UpsertedCount += r.UpsertedCount
		}
		if err != nil {
			if ordered {
				return sum, err
			}
			errs = append(errs, err)
		}
	}
	return sum, errors.Join(errs...)
}
