package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/services/auth"
	"jinhui/services/registry"
	"jinhui/shared/page"
)

// InsertAccount stores a new account; a taken username is a Conflict.
func (s *Store) InsertAccount(ctx context.Context, a auth.Account) error {
	_, err := s.DB.Collection(colAccounts).InsertOne(ctx, a)
	return wrap("mongostore.InsertAccount", err)
}

// AccountByUsername finds an account by its (lower-case) username.
func (s *Store) AccountByUsername(ctx context.Context, username string) (auth.Account, error) {
	var a auth.Account
	err := s.DB.Collection(colAccounts).FindOne(ctx, bson.D{{Key: "username", Value: username}}).Decode(&a)
	return a, wrap("mongostore.AccountByUsername", err)
}

// Account returns one account.
func (s *Store) Account(ctx context.Context, id string) (auth.Account, error) {
	return get[auth.Account](ctx, s.DB.Collection(colAccounts), id)
}

// Accounts lists the accounts bound inside a subtree, by region and
// username unless ord names a column.
func (s *Store) Accounts(ctx context.Context, area string, ord page.Order, offset, limit int) ([]auth.Account, int, error) {
	return findPage[auth.Account](ctx, s.DB.Collection(colAccounts), bson.D{{Key: "areas", Value: area}}, orderOr(ord, bson.D{{Key: "region", Value: 1}, {Key: "username", Value: 1}}), offset, limit)
}

// SetAccountDisabled flips an account's disabled flag.
func (s *Store) SetAccountDisabled(ctx context.Context, id string, disabled bool) error {
	r, err := s.DB.Collection(colAccounts).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "disabled", Value: disabled}}}})
	if err == nil && r.MatchedCount == 0 {
		err = mongo.ErrNoDocuments
	}
	return wrap("mongostore.SetAccountDisabled", err)
}

// ByPhone finds the volunteer and carer records of a phone (login).
func (s *Store) ByPhone(ctx context.Context, phone string) ([]auth.Person, error) {
	var out []auth.Person
	if v, err := s.VolunteerByPhone(ctx, phone); err == nil {
		out = append(out, auth.Person{Kind: access.KindVolunteer, ID: v.ID, Name: v.Name, Active: v.Status == registry.VolActive})
	} else if !isNotFound(err) {
		return nil, err
	}
	if c, err := s.CarerByPhone(ctx, phone); err == nil {
		out = append(out, auth.Person{Kind: access.KindCarer, ID: c.ID, Name: c.Name, Active: c.Status == registry.VolActive})
	} else if !isNotFound(err) {
		return nil, err
	}
	return out, nil
}

// Contact returns a volunteer's or carer's phone and areas.
func (s *Store) Contact(ctx context.Context, kind, id string) (string, []string, error) {
	if kind == access.KindCarer {
		c, err := s.Carer(ctx, id)
		return c.Phone, c.Areas, err
	}
	v, err := s.Volunteer(ctx, id)
	return v.Phone, v.Areas, err
}

// Record stores an audit entry.
func (s *Store) Record(ctx context.Context, e audit.Entry) error {
	_, err := s.DB.Collection(colAudit).InsertOne(ctx, e)
	return wrap("mongostore.Record", err)
}

// AuditLog lists audit entries about objects inside a subtree, newest first.
func (s *Store) AuditLog(ctx context.Context, area string, ord page.Order, offset, limit int) ([]audit.Entry, int, error) {
	return findPage[audit.Entry](ctx, s.DB.Collection(colAudit), bson.D{{Key: "areas", Value: area}}, orderOr(ord, newestAt), offset, limit)
}
