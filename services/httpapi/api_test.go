package httpapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"jinhui/services/httpapi"
	"jinhui/services/platform/platformtest"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/page"
	"jinhui/shared/pii"
)

// TestOpenAPIMatchesRoutes checks that the served OpenAPI document lists
// exactly the routes the Fiber app has registered, so it cannot drift.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	h := platformtest.New(t)
	r := h.Do("GET", "/api/openapi.json", "", nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/openapi.json: %d %s", r.Status, r.Body)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r.JSON(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	var registered []string
	for _, rt := range h.P.API.App.GetRoutes(true) {
		if rt.Method == "HEAD" || rt.Method == "USE" || rt.Path == "/" || strings.HasPrefix(rt.Path, "/admin/queues") {
			continue
		}
		registered = append(registered, rt.Method+" "+httpapi.OpenAPIPath(rt.Path))
	}
	sort.Strings(documented)
	sort.Strings(registered)
	registered = slices.Compact(registered)
	if !slices.Equal(documented, registered) {
		for _, d := range documented {
			if !slices.Contains(registered, d) {
				t.Errorf("documented but not registered: %s", d)
			}
		}
		for _, g := range registered {
			if !slices.Contains(documented, g) {
				t.Errorf("registered but not documented: %s", g)
			}
		}
	}
	if len(documented) < 30 {
		t.Fatalf("only %d operations documented", len(documented))
	}
}

