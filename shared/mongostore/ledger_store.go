package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

// LedgerHooked is the store that visits write through: after a ledger
// entry is recorded (or found recorded already, on a retry) After applies
// it to the totals, idempotently.
type LedgerHooked struct {
	*Store
	After func(ctx context.Context, e ledger.Entry) error
}

// RecordEntry appends e and applies it to the totals.
func (h LedgerHooked) RecordEntry(ctx context.Context, e ledger.Entry) error {
	err := h.Store.RecordEntry(ctx, e)
	if err != nil && !apperr.Is(err, apperr.Conflict) {
		return err
	}
	if h.After != nil {
		if aerr := h.After(ctx, e); aerr != nil {
			return aerr
		}
	}
	return err
}

type appliedMark struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// delta is one applied entry's (or subsidy's) addition to its buckets,
// kept until a rebuild's snapshot includes it.
type delta struct {
	ID     string      `bson:"_id"`
	Areas  []string    `bson:"areas"`
	People []string    `bson:"people"`
	Month  string      `bson:"month"`
	Sums   ledger.Sums `bson:"sums"`
	At     time.Time   `bson:"at"`
}

// ApplyDelta claims key with an insert into the applied markers (a
// duplicate: applied already, nothing to do), then inserts the delta.
// Only inserts: on the embedded FerretDB any update scans and rewrites
// the collection it touches (measured 1.4 s per $inc on 30,000 totals).
// A crash between the two leaves the totals short until the next
// rebuild, which counts from the ledger.
func (s *Store) ApplyDelta(ctx context.Context, key string, areas, people []string, month string, d ledger.Sums) error {
	now := time.Now()
	if _, err := s.DB.Collection(colLedgerApplied).InsertOne(ctx, appliedMark{ID: key, At: now}); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return nil
		}
		return wrap("mongostore.ApplyDelta", err)
	}
	_, err := s.DB.Collection(colTotalsDeltas).InsertOne(ctx, delta{ID: key, Areas: areas, People: people, Month: month, Sums: d, At: now})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return wrap("mongostore.ApplyDelta", err)
}

