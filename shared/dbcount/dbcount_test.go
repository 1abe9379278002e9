package dbcount_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/shared/dbcount"
	"jinhui/shared/testenv"
)

// TestCounts: three application commands are counted as three, by
// command and collection, with the find's filter and sort kept.
func TestCounts(t *testing.T) {
	c := dbcount.New(true)
	s := testenv.MongoWith(t, func(o *options.ClientOptions) { o.SetMonitor(c.Monitor()) })
	ctx := context.Background()
	c.Reset()
	coll := s.DB.Collection("dbcount_probe")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: 2}}}}); err != nil {
		t.Fatal(err)
	}
	cur, err := coll.Find(ctx, bson.D{{Key: "n", Value: 2}}, options.Find().SetSort(bson.D{{Key: "n", Value: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	_ = cur.Close(ctx)
	if c.Total() != 3 {
		t.Fatalf("counted %d commands, want 3: %v", c.Total(), c.By())
	}
	by := c.By()
	if len(by) != 3 || by[0].Key != "find dbcount_probe" || by[1].Key != "insert dbcount_probe" || by[2].Key != "update dbcount_probe" {
		t.Fatalf("by command: %v", by)
	}
	cmds := c.Commands()
	last := cmds[len(cmds)-1]
	if last.Filter.Lookup("n").Int32() != 2 || last.Sort.Lookup("n").Int32() != 1 {
		t.Fatalf("find kept filter %v sort %v", last.Filter, last.Sort)
	}
}
