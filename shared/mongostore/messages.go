package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/notify"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

// SMS records are append-only on the send path: the message document is
// written once; a small sms_pending collection holds what is not yet
// settled (for the reconcile task); the claim and the outcome are inserts
// of their own. On the embedded FerretDB every in-place update scans its
// whole collection (PLATFORM.md, measured 16 ms at 10k documents), so a
// send that rewrote the growing messages collection would slow down as it
// grew. Reads merge the pieces by _id.
//
// Measured on FerretDB v1.24 (SQLite): only inserts use the _id index (the
// unique check); a find or delete by _id compares every document of the
// collection (its query's _id expression is not the index's), e.g. 0.9 ms
// at 10 documents, 5 ms at 1,000, 57 ms at 20,000. So the worker reads the
// text to send from sms_pending, which holds the unsettled texts only, not
// from messages, which holds every text ever sent (issue 16).

type smsOutcome struct {
	ID     string    `bson:"_id"`
	Status string    `bson:"status"`
	SID    string    `bson:"sid,omitempty"`
	Error  string    `bson:"error,omitempty"`
	At     time.Time `bson:"at"`
}

// smsPending is an unsettled message: its key and, for the worker, the
// text itself (entries written before issue 16 hold the key alone).
type smsPending struct {
	ID         string    `bson:"_id"`
	CreatedAt  time.Time `bson:"createdAt"`
	To         string    `bson:"to,omitempty"`
	Kind       string    `bson:"kind,omitempty"`
	Body       string    `bson:"body,omitempty"`
	ValidUntil time.Time `bson:"validUntil,omitempty"`
}

func pendingOf(m notify.Message) smsPending {
	return smsPending{ID: m.ID, CreatedAt: m.CreatedAt, To: m.To, Kind: m.Kind, Body: m.Body, ValidUntil: m.ValidUntil}
}

// InsertMessage records a message under its business key; a key already
// used is a Conflict.
func (s *Store) InsertMessage(ctx context.Context, m notify.Message) error {
	m.Status = notify.StatusQueued
	// The pending entry goes first (as in InsertMessages): a stop between
	// the two leaves a pending entry without a message, which QueuedBefore
	// drops, never a message that no sweep would find (issue 12).
	_, err := s.DB.Collection(colSMSPending).InsertOne(ctx, pendingOf(m))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return wrap("mongostore.InsertMessage", err)
	}
	_, err = s.DB.Collection(colMessages).InsertOne(ctx, m)
	return wrap("mongostore.InsertMessage", err)
}

// InsertMessages records many messages in two commands, skipping keys used
// already. The pending entries go first: a crash between the two leaves
// pending entries without a message (dropped by QueuedBefore), never a
// message that nothing would send.
func (s *Store) InsertMessages(ctx context.Context, ms []notify.Message) error {
	if len(ms) == 0 {
		return nil
	}
	ps := make([]smsPending, len(ms))
	for i := range ms {
		ms[i].Status = notify.StatusQueued
		ps[i] = pendingOf(ms[i])
	}
	if _, err := insertNew(ctx, s.DB.Collection(colSMSPending), ps); err != nil {
		return err
	}
	_, err := insertNew(ctx, s.DB.Collection(colMessages), ms)
	return err
}

// merge lays a message's outcome (or its claim) over the stored document.
func (s *Store) merge(ctx context.Context, m *notify.Message) error {
	var o smsOutcome
	err := s.DB.Collection(colSMSOutcomes).FindOne(ctx, bson.D{{Key: "_id", Value: m.ID}}).Decode(&o)
	switch {
	case err == nil:
		m.Status, m.SID, m.Error, m.SentAt = o.Status, o.SID, o.Error, o.At
		return nil
	case err != mongo.ErrNoDocuments:
		return wrap("mongostore.merge", err)
	}
	claimed, err := s.Claimed(ctx, m.ID)
	if err != nil {
		return err
	}
	if claimed {
		m.Status = notify.StatusSending
	}
	return nil
}

// Message returns one message with its current status.
func (s *Store) Message(ctx context.Context, id string) (notify.Message, error) {
	m, err := get[notify.Message](ctx, s.DB.Collection(colMessages), id)
	if err != nil {
		return m, err
	}
	return m, s.merge(ctx, &m)
}

// Recorded returns the message as recorded, without its claim or outcome.
func (s *Store) Recorded(ctx context.Context, id string) (notify.Message, error) {
	return get[notify.Message](ctx, s.DB.Collection(colMessages), id)
}

// Unsettled returns the message as recorded while it has no outcome yet,
// in one read of the small sms_pending collection; ok is false once it
// has one (or when it was never recorded).
func (s *Store) Unsettled(ctx context.Context, id string) (m notify.Message, ok bool, err error) {
	p, err := get[smsPending](ctx, s.DB.Collection(colSMSPending), id)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return m, false, nil
	case err != nil:
		return m, false, err
	case p.To == "":
		// Recorded before the pending entry held the text.
		m, err = s.Recorded(ctx, id)
		if apperr.Is(err, apperr.NotFound) {
			return m, false, nil
		}
		return m, err == nil, err
	}
	return notify.Message{ID: p.ID, To: p.To, Kind: p.Kind, Body: p.Body, Status: notify.StatusQueued,
		CreatedAt: p.CreatedAt, ValidUntil: p.ValidUntil}, true, nil
}

