package mongostore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// allIndexes is every declared index, per collection in declaration order.
func allIndexes() []index {
	all := append(append(append(append([]index{}, indexes...), pairingIndexes...), recruitIndexes...), visitIndexes...)
	return append(append(append(append(append(append(all, ledgerIndexes...), superviseIndexes...), wishIndexes...), cardIndexes...), familyIndexes...), recordIndexes...)
}

// EnsureIndexes creates every declared index the database lacks, so it
// can run at every start and in every migrate step: one listing per
// collection, then a create for each declared index not there with the
// same keys and uniqueness (one that differs is created, and the server
// reports the conflict as before). On a database that has them all that
// is 45 listings instead of 129 creates, at every platform start and at
// every restart of a fault test (issue 19).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	have := map[string]map[string]bool{}
	for _, ix := range allIndexes() {
		got, ok := have[ix.coll]
		if !ok {
			var err error
			if got, err = s.existingIndexes(ctx, ix.coll); err != nil {
				return fmt.Errorf("index on %s: %w", ix.coll, err)
			}
			have[ix.coll] = got
		}
		if unique, ok := got[keyString(ix.keys)]; ok && unique == ix.unique {
			continue
		}
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetUnique(ix.unique)}
		if _, err := s.DB.Collection(ix.coll).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("index on %s: %w", ix.coll, err)
		}
	}
	return nil
}

// existingIndexes lists a collection's indexes as key string → unique;
// none when the collection does not exist yet.
func (s *Store) existingIndexes(ctx context.Context, coll string) (map[string]bool, error) {
	specs, err := s.DB.Collection(coll).Indexes().ListSpecifications(ctx)
	var ce mongo.CommandError
	if err != nil && !(errors.As(err, &ce) && ce.Code == 26) { // 26: NamespaceNotFound
		return nil, err
	}
	got := map[string]bool{}
	for _, sp := range specs {
		var keys bson.D
		if err := bson.Unmarshal(sp.KeysDocument, &keys); err == nil {
			got[keyString(keys)] = sp.Unique != nil && *sp.Unique
		}
	}
	return got, nil
}

// CheckIndexes lists the declared indexes the database does not have, as
// "collection {key: dir, …}" strings; empty when all are there. A
// collection that does not exist yet has none of its indexes.
func (s *Store) CheckIndexes(ctx context.Context) ([]string, error) {
	have := map[string]map[string]bool{}
	var missing []string
	for _, ix := range allIndexes() {
		got, ok := have[ix.coll]
		if !ok {
			var err error
			if got, err = s.existingIndexes(ctx, ix.coll); err != nil {
				return nil, fmt.Errorf("mongostore.CheckIndexes %s: %w", ix.coll, err)
			}
			have[ix.coll] = got
		}
		if _, ok := got[keyString(ix.keys)]; !ok {
			missing = append(missing, ix.coll+" "+keyString(ix.keys))
		}
	}
	return missing, nil
}

// keyString writes an index key document as {a: 1, b: -1}, numbers
// normalised (a server may answer 1 as an int32, int64 or double).
func keyString(keys bson.D) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		dir := fmt.Sprint(k.Value)
		switch v := k.Value.(type) {
		case int32:
			dir = fmt.Sprint(int(v))
		case int64:
			dir = fmt.Sprint(int(v))
		case float64:
			dir = fmt.Sprint(int(v))
		}
		parts[i] = k.Key + ": " + dir
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
