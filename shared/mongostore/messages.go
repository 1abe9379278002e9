package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/notify"
)

// InsertMessage records a message under its business key.
func (s *Store) InsertMessage(ctx context.Context, m notify.Message) error {
	_, err := s.DB.Collection(colMessages).InsertOne(ctx, m)
	return wrap("mongostore.InsertMessage", err)
}

// Message returns one message.
func (s *Store) Message(ctx context.Context, id string) (notify.Message, error) {
	return get[notify.Message](ctx, s.DB.Collection(colMessages), id)
}

// Claim marks a message as being sent by inserting its claim; only one
// insert of a key can win, on FerretDB as on MongoDB (PLATFORM.md).
func (s *Store) Claim(ctx context.Context, id string) error {
	_, err := s.DB.Collection(colSMSClaims).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "at", Value: time.Now()}})
	if err != nil {
		return wrap("mongostore.Claim", err)
	}
	_, err = s.DB.Collection(colMessages).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: notify.StatusSending}}}})
	return wrap("mongostore.Claim", err)
}

// SetMessageStatus records the outcome of a send.
func (s *Store) SetMessageStatus(ctx context.Context, id, status, sid, errText string, at time.Time) error {
	set := bson.D{{Key: "status", Value: status}, {Key: "sentAt", Value: at}}
	if sid != "" {
		set = append(set, bson.E{Key: "sid", Value: sid})
	}
	if errText != "" {
		set = append(set, bson.E{Key: "error", Value: errText})
	}
	r, err := s.DB.Collection(colMessages).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}})
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	return wrap("mongostore.SetMessageStatus", err)
}

// Messages lists messages, newest first, optionally of one status.
func (s *Store) Messages(ctx context.Context, status string, offset, limit int) ([]notify.Message, int, error) {
	f := bson.D{}
	if status != "" {
		f = bson.D{{Key: "status", Value: status}}
	}
	return page[notify.Message](ctx, s.DB.Collection(colMessages), f, bson.D{{Key: "createdAt", Value: -1}}, offset, limit)
}

// QueuedBefore returns messages still queued that were created before t.
func (s *Store) QueuedBefore(ctx context.Context, t time.Time, limit int) ([]notify.Message, error) {
	cur, err := s.DB.Collection(colMessages).Find(ctx,
		bson.D{{Key: "status", Value: notify.StatusQueued}, {Key: "createdAt", Value: bson.D{{Key: "$lt", Value: t}}}},
		options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, wrap("mongostore.QueuedBefore", err)
	}
	out := []notify.Message{}
	return out, wrap("mongostore.QueuedBefore", cur.All(ctx, &out))
}