// Claim marks a message as being sent by inserting its claim; only one
// insert of a key can win, on FerretDB as on MongoDB (PLATFORM.md).
func (s *Store) Claim(ctx context.Context, id string) error {
	_, err := s.DB.Collection(colSMSClaims).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "at", Value: time.Now()}})
	return wrap("mongostore.Claim", err)
}

// SetMessageStatus records the outcome of a send and settles the message.
func (s *Store) SetMessageStatus(ctx context.Context, id, status, sid, errText string, at time.Time) error {
	o := smsOutcome{ID: id, Status: status, SID: sid, Error: errText, At: at}
	_, err := s.DB.Collection(colSMSOutcomes).InsertOne(ctx, o)
	if mongo.IsDuplicateKeyError(err) {
		_, err = s.DB.Collection(colSMSOutcomes).ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, o)
	}
	if err != nil {
		return wrap("mongostore.SetMessageStatus", err)
	}
	_, err = s.DB.Collection(colSMSPending).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return wrap("mongostore.SetMessageStatus", err)
}

// Messages lists messages, newest first, optionally of one status. A page
// costs at most five commands whatever its size: the page and its count,
// then the messages, outcomes and claims it needs by $in on _id.
// MessagesTo is one page of the texts sent to one phone, newest first,
// with their outcomes, and their number.
func (s *Store) MessagesTo(ctx context.Context, to string, offset, limit int) ([]notify.Message, int, error) {
	items, total, err := findPage[notify.Message](ctx, s.DB.Collection(colMessages), bson.D{{Key: "to", Value: to}}, bson.D{{Key: "createdAt", Value: -1}}, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	return items, total, s.mergeAll(ctx, items)
}

func (s *Store) Messages(ctx context.Context, status string, offset, limit int) ([]notify.Message, int, error) {
	return s.MessagePage(ctx, status, page.Order{}, offset, limit)
}

// MessagePage is Messages in the order asked for: newest first, or sorted
// either way on createdAt (notify.MessageSorts).
func (s *Store) MessagePage(ctx context.Context, status string, ord page.Order, offset, limit int) ([]notify.Message, int, error) {
	// sorted on createdAt (notify.MessageSorts) is by the time of each
	// list: the message's, the pending entry's, the outcome's
	dir := -1
	if ord.Field != "" && !ord.Desc {
		dir = 1
	}
	if status == "" {
		items, total, err := findPage[notify.Message](ctx, s.DB.Collection(colMessages), bson.D{}, bson.D{{Key: "createdAt", Value: dir}, {Key: "_id", Value: dir}}, offset, limit)
		if err != nil {
			return nil, 0, err
		}
		return items, total, s.mergeAll(ctx, items)
	}
	if status == notify.StatusQueued {
		ps, total, err := findPage[smsPending](ctx, s.DB.Collection(colSMSPending), bson.D{}, bson.D{{Key: "createdAt", Value: dir}, {Key: "_id", Value: dir}}, offset, limit)
		if err != nil {
			return nil, 0, err
		}
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		ms, err := s.messagesByID(ctx, ids)
		if err != nil {
			return nil, 0, err
		}
		// A pending message has no outcome (settling one deletes it from
		// sms_pending): only a claim can have moved it on, to sending.
		if err := s.mergeClaims(ctx, ms, ids); err != nil {
			return nil, 0, err
		}
		out := []notify.Message{}
		for _, m := range ms {
			if m.Status == status {
				out = append(out, m)
			}
		}
		return out, total, nil
	}
	os, total, err := findPage[smsOutcome](ctx, s.DB.Collection(colSMSOutcomes), bson.D{{Key: "status", Value: status}}, bson.D{{Key: "at", Value: dir}, {Key: "_id", Value: dir}}, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	ms, err := s.messagesByID(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	by := make(map[string]smsOutcome, len(os))
	for _, o := range os {
		by[o.ID] = o
	}
	for i := range ms {
		o := by[ms[i].ID]
		ms[i].Status, ms[i].SID, ms[i].Error, ms[i].SentAt = o.Status, o.SID, o.Error, o.At
	}
	return ms, total, nil
}

// messagesByID reads the messages with the given ids in one command, in
// the order of ids (missing ones left out).
func (s *Store) messagesByID(ctx context.Context, ids []string) ([]notify.Message, error) {
	if len(ids) == 0 {
		return []notify.Message{}, nil
	}
	found, err := findAll[notify.Message](ctx, s.DB.Collection(colMessages), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, nil)
	if err != nil {
		return nil, err
	}
	by := make(map[string]notify.Message, len(found))
	for _, m := range found {
		by[m.ID] = m
	}
	out := make([]notify.Message, 0, len(ids))
	for _, id := range ids {
		if m, ok := by[id]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// mergeAll is merge for a page of messages: two commands ($in on the
// outcomes, then on the claims of those without one) whatever the page size.
func (s *Store) mergeAll(ctx context.Context, ms []notify.Message) error {
	if len(ms) == 0 {
		return nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	os, err := findAll[smsOutcome](ctx, s.DB.Collection(colSMSOutcomes), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, nil)
	if err != nil {
		return wrap("mongostore.mergeAll", err)
	}
	outcome := make(map[string]smsOutcome, len(os))
	for _, o := range os {
		outcome[o.ID] = o
	}
	var open []string
	for i := range ms {
		if o, ok := outcome[ms[i].ID]; ok {
			ms[i].Status, ms[i].SID, ms[i].Error, ms[i].SentAt = o.Status, o.SID, o.Error, o.At
		} else {
			open = append(open, ms[i].ID)
		}
	}
	return s.mergeClaims(ctx, ms, open)
}

// mergeClaims marks as sending those of ms, among the ids open, that were
// claimed: one command.
func (s *Store) mergeClaims(ctx context.Context, ms []notify.Message, open []string) error {
	if len(open) == 0 {
		return nil
	}
	type claim struct {
		ID string `bson:"_id"`
	}
	cs, err := findAll[claim](ctx, s.DB.Collection(colSMSClaims), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: open}}}}, nil)
	if err != nil {
		return wrap("mongostore.mergeAll", err)
	}
	claimed := make(map[string]bool, len(cs))
	for _, c := range cs {
		claimed[c.ID] = true
	}
	for i := range ms {
		if claimed[ms[i].ID] && ms[i].Status == notify.StatusQueued {
			ms[i].Status = notify.StatusSending
		}
	}
	return nil
}

// QueuedBefore returns messages not yet settled that were created before t.
func (s *Store) QueuedBefore(ctx context.Context, t time.Time, limit int) ([]notify.Message, error) {
	cur, err := s.DB.Collection(colSMSPending).Find(ctx, bson.D{{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: t}}}}, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, wrap("mongostore.QueuedBefore", err)
	}
	var ps []smsPending
	if err := cur.All(ctx, &ps); err != nil {
		return nil, wrap("mongostore.QueuedBefore", err)
	}
	out := []notify.Message{}
	var drop []string
	for _, p := range ps {
		m, err := s.Message(ctx, p.ID)
		switch {
		case apperr.Is(err, apperr.NotFound):
			drop = append(drop, p.ID) // a batch that stopped before its messages
			continue
		case err != nil:
			return nil, err
		}
		switch m.Status {
		case notify.StatusQueued:
			out = append(out, m)
		case notify.StatusSending:
		default:
			drop = append(drop, p.ID) // settled: a batch recorded it again
		}
	}
	if len(drop) > 0 {
		_, err := s.DB.Collection(colSMSPending).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: drop}}}})
		if err != nil {
			return nil, wrap("mongostore.QueuedBefore", err)
		}
	}
	return out, nil
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
	var o smsOutcome
	if err := s.DB.Collection(colSMSOutcomes).FindOne(ctx, bson.D{{Key: "sid", Value: sid}}).Decode(&o); err != nil {
		return notify.Message{}, wrap("mongostore.MessageBySID", err)
	}
	return s.Message(ctx, o.ID)
}

