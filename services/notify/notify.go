// Package notify is the platform's SMS layer. Every message is first a
// record in MongoDB under its business key, then a queued task; the worker
// claims it with a unique insert before handing it to a gateway (Twilio,
// or the outbox when no Twilio credentials are set), so a retried task
// never sends twice.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"jinhui/shared/apperr"
	"jinhui/shared/pii"
)

// Message statuses. Status only moves forward.
const (
	StatusQueued    = "queued"
	StatusSending   = "sending"
	StatusOutbox    = "outbox"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Message is one SMS.
type Message struct {
	ID        string    `bson:"_id" json:"id"`
	To        string    `bson:"to" json:"to"`
	Kind      string    `bson:"kind" json:"kind"`
	Body      string    `bson:"body" json:"body"`
	Status    string    `bson:"status" json:"status"`
	SID       string    `bson:"sid,omitempty" json:"sid,omitempty"`
	Error     string    `bson:"error,omitempty" json:"error,omitempty"`
	CreatedAt time.Time `bson:"createdAt" json:"createdAt"`
	SentAt    time.Time `bson:"sentAt,omitempty" json:"sentAt,omitempty"`
	// ValidUntil bounds a time-bound reminder: the carrier drops it after.
	ValidUntil time.Time `bson:"validUntil,omitempty" json:"validUntil,omitempty"`
	UpdatedAt  time.Time `bson:"updatedAt,omitempty" json:"updatedAt,omitempty"`
}

// Masked hides the number and, for login codes, the text, unless the code
// waits in the outbox (no SMS provider): then an admin has to pass it on.
func (m Message) Masked() Message {
	m.To = pii.MaskPhone(m.To)
	if m.Kind == "otp" && m.Status != StatusOutbox {
		m.Body = "(验证码短信, 内容已隐藏)"
	}
	return m
}

// Store keeps messages. InsertMessage and Claim return a Conflict when the
// key exists already.
type Store interface {
	InsertMessage(ctx context.Context, m Message) error
	// InsertMessages records messages at once, skipping keys used already.
	InsertMessages(ctx context.Context, ms []Message) error
	Message(ctx context.Context, id string) (Message, error)
	// Unsettled returns the message as Send recorded it while it has no
	// outcome yet (one read of the unsettled messages); ok is false
	// once it has one, or if the key was never recorded.
	Unsettled(ctx context.Context, id string) (m Message, ok bool, err error)
	Claim(ctx context.Context, id string) error
	Unclaim(ctx context.Context, id string) error
	Claimed(ctx context.Context, id string) (bool, error)
	OptedOut(ctx context.Context, phone string) (bool, error)
	SetMessageStatus(ctx context.Context, id, status, sid, errText string, at time.Time) error
	Messages(ctx context.Context, status string, offset, limit int) ([]Message, int, error)
	QueuedBefore(ctx context.Context, t time.Time, limit int) ([]Message, error)
	MessageBySID(ctx context.Context, sid string) (Message, error)
	// AdvanceStatus sets status only if the current one is in from.
	AdvanceStatus(ctx context.Context, id, status, errText string, from []string, at time.Time) (bool, error)
	InsertInbound(ctx context.Context, in Inbound) error
	SetOptOut(ctx context.Context, phone string, out bool, at time.Time) error
}

// Queue puts a send task on the job queue, deduplicated by message id.
type Queue interface {
	// urgent texts (login codes) go ahead of bulk ones (reminders, notices).
	EnqueueSend(ctx context.Context, id string, urgent bool) error
}

// Urgent reports whether texts of a kind must not wait behind bulk ones:
// one-time codes, which a person is waiting for.
func Urgent(kind string) bool { return kind == "otp" }

// Gateway hands a text to a carrier. A *PermanentError must not be
// retried; a *RetryableError (rate limited) was not taken and may be.
// validity > 0 asks the carrier to drop the text after that long.
type Gateway interface {
	Name() string
	Send(ctx context.Context, to, body string, validity time.Duration) (sid, status string, err error)
}

// RetryableError is a refusal that says the text was not taken (429).
type RetryableError struct{ Msg string }

func (e *RetryableError) Error() string { return "sms rate limited: " + e.Msg }

// Limiter paces sending to the carrier's rate, shared by every worker.
// Wait runs claim when the caller is next in line for a sending slot,
// then blocks until the slot comes: a text is claimed just before it may
// go (not while it waits behind others), and nothing but the wait for
// the slot lies between the slot and the send. If claim fails, Wait
// returns its error at once.
type Limiter interface {
	Wait(ctx context.Context, claim func() error) error
}

// PermanentError is a refusal that a retry cannot fix (an opted-out
// recipient, an invalid number).
type PermanentError struct {
	Code int
	Msg  string
}

func (e *PermanentError) Error() string {
	return fmt.Sprintf("permanent sms error %d: %s", e.Code, e.Msg)
}

// Service sends messages.
type Service struct {
	Store     Store
	Queue     Queue
	Gateway   Gateway
	Limiter   Limiter // may be nil
	Templates TemplateStore
	Now       func() time.Time
}

// Send records a message under key and queues it. Sending the same key
// twice records and sends it once.
func (s *Service) Send(ctx context.Context, key, to, kind, body string) error {
	return s.send(ctx, Message{ID: key, To: to, Kind: kind, Body: body, Status: StatusQueued, CreatedAt: s.Now()})
}

// Text is one message of a batch: its business key, number, kind and body.
type Text struct {
	Key, To, Kind, Body string
}

// Sender records and queues one text under its key (notify.Service, or a
// test's stand-in); BatchSender many at once.
type Sender interface {
	Send(ctx context.Context, key, to, kind, body string) error
}

// BatchSender records and queues many texts at once; a key sent before is
// sent once (notify.Service).
type BatchSender interface {
	SendBatch(ctx context.Context, ts []Text) error
}

// SendAll texts ts through s: in one batch when s can, else one by one.
func SendAll(ctx context.Context, s Sender, ts []Text) error {
	if s == nil || len(ts) == 0 {
		return nil
	}
	if b, ok := s.(BatchSender); ok {
		return b.SendBatch(ctx, ts)
	}
	for _, t := range ts {
		if err := s.Send(ctx, t.Key, t.To, t.Kind, t.Body); err != nil {
			return err
		}
	}
	return nil
}

// SendBatch records and queues many texts with a fixed number of database
// commands (issue 16); a key recorded before is recorded and sent once, as
// with Send.
func (s *Service) SendBatch(ctx context.Context, ts []Text) error {
	if len(ts) == 0 {
		return nil
	}
	now := s.Now()
	ms := make([]Message, len(ts))
	for i, t := range ts {
		ms[i] = Message{ID: t.Key, To: t.To, Kind: t.Kind, Body: t.Body, Status: StatusQueued, CreatedAt: now}
	}
	if err := s.Store.InsertMessages(ctx, ms); err != nil {
		return fmt.Errorf("notify.SendBatch: %w", err)
	}
	for _, m := range ms {
		// As in send: MongoDB holds the message, reconcile re-queues it.
		_ = s.Queue.EnqueueSend(ctx, m.ID, Urgent(m.Kind))
	}
	return nil
}

func (s *Service) send(ctx context.Context, m Message) error {
	key := m.ID
	if err := s.Store.InsertMessage(ctx, m); err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("notify.Send: %w", err)
	}
	// A queue failure is not the caller's: MongoDB holds the message and
	// the reconcile task queues it again.
	_ = s.Queue.EnqueueSend(ctx, key, Urgent(m.Kind))
	return nil
}

