package httpapi_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"jinhui/services/demo"
	"jinhui/services/ledger"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

// TestAdminSurfacesPerRole: the queue dashboard answers only the
// top-level admin (finding 5); the admin cookie is set by the server
// (HttpOnly, SameSite=Strict, path /admin) and is not accepted on /api
// (finding 9); the SMS log is the top-level admin's, as documented.
func TestAdminSurfacesPerRole(t *testing.T) {
	h := platformtest.New(t)
	r := h.Do("POST", "/api/auth/login", "", map[string]string{"username": "szqadmin", "password": demo.Password})
	ck := r.Header.Get("Set-Cookie")
	if r.Status != 200 || !strings.Contains(ck, "jinhui_session=") || !strings.Contains(ck, "HttpOnly") ||
		!strings.Contains(strings.ToLower(ck), "samesite=strict") || !strings.Contains(ck, "path=/admin") {
		t.Fatalf("login cookie: %d %q", r.Status, ck)
	}
	cookie := strings.SplitN(ck, ";", 2)[0]
	var out struct{ Token string }
	r.JSON(t, &out)
	get := func(path, auth string) platformtest.Response {
		req := httptest.NewRequest("GET", path, nil)
		if strings.HasPrefix(auth, "jinhui_session=") {
			req.Header.Set("Cookie", auth)
		} else if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := h.P.API.App.Test(req, 30_000)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return platformtest.Response{Status: resp.StatusCode, Body: b.Bytes(), Header: resp.Header}
	}
	if r := get("/api/me", cookie); r.Status != 401 {
		t.Fatalf("cookie accepted on /api: %d", r.Status)
	}
	if r := get("/admin/queues/api/queues", cookie); r.Status != 403 {
		t.Fatalf("county admin on the queue dashboard: %d %.200s", r.Status, r.Body)
	}
	if r := get("/admin/queues/api/queues", out.Token); r.Status != 403 {
		t.Fatalf("county admin (bearer) on the queue dashboard: %d", r.Status)
	}
	if r := get("/api/sms/messages", out.Token); r.Status != 403 {
		t.Fatalf("county admin on the SMS log: %d", r.Status)
	}
	root := h.Login("admin")
	if r := get("/admin/queues/api/queues", root); r.Status != 200 {
		t.Fatalf("top-level admin on the queue dashboard: %d %.200s", r.Status, r.Body)
	}
	if r := get("/api/sms/messages", root); r.Status != 200 {
		t.Fatalf("top-level admin on the SMS log: %d", r.Status)
	}
	if r := get("/admin/queues/api/queues", h.Login("szq")); r.Status != 403 {
		t.Fatalf("county organizer on the queue dashboard: %d", r.Status)
	}
}

// TestKeyReplayStaysInRegion: every route whose body takes a client key
// is listed here, and replaying a key from another county never answers
// with that county's record (finding 4).
func TestKeyReplayStaysInRegion(t *testing.T) {
	h := platformtest.New(t)
	doc, err := h.P.API.Spec()
	if err != nil {
		t.Fatal(err)
	}
	var keyed []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt != nil && mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Properties["key"] != nil {
				keyed = append(keyed, method+" "+path)
			}
		}
	}
	sort.Strings(keyed)
	// Visits' keys are checked against the one visit (reachable only by
	// its volunteer), carer logs' are prefixed with the carer's id, wishes'
	// are hashed with the recorder's id.
	want := []string{"POST /api/carer-logs", "POST /api/ledger/honour", "POST /api/visits/{id}/checkin", "POST /api/visits/{id}/checkout", "POST /api/wishes"}
	if !slices.Equal(keyed, want) {
		t.Fatalf("routes taking a key: %v; a new one needs a replay test here", keyed)
	}
	volA, volB := volunteerIn(t, h, countyA), volunteerIn(t, h, "370102000000")
	honour := func(tok, vol string) platformtest.Response {
		return h.Do("POST", "/api/ledger/honour", tok, map[string]any{"key": "replay-key-0001", "volunteer": vol, "date": clock.Today(time.Now()),
			"minutes": 60, "reason": "补记", "approver": "张书记"})
	}
	if r := honour(h.Login("szq"), volA.ID); r.Status != 200 {
		t.Fatalf("county A honour: %d %s", r.Status, r.Body)
	}
	r := honour(h.Login("linxian"), volB.ID)
	var e ledger.Entry
	r.JSON(t, &e)
	if r.Status != 200 || e.Volunteer != volB.ID || strings.Contains(string(r.Body), volA.ID) {
		t.Fatalf("county B replaying A's key: %d %s", r.Status, r.Body)
	}
	// A wish's key replayed by another county's organizer records that
	// county's wish and never answers with county A's.
	elderIn := func(county string) string {
		for _, e := range h.Set.Elders {
			if registry.Within(e.Village, county) && e.Status == registry.StatusActive {
				return e.ID
			}
		}
		t.Fatalf("no active elder in %s", county)
		return ""
	}
	wish := func(tok, elder string) platformtest.Response {
		return h.Do("POST", "/api/wishes", tok, map[string]any{"key": "replay-wish-0001", "elder": elder, "category": "heater", "need": "取暖器一台", "value": 120})
	}
	elderA, elderB := elderIn(countyA), elderIn("370102000000")
	if r := wish(h.Login("szq"), elderA); r.Status/100 != 2 {
		t.Fatalf("county A wish: %d %s", r.Status, r.Body)
	}
	r = wish(h.Login("linxian"), elderB)
	var w struct {
		ID    string `json:"id"`
		Elder string `json:"elder"`
	}
	r.JSON(t, &w)
	if r.Status/100 != 2 || w.Elder != elderB || strings.Contains(string(r.Body), elderA) {
		t.Fatalf("county B replaying A's wish key: %d %s", r.Status, r.Body)
	}
}

