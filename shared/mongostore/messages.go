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
	// The message itself is not updated here: the claim's existence is what
	// stops a second send, and the outcome is written once, after the send
	// (on the embedded FerretDB every in-place update scans the collection).
	_, err := s.DB.Collection(colSMSClaims).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "at", Value: time.Now()}})
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

// Unclaim releases a claim whose send the carrier refused as rate limited
// (so it was not sent): the message is queued again.
func (s *Store) Unclaim(ctx context.Context, id string) error {
	_, err := s.DB.Collection(colSMSClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return wrap("mongostore.Unclaim", err)
}

// Claimed reports whether a message was claimed for sending.
func (s *Store) Claimed(ctx context.Context, id string) (bool, error) {
	err := s.DB.Collection(colSMSClaims).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
	if err == mongo.ErrNoDocuments {
		return false, nil
	}
	return err == nil, wrap("mongostore.Claimed", err)
}

// OptedOut reports whether a phone replied STOP.
func (s *Store) OptedOut(ctx context.Context, phone string) (bool, error) {
	err := s.DB.Collection(colSMSOptOuts).FindOne(ctx, bson.D{{Key: "_id", Value: phone}}).Err()
	if err == mongo.ErrNoDocuments {
		return false, nil
	}
	return err == nil, wrap("mongostore.OptedOut", err)
}

// SetOptOut records or lifts an opt-out.
func (s *Store) SetOptOut(ctx context.Context, phone string, out bool, at time.Time) error {
	c := s.DB.Collection(colSMSOptOuts)
	if !out {
		_, err := c.DeleteOne(ctx, bson.D{{Key: "_id", Value: phone}})
		return wrap("mongostore.SetOptOut", err)
	}
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: phone}, {Key: "at", Value: at}})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return wrap("mongostore.SetOptOut", err)
}

// MessageBySID finds a message by Twilio's SID.
func (s *Store) MessageBySID(ctx context.Context, sid string) (notify.Message, error) {
	var m notify.Message
	err := s.DB.Collection(colMessages).FindOne(ctx, bson.D{{Key: "sid", Value: sid}}).Decode(&m)
	return m, wrap("mongostore.MessageBySID", err)
}

// AdvanceStatus sets a message's status only if its current status is one
// of from (statuses move forward only).
func (s *Store) AdvanceStatus(ctx context.Context, id, status, errText string, from []string, at time.Time) (bool, error) {
	set := bson.D{{Key: "status", Value: status}, {Key: "updatedAt", Value: at}}
	if errText != "" {
		set = append(set, bson.E{Key: "error", Value: errText})
	}
	r, err := s.DB.Collection(colMessages).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: bson.D{{Key: "$in", Value: from}}}}, bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return false, wrap("mongostore.AdvanceStatus", err)
	}
	return r.ModifiedCount == 1, nil
}

// InsertInbound stores a reply; a repeated SID is a Conflict.
func (s *Store) InsertInbound(ctx context.Context, in notify.Inbound) error {
	_, err := s.DB.Collection(colSMSInbound).InsertOne(ctx, in)
	return wrap("mongostore.InsertInbound", err)
}

// InboundMessages lists replies, newest first.
func (s *Store) InboundMessages(ctx context.Context, offset, limit int) ([]notify.Inbound, int, error) {
	return page[notify.Inbound](ctx, s.DB.Collection(colSMSInbound), bson.D{}, bson.D{{Key: "at", Value: -1}}, offset, limit)
}

// Template returns an admin's edit of an SMS template.
func (s *Store) Template(ctx context.Context, key string) (notify.Template, error) {
	return get[notify.Template](ctx, s.DB.Collection(colSMSTemplates), key)
}

// PutTemplate saves an admin's edit of an SMS template.
func (s *Store) PutTemplate(ctx context.Context, t notify.Template) error {
	_, err := s.DB.Collection(colSMSTemplates).ReplaceOne(ctx, bson.D{{Key: "_id", Value: t.Key}}, t, options.Replace().SetUpsert(true))
	return wrap("mongostore.PutTemplate", err)
}
