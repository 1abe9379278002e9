package httpapi_test

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/pii"
)

// TestRegisterCompareResolve: rule E5 against a real poverty-office export
// — matched by 贫困户编号 where both sides have one, columns the file lacks
// are reported and not compared as 否, unknown columns are reported, and
// the organizer resolves the differences in one step (add new rows, take
// the office's values, mark the missing elders moved); sending the same
// resolution again changes nothing. An import whose header lacks 建档立卡
// is refused naming the column instead of storing everyone as not poor.
func TestRegisterCompareResolve(t *testing.T) {
	h := platformtest.New(t)
	tok := h.Login("cgz")
	ctx := t.Context()
	var es []registry.Elder
	for _, e := range h.Set.Elders {
		if registry.Within(e.Village, "370101001000") && e.Status == registry.StatusActive && e.PovertyNo != "" {
			es = append(es, e)
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	var a, b, c registry.Elder
	a, c = es[0], es[1]
	for _, e := range es[2:] {
		if e.Bereaved { // the file has no 失独 column: true must not read as 否
			b = e
			break
		}
	}
	if b.ID == "" {
		t.Fatal("test data: no bereaved elder in the township")
	}
	yn := map[bool]string{true: "是", false: "否"}
	head := []any{"姓名", "身份证号", "村代码", "建档立卡", "贫困户编号", "留守", "备注"}
	newID := pii.CompleteResidentID("37010119440404001")
	rowA := []any{a.Name, newID, a.Village, "是", a.PovertyNo, yn[a.LeftBehind], "身份证号已更正"}
	rowB := []any{b.Name, b.IDNumber, b.Village, "是", b.PovertyNo, yn[b.LeftBehind], ""}
	rowC := []any{c.Name, c.IDNumber, c.Village, "是", c.PovertyNo, yn[!c.LeftBehind], ""}
	newcomer := pii.CompleteResidentID("37010119390909002")
	rowD := []any{"褚大爷", newcomer, "370101001001", "是", "PK370101NEW01", "是", "新识别"}
	file := sheet(t, [][]any{head, rowA, rowB, rowC, rowD})

	var cmp registry.Comparison
	r := h.Upload("/api/elders/compare", tok, "扶贫办名单.xlsx", file)
	r.JSON(t, &cmp)
	if r.Status != 200 {
		t.Fatalf("compare: %d %s", r.Status, r.Body)
	}
	for _, col := range []string{"失独", "残疾等级", "独居"} {
		if !slices.Contains(cmp.Columns.Missing, col) {
			t.Fatalf("missing column %s not reported: %+v", col, cmp.Columns)
		}
	}
	if !slices.Contains(cmp.Columns.Unknown, "备注") {
		t.Fatalf("unknown column not reported: %+v", cmp.Columns)
	}
	differ := map[int]registry.Diff{}
	for _, d := range cmp.Differ {
		differ[d.Row] = d
	}
	if d, ok := differ[2]; !ok || d.ID != a.ID || d.By != "贫困户编号" || d.Fields["身份证号"] == [2]any{} {
		t.Fatalf("row 2 not matched by 贫困户编号 with its new ID number: %+v (all %s)", d, r.Body)
	}
	if _, ok := differ[3]; ok {
		t.Fatalf("row 3 differs although every column it has agrees (absent 失独 read as 否?): %+v", differ[3])
	}
	if d, ok := differ[4]; !ok || d.ID != c.ID || len(d.Fields) != 1 || d.Fields["留守"] == [2]any{} {
		t.Fatalf("row 4's 留守 difference: %+v", d)
	}
	if len(cmp.New) != 1 || cmp.New[0].Row != 5 {
		t.Fatalf("new rows: %+v", cmp.New)
	}
	if strings.Contains(string(r.Body), newID) || strings.Contains(string(r.Body), a.IDNumber) {
		t.Fatal("the comparison shows a full ID number")
	}
	var gone registry.Elder
	for _, e := range cmp.Gone {
		if e.Status == registry.StatusActive {
			gone = e
			break
		}
	}
	if gone.ID == "" {
		t.Fatalf("no active elder among the gone: %d", len(cmp.Gone))
	}

	dec, _ := json.Marshal(registry.ResolveInput{Add: []int{5}, Update: []int{2, 4}, Gone: []string{gone.ID}, Status: "moved", Reason: "扶贫办 2026 年 11 月名单比对"})
	resolve := func() registry.ResolveReport {
		var rep registry.ResolveReport
		r := h.UploadWith("/api/elders/compare/resolve", tok, "扶贫办名单.xlsx", file, map[string]string{"decisions": string(dec)})
		r.JSON(t, &rep)
		if r.Status != 200 {
			t.Fatalf("resolve: %d %s", r.Status, r.Body)
		}
		return rep
	}
	if rep := resolve(); rep.Added != 1 || rep.Updated != 2 || rep.Marked != 1 {
		t.Fatalf("resolve: %+v", rep)
	}
	got := func(id string) registry.Elder {
		e, err := h.P.Store.Elder(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if e := got(a.ID); e.IDNumber != newID || e.PovertyNo != a.PovertyNo || e.Version != a.Version+1 {
		t.Fatalf("row 2 not taken from the office: %s v%d", e.IDNumber, e.Version)
	}
	if e := got(c.ID); e.LeftBehind == c.LeftBehind || e.Bereaved != c.Bereaved {
		t.Fatalf("row 4's 留守 not taken (or 失独 touched): %+v", e)
	}
	if e := got(b.ID); !e.Bereaved || e.Version != b.Version {
		t.Fatalf("an unselected row changed: %+v", e)
	}
	if e := got(gone.ID); e.Status != registry.StatusMoved || len(e.History) == 0 || !strings.Contains(e.History[len(e.History)-1].Reason, "名单比对") {
		t.Fatalf("gone elder not marked moved with its reason: %s %+v", e.Status, e.History)
	}
	if e, err := h.P.Store.ElderByIDNumber(ctx, newcomer); err != nil || e.Stage != registry.StageProposed || e.Status != registry.StatusPending || !e.Poor {
		t.Fatalf("new row not proposed: %+v %v", e, err)
	}
	// The same resolution again (a retry): nothing twice.
	if rep := resolve(); rep.Added != 0 || rep.Updated != 0 || rep.Marked != 0 || len(rep.Skipped) != 4 {
		t.Fatalf("second resolve: %+v", rep)
	}
	h.Upload("/api/elders/compare", tok, "扶贫办名单.xlsx", file).JSON(t, &cmp)
	if len(cmp.New) != 0 || len(cmp.Differ) != 0 || cmp.Same != 4 {
		t.Fatalf("after resolving: new %d differ %d same %d", len(cmp.New), len(cmp.Differ), cmp.Same)
	}

	// Bad decisions name the field.
	for _, tc := range []struct{ name, decisions, field string }{
		{"ErrNoDecisions", "", "decisions"},
		{"ErrNotJSON", "add=5", "decisions"},
		{"ErrNoReason", `{"add":[5]}`, "reason"},
		{"ErrBadRow", `{"add":[99],"reason":"核对"}`, "add[0]"},
		{"ErrRepeatedRow", `{"update":[2,2],"reason":"核对"}`, "update[1]"},
		{"ErrBadStatus", `{"gone":["x"],"status":"active","reason":"核对"}`, "status"},
	} {
		r := h.UploadWith("/api/elders/compare/resolve", tok, "扶贫办名单.xlsx", file, map[string]string{"decisions": tc.decisions})
		if r.Status != 400 || r.ErrorField(t) != tc.field {
			t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
		}
	}
	// Another county's organizer reaches none of it: its rows are not theirs.
	if r := h.UploadWith("/api/elders/compare/resolve", h.Login("linxian"), "x.xlsx", file, map[string]string{"decisions": string(dec)}); r.Status != 400 || r.ErrorField(t) != "add[0]" {
		t.Fatalf("sibling county resolved: %d %s", r.Status, r.Body)
	}

	// Import without a 建档立卡 column: refused, naming it; nothing stored.
	n0, _ := h.P.Store.CountElders(ctx, registry.Filter{Area: "370101001000"})
	noPoor := sheet(t, [][]any{{"姓名", "身份证号", "村代码", "留守"}, {"蒋奶奶", pii.CompleteResidentID("37010119410101003"), "370101001001", "是"}})
	for _, mode := range []string{"check", "valid", "strict"} {
		r := h.Upload("/api/elders/import?mode="+mode, tok, "无建档立卡列.xlsx", noPoor)
		if r.Status != 400 || r.ErrorField(t) != "file" || !strings.Contains(string(r.Body), "「建档立卡」") {
			t.Fatalf("import without 建档立卡 (%s): %d %s", mode, r.Status, r.Body)
		}
	}
	if n, _ := h.P.Store.CountElders(ctx, registry.Filter{Area: "370101001000"}); n != n0 {
		t.Fatalf("stored %d elders from a file without 建档立卡", n-n0)
	}
}
