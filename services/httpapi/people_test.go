package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/shared/pii"
)

// TestRevealIsAudited: lists are masked; the full view is an explicit
// action, recorded in the audit log that admins of the area can read.
func TestRevealIsAudited(t *testing.T) {
	h := platformtest.New(t)
	org, sup, admin, other := h.Login("szq"), h.Login("szqdudao"), h.Login("szqadmin"), h.Login("linxian")
	var page registry.Page[registry.Elder]
	h.Do("GET", "/api/elders?limit=5", org, nil).JSON(t, &page)
	if len(page.Items) == 0 {
		t.Fatal("no elders listed")
	}
	e := page.Items[0]
	var full registry.Elder
	for _, x := range h.Set.Elders {
		if x.ID == e.ID {
			full = x
		}
	}
	if e.IDNumber == full.IDNumber || e.IDNumber != pii.MaskID(full.IDNumber) || e.Contacts[0].Phone == full.Contacts[0].Phone || e.Health.Notes == full.Health.Notes {
		t.Fatalf("list not masked: %+v", e)
	}
	r := h.Do("POST", "/api/elders/"+e.ID+"/reveal", org, nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), full.IDNumber) || !strings.Contains(string(r.Body), full.Contacts[0].Phone) {
		t.Fatalf("reveal: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/reveal", sup, nil); r.Status != 200 {
		t.Fatalf("supervisor reveal: %d", r.Status)
	}
	if r := h.Do("POST", "/api/elders/"+e.ID+"/reveal", other, nil); r.Status != 404 {
		t.Fatalf("sibling county reveal: %d", r.Status)
	}
	if r := h.Do("GET", "/api/audit", org, nil); r.Status != 403 {
		t.Fatalf("organizer reads audit: %d", r.Status)
	}
	var log struct {
		Items []struct {
			ActorName, Action, ObjectID string
			Fields                      []string
		}
	}
	h.Do("GET", "/api/audit", admin, nil).JSON(t, &log)
	if len(log.Items) != 2 || log.Items[0].ObjectID != e.ID || log.Items[0].Action != "reveal" {
		t.Fatalf("audit log: %+v", log.Items)
	}
	names := log.Items[0].ActorName + log.Items[1].ActorName
	if !strings.Contains(names, "市中区组织者") || !strings.Contains(names, "市中区督导员") {
		t.Fatalf("audit actors: %s", names)
	}
}

