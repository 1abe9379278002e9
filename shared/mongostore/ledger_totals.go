package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/ledger"
)

// The totals are a snapshot (one document per area or person, of one
// generation) plus deltas: one document per applied key, _id the key,
// deleted once a snapshot includes it. A key a snapshot includes gets a
// marker in ledger_applied (written after the switch), so that a late
// resend of it adds nothing. Only inserts on the hot path: on the embedded
// FerretDB any update scans and rewrites the collection it touches.

// foldedMark says that the current snapshot counts a key.
type foldedMark struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// delta is one applied entry's (or subsidy's) addition to its buckets,
// kept until a snapshot includes it.
type delta struct {
	ID     string      `bson:"_id"`
	Areas  []string    `bson:"areas"`
	People []string    `bson:"people"`
	Month  string      `bson:"month"`
	Sums   ledger.Sums `bson:"sums"`
	At     time.Time   `bson:"at"`
}

func deltaOf(a ledger.Applied, at time.Time) delta {
	return delta{ID: a.Key, Areas: a.Areas, People: a.People, Month: a.Month, Sums: a.Sums, At: at}
}

// ApplyDelta adds a to the totals once. The delta itself is the claim (an
// insert under the key: a resend finds it), written before any marker, so
// a crash at any point leaves either nothing (a resend applies it) or the
// delta (applied). A key a snapshot counts already (its marker) adds
// nothing; if a rebuild folded the key while this insert ran, the delta
// just written is taken back.
func (s *Store) ApplyDelta(ctx context.Context, a ledger.Applied) error {
	folded := func() (bool, error) {
		err := s.DB.Collection(colLedgerApplied).FindOne(ctx, bson.D{{Key: "_id", Value: a.Key}}).Err()
		if err == mongo.ErrNoDocuments {
			return false, nil
		}
		return err == nil, wrap("mongostore.ApplyDelta", err)
	}
	if done, err := folded(); done || err != nil {
		return err
	}
	if _, err := s.DB.Collection(colTotalsDeltas).InsertOne(ctx, deltaOf(a, time.Now())); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return nil
		}
		return wrap("mongostore.ApplyDelta", err)
	}
	done, err := folded()
	if err != nil || !done {
		return err
	}
	_, err = s.DB.Collection(colTotalsDeltas).DeleteOne(ctx, bson.D{{Key: "_id", Value: a.Key}})
	return wrap("mongostore.ApplyDelta", err)
}

// totalsMeta names the current snapshot of the totals: the generation of
// its documents, and the deltas it includes that may not be deleted yet.
type totalsMeta struct {
	ID       string    `bson:"_id"`
	At       time.Time `bson:"at"`
	Included []string  `bson:"included"`
}

// genArea is a snapshot document of an area's or a person's totals.
type genArea struct {
	ID       string                 `bson:"_id"` // gen|code
	Gen      string                 `bson:"gen"`
	Code     string                 `bson:"code"`
	Months   map[string]ledger.Sums `bson:"months"`
	Register ledger.Register        `bson:"register"`
	CensusAt time.Time              `bson:"censusAt"`
}

// LedgerTrace, when set, is told how long each step of ReplaceTotals took
// (the benchmark prints it).
var LedgerTrace func(step string, took time.Duration)

func trace(step string, t0 time.Time) time.Time {
	if LedgerTrace != nil {
		LedgerTrace(step, time.Since(t0))
	}
	return time.Now()
}

