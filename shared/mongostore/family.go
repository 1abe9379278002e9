package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/family"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/page"
)

// Family circle collections: members (ID elder:n) and their SMS replies
// (ID: Twilio's SID).
const (
	colFamily        = "family_members"
	colFamilyReplies = "family_replies"
)

// familyIndexes serve an elder's members, a phone's members, the consented
// members in ID order, and an area's replies.
var familyIndexes = []index{
	{colFamily, bson.D{{Key: "elder", Value: 1}}, false},
	{colFamily, bson.D{{Key: "phone", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colFamily, bson.D{{Key: "consent", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colFamily, bson.D{{Key: "areas", Value: 1}}, false},
	// replies newest first, either way when sorted on at (family.ReplySorts)
	{colFamilyReplies, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colVisits, bson.D{{Key: "elder", Value: 1}, {Key: "month", Value: 1}, {Key: "status", Value: 1}}, false},
}

// FamilyMember returns one member.
func (s *Store) FamilyMember(ctx context.Context, id string) (family.Member, error) {
	return get[family.Member](ctx, s.DB.Collection(colFamily), id)
}

// FamilyMembers returns the members of the given elders in one query.
func (s *Store) FamilyMembers(ctx context.Context, elders []string) ([]family.Member, error) {
	return findMany[family.Member](ctx, s.DB.Collection(colFamily), "mongostore.FamilyMembers",
		bson.D{{Key: "elder", Value: bson.D{{Key: "$in", Value: elders}}}}, options.Find().SetSort(bson.D{{Key: "elder", Value: 1}}))
}

// FamilyByPhone returns the members with a phone, in ID order.
func (s *Store) FamilyByPhone(ctx context.Context, phone string) ([]family.Member, error) {
	return findMany[family.Member](ctx, s.DB.Collection(colFamily), "mongostore.FamilyByPhone",
		bson.D{{Key: "phone", Value: phone}}, options.Find().SetSort(bson.D{{Key: "phone", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(50))
}

// ConsentedFamily returns up to limit consented members after an ID.
func (s *Store) ConsentedFamily(ctx context.Context, after string, limit int) ([]family.Member, error) {
	return findMany[family.Member](ctx, s.DB.Collection(colFamily), "mongostore.ConsentedFamily",
		bson.D{{Key: "consent", Value: family.ConsentGiven}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "consent", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// InsertFamilyMember stores a new member; Conflict if the ID exists.
func (s *Store) InsertFamilyMember(ctx context.Context, m family.Member) error {
	_, err := s.DB.Collection(colFamily).InsertOne(ctx, m)
	return wrap("mongostore.InsertFamilyMember", err)
}

// ReplaceFamilyMember writes m at the version read and bumps it.
func (s *Store) ReplaceFamilyMember(ctx context.Context, m *family.Member) error {
	read := m.Version
	m.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colFamily), m.ID, read, m); err != nil {
		m.Version = read
		return err
	}
	return nil
}

// InsertFamilyReply keeps a reply; Conflict when its SID was handled.
func (s *Store) InsertFamilyReply(ctx context.Context, r family.Reply) error {
	_, err := s.DB.Collection(colFamilyReplies).InsertOne(ctx, r)
	return wrap("mongostore.InsertFamilyReply", err)
}

// FamilyReplies pages an area's replies, newest first.
func (s *Store) FamilyReplies(ctx context.Context, area string, ord page.Order, offset, limit int) ([]family.Reply, int, error) {
	return findPage[family.Reply](ctx, s.DB.Collection(colFamilyReplies), bson.D{{Key: "areas", Value: area}}, orderOr(ord, newestAt), offset, limit)
}

// FamilyFigureRows returns the active elders of a subtree (areas only),
// its family members and its replies: one query each.
func (s *Store) FamilyFigureRows(ctx context.Context, area string) ([]registry.Elder, []family.Member, []family.Reply, error) {
	es, err := findMany[registry.Elder](ctx, s.DB.Collection(colElders), "mongostore.FamilyFigureRows",
		bson.D{{Key: "areas", Value: area}, {Key: "status", Value: registry.StatusActive}},
		options.Find().SetProjection(bson.D{{Key: "areas", Value: 1}}))
	if err != nil {
		return nil, nil, nil, err
	}
	ms, err := findMany[family.Member](ctx, s.DB.Collection(colFamily), "mongostore.FamilyFigureRows",
		bson.D{{Key: "areas", Value: area}}, options.Find().SetProjection(bson.D{{Key: "elder", Value: 1}, {Key: "consent", Value: 1}}))
	if err != nil {
		return nil, nil, nil, err
	}
	rs, err := findMany[family.Reply](ctx, s.DB.Collection(colFamilyReplies), "mongostore.FamilyFigureRows",
		bson.D{{Key: "areas", Value: area}}, options.Find().SetProjection(bson.D{{Key: "areas", Value: 1}, {Key: "kind", Value: 1}}))
	return es, ms, rs, err
}

// DoneVisitsOf returns the completed visits of the given elders in month.
func (s *Store) DoneVisitsOf(ctx context.Context, elders []string, month string) ([]visit.Visit, error) {
	return findMany[visit.Visit](ctx, s.DB.Collection(colVisits), "mongostore.DoneVisitsOf",
		bson.D{{Key: "elder", Value: bson.D{{Key: "$in", Value: elders}}}, {Key: "month", Value: month}, {Key: "status", Value: visit.StatusDone}},
		options.Find().SetProjection(bson.D{{Key: "elder", Value: 1}, {Key: "minutes", Value: 1}}))
}

// findMany runs one find and decodes every document.
func findMany[T any](ctx context.Context, c *mongo.Collection, op string, filter bson.D, opts *options.FindOptionsBuilder) ([]T, error) {
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, wrap(op, err)
	}
	out := []T{}
	return out, wrap(op, cur.All(ctx, &out))
}