// AdvanceStatus sets a message's status only if its current status is one
// of from (statuses move forward only). A message with no outcome yet is
// queued, or sending once claimed.
func (s *Store) AdvanceStatus(ctx context.Context, id, status, errText string, from []string, at time.Time) (bool, error) {
	m, err := s.Message(ctx, id)
	if err != nil {
		return false, err
	}
	ok := false
	for _, f := range from {
		ok = ok || f == m.Status
	}
	if !ok {
		return false, nil
	}
	o := smsOutcome{ID: id, Status: status, SID: m.SID, Error: errText, At: at}
	if errText == "" {
		o.Error = m.Error
	}
	c := s.DB.Collection(colSMSOutcomes)
	if _, err := c.InsertOne(ctx, o); err == nil {
		_, err = s.DB.Collection(colSMSPending).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
		return true, wrap("mongostore.AdvanceStatus", err)
	} else if !mongo.IsDuplicateKeyError(err) {
		return false, wrap("mongostore.AdvanceStatus", err)
	}
	r, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "status", Value: bson.D{{Key: "$in", Value: from}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: status}, {Key: "error", Value: o.Error}, {Key: "at", Value: at}}}})
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
func (s *Store) InboundMessages(ctx context.Context, ord page.Order, offset, limit int) ([]notify.Inbound, int, error) {
	return findPage[notify.Inbound](ctx, s.DB.Collection(colSMSInbound), bson.D{}, orderOr(ord, newestAt), offset, limit)
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
