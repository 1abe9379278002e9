package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/ledger"
	"jinhui/services/record"
	"jinhui/services/recruit"
	"jinhui/shared/page"
)

// colRecordItems holds the appended lines of service records: awards,
// evaluations, correction requests and amendments.
const colRecordItems = "record_items"

// recordIndexes serve a volunteer's record and an area's correction list
// (with and without a state).
var recordIndexes = []index{
	{colRecordItems, bson.D{{Key: "volunteer", Value: 1}, {Key: "at", Value: -1}}, false},
	{colRecordItems, bson.D{{Key: "areas", Value: 1}, {Key: "kind", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: 1}}, false},
	{colRecordItems, bson.D{{Key: "areas", Value: 1}, {Key: "kind", Value: 1}, {Key: "status", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: 1}}, false},
}

// BatchesByID returns the given training batches in one query.
func (s *Store) BatchesByID(ctx context.Context, ids []string) ([]recruit.Batch, error) {
	return byIDs[recruit.Batch](ctx, s, s.DB.Collection(colBatches), ids, "mongostore.BatchesByID")
}

// LedgerEntriesIn returns at most limit volunteer entries of a subtree and
// span of months in one query.
func (s *Store) LedgerEntriesIn(ctx context.Context, area, from, to string, limit int) ([]ledger.Entry, error) {
	f := bson.D{{Key: "areas", Value: area}, {Key: "month", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}},
		{Key: "kind", Value: bson.D{{Key: "$in", Value: []string{ledger.KindCredit, ledger.KindHonour}}}}}
	cur, err := s.DB.Collection(colLedger).Find(ctx, f, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, wrap("mongostore.LedgerEntriesIn", err)
	}
	out := []ledger.Entry{}
	return out, wrap("mongostore.LedgerEntriesIn", cur.All(ctx, &out))
}

// RecordItems returns at most limit items of a volunteer, newest first.
func (s *Store) RecordItems(ctx context.Context, volunteer string, limit int) ([]record.Item, error) {
	cur, err := s.DB.Collection(colRecordItems).Find(ctx, bson.D{{Key: "volunteer", Value: volunteer}},
		options.Find().SetSort(bson.D{{Key: "at", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, wrap("mongostore.RecordItems", err)
	}
	out := []record.Item{}
	return out, wrap("mongostore.RecordItems", cur.All(ctx, &out))
}

// RecordItem returns one record item.
func (s *Store) RecordItem(ctx context.Context, id string) (record.Item, error) {
	return get[record.Item](ctx, s.DB.Collection(colRecordItems), id)
}

// InsertRecordItem stores an item; Conflict when its id exists.
func (s *Store) InsertRecordItem(ctx context.Context, it record.Item) error {
	_, err := s.DB.Collection(colRecordItems).InsertOne(ctx, it)
	return wrap("mongostore.InsertRecordItem", err)
}

// ReplaceRecordItem writes it at the version read and bumps it.
func (s *Store) ReplaceRecordItem(ctx context.Context, it *record.Item) error {
	read := it.Version
	it.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colRecordItems), it.ID, read, it); err != nil {
		it.Version = read
		return err
	}
	return nil
}

// Corrections pages the correction requests of a subtree, newest first.
func (s *Store) Corrections(ctx context.Context, area, status string, pg page.Params) ([]record.Item, int, error) {
	f := bson.D{{Key: "areas", Value: area}, {Key: "kind", Value: record.KindCorrection}}
	if status != "" {
		f = append(f, bson.E{Key: "status", Value: status})
	}
	return pageOf[record.Item](ctx, s.DB.Collection(colRecordItems), f, bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: 1}}, pg)
}

// colCertSettings holds the counties' certificate settings (by _id).
const colCertSettings = "certificate_settings"

// CertSettings returns a county's certificate settings.
func (s *Store) CertSettings(ctx context.Context, county string) (ledger.CertSettings, error) {
	return get[ledger.CertSettings](ctx, s.DB.Collection(colCertSettings), county)
}

// PutCertSettings stores a county's certificate settings.
func (s *Store) PutCertSettings(ctx context.Context, cs ledger.CertSettings) error {
	_, err := s.DB.Collection(colCertSettings).ReplaceOne(ctx, bson.D{{Key: "_id", Value: cs.County}}, cs, options.Replace().SetUpsert(true))
	return wrap("mongostore.PutCertSettings", err)
}

// WithdrawCertificate marks a certificate withdrawn unless it is already.
func (s *Store) WithdrawCertificate(ctx context.Context, code, cause string, at time.Time) error {
	r, err := s.DB.Collection(colCertificates).UpdateOne(ctx, bson.D{{Key: "_id", Value: code}, {Key: "withdrawnAt", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "withdrawnAt", Value: at}, {Key: "withdrawCause", Value: cause}}}})
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	return wrap("mongostore.WithdrawCertificate", err)
}