// EachEntry streams the whole ledger.
func (s *Store) EachEntry(ctx context.Context, fn func(ledger.Entry) error) error {
	cur, err := s.DB.Collection(colLedger).Find(ctx, bson.D{})
	if err != nil {
		return wrap("mongostore.EachEntry", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var e ledger.Entry
		if err := cur.Decode(&e); err != nil {
			return wrap("mongostore.EachEntry", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return wrap("mongostore.EachEntry", cur.Err())
}

// EachSubsidy streams the approved carer statements.
func (s *Store) EachSubsidy(ctx context.Context, fn func(ledger.Subsidy) error) error {
	cur, err := s.DB.Collection(colStatements).Find(ctx, bson.D{{Key: "status", Value: "approved"}})
	if err != nil {
		return wrap("mongostore.EachSubsidy", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var st struct {
			ID     string   `bson:"_id"`
			Carer  string   `bson:"carer"`
			Areas  []string `bson:"areas"`
			Month  string   `bson:"month"`
			Amount int      `bson:"amount"`
		}
		if err := cur.Decode(&st); err != nil {
			return wrap("mongostore.EachSubsidy", err)
		}
		if err := fn(ledger.Subsidy{ID: st.ID, Carer: st.Carer, Areas: st.Areas, Month: st.Month, Amount: st.Amount}); err != nil {
			return err
		}
	}
	return wrap("mongostore.EachSubsidy", cur.Err())
}

func scanAll(ctx context.Context, c *mongo.Collection, filter bson.D, proj bson.D, fn func(bson.Raw) error) error {
	cur, err := c.Find(ctx, filter, options.Find().SetProjection(proj))
	if err != nil {
		return wrap("mongostore.scan "+c.Name(), err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		if err := fn(cur.Current); err != nil {
			return err
		}
	}
	return wrap("mongostore.scan "+c.Name(), cur.Err())
}

func rawAreas(r bson.Raw) []string {
	var out []string
	if arr, ok := r.Lookup("areas").ArrayOK(); ok {
		vals, _ := arr.Values()
		for _, v := range vals {
			if s, ok := v.StringValueOK(); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// RegisterCensus counts the registers by area (every level): villages
// taking part (with an elder covered by a pair), active volunteers, active
// pairs, active elders and those covered, active carers and the people on
// the carer roster; and volunteers recruited by month.
func (s *Store) RegisterCensus(ctx context.Context) (map[string]ledger.Register, map[string]map[string]int, error) {
	reg := map[string]ledger.Register{}
	bump := func(areas []string, f func(*ledger.Register)) {
		for _, a := range areas {
			r := reg[a]
			f(&r)
			reg[a] = r
		}
	}
	villages := map[string]bool{}
	paired := map[string]bool{}
	err := scanAll(ctx, s.DB.Collection(colPairs), bson.D{{Key: "status", Value: "active"}}, bson.D{{Key: "areas", Value: 1}, {Key: "elder", Value: 1}}, func(r bson.Raw) error {
		bump(rawAreas(r), func(g *ledger.Register) { g.Pairs++ })
		if e, ok := r.Lookup("elder").StringValueOK(); ok {
			paired[e] = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = scanAll(ctx, s.DB.Collection(colElders), bson.D{{Key: "status", Value: registry.StatusActive}},
		bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "volunteers", Value: 1}}, func(r bson.Raw) error {
			as := rawAreas(r)
			id, _ := r.Lookup("_id").StringValueOK()
			covered := paired[id]
			if arr, ok := r.Lookup("volunteers").ArrayOK(); ok {
				vals, _ := arr.Values()
				covered = covered || len(vals) > 0
			}
			bump(as, func(g *ledger.Register) {
				g.Elders++
				if covered {
					g.Covered++
				}
			})
			if covered {
				if v, ok := r.Lookup("village").StringValueOK(); ok {
					villages[v] = true
				}
			}
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	for v := range villages {
		bump(registry.AreasOf(v), func(g *ledger.Register) { g.Villages++ })
	}
	recruited := map[string]map[string]int{}
	err = scanAll(ctx, s.DB.Collection(colVolunteers), bson.D{}, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "createdAt", Value: 1}},
		func(r bson.Raw) error {
			as := rawAreas(r)
			if st, _ := r.Lookup("status").StringValueOK(); st == registry.VolActive {
				bump(as, func(g *ledger.Register) { g.Volunteers++ })
			}
			if t, ok := r.Lookup("createdAt").TimeOK(); ok {
				m := t.In(clock.Shanghai).Format("2006-01")
				for _, a := range as {
					if recruited[a] == nil {
						recruited[a] = map[string]int{}
					}
					recruited[a][m]++
				}
			}
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	err = scanAll(ctx, s.DB.Collection(colCarers), bson.D{{Key: "status", Value: registry.VolActive}}, bson.D{{Key: "areas", Value: 1}}, func(r bson.Raw) error {
		bump(rawAreas(r), func(g *ledger.Register) { g.Carers++ })
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = scanAll(ctx, s.DB.Collection(colCarerRoster), bson.D{{Key: "status", Value: "active"}}, bson.D{{Key: "areas", Value: 1}}, func(r bson.Raw) error {
		bump(rawAreas(r), func(g *ledger.Register) { g.CaredFor++ })
		return nil
	})
	return reg, recruited, err
}

// totalsMeta names the current snapshot of the totals: the generation
// of its documents, and the deltas it includes already (those present
// when it was written; they are deleted right after).
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

// ReplaceTotals writes a new snapshot of the totals (a new generation,
// with inserts only), marks every counted key applied, switches to it and
// removes the old generation and the deltas it includes.
func (s *Store) ReplaceTotals(ctx context.Context, areas []ledger.AreaTotals, people []ledger.PersonTotals, counted []string) error {
	now := time.Now()
	t0 := now
	prev, _, err := s.currentTotals(ctx)
	if err != nil {
		return err
	}
	t0 = trace("read current snapshot", t0)
	// Every counted key gets its marker, so that a late retry of an entry
	// the snapshot counts adds nothing.
	have := map[string]bool{}
	if err := scanAll(ctx, s.DB.Collection(colLedgerApplied), bson.D{}, bson.D{{Key: "_id", Value: 1}}, func(r bson.Raw) error {
		id, _ := r.Lookup("_id").StringValueOK()
		have[id] = true
		return nil
	}); err != nil {
		return err
	}
	var marks []appliedMark
	inSnap := make(map[string]bool, len(counted))
	for _, id := range counted {
		inSnap[id] = true
		if !have[id] {
			marks = append(marks, appliedMark{ID: id, At: now})
		}
	}
	t0 = trace("read applied markers", t0)
	if err := insertChunks(ctx, s.DB.Collection(colLedgerApplied), marks); err != nil {
		return err
	}
	t0 = trace(fmt.Sprintf("insert %d applied markers", len(marks)), t0)
	gen := fmt.Sprintf("%020d", now.UnixNano())
	ga := make([]genArea, len(areas))
	for i, a := range areas {
		ga[i] = genArea{ID: gen + "|" + a.ID, Gen: gen, Code: a.ID, Months: a.Months, Register: a.Register, CensusAt: a.CensusAt}
	}
	if err := insertChunks(ctx, s.DB.Collection(colAreaTotals), ga); err != nil {
		return err
	}
	t0 = trace("insert area snapshot", t0)
	gp := make([]genArea, len(people))
	for i, p := range people {
		gp[i] = genArea{ID: gen + "|" + p.ID, Gen: gen, Code: p.ID, Months: p.Months}
	}
	if err := insertChunks(ctx, s.DB.Collection(colPersonTotals), gp); err != nil {
		return err
	}
	t0 = trace("insert person snapshot", t0)
	meta := totalsMeta{ID: gen, At: now, Included: []string{}}
	if err := scanAll(ctx, s.DB.Collection(colTotalsDeltas), bson.D{}, bson.D{{Key: "_id", Value: 1}}, func(r bson.Raw) error {
		if id, _ := r.Lookup("_id").StringValueOK(); inSnap[id] {
			meta.Included = append(meta.Included, id)
		}
		return nil
	}); err != nil {
		return err
	}
	if _, err := s.DB.Collection(colTotalsMeta).InsertOne(ctx, meta); err != nil {
		return wrap("mongostore.ReplaceTotals", err)
	}
	t0 = trace("switch", t0)
	// Switched. Tidy up: the included deltas, the old generations.
	for i := 0; i < len(meta.Included); i += 5000 {
		ids := meta.Included[i:min(i+5000, len(meta.Included))]
		if _, err := s.DB.Collection(colTotalsDeltas).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
			return wrap("mongostore.ReplaceTotals", err)
		}
	}
	t0 = trace("delete included deltas", t0)
	if prev.ID != "" {
		if _, err := s.DB.Collection(colTotalsMeta).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: gen}}}}); err != nil {
			return wrap("mongostore.ReplaceTotals", err)
		}
		for _, c := range []string{colAreaTotals, colPersonTotals} {
			if _, err := s.DB.Collection(c).DeleteMany(ctx, bson.D{{Key: "gen", Value: bson.D{{Key: "$ne", Value: gen}}}}); err != nil {
				return wrap("mongostore.ReplaceTotals", err)
			}
		}
		trace("delete old snapshot", t0)
	}
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
// deltas it does not include. The deltas collection holds what was
// applied since the last rebuild (the nightly task keeps it to a day).
func (s *Store) currentTotals(ctx context.Context) (totalsMeta, []delta, error) {
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
	all, err := findAll[delta](ctx, s.DB.Collection(colTotalsDeltas), bson.D{}, nil)
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
// document read by _id, plus the deltas since. Never the ledger.
func (s *Store) AreaTotals(ctx context.Context, codes []string) (map[string]ledger.AreaTotals, error) {
	meta, deltas, err := s.currentTotals(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]ledger.AreaTotals, len(codes))
	for _, c := range codes {
		t := ledger.AreaTotals{Months: map[string]ledger.Sums{}}
		if meta.ID != "" {
			g, err := get[genArea](ctx, s.DB.Collection(colAreaTotals), meta.ID+"|"+c)
			if err != nil && !isNotFound(err) {
				return nil, err
			}
			if g.Months != nil {
				t = ledger.AreaTotals{Months: g.Months, Register: g.Register, CensusAt: g.CensusAt}
			}
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
// "c:<id>"): the snapshot document by _id plus the deltas since.
func (s *Store) PersonTotals(ctx context.Context, id string) (ledger.PersonTotals, error) {
	meta, deltas, err := s.currentTotals(ctx)
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
		for _, p := range d.People {
			if p == id {
				t.Months = addMonth(t.Months, d.Month, d.Sums)
			}
		}
	}
	return t, nil
}

// AllTotals returns every area's and person's current totals (snapshot
// plus deltas), keyed by code or person key: for checks against a
// recount (tests, the benchmark), not for serving.
func (s *Store) AllTotals(ctx context.Context) (map[string]map[string]ledger.Sums, map[string]map[string]ledger.Sums, error) {
	meta, deltas, err := s.currentTotals(ctx)
	if err != nil {
		return nil, nil, err
	}
	areas, people := map[string]map[string]ledger.Sums{}, map[string]map[string]ledger.Sums{}
	for _, x := range []struct {
		col string
		out map[string]map[string]ledger.Sums
	}{{colAreaTotals, areas}, {colPersonTotals, people}} {
		gs, err := findAll[genArea](ctx, s.DB.Collection(x.col), bson.D{{Key: "gen", Value: meta.ID}}, nil)
		if err != nil {
			return nil, nil, err
		}
		for _, g := range gs {
			x.out[g.Code] = g.Months
		}
	}
	for _, d := range deltas {
		for _, a := range d.Areas {
			areas[a] = addMonth(areas[a], d.Month, d.Sums)
		}
		for _, p := range d.People {
			people[p] = addMonth(people[p], d.Month, d.Sums)
		}
	}
	return areas, people, nil
}

// LedgerEntries returns a page of ledger entries, newest first.
func (s *Store) LedgerEntries(ctx context.Context, f ledger.Filter) ([]ledger.Entry, int, error) {
	d := bson.D{}
	if f.Area != "" {
		d = append(d, bson.E{Key: "areas", Value: f.Area})
	}
	if f.Volunteer != "" {
		d = append(d, bson.E{Key: "volunteer", Value: f.Volunteer})
	}
	if f.Month != "" {
		d = append(d, bson.E{Key: "month", Value: f.Month})
	}
	return page[ledger.Entry](ctx, s.DB.Collection(colLedger), d, bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: 1}}, f.Offset, f.Limit)
}

// InsertCertificate stores a certificate.
func (s *Store) InsertCertificate(ctx context.Context, c ledger.Certificate) error {
	_, err := s.DB.Collection(colCertificates).InsertOne(ctx, c)
	return wrap("mongostore.InsertCertificate", err)
}

// Certificate returns a certificate by its code.
func (s *Store) Certificate(ctx context.Context, code string) (ledger.Certificate, error) {
	return get[ledger.Certificate](ctx, s.DB.Collection(colCertificates), code)
}

// InsertLedgerEntries appends entries in bulk, skipping keys already
// there (the benchmark's loader); it returns how many were new.
func (s *Store) InsertLedgerEntries(ctx context.Context, es []ledger.Entry) (int, error) {
	idx, err := insertNew(ctx, s.DB.Collection(colLedger), es)
	return len(idx), err
}
