package mongostore

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/wish"
)

// InsertWish stores a new wish.
func (s *Store) InsertWish(ctx context.Context, w wish.Wish) error {
	_, err := s.DB.Collection(colWishes).InsertOne(ctx, w)
	return wrap("mongostore.InsertWish", err)
}

// Wish returns one wish.
func (s *Store) Wish(ctx context.Context, id string) (wish.Wish, error) {
	return get[wish.Wish](ctx, s.DB.Collection(colWishes), id)
}

// ReplaceWish writes w at the version read, bumping it; a lost race is a
// Conflict.
func (s *Store) ReplaceWish(ctx context.Context, w *wish.Wish) error {
	w.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colWishes), w.ID, w.Version-1, w); err != nil {
		w.Version--
		return err
	}
	return nil
}

func wishFilter(f wish.Filter) bson.D {
	d := bson.D{}
	if f.Area != "" {
		d = append(d, bson.E{Key: "areas", Value: f.Area})
	}
	if len(f.Status) > 0 {
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: f.Status}}})
	}
	if len(f.Elders) > 0 {
		d = append(d, bson.E{Key: "elder", Value: bson.D{{Key: "$in", Value: f.Elders}}})
	}
	if !f.ClaimBefore.IsZero() {
		d = append(d, bson.E{Key: "claim.until", Value: bson.D{{Key: "$lt", Value: f.ClaimBefore}}})
	}
	return d
}

// Wishes lists wishes, newest first.
func (s *Store) Wishes(ctx context.Context, f wish.Filter) ([]wish.Wish, int, error) {
	return findPage[wish.Wish](ctx, s.DB.Collection(colWishes), wishFilter(f), orderOr(f.Order, bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}), f.Offset, f.Limit)
}

// AllWishes calls fn with every wish inside area (all when empty).
func (s *Store) AllWishes(ctx context.Context, area string, fn func(wish.Wish) error) error {
	cur, err := s.DB.Collection(colWishes).Find(ctx, wishFilter(wish.Filter{Area: area}))
	if err != nil {
		return wrap("mongostore.AllWishes", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var w wish.Wish
		if err := cur.Decode(&w); err != nil {
			return wrap("mongostore.AllWishes", err)
		}
		if err := fn(w); err != nil {
			return err
		}
	}
	return wrap("mongostore.AllWishes", cur.Err())
}

// InsertWishClaim stores a claim; its _id wish:seq makes a second claim
// of the same round a Conflict (an insert: FerretDB reports it as 11000).
func (s *Store) InsertWishClaim(ctx context.Context, c wish.Claim) error {
	_, err := s.DB.Collection(colWishClaims).InsertOne(ctx, c)
	return wrap("mongostore.InsertWishClaim", err)
}

// WishClaim returns one claim by its id.
func (s *Store) WishClaim(ctx context.Context, id string) (wish.Claim, error) {
	return get[wish.Claim](ctx, s.DB.Collection(colWishClaims), id)
}

// VolunteerElders returns the ids of the elders a volunteer is paired with.
func (s *Store) VolunteerElders(ctx context.Context, volunteer string) ([]string, error) {
	cur, err := s.DB.Collection(colElders).Find(ctx, bson.D{{Key: "volunteers", Value: volunteer}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.VolunteerElders", err)
	}
	var rows []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, wrap("mongostore.VolunteerElders", err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out, nil
}

// ElderNamesIn returns the names of the elders inside area.
func (s *Store) ElderNamesIn(ctx context.Context, area string) ([]string, error) {
	cur, err := s.DB.Collection(colElders).Find(ctx, bson.D{{Key: "areas", Value: area}},
		options.Find().SetProjection(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.ElderNamesIn", err)
	}
	var rows []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, wrap("mongostore.ElderNamesIn", err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out, nil
}

// MarkElderClaim adds a wish to an elder's marked wishes (see wish.Store).
func (s *Store) MarkElderClaim(ctx context.Context, elder, wishID string) error {
	_, err := s.DB.Collection(colWishElders).UpdateOne(ctx, bson.D{{Key: "_id", Value: elder}},
		bson.D{{Key: "$addToSet", Value: bson.D{{Key: "wishes", Value: wishID}}}}, options.UpdateOne().SetUpsert(true))
	return wrap("mongostore.MarkElderClaim", err)
}

// UnmarkElderClaim removes a wish from an elder's marked wishes.
func (s *Store) UnmarkElderClaim(ctx context.Context, elder, wishID string) error {
	_, err := s.DB.Collection(colWishElders).UpdateOne(ctx, bson.D{{Key: "_id", Value: elder}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: "wishes", Value: wishID}}}})
	return wrap("mongostore.UnmarkElderClaim", err)
}

// ElderClaims returns an elder's marked wishes (none when there is no
// record): one read by _id.
func (s *Store) ElderClaims(ctx context.Context, elder string) ([]string, error) {
	var doc struct {
		Wishes []string `bson:"wishes"`
	}
	err := s.DB.Collection(colWishElders).FindOne(ctx, bson.D{{Key: "_id", Value: elder}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	return doc.Wishes, wrap("mongostore.ElderClaims", err)
}
