package mongostore

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/carer"
	"jinhui/services/ledger"
	"jinhui/services/pairing"
	"jinhui/services/registry"
)

// The census collection holds one document per area with the register
// figures counted at a generation of the registers, and the generation
// itself under censusGenID: every write to elders, volunteers, pairs,
// carers or the carer roster advances it (touched), so a saved
// census is current exactly while its generation is the present one.
const (
	colCensus   = "census"
	censusGenID = "~gen"
	// censusMaxAge bounds how long a saved census is served even at the
	// present generation (a generation bump lost to a failure after its
	// write is put right by then).
	censusMaxAge = 10 * time.Minute
	// scanBatch is the batch of the reads that stream a register, so that
	// a county's scan is one command rather than one per 101 rows.
	scanBatch = 5000
)

type censusDoc struct {
	ID        string          `bson:"_id"`
	Gen       int64           `bson:"gen"`
	At        time.Time       `bson:"at"`
	Register  ledger.Register `bson:"register"`
	Recruited map[string]int  `bson:"recruited,omitempty"`
}

// SavedCensus returns the saved census of codes and the present
// generation, in one read by _id.
func (s *Store) SavedCensus(ctx context.Context, codes []string) (ledger.Census, int64, bool, error) {
	ids := append([]string{censusGenID}, codes...)
	docs, err := findAll[censusDoc](ctx, s.DB.Collection(colCensus), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, nil)
	if err != nil {
		return ledger.Census{}, 0, false, err
	}
	var gen int64
	byID := map[string]censusDoc{}
	for _, d := range docs {
		if d.ID == censusGenID {
			gen = d.Gen
			continue
		}
		byID[d.ID] = d
	}
	c := ledger.Census{Register: map[string]ledger.Register{}, Recruited: map[string]map[string]int{}}
	for _, code := range codes {
		d, ok := byID[code]
		if !ok || d.Gen != gen || time.Since(d.At) > censusMaxAge {
			return ledger.Census{}, gen, false, nil
		}
		c.Register[code], c.Recruited[code] = d.Register, d.Recruited
		if c.At.IsZero() || d.At.Before(c.At) {
			c.At = d.At
		}
	}
	return c, gen, true, nil
}

// SaveCensus writes the census of codes at generation gen, in one bulk
// write (only the codes asked for: a county's recount does not write a
// document for each of its villages).
func (s *Store) SaveCensus(ctx context.Context, gen int64, codes []string, c ledger.Census) error {
	seen := map[string]bool{}
	var ms []mongo.WriteModel
	add := func(code string) {
		if seen[code] || code == censusGenID {
			return
		}
		seen[code] = true
		d := censusDoc{ID: code, Gen: gen, At: c.At, Register: c.Register[code], Recruited: c.Recruited[code]}
		ms = append(ms, mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: code}}).SetReplacement(d).SetUpsert(true))
	}
	for _, code := range codes {
		add(code)
	}
	if len(ms) == 0 {
		return nil
	}
	_, err := bulkWrite(ctx, s.DB.Collection(colCensus), ms, false)
	return wrap("mongostore.SaveCensus", err)
}