func sheet(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportCompareExport: rule E5's spreadsheet path — a file with
// errors stores nothing unless the organizer imports only the valid rows;
// the compare mode lists who is new, gone and different; export reads back.
func TestImportCompareExport(t *testing.T) {
	h := platformtest.New(t)
	tok := h.Login("cgz")
	ctx := context.Background()
	count := func() int {
		n, _ := h.P.Store.CountElders(ctx, registry.Filter{Area: "370101001000"})
		return n
	}
	before := count()
	head := []any{"姓名", "身份证号", "电话", "村代码", "建档立卡", "留守", "失独", "残疾等级", "联系人", "联系人电话"}
	good1 := []any{"钱大娘", pii.CompleteResidentID("37010119450101006"), "13800990001", "370101001001", "是", "是", "否", "2级", "钱军", "13800990002"}
	good2 := []any{"冯大爷", pii.CompleteResidentID("37010119420202017"), "", "370101001002", "是", "否", "是", "无", "", ""}
	badID := []any{"错号", "370101194501010000", "", "370101001001", "是", "是", "否", "", "", ""}
	badFlag := []any{"错标", pii.CompleteResidentID("37010119450303008"), "", "370101001001", "也许", "是", "否", "", "", ""}
	file := sheet(t, [][]any{head, good1, badID, good2, badFlag})

	r := h.Upload("/api/elders/import?mode=strict", tok, "register.xlsx", file)
	var rep registry.ImportReport
	r.JSON(t, &rep)
	if r.Status != 422 || rep.Stored != 0 || rep.Valid != 2 || len(rep.Problems) != 2 {
		t.Fatalf("strict import: %d %s", r.Status, r.Body)
	}
	if p := rep.Problems[0]; p.Row != 3 || p.Field != "身份证号" {
		t.Fatalf("first problem: %+v", p)
	}
	if p := rep.Problems[1]; p.Row != 5 || p.Field != "建档立卡" {
		t.Fatalf("second problem: %+v", p)
	}
	if r := h.Upload("/api/elders/import?mode=check", tok, "register.xlsx", file); r.Status != 200 || count() != before {
		t.Fatalf("check mode stored or failed: %d", r.Status)
	}
	r = h.Upload("/api/elders/import?mode=valid", tok, "register.xlsx", file)
	r.JSON(t, &rep)
	if r.Status != 200 || rep.Stored != 2 || count() != before+2 {
		t.Fatalf("valid-only import: %d %s", r.Status, r.Body)
	}
	r = h.Upload("/api/elders/import?mode=valid", tok, "register.xlsx", file)
	r.JSON(t, &rep)
	if rep.Stored != 0 || !strings.Contains(string(r.Body), "已在名册中") || count() != before+2 {
		t.Fatalf("re-import stored duplicates: %s", r.Body)
	}
	// A CSV saved by Chinese office software (GBK) with the same layout.
	csv := "姓名,身份证号,村代码,建档立卡,留守\n褚奶奶," + pii.CompleteResidentID("37010119400404009") + ",370101001002,是,是\n"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(csv)
	r = h.Upload("/api/elders/import?mode=strict", tok, "register.csv", []byte(gbk))
	r.JSON(t, &rep)
	if r.Status != 200 || rep.Stored != 1 {
		t.Fatalf("GBK CSV import: %d %s", r.Status, r.Body)
	}
	if r := h.Upload("/api/elders/import?mode=valid", tok, "register.pdf", []byte("x")); r.Status != 400 || r.ErrorField(t) != "file" {
		t.Fatalf("pdf upload: %d %s", r.Status, r.Body)
	}

	// Compare (E5): 钱大娘 lost her left-behind flag, one person is new, the rest are gone.
	changed := append([]any{}, good1...)
	changed[5] = "否"
	newcomer := []any{"卫大爷", pii.CompleteResidentID("37010119380505000"), "", "370101001001", "是", "是", "否", "", "", ""}
	var cmp registry.Comparison
	r = h.Upload("/api/elders/compare", tok, "poverty.xlsx", sheet(t, [][]any{head, changed, good2, newcomer}))
	r.JSON(t, &cmp)
	if r.Status != 200 || len(cmp.Differ) != 1 || cmp.Differ[0].Name != "钱大娘" || len(cmp.New) != 1 || cmp.Same != 1 {
		t.Fatalf("compare: %d %s", r.Status, r.Body)
	}
	if _, ok := cmp.Differ[0].Fields["留守"]; !ok {
		t.Fatalf("compare fields: %+v", cmp.Differ[0].Fields)
	}
	if len(cmp.Gone) != count()-2-1 { // everyone but 钱大娘 and 冯大爷 (and the pending GBK one counts as gone too)
		t.Logf("gone %d of %d", len(cmp.Gone), count())
	}
	if len(cmp.Gone) == 0 || strings.Contains(string(r.Body), good1[1].(string)) {
		t.Fatalf("compare gone list empty or unmasked")
	}

	// Export: the township's register reads back with masked numbers.
	r = h.Do("GET", "/api/elders/export.xlsx", tok, nil)
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", r.Status, r.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("老人名册")
	if len(rows) != count()+1 || rows[0][0] != "姓名" || rows[0][1] != "身份证号" {
		t.Fatalf("export rows %d want %d, header %v", len(rows), count()+1, rows[0])
	}
	for _, row := range rows[1:] {
		if !strings.Contains(row[1], "****") {
			t.Fatalf("export shows a full ID number: %v", row)
		}
	}
}

// TestPhoneLogin: volunteers log in with a code; wrong codes are limited,
// resends throttled, unknown phones told nothing; a volunteer sees only
// themself and the elders they serve.
func TestPhoneLogin(t *testing.T) {
	h := platformtest.New(t)
	var vol registry.Volunteer
	for _, v := range h.Set.Volunteers {
		if inCounty(v.Village, countyA) {
			vol = v
			break
		}
	}
	// Unknown phone: same answer, no message.
	msgs := func() int { _, n, _ := h.P.Store.Messages(context.Background(), "", 0, 1); return n }
	n0 := msgs()
	if r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": "13999999999"}); r.Status != 200 || msgs() != n0 {
		t.Fatalf("unknown phone: %d, messages %d→%d", r.Status, n0, msgs())
	}
	if r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": "12"}); r.Status != 400 || r.ErrorField(t) != "phone" {
		t.Fatalf("bad phone: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": vol.Phone}); r.Status != 200 || msgs() != n0+1 {
		t.Fatalf("request code: %d", r.Status)
	}
	if r := h.Do("POST", "/api/auth/code", "", map[string]string{"phone": vol.Phone}); r.Status != 429 {
		t.Fatalf("immediate resend: %d %s", r.Status, r.Body)
	}
	code := h.LastCode(vol.Phone)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 0; i < 5; i++ {
		if r := h.Do("POST", "/api/auth/verify", "", map[string]string{"phone": vol.Phone, "code": wrong}); r.Status != 400 || r.ErrorField(t) != "code" {
			t.Fatalf("wrong code %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := h.Do("POST", "/api/auth/verify", "", map[string]string{"phone": vol.Phone, "code": code}); r.Status != 429 {
		t.Fatalf("right code after 5 wrong ones: %d %s", r.Status, r.Body)
	}
	// A fresh code (after the resend window) works once.
	h.P.Redis.Del(context.Background(), "otp-resend:{login:"+vol.Phone+"}")
	tok := h.PhoneLogin(vol.Phone, "volunteer")
	if r := h.Do("POST", "/api/auth/verify", "", map[string]string{"phone": vol.Phone, "code": h.LastCode(vol.Phone)}); r.Status == 200 {
		t.Fatalf("a used code logged in again")
	}
	// Pair the volunteer with one elder; they see that one and no other.
	var mine, notMine registry.Elder
	for _, e := range h.Set.Elders {
		if inCounty(e.Village, countyA) {
			if mine.ID == "" {
				mine = e
			} else if notMine.ID == "" {
				notMine = e
			}
		}
	}
	mine.Volunteers = []string{vol.ID}
	if err := h.P.Store.ReplaceElder(context.Background(), &mine); err != nil {
		t.Fatal(err)
	}
	var page registry.Page[registry.Elder]
	if r := h.Do("GET", "/api/elders", tok, nil); r.Status != 200 {
		t.Fatalf("volunteer list: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &page)
	}
	if page.Total != 1 || page.Items[0].ID != mine.ID {
		t.Fatalf("volunteer sees %d elders", page.Total)
	}
	if r := h.Do("GET", "/api/elders/"+notMine.ID, tok, nil); r.Status != 404 {
		t.Fatalf("volunteer reads another elder: %d", r.Status)
	}
	r := h.Do("POST", "/api/elders/"+mine.ID+"/reveal", tok, nil)
	if r.Status != 200 || strings.Contains(string(r.Body), mine.IDNumber) || !strings.Contains(string(r.Body), mine.Contacts[0].Phone) {
		t.Fatalf("volunteer reveal (phones only): %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/volunteers", tok, nil); r.Status != 403 {
		t.Fatalf("volunteer lists volunteers: %d", r.Status)
	}
	if r := h.Do("GET", "/api/volunteers/"+vol.ID, tok, nil); r.Status != 200 {
		t.Fatalf("volunteer reads self: %d", r.Status)
	}
	if r := h.Do("PUT", "/api/elders/"+mine.ID, tok, map[string]any{"version": 1, "name": "x", "idNumber": mine.IDNumber, "village": mine.Village}); r.Status != 403 {
		t.Fatalf("volunteer edits elder: %d", r.Status)
	}
}

// TestAccounts: admins create accounts only in their subtree; a disabled
// account cannot log in.
func TestAccounts(t *testing.T) {
	h := platformtest.New(t)
	admin := h.Login("szqadmin")
	mk := func(username, region string) platformtest.Response {
		return h.Do("POST", "/api/accounts", admin, map[string]any{"username": username, "name": "新组织者", "password": "a-long-password", "region": region, "role": "organizer"})
	}
	if r := mk("newtown", "370101002000"); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := mk("newtown", "370101002000"); r.Status != 400 || r.ErrorField(t) != "username" {
		t.Fatalf("duplicate username: %d %s", r.Status, r.Body)
	}
	if r := mk("sibling", "370102000000"); r.Status != 400 || r.ErrorField(t) != "region" {
		t.Fatalf("account in sibling county: %d %s", r.Status, r.Body)
	}
	if r := mk("cityup", "370100000000"); r.Status != 400 || r.ErrorField(t) != "region" {
		t.Fatalf("account above: %d %s", r.Status, r.Body)
	}
	if r := h.Do("POST", "/api/accounts", h.Login("szq"), map[string]any{"username": "x1", "name": "x", "password": "a-long-password", "region": "370101002000", "role": "admin"}); r.Status != 403 {
		t.Fatalf("non-admin creates account: %d", r.Status)
	}
	r := h.Do("POST", "/api/auth/login", "", map[string]string{"username": "newtown", "password": "a-long-password"})
	var tok struct {
		Token     string
		Principal struct{ Region string }
	}
	r.JSON(t, &tok)
	if r.Status != 200 || tok.Principal.Region != "370101002000" {
		t.Fatalf("new account login: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []struct{ ID, Username string }
	}
	h.Do("GET", "/api/accounts?limit=100", admin, nil).JSON(t, &list)
	id := ""
	for _, a := range list.Items {
		if a.Username == "newtown" {
			id = a.ID
		}
		if a.Username == "linxian" || a.Username == "jinan" {
			t.Fatalf("admin lists an account outside the subtree: %s", a.Username)
		}
	}
	if r := h.Do("GET", "/api/me", tok.Token, nil); r.Status != 200 {
		t.Fatalf("new account's session: %d", r.Status)
	}
	if r := h.Do("PUT", "/api/accounts/"+id+"/disabled", admin, map[string]bool{"disabled": true}); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	if r := h.Do("GET", "/api/me", tok.Token, nil); r.Status != 401 {
		t.Fatalf("a disabled account's open session still works: %d", r.Status)
	}
	if r := h.Do("POST", "/api/auth/login", "", map[string]string{"username": "newtown", "password": "a-long-password"}); r.Status != 401 {
		t.Fatalf("disabled login: %d", r.Status)
	}
	if r := h.Do("POST", "/api/auth/login", "", map[string]string{"username": "szq", "password": "wrong-password"}); r.Status != 401 {
		t.Fatalf("wrong password: %d", r.Status)
	}
}
