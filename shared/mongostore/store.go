// Package mongostore implements every store of the platform on MongoDB,
// using only what a real replica set and the embedded FerretDB both do:
// inserts with unique keys for claims, versioned replaces, no transactions.
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

// Store is the platform's MongoDB database.
type Store struct {
	Client *mongo.Client
	DB     *mongo.Database
	// embedded is set on the in-process FerretDB, whose costs differ
	// from a server's (see byIDs, replaceVersioned).
	embedded bool
	versions sync.Mutex
}

// Open connects to uri. With embedded set the pool holds one connection
// (FerretDB loses concurrent updates otherwise, PLATFORM.md) and the
// declared indexes are built at once: the embedded process is the only
// one. On a real server (the scaled roles) writes wait for a majority of
// the replica set (w: majority, journaled), reads see only majority-
// committed data (readConcern majority), both whatever the URI says, and
// writes and reads are retried once on a failover; indexes are not built
// here (a build on a large collection outlasts a start) but by the
// migrate role, see EnsureIndexes and CheckIndexes.
func Open(ctx context.Context, uri, db string, embedded bool) (*Store, error) {
	return OpenWith(ctx, uri, db, embedded, nil)
}

// OpenWith is Open with a last say over the client's options (the fault
// harness adds a command monitor).
func OpenWith(ctx context.Context, uri, db string, embedded bool, configure func(*options.ClientOptions)) (*Store, error) {
	opts := options.Client().ApplyURI(uri).SetAppName("jinhui").SetTimeout(30 * time.Second)
	if configure != nil {
		configure(opts)
	}
	if embedded {
		// One connection; and more time, since a read that is not by _id
		// reads the whole collection there (a province's 21,087
		// volunteers took over 30 s on a busy two-core machine).
		opts.SetMaxPoolSize(1).SetTimeout(2 * time.Minute)
	} else {
		ScaledOptions(opts)
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongostore.Open: %w", err)
	}
	s := &Store{Client: c, DB: c.Database(db), embedded: embedded}
	if err := s.Ping(ctx); err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongostore.Open: %w", err)
	}
	if embedded {
		if err := s.EnsureIndexes(ctx); err != nil {
			_ = c.Disconnect(context.Background())
			return nil, fmt.Errorf("mongostore.Open: %w", err)
		}
	}
	return s, nil
}

// ScaledOptions sets what the scaled roles need of a replica set,
// overriding the URI: majority write concern with journaling, majority
// read concern, retryable writes and reads.
func ScaledOptions(opts *options.ClientOptions) {
	opts.SetWriteConcern(&writeconcern.WriteConcern{W: writeconcern.WCMajority, Journal: ptr(true)}).
		SetReadConcern(readconcern.Majority()).
		SetRetryWrites(true).SetRetryReads(true)
}

func ptr[T any](v T) *T { return &v }

// Ping checks that the server answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return s.Client.Ping(ctx, readpref.Primary())
}

// Close disconnects.
func (s *Store) Close(ctx context.Context) error { return s.Client.Disconnect(ctx) }

// Empty reports whether the database has no regions yet (a first run).
func (s *Store) Empty(ctx context.Context) (bool, error) {
	err := s.DB.Collection(colRegions).FindOne(ctx, bson.D{}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return true, nil
	}
	return false, err
}

// Collection names.
const (
	colRegions      = "regions"
	colElders       = "elders"
	colVolunteers   = "volunteers"
	colCarers       = "carers"
	colAccounts     = "accounts"
	colAudit        = "audit"
	colMessages     = "messages"
	colSMSClaims    = "sms_claims"
	colSMSOptOuts   = "sms_optouts"
	colSMSPending   = "sms_pending"
	colSMSOutcomes  = "sms_outcomes"
	colSMSInbound   = "sms_inbound"
	colSMSTemplates = "sms_templates"
)

type index struct {
	coll   string
	keys   bson.D
	unique bool
}

