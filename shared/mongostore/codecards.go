package mongostore

import (
	"strconv"

	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/codecard"
)

// Visit code card collections: the card in use per elder (by _id), the
// replaced cards, and the codes tried per visit (by _id).
const (
	colCodeCards       = "codecards"
	colCodeCardHistory = "codecard_history"
	colCardAttempts    = "codecard_attempts"
)

// cardIndexes serve printing every card of a subtree.
var cardIndexes = []index{
	{colCodeCards, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}}, false},
}

// CodeCard returns an elder's card.
func (s *Store) CodeCard(ctx context.Context, elder string) (codecard.Card, error) {
	return get[codecard.Card](ctx, s.DB.Collection(colCodeCards), elder)
}

// InsertCodeCard stores an elder's first card; Conflict if one exists.
func (s *Store) InsertCodeCard(ctx context.Context, c codecard.Card) error {
	_, err := s.DB.Collection(colCodeCards).InsertOne(ctx, c)
	return wrap("mongostore.InsertCodeCard", err)
}

// ReplaceCodeCard writes c at the version read and bumps it.
func (s *Store) ReplaceCodeCard(ctx context.Context, c *codecard.Card) error {
	read := c.Version
	c.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colCodeCards), c.ID, read, c); err != nil {
		c.Version = read
		return err
	}
	return nil
}

// KeepCodeCard stores a replaced card under elder:generation.
func (s *Store) KeepCodeCard(ctx context.Context, c codecard.Card) error {
	doc := struct {
		ID   string        `bson:"_id"`
		Card codecard.Card `bson:"card"`
	}{c.ID + ":" + strconv.Itoa(c.Generation), c}
	_, err := s.DB.Collection(colCodeCardHistory).InsertOne(ctx, doc)
	return wrap("mongostore.KeepCodeCard", err)
}

// CodeCards returns the cards of the given elders in one query.
func (s *Store) CodeCards(ctx context.Context, elders []string) ([]codecard.Card, error) {
	cur, err := s.DB.Collection(colCodeCards).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: elders}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, wrap("mongostore.CodeCards", err)
	}
	out := []codecard.Card{}
	return out, wrap("mongostore.CodeCards", cur.All(ctx, &out))
}

// CodeCardsIn returns at most limit cards in use in a subtree.
func (s *Store) CodeCardsIn(ctx context.Context, area string, limit int) ([]codecard.Card, error) {
	cur, err := s.DB.Collection(colCodeCards).Find(ctx,
		bson.D{{Key: "areas", Value: area}, {Key: "status", Value: codecard.StatusActive}},
		options.Find().SetSort(bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, wrap("mongostore.CodeCardsIn", err)
	}
	out := []codecard.Card{}
	return out, wrap("mongostore.CodeCardsIn", cur.All(ctx, &out))
}

// CardAttempts returns the codes tried for a visit.
func (s *Store) CardAttempts(ctx context.Context, visit string) (codecard.Attempts, error) {
	return get[codecard.Attempts](ctx, s.DB.Collection(colCardAttempts), visit)
}

// PutCardAttempts inserts a first record (Version 0) or replaces at the
// version read; either bumps a.Version. A lost race is a Conflict.
func (s *Store) PutCardAttempts(ctx context.Context, a *codecard.Attempts) error {
	read := a.Version
	a.Version++
	var err error
	if read == 0 {
		_, err = s.DB.Collection(colCardAttempts).InsertOne(ctx, a)
		err = wrap("mongostore.PutCardAttempts", err)
	} else {
		err = s.replaceVersioned(ctx, s.DB.Collection(colCardAttempts), a.ID, read, a)
	}
	if err != nil {
		a.Version = read
	}
	return err
}