// pngHeader returns the first bytes of a PNG claiming w×h pixels: enough
// for a decoder's header check, nothing to decode.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// TestResourceLimitsAndHeaders: a 6300×6300 image is refused from its
// header, a JSON body over 1 MB gets 413 in Chinese (finding 6); answers
// carry nosniff, no-store on personal data, and pages a CSP (finding 9).
func TestResourceLimitsAndHeaders(t *testing.T) {
	h := platformtest.New(t)
	tok := h.Login("szq")
	r := h.Upload("/api/exchange/photos", tok, "a.png", pngHeader(6300, 6300))
	if r.Status != 400 || !strings.Contains(string(r.Body), "尺寸过大") {
		t.Fatalf("pixel bomb: %d %s", r.Status, r.Body)
	}
	big := `{"name":"` + strings.Repeat("张", 400_000) + `"}`
	r = h.Do("POST", "/api/volunteers", tok, big)
	if r.Status != 413 || !strings.Contains(string(r.Body), "请求内容过大") {
		t.Fatalf("oversized body: %d %.200s", r.Status, r.Body)
	}
	r = h.Do("GET", "/api/me", tok, nil)
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("api headers: %v", r.Header)
	}
	r = h.Do("GET", "/", "", nil)
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("page CSP: %q", csp)
	}
}

// TestBackdatedVisitHeldForReview: a check-in dated 5 hours back and an
// immediate check-out credit nothing until an organizer approves; the
// visit says why (finding 7).
func TestBackdatedVisitHeldForReview(t *testing.T) {
	h := platformtest.New(t)
	ctx := context.Background()
	fx := fixtures(t, h)
	now := time.Now()
	month := now.In(clock.Shanghai).Format("2006-01")
	v := fx.visits.visit
	v.ID, v.Month, v.Date = fx.elder.ID+":"+month+":9", month, clock.Today(now)
	if _, err := h.P.Store.InsertVisits(ctx, []visit.Visit{v}); err != nil {
		t.Fatal(err)
	}
	at := now.Add(-5 * time.Hour)
	if at.In(clock.Shanghai).Format("2006-01") != month {
		at = now.Add(-40 * time.Minute)
	}
	tok := h.PhoneLogin(fx.volunteer.Phone, "volunteer")
	if r := h.Do("POST", "/api/visits/"+v.ID+"/checkin", tok, map[string]any{"key": "late-in-0001", "at": at}); r.Status != 200 {
		t.Fatalf("check-in: %d %s", r.Status, r.Body)
	}
	r := h.Do("POST", "/api/visits/"+v.ID+"/checkout", tok, map[string]any{"key": "late-out-001", "items": []string{"chat", "housework", "hygiene"}})
	var got visit.Visit
	r.JSON(t, &got)
	if r.Status != 200 || got.Review == nil || got.Review.Status != visit.ReviewPending || !strings.Contains(got.Review.Reason, "签到时间比上传时间早") {
		t.Fatalf("back-dated check-out: %d %s", r.Status, r.Body)
	}
	if _, err := h.P.Store.LedgerEntry(ctx, "visit:"+v.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatalf("held visit credited hours: %v", err)
	}
	org := h.Login("szq")
	if r := h.Do("GET", "/api/visits/"+v.ID, org, nil); !strings.Contains(string(r.Body), "待组织者审核") {
		t.Fatalf("organizer does not see why: %s", r.Body)
	}
	// The review queue is a filter of the list, paged on the server: the
	// held visit and nothing else.
	heldList := func() []visit.Visit {
		var pg struct {
			Items []visit.Visit `json:"items"`
			Total int           `json:"total"`
		}
		h.Do("GET", "/api/visits?review=pending&limit=5", org, nil).JSON(t, &pg)
		if pg.Total != len(pg.Items) {
			t.Fatalf("held visits: total %d, page %d", pg.Total, len(pg.Items))
		}
		return pg.Items
	}
	if held := heldList(); len(held) != 1 || held[0].ID != v.ID {
		t.Fatalf("held visits listed: %+v", held)
	}
	if r := h.Do("GET", "/api/visits?review=maybe", org, nil); r.Status != 400 || r.ErrorField(t) != "review" {
		t.Fatalf("a review filter that is no status: %d %s", r.Status, r.Body)
	}
	r = h.Do("POST", "/api/visits/"+v.ID+"/review", org, map[string]any{"approve": true, "note": "电话核实属实", "version": got.Version})
	if r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	e, err := h.P.Store.LedgerEntry(ctx, "visit:"+v.ID)
	if err != nil || e.Minutes != got.Minutes || e.Minutes < 30 {
		t.Fatalf("approved visit's entry: %+v %v", e, err)
	}
	if held := heldList(); len(held) != 0 {
		t.Fatalf("an approved visit is still in the review queue: %+v", held)
	}
}