var indexes = []index{
	{colRegions, bson.D{{Key: "parent", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colElders, bson.D{{Key: "idNumber", Value: 1}}, true},
	{colElders, bson.D{{Key: "areas", Value: 1}, {Key: "stage", Value: 1}}, false},
	{colElders, bson.D{{Key: "volunteers", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colElders, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	// The register's sortable columns (registry.ElderSorts, VolunteerSorts).
	{colElders, bson.D{{Key: "areas", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colElders, bson.D{{Key: "areas", Value: 1}, {Key: "birthDate", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colElders, bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colElders, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVolunteers, bson.D{{Key: "areas", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVolunteers, bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVolunteers, bson.D{{Key: "phone", Value: 1}}, true},
	{colVolunteers, bson.D{{Key: "areas", Value: 1}, {Key: "status", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colVolunteers, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colCarers, bson.D{{Key: "phone", Value: 1}}, true},
	{colCarers, bson.D{{Key: "areas", Value: 1}, {Key: "_id", Value: 1}}, false},
	// the carer list's sortable columns (registry.CarerSorts), then _id the same way
	{colCarers, bson.D{{Key: "areas", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colCarers, bson.D{{Key: "areas", Value: 1}, {Key: "village", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colCarers, bson.D{{Key: "areas", Value: 1}, {Key: "startDate", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colAccounts, bson.D{{Key: "username", Value: 1}}, true},
	{colAccounts, bson.D{{Key: "areas", Value: 1}, {Key: "region", Value: 1}, {Key: "username", Value: 1}}, false},
	// the account list's sortable columns (auth.AccountSorts), then _id the same way
	{colAccounts, bson.D{{Key: "areas", Value: 1}, {Key: "username", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colAccounts, bson.D{{Key: "areas", Value: 1}, {Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, false},
	// audit log newest first, either way when sorted on at (audit.Sorts)
	{colAudit, bson.D{{Key: "areas", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colMessages, bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: 1}}, false},
	// SMS list newest first, either way when sorted on createdAt (notify.MessageSorts);
	// the pending and outcome lists of a status the same way
	{colMessages, bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colMessages, bson.D{{Key: "to", Value: 1}, {Key: "createdAt", Value: -1}}, false},
	{colSMSOutcomes, bson.D{{Key: "sid", Value: 1}}, false},
	{colSMSOutcomes, bson.D{{Key: "status", Value: 1}, {Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
	{colSMSPending, bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}, false},
	{colSMSInbound, bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}, false},
}

// wrap turns driver errors into the domain's: a missing document is
// NotFound, a duplicate key is Conflict; anything else keeps the driver
// error inside, wrapped with the operation.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%s: %w", op, apperr.New(apperr.NotFound, "记录不存在"))
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%s: %w", op, apperr.New(apperr.Conflict, "记录已存在"))
	}
	return fmt.Errorf("%s: %w", op, err)
}

// get loads one document by _id.
func get[T any](ctx context.Context, c *mongo.Collection, id string) (T, error) {
	var v T
	err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&v)
	return v, wrap("mongostore.get "+c.Name(), err)
}

// insertMany stores docs in order; if it fails half-way, the ones this
// call wrote are removed again so that nothing half-written survives. It
// never removes what it did not write: when a document collides with one
// already stored (a duplicate key, e.g. a second loader of the same data),
// only the documents before it — the ones this call inserted — go.
func insertMany[T any](ctx context.Context, c *mongo.Collection, docs []T, ids []string) error {
	if len(docs) == 0 {
		return nil
	}
	_, err := c.InsertMany(ctx, docs)
	touched(ctx, c)
	if err != nil {
		written := ids
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
			first := len(ids)
			for _, we := range bwe.WriteErrors {
				first = min(first, we.Index)
			}
			written = ids[:max(0, min(first, len(ids)))]
		}
		if len(written) > 0 {
			_, _ = c.DeleteMany(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: written}}}})
		}
	}
	return wrap("mongostore.insertMany "+c.Name(), err)
}

// replaceVersioned writes doc if the stored version is version-1 …
// i.e. the caller read version and bumps it; a lost race is a Conflict.
//
// On a server it is one replace filtered on _id and version. The embedded
// FerretDB looks a document up by index only for a filter on _id alone
// and reads the whole collection for any other (PLATFORM.md), so there it
// is a read of the version by _id and a replace by _id, under the store's
// version lock; every other write that moves a version takes the same
// lock (versionLock), so nothing moves it between the two. The embedded
// process is the only one on its database, with one connection.
func (s *Store) replaceVersioned(ctx context.Context, c *mongo.Collection, id string, readVersion int, doc any) error {
	conflict := fmt.Errorf("mongostore.replace %s: %w", c.Name(), apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试"))
	filter := bson.D{{Key: "_id", Value: id}, {Key: "version", Value: readVersion}}
	if s.embedded {
		defer s.versionLock()()
		var cur struct {
			Version int `bson:"version"`
		}
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&cur)
		if errors.Is(err, mongo.ErrNoDocuments) || err == nil && cur.Version != readVersion {
			return conflict
		}
		if err != nil {
			return wrap("mongostore.replace "+c.Name(), err)
		}
		filter = bson.D{{Key: "_id", Value: id}}
	}
	r, err := c.ReplaceOne(ctx, filter, doc)
	touched(ctx, c)
	if err != nil {
		return wrap("mongostore.replace "+c.Name(), err)
	}
	if r.MatchedCount == 0 {
		return conflict
	}
	return nil
}

// versionLock holds, on the embedded store, the lock of writes that move
// a document's version (see replaceVersioned); it returns the unlock.
func (s *Store) versionLock() func() {
	if !s.embedded {
		return func() {}
	}
	s.versions.Lock()
	return s.versions.Unlock
}

// findPage runs a paged find and a count.
func findPage[T any](ctx context.Context, c *mongo.Collection, filter bson.D, sort bson.D, offset, limit int) ([]T, int, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var total int64
	var err error
	if len(filter) == 0 {
		total, err = c.EstimatedDocumentCount(ctx) // collection metadata, no scan
	} else {
		total, err = c.CountDocuments(ctx, filter)
	}
	if err != nil {
		return nil, 0, wrap("mongostore.count "+c.Name(), err)
	}
	cur, err := c.Find(ctx, filter, options.Find().SetSort(sort).SetSkip(int64(offset)).SetLimit(int64(limit)))
	if err != nil {
		return nil, 0, wrap("mongostore.find "+c.Name(), err)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, wrap("mongostore.find "+c.Name(), err)
	}
	return out, int(total), nil
}

// pageOf runs a paged find and a count (package page's parameters).
func pageOf[T any](ctx context.Context, c *mongo.Collection, filter bson.D, sort bson.D, pg page.Params) ([]T, int, error) {
	pg = pg.Norm()
	return findPage[T](ctx, c, filter, orderOr(pg.Order, sort), pg.Offset, pg.Limit)
}

func isNotFound(err error) bool {
	return apperr.Is(err, apperr.NotFound)
}