func TestHealthAndReady(t *testing.T) {
	h := platformtest.New(t)
	if r := h.Do("GET", "/healthz", "", nil); r.Status != 200 {
		t.Fatalf("healthz %d", r.Status)
	}
	r := h.Do("GET", "/readyz", "", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"mongodb":"ok"`) || !strings.Contains(string(r.Body), `"redis":"ok"`) {
		t.Fatalf("readyz %d %s", r.Status, r.Body)
	}
	// With Redis gone the platform is not ready.
	_ = h.P.Redis.Close()
	if r := h.Do("GET", "/readyz", "", nil); r.Status != 503 {
		t.Fatalf("readyz without redis: %d %s", r.Status, r.Body)
	}
}

func TestErrorsHaveOneShape(t *testing.T) {
	h := platformtest.New(t)
	tok, city := h.Login("szq"), h.Login("jinan")
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code, field        string
	}{
		{"ErrNoLogin", "GET", "/api/elders", nil, 401, "unauthorized", ""},
		{"ErrUnknownRoute", "GET", "/api/nothing-here", nil, 404, "not_found", ""},
		{"ErrUnknownField", "POST", "/api/volunteers", `{"name":"张三","nickname":"x"}`, 400, "invalid", "nickname"},
		{"ErrWrongType", "POST", "/api/volunteers", `{"name":42}`, 400, "invalid", "name"},
		{"ErrBrokenJSON", "POST", "/api/volunteers", `{"name":`, 400, "invalid", "body"},
		{"ErrEmptyBody", "POST", "/api/volunteers", ``, 400, "invalid", "body"},
		{"ErrTrailing", "PUT", "/api/regions/370101000000/quota", `{"quota":1} {"quota":2}`, 400, "invalid", "body"},
		{"ErrNotFound", "GET", "/api/elders/does-not-exist", nil, 404, "not_found", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := tok
			if tc.code == "unauthorized" {
				tk = ""
			}
			if strings.HasSuffix(tc.path, "/quota") {
				tk = city // a county's quota is set above it
			}
			var r platformtest.Response
			if s, ok := tc.body.(string); ok {
				r = h.Do(tc.method, tc.path, tk, []byte(s))
			} else {
				r = h.Do(tc.method, tc.path, tk, tc.body)
			}
			var e struct {
				Error struct{ Code, Message, Field string }
			}
			r.JSON(t, &e)
			if r.Status != tc.status || e.Error.Code != tc.code || e.Error.Field != tc.field || e.Error.Message == "" {
				t.Fatalf("%s %s: %d %s", tc.method, tc.path, r.Status, r.Body)
			}
		})
	}
}

// countyA is 市中区 (370101); the sibling county 370102 must reach none of it.
const countyA = "370101000000"

func inCounty(village, county string) bool { return registry.Within(village, county) }

// snapshot is everything of county A that a walk must leave unchanged.
func snapshot(t *testing.T, h *platformtest.Harness) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	es, err := h.P.Store.Elders(ctx, registry.Filter{Area: countyA, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	vs, _ := h.P.Store.Volunteers(ctx, registry.Filter{Area: countyA, Limit: 500})
	cs, _ := h.P.Store.Carers(ctx, registry.Filter{Area: countyA, Limit: 500})
	r, _ := h.P.Store.Region(ctx, countyA)
	accs, _, _ := h.P.Store.Accounts(ctx, countyA, page.Order{}, 0, 500)
	visits, _, _ := h.P.Store.Visits(ctx, visit.Filter{Area: countyA, Limit: 500})
	for _, v := range []any{es, vs, cs, r, accs, visits} {
		js, _ := json.Marshal(v)
		b.Write(js)
	}
	return b.String()
}

// TestSiblingCountyReachesNothing walks every operation of the OpenAPI
// document as an organizer of the sibling county 370102, and as a
// volunteer there, with path parameters naming county A's objects and
// query parameters naming county A. Nothing of county A may be read or
// changed: every answer is a refusal or carries none of its identifiers.
func TestSiblingCountyReachesNothing(t *testing.T) {
	h := platformtest.New(t)
	fx := fixtures(t, h)
	// Identifiers of county A that must never appear in an answer.
	secrets := []string{"370101"}
	for _, e := range h.Set.Elders {
		if inCounty(e.Village, countyA) {
			secrets = append(secrets, e.ID, e.IDNumber)
		}
	}
	for _, v := range h.Set.Volunteers {
		if inCounty(v.Village, countyA) {
			secrets = append(secrets, v.ID, v.IDNumber, v.Phone)
		}
	}
	for _, c := range h.Set.Carers {
		if inCounty(c.Village, countyA) {
			secrets = append(secrets, c.ID, c.Phone)
		}
	}
	for _, a := range h.Set.Accounts {
		if registry.Within(a.Region, countyA) {
			secrets = append(secrets, a.ID)
		}
	}
	var volB string
	for _, v := range h.Set.Volunteers {
		if inCounty(v.Village, "370102000000") {
			volB = v.Phone
			break
		}
	}
	callers := map[string]string{
		"organizer of 370102": h.Login("linxian"),
		"volunteer of 370102": h.PhoneLogin(volB, "volunteer"),
	}
	before := snapshot(t, h)
	doc, err := h.P.API.Spec()
	if err != nil {
		t.Fatal(err)
	}
	walked := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if path == "/api/auth/logout" {
				continue // would end the walker's own session
			}
			url := fx.url(t, path)
			q := []string{}
			for _, prm := range op.Parameters {
				switch prm.Value.Name {
				case "area", "parent":
					q = append(q, prm.Value.Name+"="+countyA)
				}
			}
			if len(q) > 0 {
				url += "?" + strings.Join(q, "&")
			}
			for who, tok := range callers {
				var r platformtest.Response
				switch {
				case op.RequestBody != nil && op.RequestBody.Value.Content.Get("multipart/form-data") != nil:
					r = h.Upload(url, tok, "a.csv", fx.csv)
				case op.RequestBody != nil:
					r = h.Do(method, url, tok, fx.body(method, path))
				default:
					r = h.Do(method, url, tok, nil)
				}
				walked++
				body := string(r.Body)
				if path == "/api/openapi.json" {
					continue
				}
				for _, s := range secrets {
					if s != "" && strings.Contains(body, s) {
						t.Errorf("%s: %s %s answered %d with county A's %q: %.300s", who, method, url, r.Status, s, body)
						break
					}
				}
				if r.Status >= 500 {
					t.Errorf("%s: %s %s: %d %s", who, method, url, r.Status, body)
				}
			}
		}
	}
	if after := snapshot(t, h); after != before {
		t.Errorf("county A's records changed during the walk")
	}
	if walked < 60 {
		t.Fatalf("walked only %d requests", walked)
	}
	// The walker's targets exist and are reachable by county A's organizer.
	if r := h.Do("GET", "/api/elders/"+fx.elder.ID, h.Login("szq"), nil); r.Status != 200 {
		t.Fatalf("county A organizer cannot read its own elder: %d", r.Status)
	}
}

// TestErrorsSpeakChinese: every refusal names the JSON field and says in
// Chinese what is wanted — no JSON names, Go types or codes in the
// message, the allowed values by their Chinese names; `null`, `{}` and
// text of only invisible characters change nothing.
func TestErrorsSpeakChinese(t *testing.T) {
	h := platformtest.New(t)
	tok, city := h.Login("szq"), h.Login("jinan")
	vol := map[string]any{"name": "周青", "idNumber": pii.CompleteResidentID("37010120010203004"), "phone": "13912340009", "type": "doctor",
		"village": "370101001002", "capacity": 2, "sourceKind": "university"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for x, y := range vol {
			m[x] = y
		}
		m[k] = v
		return m
	}
	var e registry.Elder
	h.Do("GET", "/api/elders/"+h.Set.Elders[0].ID, tok, nil).JSON(t, &e)
	for _, tc := range []struct {
		name, method, path string
		body               any
		field, wants       string
	}{
		{"NullBody", "PUT", "/api/regions/370101000000/quota", []byte(`null`), "body", "JSON 对象"},
		{"EmptyObject", "PUT", "/api/regions/370101000000/quota", []byte(`{}`), "quota", "请填写名额"},
		{"WrongType", "POST", "/api/volunteers", []byte(`{"name":42}`), "name", "姓名类型错误, 应为文本"},
		{"OneOf", "POST", "/api/volunteers", with("skills", []string{"juggling"}), "skills[0]", "按摩理疗"},
		{"OneOfType", "POST", "/api/volunteers", with("type", "pilot"), "type", "邻里志愿者"},
		{"Required", "POST", "/api/volunteers", with("name", ""), "name", "请填写姓名"},
		{"ZeroWidth", "POST", "/api/volunteers", with("name", "\u200b\u200b"), "name", "请填写姓名"},
		{"Date", "POST", "/api/carers", map[string]any{"name": "王芳", "idNumber": pii.CompleteResidentID("37010119800203004"), "phone": "13912340010", "village": "370101001002", "startDate": "2026/01/01"}, "startDate", "开始日期应为日期, 格式如"},
		{"ZeroWidthReason", "POST", "/api/elders/" + e.ID + "/status", map[string]any{"status": "moved", "date": "2026-10-01", "reason": "\u200b", "version": e.Version}, "reason", "原因"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := tok
			if strings.HasSuffix(tc.path, "/quota") {
				tk = city // a county's quota is set above it
			}
			r := h.Do(tc.method, tc.path, tk, tc.body)
			var got struct {
				Error struct{ Code, Message, Field string }
			}
			r.JSON(t, &got)
			if r.Status != 400 || got.Error.Field != tc.field || !strings.Contains(got.Error.Message, tc.wants) {
				t.Fatalf("%s %s: %d %s; want field %s and %q", tc.method, tc.path, r.Status, r.Body, tc.field, tc.wants)
			}
			if m := regexp.MustCompile(`[A-Za-z_]{2,}`).FindString(strings.ReplaceAll(got.Error.Message, "JSON", "")); m != "" {
				t.Fatalf("message %q shows %q", got.Error.Message, m)
			}
		})
	}
	var after registry.Elder
	h.Do("GET", "/api/elders/"+e.ID, tok, nil).JSON(t, &after)
	if after.Status != e.Status || after.Version != e.Version {
		t.Fatalf("a refused status change changed the elder: %s v%d → %s v%d", e.Status, e.Version, after.Status, after.Version)
	}
	var d struct {
		Fields map[string]string
		Codes  map[string]map[string]string
	}
	if r := h.Do("GET", "/api/public/dict", "", nil); r.Status != 200 {
		t.Fatalf("dict: %d", r.Status)
	} else if r.JSON(t, &d); d.Fields["reason"] != "原因" || d.Codes["skill"]["opera"] != "戏曲表演" {
		t.Fatalf("dict: %s", r.Body)
	}
}
