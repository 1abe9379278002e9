package supervise_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"jinhui/services/access"
	"jinhui/services/demo"
	"jinhui/services/ledger"
	"jinhui/services/platform"
	"jinhui/services/registry"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/shared/clock"
	"jinhui/shared/config"
	"jinhui/shared/page"
	"jinhui/shared/pii"
	"jinhui/shared/testenv"
)

// TestCountyScale times supervision on the embedded FerretDB at a
// county's size (10,000 elders, one completed visit each this month, each
// with its credit entry and a pending confirmation). It runs only with
// SUPERVISE_BENCH=1:
//
//	SUPERVISE_BENCH=1 go test -run TestCountyScale -v ./services/supervise/
func TestCountyScale(t *testing.T) {
	if os.Getenv("SUPERVISE_BENCH") == "" {
		t.Skip("set SUPERVISE_BENCH=1 to run")
	}
	ctx := context.Background()
	cfg, err := config.Parse([]string{"JINHUI_DATA_DIR=" + t.TempDir(), "REDIS_URL=" + testenv.RedisURL(t)}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	p, err := platform.New(ctx, cfg, testenv.Logger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	now := time.Now()
	set, err := demo.Generate(demo.Scale{TownshipsPerCounty: 12, VillagesPerTown: 20, Elders: 10000, Volunteers: 3000, PopulatedCounties: 1}, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := range set.Elders { // the demo's ID numbers repeat at this size in one county
		birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
		set.Elders[i].IDNumber = pii.CompleteResidentID(fmt.Sprintf("%s%s%03d", set.Elders[i].Village[:6], birth.Format("20060102"), i%1000))
	}
	if err := demo.Load(ctx, p.Store, set); err != nil {
		t.Fatal(err)
	}
	month := now.In(clock.Shanghai).Format("2006-01")
	county := registry.AncestorAt(set.Elders[0].Village, registry.County)
	var vs []visit.Visit
	var es []any
	var cs, phones []any
	for i, e := range set.Elders {
		if e.Status != registry.StatusActive {
			continue
		}
		vol := set.Volunteers[i%len(set.Volunteers)]
		id := fmt.Sprintf("%s:%s:1", e.ID, month)
		in := visit.Stamp{At: now.Add(-2 * time.Hour), Received: now, Far: i%50 == 0, Late: i%40 == 0, Key: "k" + id}
		out := in
		out.At = now.Add(-time.Hour)
		vs = append(vs, visit.Visit{ID: id, Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas, County: county, Month: month, N: 1,
			Date: clock.Today(now), Volunteer: vol.ID, VolunteerName: vol.Name, People: []string{vol.ID}, Status: visit.StatusDone,
			Checklist: visit.FiveOnes, CheckIn: &in, CheckOut: &out, Minutes: 10 + i%300, Changes: []visit.Change{}, Version: 1})
		es = append(es, ledger.Entry{ID: "visit:" + id, Kind: ledger.KindCredit, Volunteer: vol.ID, Elder: e.ID, Areas: e.Areas, Village: e.Village,
			Date: clock.Today(now), Month: month, Minutes: 10 + i%300, Source: "visit", SourceID: id, At: now})
		cs = append(cs, supervise.Confirmation{ID: id, Visit: id, Elder: e.ID, Volunteer: vol.ID, Village: e.Village, Areas: e.Areas, Month: month,
			Phone: e.Contacts[0].Phone, SentAt: now})
		phones = append(phones, bson.D{{Key: "_id", Value: e.Contacts[0].Phone}, {Key: "sent", Value: []supervise.Sent{{Visit: id, SentAt: now}}}})
	}
	if _, err := p.Store.InsertVisits(ctx, vs); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store.DB.Collection("ledger").InsertMany(ctx, es); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store.DB.Collection("supervise_confirms").InsertMany(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store.DB.Collection("supervise_phones").InsertMany(ctx, phones); err != nil {
		t.Fatal(err)
	}
	sup := access.Principal{Kind: access.KindOrganizer, ID: "bench", Name: "督导员", Role: access.RoleSupervisor, Region: county, Level: int(registry.County)}
	timed := func(what string, fn func() error) {
		t.Helper()
		start := time.Now()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		t.Logf("%-44s %8.1f ms", what, float64(time.Since(start).Microseconds())/1000)
	}
	t.Logf("county %s: %d elders, %d completed visits", county, len(set.Elders), len(vs))
	if os.Getenv("SUPERVISE_BENCH") == "2" {
		for name, f := range map[string]bson.D{"none": {}, "month": {{Key: "month", Value: month}}, "areas": {{Key: "areas", Value: county}},
			"county": {{Key: "county", Value: county}}, "status": {{Key: "status", Value: "done"}}} {
			timed("visits filter "+name, func() error {
				cur, err := p.Store.DB.Collection("visits").Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "areas", Value: 1}}))
				if err != nil {
					return err
				}
				var out []bson.Raw
				return cur.All(ctx, &out)
			})
		}
		timed("store: households", func() error { _, err := p.Store.SupHouseholds(ctx, county, month); return err })
		timed("store: done visits", func() error { _, err := p.Store.SupDoneVisits(ctx, county, month); return err })
		timed("store: draws", func() error { _, _, err := p.Store.CheckDraws(ctx, county, month, page.Order{}, 0, 500); return err })
		timed("store: checked volunteers", func() error { _, err := p.Store.CheckedVolunteers(ctx); return err })
		timed("store: figures", func() error { _, err := p.Store.SupFigures(ctx, county, month); return err })
		timed("store: region", func() error { _, err := p.Store.Region(ctx, county); return err })
		timed("store: sent to a phone", func() error { _, err := p.Store.SentTo(ctx, "+8615100000001"); return err })
	}
	var d supervise.Draw
	timed("富锦 draw (12 townships × 4 villages × 10)", func() error {
		var err error
		d, err = p.Supervise.NewDraw(ctx, sup, supervise.DrawInput{Region: county, Month: month})
		return err
	})
	t.Logf("  → %d tasks", d.Size)
	timed("risk-weighted draw of 50", func() error {
		_, err := p.Supervise.NewDraw(ctx, sup, supervise.DrawInput{Region: county, Month: month, Mode: supervise.ModeRisk, Size: 50, Reason: "bench"})
		return err
	})
	task, _ := p.Store.CheckTask(ctx, d.Tasks[0])
	timed("check result not confirmed (suspend + SMS + problem)", func() error {
		_, err := p.Supervise.RecordResult(ctx, sup, task.ID, supervise.ResultInput{Result: supervise.ResultNotConfirmed, Version: task.Version})
		return err
	})
	timed("elder's SMS reply matched and applied", func() error {
		ok, err := p.Supervise.Reply(ctx, "SMbench", set.Elders[3].Contacts[0].Phone, "1")
		if err == nil && !ok {
			err = fmt.Errorf("reply not matched")
		}
		return err
	})
	timed("monthly report of the county's townships", func() error {
		_, err := p.Supervise.NewReport(ctx, sup, supervise.ReportInput{Month: month})
		return err
	})
}
