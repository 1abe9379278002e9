package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/shared/apperr"
)

// rank orders statuses: a callback may only move a message forward.
var rank = map[string]int{StatusQueued: 0, StatusSending: 1, StatusSent: 2, StatusDelivered: 3, StatusFailed: 3, "undelivered": 3}

// twilioStatus maps Twilio's message statuses to ours.
var twilioStatus = map[string]string{
	"accepted": StatusSending, "scheduled": StatusSending, "queued": StatusSending, "sending": StatusSending,
	"sent": StatusSent, "delivered": StatusDelivered, "read": StatusDelivered,
	"undelivered": "undelivered", "failed": StatusFailed, "canceled": StatusFailed,
}

// StatusCallback applies Twilio's report on a message (queued → sent →
// delivered / failed). Statuses only move forward: a late "sent" after
// "delivered" changes nothing. Unknown SIDs are ignored.
func (s *Service) StatusCallback(ctx context.Context, sid, twStatus, errorCode string) error {
	st, ok := twilioStatus[twStatus]
	if !ok {
		return apperr.Field("MessageStatus", "未知的短信状态")
	}
	m, err := s.Store.MessageBySID(ctx, sid)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify.StatusCallback: %w", err)
	}
	var lower []string
	for k, r := range rank {
		if r < rank[st] {
			lower = append(lower, k)
		}
	}
	errText := ""
	if errorCode != "" {
		errText = "Twilio 错误 " + errorCode
	}
	if _, err := s.Store.AdvanceStatus(ctx, m.ID, st, errText, lower, s.Now()); err != nil {
		return fmt.Errorf("notify.StatusCallback: %w", err)
	}
	return nil
}

// MessageSorts and InboundSorts are the columns the SMS list and the
// inbound list sort on, on the server (either way, on the indexes that
// list them newest first).
var (
	MessageSorts = []string{"createdAt"}
	InboundSorts = []string{"at"}
)

// Inbound is a reply received by SMS.
type Inbound struct {
	ID      string    `bson:"_id" json:"id"`
	From    string    `bson:"from" json:"from"`
	Body    string    `bson:"body" json:"body"`
	OptOut  bool      `bson:"optOut,omitempty" json:"optOut,omitempty"`
	OptIn   bool      `bson:"optIn,omitempty" json:"optIn,omitempty"`
	At      time.Time `bson:"at" json:"at"`
	Handled string    `bson:"handled,omitempty" json:"handled,omitempty"`
}

var stopWords = map[string]bool{"STOP": true, "STOPALL": true, "UNSUBSCRIBE": true, "CANCEL": true, "END": true, "QUIT": true, "退订": true, "TD": true, "T": true}
var startWords = map[string]bool{"START": true, "UNSTOP": true, "YES": true, "订阅": true}

// Receive stores an inbound reply for organizers; STOP or 退订 records an
// opt-out (no more texts to that number), START lifts it. Replies are
// keyed by Twilio's SID, so a webhook retried by Twilio is stored once.
func (s *Service) Receive(ctx context.Context, sid, from, body string) (Inbound, error) {
	word := strings.ToUpper(strings.TrimSpace(body))
	in := Inbound{ID: sid, From: from, Body: body, At: s.Now(), OptOut: stopWords[word], OptIn: startWords[word]}
	if err := s.Store.InsertInbound(ctx, in); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return in, nil
		}
		return in, fmt.Errorf("notify.Receive: %w", err)
	}
	if in.OptOut || in.OptIn {
		if err := s.Store.SetOptOut(ctx, from, in.OptOut, in.At); err != nil {
			return in, fmt.Errorf("notify.Receive: %w", err)
		}
	}
	return in, nil
}