// ReplaceTotals switches to a snapshot that counts exactly counted. Every
// counted key not folded before gets its delta first (an insert: a writer
// racing on the same key finds it), so that no delta of a counted key can
// appear after the switch; the snapshot includes those deltas, marks their
// keys folded, then deletes them and the older generations. Stopped at any
// point, the totals stay right: before the switch the old snapshot and the
// deltas count, after it the new one, and the next run finishes the tidying.
// Callers hold the rebuild lease (ledger.RebuildLock).
func (s *Store) ReplaceTotals(ctx context.Context, areas []ledger.AreaTotals, people []ledger.PersonTotals, counted []ledger.Applied) error {
	now := time.Now()
	t0 := now
	have := map[string]bool{}
	if err := scanAll(ctx, s.DB.Collection(colLedgerApplied), bson.D{}, bson.D{{Key: "_id", Value: 1}}, func(r bson.Raw) error {
		id, _ := r.Lookup("_id").StringValueOK()
		have[id] = true
		return nil
	}); err != nil {
		return err
	}
	t0 = trace("read folded markers", t0)
	inSnap := make(map[string]bool, len(counted))
	var missing []delta
	for _, a := range counted {
		inSnap[a.Key] = true
		if !have[a.Key] {
			missing = append(missing, deltaOf(a, now))
		}
	}
	if err := insertChunks(ctx, s.DB.Collection(colTotalsDeltas), missing); err != nil {
		return err
	}
	t0 = trace(fmt.Sprintf("claim %d deltas", len(missing)), t0)
	gen := fmt.Sprintf("%020d", now.UnixNano())
	meta := totalsMeta{ID: gen, At: now, Included: []string{}}
	if err := scanAll(ctx, s.DB.Collection(colTotalsDeltas), bson.D{}, bson.D{{Key: "_id", Value: 1}}, func(r bson.Raw) error {
		if id, _ := r.Lookup("_id").StringValueOK(); inSnap[id] {
			meta.Included = append(meta.Included, id)
		}
		return nil
	}); err != nil {
		return err
	}
	ga := make([]genArea, len(areas))
	for i, a := range areas {
		ga[i] = genArea{ID: gen + "|" + a.ID, Gen: gen, Code: a.ID, Months: a.Months, Register: a.Register, CensusAt: a.CensusAt}
	}
	if err := insertChunks(ctx, s.DB.Collection(colAreaTotals), ga); err != nil {
		return err
	}
	gp := make([]genArea, len(people))
	for i, p := range people {
		gp[i] = genArea{ID: gen + "|" + p.ID, Gen: gen, Code: p.ID, Months: p.Months}
	}
	if err := insertChunks(ctx, s.DB.Collection(colPersonTotals), gp); err != nil {
		return err
	}
	t0 = trace("insert snapshot", t0)
	if _, err := s.DB.Collection(colTotalsMeta).InsertOne(ctx, meta); err != nil {
		return wrap("mongostore.ReplaceTotals", err)
	}
	t0 = trace("switch", t0)
	var marks []foldedMark
	for _, id := range meta.Included {
		if !have[id] {
			marks = append(marks, foldedMark{ID: id, At: now})
		}
	}
	if err := insertChunks(ctx, s.DB.Collection(colLedgerApplied), marks); err != nil {
		return err
	}
	for i := 0; i < len(meta.Included); i += 5000 {
		ids := meta.Included[i:min(i+5000, len(meta.Included))]
		if _, err := s.DB.Collection(colTotalsDeltas).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
			return wrap("mongostore.ReplaceTotals", err)
		}
	}
	if _, err := s.DB.Collection(colTotalsMeta).UpdateOne(ctx, bson.D{{Key: "_id", Value: gen}}, bson.D{{Key: "$set", Value: bson.D{{Key: "included", Value: []string{}}}}}); err != nil {
		return wrap("mongostore.ReplaceTotals", err)
	}
	t0 = trace(fmt.Sprintf("fold %d deltas", len(meta.Included)), t0)
	older := bson.D{{Key: "$lt", Value: gen}}
	if _, err := s.DB.Collection(colTotalsMeta).DeleteMany(ctx, bson.D{{Key: "_id", Value: older}}); err != nil {
		return wrap("mongostore.ReplaceTotals", err)
	}
	for _, c := range []string{colAreaTotals, colPersonTotals} {
		if _, err := s.DB.Collection(c).DeleteMany(ctx, bson.D{{Key: "gen", Value: older}}); err != nil {
			return wrap("mongostore.ReplaceTotals", err)
		}
	}
	trace("delete old snapshot", t0)
	return nil
}

func insertChunks[T any](ctx context.Context, c *mongo.Collection, docs []T) error {
	for i := 0; i < len(docs); i += 2000 {
		if _, err := insertNew(ctx, c, docs[i:min(i+2000, len(docs))]); err != nil {
			return err
		}
	}
	return nil
}

// currentTotals returns the current snapshot (zero: none yet) and the
// deltas matching filter that it does not include.
func (s *Store) currentTotals(ctx context.Context, filter bson.D) (totalsMeta, []delta, error) {
	var meta totalsMeta
	cur, err := s.DB.Collection(colTotalsMeta).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(1))
	if err != nil {
		return meta, nil, wrap("mongostore.currentTotals", err)
	}
	var metas []totalsMeta
	if err := cur.All(ctx, &metas); err != nil {
		return meta, nil, wrap("mongostore.currentTotals", err)
	}
	if len(metas) > 0 {
		meta = metas[0]
	}
	skip := make(map[string]bool, len(meta.Included))
	for _, id := range meta.Included {
		skip[id] = true
	}
	all, err := findAll[delta](ctx, s.DB.Collection(colTotalsDeltas), filter, nil)
	if err != nil {
		return meta, nil, err
	}
	out := all[:0]
	for _, d := range all {
		if !skip[d.ID] {
			out = append(out, d)
		}
	}
	return meta, out, nil
}

func addMonth(ms map[string]ledger.Sums, month string, d ledger.Sums) map[string]ledger.Sums {
	if ms == nil {
		ms = map[string]ledger.Sums{}
	}
	ms[month] = ms[month].Add(d)
	return ms
}

