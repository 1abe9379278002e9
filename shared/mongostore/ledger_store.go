package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/carer"
	"jinhui/services/ledger"
	"jinhui/shared/apperr"
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
	cur, err := s.DB.Collection(colStatements).Find(ctx, bson.D{{Key: "status", Value: carer.Approved}})
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
	cur, err := c.Find(ctx, filter, options.Find().SetProjection(proj).SetBatchSize(scanBatch))
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
	return findPage[ledger.Entry](ctx, s.DB.Collection(colLedger), d, orderOr(f.Order, bson.D{{Key: "date", Value: -1}, {Key: "_id", Value: -1}}), f.Offset, f.Limit)
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