// CensusRows reads the rows the census counts in the subtree of scope
// ("": everything), projected to the fields counted: one scan per
// register.
func (s *Store) CensusRows(ctx context.Context, scope string) (ledger.CensusRows, error) {
	var rows ledger.CensusRows
	in := func(d bson.D) bson.D {
		if scope != "" {
			d = append(d, bson.E{Key: "areas", Value: scope})
		}
		return d
	}
	err := scanAll(ctx, s.DB.Collection(colPairs), in(bson.D{{Key: "status", Value: pairing.PairActive}}), bson.D{{Key: "areas", Value: 1}, {Key: "elder", Value: 1}}, func(r bson.Raw) error {
		e, _ := r.Lookup("elder").StringValueOK()
		rows.Pairs = append(rows.Pairs, ledger.CensusPair{Elder: e, Areas: rawAreas(r)})
		return nil
	})
	if err != nil {
		return rows, err
	}
	err = scanAll(ctx, s.DB.Collection(colElders), in(bson.D{{Key: "status", Value: registry.StatusActive}}),
		bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "volunteers", Value: 1}}, func(r bson.Raw) error {
			e := ledger.CensusElder{Areas: rawAreas(r)}
			e.ID, _ = r.Lookup("_id").StringValueOK()
			e.Village, _ = r.Lookup("village").StringValueOK()
			if arr, ok := r.Lookup("volunteers").ArrayOK(); ok {
				vals, _ := arr.Values()
				e.Volunteers = len(vals)
			}
			rows.Elders = append(rows.Elders, e)
			return nil
		})
	if err != nil {
		return rows, err
	}
	err = scanAll(ctx, s.DB.Collection(colVolunteers), in(bson.D{}), bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "createdAt", Value: 1}},
		func(r bson.Raw) error {
			v := ledger.CensusVolunteer{Areas: rawAreas(r)}
			v.Status, _ = r.Lookup("status").StringValueOK()
			v.CreatedAt, _ = r.Lookup("createdAt").TimeOK()
			rows.Volunteers = append(rows.Volunteers, v)
			return nil
		})
	if err != nil {
		return rows, err
	}
	err = scanAll(ctx, s.DB.Collection(colCarers), in(bson.D{{Key: "status", Value: registry.VolActive}}), bson.D{{Key: "areas", Value: 1}}, func(r bson.Raw) error {
		rows.Carers = append(rows.Carers, rawAreas(r))
		return nil
	})
	if err != nil {
		return rows, err
	}
	err = scanAll(ctx, s.DB.Collection(colCarerRoster), in(bson.D{{Key: "status", Value: carer.Active}}), bson.D{{Key: "areas", Value: 1}}, func(r bson.Raw) error {
		rows.Roster = append(rows.Roster, rawAreas(r))
		return nil
	})
	return rows, err
}

// censusRegisters are the collections the census and the saved reports
// count.
var censusRegisters = map[string]bool{colElders: true, colVolunteers: true, colPairs: true, colCarers: true, colCarerRoster: true,
	colRelays: true, colPairSettings: true}

// touched advances the registers' generation after a write to c when c is
// one the census counts.
func touched(ctx context.Context, c *mongo.Collection) {
	if !censusRegisters[c.Name()] {
		return
	}
	_, _ = c.Database().Collection(colCensus).UpdateOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: censusGenID}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "gen", Value: int64(1)}}}}, options.UpdateOne().SetUpsert(true))
}

type reportDoc struct {
	ID   string    `bson:"_id"`
	Gen  int64     `bson:"gen"`
	At   time.Time `bson:"at"`
	Body bson.Raw  `bson:"body"`
}

// SavedReport decodes into v the report saved under key when it was made
// at the registers' present generation (ok), in one read by _id; it also
// returns that generation, to save a fresh report under.
func (s *Store) SavedReport(ctx context.Context, key string, v any) (int64, bool, error) {
	docs, err := findAll[reportDoc](ctx, s.DB.Collection(colCensus), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{censusGenID, "report|" + key}}}}}, nil)
	if err != nil {
		return 0, false, err
	}
	var gen int64
	var saved *reportDoc
	for i, d := range docs {
		if d.ID == censusGenID {
			gen = d.Gen
		} else {
			saved = &docs[i]
		}
	}
	if saved == nil || saved.Gen != gen || time.Since(saved.At) > censusMaxAge || len(saved.Body) == 0 {
		return gen, false, nil
	}
	if err := bson.Unmarshal(saved.Body, v); err != nil {
		return gen, false, nil
	}
	return gen, true, nil
}

// SaveReport saves v under key, made at generation gen.
func (s *Store) SaveReport(ctx context.Context, key string, gen int64, v any) error {
	body, err := bson.Marshal(v)
	if err != nil {
		return fmt.Errorf("mongostore.SaveReport: %w", err)
	}
	_, err = s.DB.Collection(colCensus).ReplaceOne(ctx, bson.D{{Key: "_id", Value: "report|" + key}},
		reportDoc{ID: "report|" + key, Gen: gen, At: time.Now(), Body: body}, options.Replace().SetUpsert(true))
	return wrap("mongostore.SaveReport", err)
}
