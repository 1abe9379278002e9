package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/jobs"
	"jinhui/shared/apperr"
)

// Jobs are read and written by _id only: the records of background runs,
// and the claim of the one run per kind and scope (deleted when it ends).
const (
	colJobs      = "jobs"
	colJobClaims = "job_claims"
)

type jobClaim struct {
	ID  string `bson:"_id"`
	Job string `bson:"job"`
}

// InsertJob records a new job.
func (s *Store) InsertJob(ctx context.Context, j jobs.Job) error {
	_, err := s.DB.Collection(colJobs).InsertOne(ctx, j)
	return wrap("mongostore.InsertJob", err)
}

// Job loads a job by id.
func (s *Store) Job(ctx context.Context, id string) (jobs.Job, error) {
	return get[jobs.Job](ctx, s.DB.Collection(colJobs), id)
}

// SaveJob replaces a job's record.
func (s *Store) SaveJob(ctx context.Context, j jobs.Job) error {
	_, err := s.DB.Collection(colJobs).ReplaceOne(ctx, bson.D{{Key: "_id", Value: j.ID}}, j, options.Replace().SetUpsert(true))
	return wrap("mongostore.SaveJob", err)
}

// ClaimJob records id as the run of key with an insert on key (one winner
// on every backend); Conflict with the holder's id otherwise.
func (s *Store) ClaimJob(ctx context.Context, key, id string) (string, error) {
	c := s.DB.Collection(colJobClaims)
	_, err := c.InsertOne(ctx, jobClaim{ID: key, Job: id})
	if err == nil {
		return "", nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return "", wrap("mongostore.ClaimJob", err)
	}
	cur, gerr := get[jobClaim](ctx, c, key)
	if gerr != nil {
		return "", apperr.New(apperr.Conflict, "任务正在运行")
	}
	return cur.Job, apperr.New(apperr.Conflict, "任务正在运行")
}

// ReleaseJob deletes id's claim of key.
func (s *Store) ReleaseJob(ctx context.Context, key, id string) error {
	_, err := s.DB.Collection(colJobClaims).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "job", Value: id}})
	return wrap("mongostore.ReleaseJob", err)
}
