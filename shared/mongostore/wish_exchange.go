package mongostore

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"jinhui/services/wish"
	"jinhui/shared/apperr"
)

// InsertPost stores a new exchange post.
func (s *Store) InsertPost(ctx context.Context, p wish.Post) error {
	_, err := s.DB.Collection(colPosts).InsertOne(ctx, p)
	return wrap("mongostore.InsertPost", err)
}

// Post returns one exchange post.
func (s *Store) Post(ctx context.Context, id string) (wish.Post, error) {
	return get[wish.Post](ctx, s.DB.Collection(colPosts), id)
}

// ReplacePost writes p at the version read, bumping it.
func (s *Store) ReplacePost(ctx context.Context, p *wish.Post) error {
	p.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colPosts), p.ID, p.Version-1, p); err != nil {
		p.Version--
		return err
	}
	return nil
}

// Posts lists exchange posts, newest first (by publication, then creation).
func (s *Store) Posts(ctx context.Context, f wish.PostFilter) ([]wish.Post, int, error) {
	d := bson.D{}
	if f.Area != "" {
		d = append(d, bson.E{Key: "areas", Value: f.Area})
	}
	if len(f.Status) > 0 {
		d = append(d, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: f.Status}}})
	}
	if f.Author != "" {
		d = append(d, bson.E{Key: "author", Value: f.Author})
	}
	sort := orderOr(f.Order, bson.D{{Key: "publishedAt", Value: -1}, {Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}})
	return findPage[wish.Post](ctx, s.DB.Collection(colPosts), d, sort, f.Offset, f.Limit)
}

// InsertPhoto stores an uploaded, scaled photo.
func (s *Store) InsertPhoto(ctx context.Context, ph wish.Photo) error {
	_, err := s.DB.Collection(colPhotos).InsertOne(ctx, ph)
	return wrap("mongostore.InsertPhoto", err)
}

// Photo returns one photo with its bytes and the post it belongs to.
// Both reads are by _id, the one lookup FerretDB does not scan for.
func (s *Store) Photo(ctx context.Context, id string) (wish.Photo, error) {
	ph, err := get[wish.Photo](ctx, s.DB.Collection(colPhotos), id)
	if err != nil {
		return ph, err
	}
	var use struct {
		Post string `bson:"post"`
	}
	err = s.DB.Collection(colPhotoUses).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&use)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return ph, wrap("mongostore.Photo", err)
	}
	ph.Post = use.Post
	return ph, nil
}

// AttachPhoto ties a photo of uploader by to post, once: the tie is an
// insert keyed by the photo (no update of the large photo document), so a
// photo already used is a Conflict.
func (s *Store) AttachPhoto(ctx context.Context, id, by, post string) error {
	ph, err := get[wish.Photo](ctx, s.DB.Collection(colPhotos), id)
	if err != nil {
		return err
	}
	if ph.By != by {
		return apperr.New(apperr.Conflict, "照片不存在或已被使用")
	}
	_, err = s.DB.Collection(colPhotoUses).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "post", Value: post}, {Key: "by", Value: by}})
	return wrap("mongostore.AttachPhoto", err)
}
