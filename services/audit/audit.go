// Package audit records every full view of personal data and every
// decision that must be answerable later: who, what, when, from where.
package audit

import (
	"context"
	"time"
)

// Sorts are the columns the audit log sorts on, on the server (served by
// the index on the subtree, at and _id, either way).
var Sorts = []string{"at"}

// Entry is one audited event. It never holds the personal data itself,
// only which fields of which object were shown.
type Entry struct {
	ID         string    `bson:"_id" json:"id"`
	At         time.Time `bson:"at" json:"at"`
	ActorKind  string    `bson:"actorKind" json:"actorKind"`
	ActorID    string    `bson:"actorId" json:"actorId"`
	ActorName  string    `bson:"actorName" json:"actorName"`
	Region     string    `bson:"region,omitempty" json:"region,omitempty"`
	Action     string    `bson:"action" json:"action"`
	ObjectType string    `bson:"objectType" json:"objectType"`
	ObjectID   string    `bson:"objectId" json:"objectId"`
	Areas      []string  `bson:"areas,omitempty" json:"-"`
	Fields     []string  `bson:"fields,omitempty" json:"fields,omitempty"`
	Reason     string    `bson:"reason,omitempty" json:"reason,omitempty"`
	RequestID  string    `bson:"requestId,omitempty" json:"requestId,omitempty"`
}

// Actions recorded.
const (
	ActionReveal = "reveal"
	ActionLogin  = "login"
	ActionExport = "export"
	// ActionResolve records a register cross-check's differences applied
	// in bulk (rule E5).
	ActionResolve = "resolve"
	// ActionLoginAlert is raised for the admins over an account after
	// repeated failed logins (auth.Limits.LoginAlertAfter).
	ActionLoginAlert = "login_alert"
	// ActionUnlockCodes is an organizer lifting the lock of a person's
	// one-time codes.
	ActionUnlockCodes = "unlock_codes"
	// ActionKeyVillage is an organizer marking or unmarking a key village
	// (重点村, rule Q2), with the reason.
	ActionKeyVillage = "key_village"
)

// Recorder stores audit entries; a failure to record refuses the view.
type Recorder interface {
	Record(ctx context.Context, e Entry) error
}

type ctxKey struct{}

// WithRequestID attaches the request id that audit entries will carry.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// RequestID returns the request id attached to ctx, if any.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}
