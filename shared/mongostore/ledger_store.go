package mongostore

import (
	"context"

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
func (s *Store) RegisterCensus(ctx context.Context, scope string) (map[string]ledger.Register, map[string]map[string]int, error) {
	reg := map[string]ledger.Register{}
	in := func(d bson.D) bson.D {
		if scope != "" {
			d = append(d, bson.E{Key: "areas", Value: scope})
		}
		return d
	}
	bump := func(areas []string, f func(*ledger.Register)) {
		for _, a := range areas {
			r := reg[a]
			f(&r)
			reg[a] = r
		}
	}
	villages := map[string]bool{}
	paired := map[string]bool{}
	err := scanAll(ctx, s.DB.Collection(colPairs), in(bson.D{{Key: "status", Value: "active"}}), bson.D{{Key: "areas", Value: 1}, {Key: "elder", Value: 1}}, func(r bson.Raw) error {
		bump(rawAreas(r), func(g *ledger.Register) { g.Pairs++ })
		if e, ok := r.Lookup("elder").StringValueOK(); ok {
			paired[e] = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = scanAll(ctx, s.DB.Collection(colElders), in(bson.D{{Key: "status", Value: registry.StatusActive}}),
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
	err = scanAll(ctx, s.DB.Collection(colVolunteers), in(bson.D{}), bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "createdAt", Value: 1}},
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
	err = scanAll(ctx, s.DB.Collection(colCarers), in(bson.D{{Key: "status", Value: registry.VolActive}}), bson.D{{Key: "areas", Value: 1}}, func(r bson.Raw) error {
		bump(rawAreas(r), func(g *ledger.Register) { g.Carers++ })
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = scanAll(ctx, s.DB.Collection(colCarerRoster), in(bson.D{{Key: "status", Value: "active"}}), bson.D{{Key: "areas", Value: 1}}, func(r bson.Raw) error {
		bump(rawAreas(r), func(g *ledger.Register) { g.CaredFor++ })
		return nil
	})
	return reg, recruited, err
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
	return findPage[ledger.Entry](ctx, s.DB.Collection(colLedger), d, bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: 1}}, f.Offset, f.Limit)
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
