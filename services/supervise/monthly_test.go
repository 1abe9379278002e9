package supervise_test

import (
	"context"
	"testing"

	"jinhui/services/platform/platformtest"
)

// TestMonthlyReports: the scheduler's monthly task keeps one report for
// the province and each city (rule Q4), and a retried run adds none.
func TestMonthlyReports(t *testing.T) {
	h := platformtest.New(t)
	ctx := context.Background()
	n, err := h.P.Supervise.MonthlyReports(ctx, "2026-10")
	if err != nil || n != 17 { // 山东省 and its 16 cities
		t.Fatalf("monthly reports: %d %v", n, err)
	}
	if again, err := h.P.Supervise.MonthlyReports(ctx, "2026-10"); err != nil || again != 0 {
		t.Fatalf("retried run made %d (%v)", again, err)
	}
	var list struct {
		Items []struct {
			Area, Month, ByName string
			Rows                []struct{ Area string }
		}
		Total int
	}
	r := h.Do("GET", "/api/supervise/reports?month=2026-10", h.Login("jinan"), nil)
	r.JSON(t, &list)
	counties := 0 // a row for each of 济南's counties
	for _, rg := range h.Set.Regions {
		if rg.Parent == "370100000000" {
			counties++
		}
	}
	if r.Status != 200 || list.Total != 1 || list.Items[0].Area != "370100000000" || counties < 2 || len(list.Items[0].Rows) != counties {
		t.Fatalf("济南's kept report (want %d rows): %d %s", counties, r.Status, r.Body)
	}
}
