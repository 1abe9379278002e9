package auth

import (
	"context"
	"jinhui/shared/page"
	"time"
)

// Account is an organizer's login, bound to one region node and a role.
// The password is stored only as an argon2id hash.
type Account struct {
	ID           string    `bson:"_id" json:"id"`
	Username     string    `bson:"username" json:"username"`
	Name         string    `bson:"name" json:"name"`
	Region       string    `bson:"region" json:"region"`
	Areas        []string  `bson:"areas" json:"-"`
	Role         string    `bson:"role" json:"role"`
	PasswordHash string    `bson:"passwordHash" json:"-"`
	Disabled     bool      `bson:"disabled" json:"disabled"`
	CreatedAt    time.Time `bson:"createdAt" json:"createdAt"`
	CreatedBy    string    `bson:"createdBy,omitempty" json:"createdBy,omitempty"`
}

// AccountStore keeps organizer accounts. A username already taken is a
// Conflict; a missing account NotFound.
type AccountStore interface {
	InsertAccount(ctx context.Context, a Account) error
	AccountByUsername(ctx context.Context, username string) (Account, error)
	Account(ctx context.Context, id string) (Account, error)
	// Accounts lists a subtree's accounts, by region and username unless
	// ord names a column of AccountSorts.
	Accounts(ctx context.Context, area string, ord page.Order, offset, limit int) ([]Account, int, error)
	SetAccountDisabled(ctx context.Context, id string, disabled bool) error
}

// Person is someone who logs in by phone: a volunteer or a carer.
type Person struct {
	Kind   string
	ID     string
	Name   string
	Active bool
}

// People finds the volunteer or carer a phone number belongs to, and a
// volunteer's or carer's phone and areas (village and ancestors) by id.
type People interface {
	ByPhone(ctx context.Context, phone string) ([]Person, error)
	Contact(ctx context.Context, kind, id string) (phone string, areas []string, err error)
}

// SMS sends a text through the platform's SMS layer; key is the message's
// business key, so that the same message is never sent twice.
type SMS interface {
	Send(ctx context.Context, key, to, kind, body string) error
}
