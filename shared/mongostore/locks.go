package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"jinhui/shared/apperr"
)

const colLocks = "locks"

// lease is a deployment-wide lock: one document per name, taken with an
// insert on its _id (exactly one winner on every backend), held by token
// until the time given and renewed by its holder.
type lease struct {
	ID    string    `bson:"_id"`
	Token string    `bson:"token"`
	Until time.Time `bson:"until"`
}

// TryLock takes the lease name for token until the time given. A lease
// held by another token answers Conflict unless it ran out (its holder
// died), in which case it is taken over.
func (s *Store) TryLock(ctx context.Context, name, token string, until time.Time) error {
	c := s.DB.Collection(colLocks)
	for range 2 {
		_, err := c.InsertOne(ctx, lease{ID: name, Token: token, Until: until})
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return wrap("mongostore.TryLock", err)
		}
		cur, err := get[lease](ctx, c, name)
		if isNotFound(err) {
			continue // released meanwhile
		}
		if err != nil {
			return err
		}
		if cur.Until.After(time.Now()) {
			return apperr.New(apperr.Conflict, "操作正在进行")
		}
		// Stale: remove exactly that holder's lease, then race for it.
		if _, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "token", Value: cur.Token}}); err != nil {
			return wrap("mongostore.TryLock", err)
		}
	}
	return apperr.New(apperr.Conflict, "操作正在进行")
}

// RenewLock extends token's lease; NotFound once it was lost.
func (s *Store) RenewLock(ctx context.Context, name, token string, until time.Time) error {
	r, err := s.DB.Collection(colLocks).UpdateOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "token", Value: token}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until}}}})
	if err != nil {
		return wrap("mongostore.RenewLock", err)
	}
	if r.MatchedCount == 0 {
		return apperr.New(apperr.NotFound, "锁已失效")
	}
	return nil
}

// Unlock gives token's lease back (nothing if it is not held by token).
func (s *Store) Unlock(ctx context.Context, name, token string) error {
	_, err := s.DB.Collection(colLocks).DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "token", Value: token}})
	return wrap("mongostore.Unlock", err)
}
