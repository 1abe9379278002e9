package mongostore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/services/notify"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/pii"
	"jinhui/shared/testenv"
)

func elder(id, idNumber string) registry.Elder {
	return registry.Elder{ID: id, Name: "测试", IDNumber: idNumber, Village: "370101001001", Areas: registry.AreasOf("370101001001"), Status: "active", Version: 1}
}

// TestInsertEldersAllOrNothing: a batch with a duplicate ID number in the
// middle leaves nothing of itself behind.
func TestInsertEldersAllOrNothing(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	id1, id2 := pii.CompleteResidentID("37010119500101001"), pii.CompleteResidentID("37010119500101002")
	if err := s.InsertElders(ctx, []registry.Elder{elder("a", id1)}); err != nil {
		t.Fatal(err)
	}
	err := s.InsertElders(ctx, []registry.Elder{elder("b", id2), elder("c", id1), elder("d", pii.CompleteResidentID("37010119500101003"))})
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("duplicate batch: %v", err)
	}
	n, _ := s.CountElders(ctx, registry.Filter{Area: "370101000000"})
	if n != 1 {
		t.Fatalf("after a failed batch %d elders are stored, want 1", n)
	}
	if _, err := s.Elder(ctx, "b"); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("half of the failed batch survived: %v", err)
	}
}

// TestReplaceIsVersioned: of two writers holding the same version, one wins.
func TestReplaceIsVersioned(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	if err := s.InsertElders(ctx, []registry.Elder{elder("a", pii.CompleteResidentID("37010119500101001"))}); err != nil {
		t.Fatal(err)
	}
	x, _ := s.Elder(ctx, "a")
	y, _ := s.Elder(ctx, "a")
	x.Name, y.Name = "甲", "乙"
	if err := s.ReplaceElder(ctx, &x); err != nil || x.Version != 2 {
		t.Fatalf("first writer: %v v%d", err, x.Version)
	}
	if err := s.ReplaceElder(ctx, &y); !apperr.Is(err, apperr.Conflict) || y.Version != 1 {
		t.Fatalf("second writer: %v v%d", err, y.Version)
	}
	got, _ := s.Elder(ctx, "a")
	if got.Name != "甲" {
		t.Fatalf("stored %q", got.Name)
	}
}