// AreaTotals returns the totals of the areas named: each snapshot
// document read by _id, plus the deltas of those areas since, never the
// ledger. The register figures come from the census (ledger.ReadCensus).
func (s *Store) AreaTotals(ctx context.Context, codes []string) (map[string]ledger.AreaTotals, error) {
	meta, deltas, err := s.currentTotals(ctx, bson.D{{Key: "areas", Value: bson.D{{Key: "$in", Value: codes}}}})
	if err != nil {
		return nil, err
	}
	snap := map[string]genArea{}
	if meta.ID != "" && len(codes) > 0 {
		ids := make([]string, len(codes))
		for i, c := range codes {
			ids[i] = meta.ID + "|" + c
		}
		gs, err := findAll[genArea](ctx, s.DB.Collection(colAreaTotals), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, nil)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			snap[g.Code] = g
		}
	}
	out := make(map[string]ledger.AreaTotals, len(codes))
	for _, c := range codes {
		t := ledger.AreaTotals{Months: map[string]ledger.Sums{}}
		if g, ok := snap[c]; ok && g.Months != nil {
			t.Months = g.Months
		}
		t.ID = c
		out[c] = t
	}
	for _, d := range deltas {
		for _, a := range d.Areas {
			if t, ok := out[a]; ok {
				t.Months = addMonth(t.Months, d.Month, d.Sums)
				out[a] = t
			}
		}
	}
	return out, nil
}

// PersonTotals returns one person's totals by month ("v:<id>", "e:<id>",
// "c:<id>"): the snapshot document by _id plus that person's deltas since.
func (s *Store) PersonTotals(ctx context.Context, id string) (ledger.PersonTotals, error) {
	meta, deltas, err := s.currentTotals(ctx, bson.D{{Key: "people", Value: id}})
	if err != nil {
		return ledger.PersonTotals{}, err
	}
	t := ledger.PersonTotals{ID: id, Months: map[string]ledger.Sums{}}
	if meta.ID != "" {
		g, err := get[genArea](ctx, s.DB.Collection(colPersonTotals), meta.ID+"|"+id)
		if err != nil && !isNotFound(err) {
			return t, err
		}
		if g.Months != nil {
			t.Months = g.Months
		}
	}
	for _, d := range deltas {
		t.Months = addMonth(t.Months, d.Month, d.Sums)
	}
	return t, nil
}

// PendingTotals returns the current snapshot's documents and the deltas
// it does not include (for ledger.Compact).
func (s *Store) PendingTotals(ctx context.Context) ([]ledger.AreaTotals, []ledger.PersonTotals, []ledger.Applied, error) {
	meta, deltas, err := s.currentTotals(ctx, bson.D{})
	if err != nil {
		return nil, nil, nil, err
	}
	var areas []ledger.AreaTotals
	var people []ledger.PersonTotals
	if meta.ID != "" {
		gs, err := findAll[genArea](ctx, s.DB.Collection(colAreaTotals), bson.D{{Key: "gen", Value: meta.ID}}, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, g := range gs {
			areas = append(areas, ledger.AreaTotals{ID: g.Code, Months: g.Months, Register: g.Register, CensusAt: g.CensusAt})
		}
		gp, err := findAll[genArea](ctx, s.DB.Collection(colPersonTotals), bson.D{{Key: "gen", Value: meta.ID}}, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, g := range gp {
			people = append(people, ledger.PersonTotals{ID: g.Code, Months: g.Months})
		}
	}
	pending := make([]ledger.Applied, len(deltas))
	for i, d := range deltas {
		pending[i] = ledger.Applied{Key: d.ID, Areas: d.Areas, People: d.People, Month: d.Month, Sums: d.Sums}
	}
	return areas, people, pending, nil
}

// AllTotals returns every area's and person's current totals (snapshot
// plus deltas), keyed by code or person key: for checks against a
// recount (tests, the benchmark), not for serving.
func (s *Store) AllTotals(ctx context.Context) (map[string]map[string]ledger.Sums, map[string]map[string]ledger.Sums, error) {
	as, ps, pending, err := s.PendingTotals(ctx)
	if err != nil {
		return nil, nil, err
	}
	areas, people := map[string]map[string]ledger.Sums{}, map[string]map[string]ledger.Sums{}
	for _, a := range as {
		areas[a.ID] = a.Months
	}
	for _, p := range ps {
		people[p.ID] = p.Months
	}
	for _, d := range pending {
		for _, a := range d.Areas {
			areas[a] = addMonth(areas[a], d.Month, d.Sums)
		}
		for _, p := range d.People {
			people[p] = addMonth(people[p], d.Month, d.Sums)
		}
	}
	return areas, people, nil
}
