package visit_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/pairing"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/mongostore"
	"jinhui/shared/testenv"
)

// TestPlanCrashRepairs stops a month's planning after each of its writes,
// as if the process died there, and plans again (rule S1, issue 12): the
// second run completes the month, every planned visit with its reminders,
// nothing twice. The data set is the platform tests' small one (a county
// with nine paired elders): the month is still planned in its two bulk
// writes, visits then reminders, and each is a crash point.
func TestPlanCrashRepairs(t *testing.T) {
	now := time.Now()
	month := now.AddDate(0, 1, 0)
	var county string
	plan := func(ctx context.Context, st *mongostore.Store) error {
		svc := &visit.Service{Store: st, Now: func() time.Time { return now }}
		_, err := svc.PlanMonth(ctx, county, month)
		return err
	}
	testenv.EveryWrite(t, testenv.Crash{
		Setup: func(t *testing.T, st *mongostore.Store) {
			ctx := context.Background()
			set, err := demo.Generate(platformtest.Scale, 2017, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := demo.Load(ctx, st, set); err != nil {
				t.Fatal(err)
			}
			county = registry.AncestorAt(set.Elders[0].Village, registry.County)
			org := access.Principal{Kind: access.KindOrganizer, ID: "t", Name: "测试", Role: access.RoleAdmin, Region: county, Level: int(registry.County)}
			ps := pairing.New(st, nil)
			pr, err := ps.Propose(ctx, org, pairing.ProposeInput{Region: county})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ps.Confirm(ctx, org, pr.ID, pairing.ConfirmInput{Version: pr.Version}); err != nil {
				t.Fatal(err)
			}
		},
		Op: plan,
		Done: func(t *testing.T, st *mongostore.Store) {
			ctx := context.Background()
			vs, n, err := st.Visits(ctx, visit.Filter{Area: county, Limit: 500})
			if err != nil || n == 0 || n > 500 {
				t.Fatalf("%d visits (%v)", n, err)
			}
			want := 0
			for _, v := range vs {
				rs := visit.Reminders(v, now)
				want += len(rs)
				for _, r := range rs {
					if _, err := st.Reminder(ctx, r.ID); err != nil {
						t.Fatalf("visit %s has no reminder %s: %v", v.ID, r.ID, err)
					}
				}
			}
			got, err := st.DB.Collection("reminders").CountDocuments(ctx, bson.D{})
			if err != nil || int(got) != want {
				t.Fatalf("%d reminders, want %d (%v)", got, want, err)
			}
		},
	})
}
