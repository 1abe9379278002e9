package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// colDemoState holds the demo's unfinished background work (read by _id).
const colDemoState = "demo_state"

type demoPairing struct {
	ID       string   `bson:"_id"`
	Counties []string `bson:"counties"`
}

// MarkDemoPairing records that the demo's counties still have to be paired
// and planned, so that a start after a stop finishes it.
func (s *Store) MarkDemoPairing(ctx context.Context, counties []string) error {
	_, err := s.DB.Collection(colDemoState).ReplaceOne(ctx, bson.D{{Key: "_id", Value: "pairing"}},
		demoPairing{ID: "pairing", Counties: counties}, options.Replace().SetUpsert(true))
	return wrap("mongostore.MarkDemoPairing", err)
}

// DemoPairing returns the counties whose demo pairing is unfinished; none
// when there is nothing to do.
func (s *Store) DemoPairing(ctx context.Context) ([]string, error) {
	d, err := get[demoPairing](ctx, s.DB.Collection(colDemoState), "pairing")
	if isNotFound(err) {
		return nil, nil
	}
	return d.Counties, err
}

// DemoPaired records that the demo's pairing and planning finished.
func (s *Store) DemoPaired(ctx context.Context) error {
	_, err := s.DB.Collection(colDemoState).DeleteOne(ctx, bson.D{{Key: "_id", Value: "pairing"}})
	return wrap("mongostore.DemoPaired", err)
}