// Deliver is the worker's half: it claims the message and passes it to the
// gateway once. A message already claimed is left alone, so a task that
// runs twice never sends twice.
//
// It costs five database commands (read, opt-out, claim, outcome, pending),
// none of them over the growing history: the text is read from the
// unsettled messages (a settled one is left at once, without taking a
// sending slot), the claim and the outcome are inserts. Every outcome
// written without a claim (expired, opted out) is reached again by the
// same checks. The claim is written when the worker is next in line for
// a sending slot, and the text goes as soon as the slot comes, so that
// what reaches the carrier keeps the limiter's spacing.
func (s *Service) Deliver(ctx context.Context, id string) error {
	m, ok, err := s.Store.Unsettled(ctx, id)
	if err != nil {
		return fmt.Errorf("notify.Deliver: %w", err)
	}
	if !ok {
		return nil
	}
	now := s.Now()
	if !m.ValidUntil.IsZero() && now.After(m.ValidUntil) {
		return s.Store.SetMessageStatus(ctx, id, StatusFailed, "", "已过有效期, 未发送", now)
	}
	if out, err := s.Store.OptedOut(ctx, m.To); err != nil {
		return fmt.Errorf("notify.Deliver: %w", err)
	} else if out {
		return s.Store.SetMessageStatus(ctx, id, StatusFailed, "", "对方已退订短信", now)
	}
	claimed := false
	claim := func() error {
		err := s.Store.Claim(ctx, id)
		claimed = err == nil
		return err
	}
	if s.Limiter != nil {
		err = s.Limiter.Wait(ctx, claim)
	} else {
		err = claim()
	}
	switch {
	case claimed && err != nil:
		// Claimed, but no slot came (the worker is stopping): not sent, so
		// release the claim for the retry.
		if uerr := s.Store.Unclaim(context.WithoutCancel(ctx), id); uerr != nil {
			return fmt.Errorf("notify.Deliver: %w", uerr)
		}
		return fmt.Errorf("notify.Deliver: %w", err)
	case apperr.Is(err, apperr.Conflict):
		// Claimed before: by a worker sending it now, or by one that died
		// after handing it over. Never send again; show it as sending
		// (forward only, so a finished send's outcome is not overwritten).
		if _, err := s.Store.AdvanceStatus(ctx, id, StatusSending, "", []string{StatusQueued}, now); err != nil {
			return fmt.Errorf("notify.Deliver: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("notify.Deliver: %w", err)
	}
	var validity time.Duration
	if !m.ValidUntil.IsZero() {
		validity = m.ValidUntil.Sub(now)
	}
	// Claimed but no outcome yet: shown as sending until the outcome is written.
	sid, status, err := s.Gateway.Send(ctx, m.To, m.Body, validity)
	now = s.Now()
	var perm *PermanentError
	var retry *RetryableError
	switch {
	case errors.As(err, &retry):
		// Not taken by the carrier: release the claim and let the queue back off.
		if uerr := s.Store.Unclaim(ctx, id); uerr != nil {
			return fmt.Errorf("notify.Deliver: %w", uerr)
		}
		return fmt.Errorf("notify.Deliver: %w", err)
	case errors.As(err, &perm):
		return s.Store.SetMessageStatus(ctx, id, StatusFailed, "", perm.Error(), now)
	case err != nil:
		// Whether the carrier took it is unknown: record that, never resend blindly.
		_ = s.Store.SetMessageStatus(ctx, id, StatusFailed, "", "发送结果未知: "+err.Error(), now)
		return nil
	}
	return s.Store.SetMessageStatus(ctx, id, status, sid, "", now)
}

// Reconcile queues again the messages still queued after grace: their
// task was lost (Redis restarted or flushed). It returns how many.
func (s *Service) Reconcile(ctx context.Context, grace time.Duration) (int, error) {
	ms, err := s.Store.QueuedBefore(ctx, s.Now().Add(-grace), 1000)
	if err != nil {
		return 0, fmt.Errorf("notify.Reconcile: %w", err)
	}
	for _, m := range ms {
		if err := s.Queue.EnqueueSend(ctx, m.ID, Urgent(m.Kind)); err != nil {
			return 0, fmt.Errorf("notify.Reconcile: %w", err)
		}
	}
	return len(ms), nil
}

// Outbox is the gateway used without Twilio credentials: the message stays
// in the database, visible to admins, marked as in the outbox.
type Outbox struct{}

// Name is "outbox".
func (Outbox) Name() string { return "outbox" }

// Send keeps the message in the outbox.
func (Outbox) Send(context.Context, string, string, time.Duration) (string, string, error) {
	return "", StatusOutbox, nil
}