// TestVersionedReplaceHasOneWinner: eight editors holding the same
// version of an elder write at once, while the pairing adds a volunteer
// to the elder's access list (which moves the version too): exactly one
// editor wins, the others get a conflict, and the access list is kept,
// on the embedded store where the check is a read and a write by _id.
func TestVersionedReplaceHasOneWinner(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	if err := s.InsertElders(ctx, []registry.Elder{elder("a", pii.CompleteResidentID("37010119500101001"))}); err != nil {
		t.Fatal(err)
	}
	read, _ := s.Elder(ctx, "a")
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := read
			e.Name = fmt.Sprintf("编辑%d", i)
			if err := s.ReplaceElder(ctx, &e); err == nil {
				wins.Add(1)
			} else if !apperr.Is(err, apperr.Conflict) {
				t.Errorf("replace: %v", err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := s.AddElderVolunteers(ctx, map[string][]string{"a": {"v1"}}); err != nil {
			t.Errorf("add volunteer: %v", err)
		}
	}()
	wg.Wait()
	got, _ := s.Elder(ctx, "a")
	switch wins.Load() {
	case 0:
		// The access list moved the version first: every editor's read is stale.
		if !slices.Contains(got.Volunteers, "v1") || got.Name != read.Name {
			t.Fatalf("no editor won, stored %q with volunteers %v", got.Name, got.Volunteers)
		}
	case 1:
		// The editor's write came first; the access list was added after it.
		if !slices.Contains(got.Volunteers, "v1") {
			t.Fatalf("the winning edit dropped the access list: %v", got.Volunteers)
		}
	default:
		t.Fatalf("%d editors won with the same version", wins.Load())
	}
}

// TestClaimHasOneWinner: many workers claiming one message — exactly one
// may send it (PLATFORM.md: inserts on a unique _id have one winner).
func TestClaimHasOneWinner(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	if err := s.InsertMessage(ctx, notify.Message{ID: "m1", To: "+8613800000001", Body: "x", Status: notify.StatusQueued, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Claim(ctx, "m1"); err == nil {
				wins.Add(1)
			} else if !apperr.Is(err, apperr.Conflict) {
				t.Errorf("claim: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d winners", wins.Load())
	}
	if ok, err := s.Claimed(ctx, "m1"); !ok || err != nil {
		t.Fatalf("claimed: %v %v", ok, err)
	}
}

// TestUnsettled: the worker reads a text while it is unsettled (single or
// batch, with its validity), not once it has an outcome, nor a key never
// recorded; an entry left pending by an earlier version (key only) is
// read from the message itself.
func TestUnsettled(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	until := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := s.InsertMessage(ctx, notify.Message{ID: "u1", To: "+8613800000001", Kind: "reminder", Body: "明天探访", CreatedAt: time.Now(), ValidUntil: until}); err != nil {
		t.Fatal(err)
	}
	if err := s.InsertMessages(ctx, []notify.Message{{ID: "u2", To: "+8613800000002", Kind: "pairing", Body: "结对成功", CreatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	m, ok, err := s.Unsettled(ctx, "u1")
	if err != nil || !ok || m.To != "+8613800000001" || m.Body != "明天探访" || m.Kind != "reminder" || !m.ValidUntil.Equal(until) || m.Status != notify.StatusQueued {
		t.Fatalf("unsettled single: %+v %v %v", m, ok, err)
	}
	if m, ok, err := s.Unsettled(ctx, "u2"); err != nil || !ok || m.Body != "结对成功" {
		t.Fatalf("unsettled batch: %+v %v %v", m, ok, err)
	}
	if err := s.SetMessageStatus(ctx, "u1", notify.StatusSent, "SM1", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Unsettled(ctx, "u1"); ok || err != nil {
		t.Fatalf("settled text read as unsettled: %v %v", ok, err)
	}
	if _, ok, err := s.Unsettled(ctx, "never"); ok || err != nil {
		t.Fatalf("unknown key: %v %v", ok, err)
	}
	if _, err := s.DB.Collection("sms_pending").ReplaceOne(ctx, bson.D{{Key: "_id", Value: "u2"}}, bson.D{{Key: "_id", Value: "u2"}, {Key: "createdAt", Value: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if m, ok, err := s.Unsettled(ctx, "u2"); err != nil || !ok || m.Body != "结对成功" || m.To != "+8613800000002" {
		t.Fatalf("older pending entry: %+v %v %v", m, ok, err)
	}
}

// TestCheckIndexes: after Open every declared index is there; one dropped
// by hand is reported missing by name, and EnsureIndexes puts it back.
func TestCheckIndexes(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	if missing, err := s.CheckIndexes(ctx); err != nil || len(missing) != 0 {
		t.Fatalf("after Open: missing %v, err %v", missing, err)
	}
	if err := s.DB.Collection("volunteers").Indexes().DropOne(ctx, "phone_1"); err != nil {
		t.Fatal(err)
	}
	missing, err := s.CheckIndexes(ctx)
	if err != nil || len(missing) != 1 || missing[0] != "volunteers {phone: 1}" {
		t.Fatalf("after a drop: missing %v, err %v", missing, err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if missing, _ := s.CheckIndexes(ctx); len(missing) != 0 {
		t.Fatalf("after EnsureIndexes: missing %v", missing)
	}
}

// TestFailedBatchKeepsOthersDocuments: a batch that collides with a
// document another writer stored (a second loader of the same data)
// removes only what it wrote itself, never the other's document.
func TestFailedBatchKeepsOthersDocuments(t *testing.T) {
	s := testenv.Mongo(t)
	ctx := context.Background()
	r := func(code string) registry.Region {
		return registry.Region{Code: code, Name: "区" + code, Level: registry.County, Parent: "370100000000"}
	}
	if err := s.InsertRegions(ctx, []registry.Region{r("370102000000")}); err != nil {
		t.Fatal(err)
	}
	err := s.InsertRegions(ctx, []registry.Region{r("370101000000"), r("370102000000"), r("370103000000")})
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("colliding batch: %v", err)
	}
	if _, err := s.Region(ctx, "370102000000"); err != nil {
		t.Fatalf("the other writer's region was removed: %v", err)
	}
	for _, code := range []string{"370101000000", "370103000000"} {
		if _, err := s.Region(ctx, code); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("region %s of the failed batch: %v", code, err)
		}
	}
}
